/**
 * Site agents per site: the installer admin adds one (a one-time enrolment token, shown once; only
 * its hash is kept) and revokes it; whoever may see the site sees its agents. What a running agent
 * does is the AgentHub's business; this service decides and records (audited), and tells the
 * device cloud through `AgentLink` (cut a revoked agent off, hand broker credentials to an
 * external broker's account).
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import { agentEnrolKey, agentIdForToken } from '../../protocol/tunnel/envelope';
import type { Actor, RequestMeta } from '../auth/actor';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Clock } from '../lib/clock';
import { requireSiteAccess } from '../sites/site-access';
import type { SiteAgentRecord } from './site-agent.repository';

export interface AgentLink {
  /** Connected and accepted right now (this node's hub). */
  isOnline(agentId: string): boolean;
  /** A new enrolment: the broker CONNECT password it may use once (an external broker's account). */
  issued(agentId: string, connectPassword: string): Promise<void>;
  /** Revoked: close its broker connection and stop all requests to it, now. */
  revoked(agentId: string): Promise<void>;
}

export interface SiteAgentSettings {
  /** The broker URL agents are told to use (no credentials). */
  brokerUrl: string;
  enrolTtlMs: number;
}

export type SiteAgentState = 'enrolling' | 'expired' | 'enrolled';

export interface SiteAgentView {
  id: string;
  name: string;
  state: SiteAgentState;
  online: boolean;
  version: string | null;
  lastSeenAt: Date | null;
  enrolledAt: Date | null;
  enrolExpiresAt: Date | null;
  createdAt: Date;
}

/** The exact command line an installer runs on the site network. */
export function agentCommand(brokerUrl: string, token: string): string {
  return `npx sitekeeper agent --server ${brokerUrl} --token ${token}`;
}

export class SiteAgentService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly link: AgentLink,
    private readonly settings: SiteAgentSettings,
  ) {}

  #view(a: SiteAgentRecord): SiteAgentView {
    const state: SiteAgentState = a.enrolledAt ? 'enrolled' : a.enrolExpiresAt && a.enrolExpiresAt > this.clock.now() ? 'enrolling' : 'expired';
    return {
      id: a.id, name: a.name, state, online: state === 'enrolled' && this.link.isOnline(a.id), version: a.version, lastSeenAt: a.lastSeenAt,
      enrolledAt: a.enrolledAt, enrolExpiresAt: a.enrolledAt ? null : a.enrolExpiresAt, createdAt: a.createdAt,
    };
  }

  async list(actor: Actor, siteId: string): Promise<SiteAgentView[]> {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_devices');
    return (await this.uow.read.siteAgents.listBySite(siteId)).map((a) => this.#view(a));
  }

  async create(actor: Actor, siteId: string, input: { name?: string }, meta: RequestMeta): Promise<{ agent: SiteAgentView; agentId: string; token: string; command: string; expiresAt: Date }> {
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN', 'Only the installer admin can add site agents.');
    // A prefix an installer recognises in a config file or a leaked paste; 32 random bytes after it.
    const token = `ska_${randomBytes(32).toString('base64url')}`;
    const agentId = agentIdForToken(token);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.settings.enrolTtlMs);
    const agent = await this.uow.tx(async (r) => {
      const site = await requireSiteAccess(actor, siteId, r.sites, true, 'configure_device');
      const name = input.name?.trim() || `Agent ${agentId.slice(3, 9)}`;
      const created = await r.siteAgents.create({ id: agentId, siteId, name, enrolKeyHash: agentEnrolKey(token).toString('hex'), enrolExpiresAt: expiresAt, createdBy: actor.id, now });
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site_agent.create', targetType: 'site_agent', targetId: agentId, outcome: 'success',
        details: { targetLabel: name, siteId, siteName: site.name, expiresAt: expiresAt.toISOString() }, correlationId: meta.correlationId,
      });
      return created;
    });
    await this.link.issued(agentId, token);
    return { agent: this.#view(agent), agentId, token, command: agentCommand(this.settings.brokerUrl, token), expiresAt };
  }

  async revoke(actor: Actor, siteId: string, agentId: string, meta: RequestMeta): Promise<void> {
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN', 'Only the installer admin can revoke site agents.');
    await this.uow.tx(async (r) => {
      await requireSiteAccess(actor, siteId, r.sites, true, 'configure_device');
      const agent = await r.siteAgents.find(agentId);
      if (!agent || agent.siteId !== siteId || agent.revokedAt) throw new AppError('AGENT_NOT_FOUND', undefined, { details: { agentId } });
      await r.siteAgents.revoke(agentId, actor.id, this.clock.now());
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site_agent.revoke', targetType: 'site_agent', targetId: agentId, outcome: 'success',
        details: { targetLabel: agent.name, siteId }, correlationId: meta.correlationId,
      });
    });
    // After the commit: every node's hub and broker hook now refuse it; this node also cuts its connection.
    await this.link.revoked(agentId);
  }
}
