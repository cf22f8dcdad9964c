/**
 * The platform's agent directory for the AgentHub and the broker's authenticate hook: enrolled
 * agents' keys, sealed at rest with the SecretBox (the agent id is the associated data, so a
 * sealed key copied to another row does not open), and open enrolments. Read fresh every time, so
 * a revocation reaches every node at the agent's next message.
 */
import type { AgentDirectory } from '../gateway/agent-hub';
import type { Clock } from '../lib/clock';
import type { SecretBox } from '../security/secret-box';
import type { SiteAgentRepository } from './site-agent.repository';

export function sealedKeyContext(agentId: string): string {
  return `site-agent-key:${agentId}`;
}

export function createAgentDirectory(deps: { agents: () => SiteAgentRepository; secrets: SecretBox; clock: Clock }): AgentDirectory {
  const { secrets, clock } = deps;
  return {
    async find(agentId) {
      const r = await deps.agents().findKey(agentId);
      if (!r) return null;
      return { key: Buffer.from(secrets.open(r.keySealed, sealedKeyContext(agentId)), 'base64'), siteId: r.siteId, ...(r.enrolledAt ? { enrolledAt: r.enrolledAt.getTime() } : {}) };
    },
    async findEnrolment(agentId) {
      const r = await deps.agents().findEnrolment(agentId, clock.now());
      return r ? { enrolKey: Buffer.from(r.enrolKeyHash, 'hex') } : null;
    },
    async completeEnrolment(agentId, key, version) {
      const r = await deps.agents().completeEnrolment(agentId, secrets.seal(key.toString('base64'), sealedKeyContext(agentId)), version, clock.now());
      return r ? { key, siteId: r.siteId } : null;
    },
    async seen(agentId, version) {
      await deps.agents().seen(agentId, clock.now(), version);
    },
  };
}
