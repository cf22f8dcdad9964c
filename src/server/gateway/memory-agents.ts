/**
 * An AgentDirectory in memory, for tests and tools that run a hub without a database: enrolments
 * made here behave like the platform's (one-time, expiring, revocable).
 */
import { randomBytes } from 'node:crypto';
import { agentEnrolKey, agentIdForToken } from '../../protocol/tunnel/envelope';
import type { AgentDirectory, AgentRecord } from './agent-hub';

interface Entry {
  siteId?: string;
  enrolKey?: Buffer;
  enrolUntil?: number;
  key?: Buffer;
  enrolledAt?: number;
  revoked?: boolean;
  version?: string;
}

export class MemoryAgentDirectory implements AgentDirectory {
  readonly #agents = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new one-time enrolment for a site: the token to give the agent, and its id. */
  enrol(siteId?: string, ttlMs = 3_600_000): { agentId: string; token: string } {
    const token = `ska_${randomBytes(32).toString('base64url')}`;
    const agentId = agentIdForToken(token);
    this.#agents.set(agentId, { ...(siteId ? { siteId } : {}), enrolKey: agentEnrolKey(token), enrolUntil: this.now() + ttlMs });
    return { agentId, token };
  }

  revoke(agentId: string): void {
    const a = this.#agents.get(agentId);
    if (a) this.#agents.set(agentId, { ...(a.siteId ? { siteId: a.siteId } : {}), revoked: true });
  }

  isEnrolled(agentId: string): boolean {
    return this.#agents.get(agentId)?.key !== undefined;
  }

  find(agentId: string): AgentRecord | null {
    const a = this.#agents.get(agentId);
    return a?.key && !a.revoked ? { key: a.key, ...(a.siteId ? { siteId: a.siteId } : {}), ...(a.enrolledAt !== undefined ? { enrolledAt: a.enrolledAt } : {}) } : null;
  }

  findEnrolment(agentId: string): { enrolKey: Buffer } | null {
    const a = this.#agents.get(agentId);
    return a?.enrolKey && !a.key && !a.revoked && (a.enrolUntil ?? 0) > this.now() ? { enrolKey: a.enrolKey } : null;
  }

  completeEnrolment(agentId: string, key: Buffer, version: string): AgentRecord | null {
    if (!this.findEnrolment(agentId)) return null;
    const a = this.#agents.get(agentId)!;
    delete a.enrolKey;
    delete a.enrolUntil;
    a.key = key;
    a.enrolledAt = this.now();
    a.version = version;
    return this.find(agentId);
  }
}
