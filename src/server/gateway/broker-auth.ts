/**
 * The embedded broker's authenticate hook (decision 0002): devices connect as `dev:<serial>` with
 * an HMAC proof of their issued key (unbound serials with anything, to register), agents as `agent:<agentId>` with an HMAC proof of their key (or, to
 * enrol, once, their one-time enrolment token — a CONNECT password, never published), platform nodes
 * with the platform's own credentials. Anything else is refused. An external broker needs the
 * equivalent: on Mosquitto with MQTT_DYNSEC the platform makes the accounts itself
 * (mosquitto-dynsec.ts); message signatures still protect everything on an anonymous one.
 */
import { timingSafeEqual } from 'node:crypto';
import type { BrokerAuthenticate } from '../broker';
import { AGENT_USER_PREFIX, DEVICE_USER_PREFIX, agentConnectProof, agentEnrolKey, agentIdForToken, deviceConnectProof, isSafeTopicId, safeEqualHex } from '../../protocol/tunnel/envelope';
import type { AgentDirectory } from './agent-hub';
import type { GatewayStore } from './gateway.types';
import type { BrokerPrincipal } from '../../protocol/tunnel/acl';

export interface BrokerAuthOptions {
  store: Pick<GatewayStore, 'getRegistration'>;
  /** Credentials of the platform's own nodes (gateway, agent hub). */
  platformUsername: string;
  platformPassword: string;
  /** Let unbound serials connect so they can register (bound only after proof of the code). */
  allowFirstRegistration?: boolean;
  /** The platform's agents (the same directory as the AgentHub's); absent: no agent may connect. */
  agents?: Pick<AgentDirectory, 'find' | 'findEnrolment'>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Authenticates a client and says who it is: the broker's ACL (src/protocol/tunnel/acl.ts) then confines it. */
export function createBrokerAuthenticator(opts: BrokerAuthOptions): BrokerAuthenticate {
  return async (_clientId, username, password): Promise<BrokerPrincipal | null> => {
    if (!username || !password) return null;
    const secret = password.toString('utf8');
    if (username === opts.platformUsername) return sameSecret(secret, opts.platformPassword) ? { kind: 'platform' } : null;
    if (username.startsWith(DEVICE_USER_PREFIX)) {
      const serial = username.slice(DEVICE_USER_PREFIX.length);
      if (!isSafeTopicId(serial)) return null;
      const device: BrokerPrincipal = { kind: 'device', serial };
      const reg = await opts.store.getRegistration(serial);
      // Unbound device: it may connect to register (its own topics only). It gets nothing until it proves
      // the installer's code through the registration protocol (decision 0002).
      if (!reg) return opts.allowFirstRegistration !== false ? device : null;
      // Bound: it must prove the issued key (or, until its next hello replaces it, the legacy derived key).
      return safeEqualHex(secret, deviceConnectProof(Buffer.from(reg.keyHex, 'hex'), serial)) ? device : null;
    }
    if (username.startsWith(AGENT_USER_PREFIX) && opts.agents) {
      const agentId = username.slice(AGENT_USER_PREFIX.length);
      if (!isSafeTopicId(agentId)) return null;
      const agent: BrokerPrincipal = { kind: 'agent', agentId };
      const enrolled = await opts.agents.find(agentId);
      if (enrolled) return safeEqualHex(secret, agentConnectProof(enrolled.key, agentId)) ? agent : null;
      // Not enrolled yet: its one-time token, whose hash the platform holds until the agent enrols.
      if (agentIdForToken(secret) !== agentId) return null;
      const pending = await opts.agents.findEnrolment(agentId);
      return pending && timingSafeEqual(pending.enrolKey, agentEnrolKey(secret)) ? agent : null;
    }
    return null;
  };
}
