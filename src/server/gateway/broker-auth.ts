/**
 * The embedded broker's authenticate hook (decision 0002): devices connect as `dev:<serial>` with
 * an HMAC proof of their key, agents as `agent:<agentId>` with their site token, platform nodes
 * with the platform's own credentials. Anything else is refused. An external broker needs the
 * equivalent (e.g. EMQX HTTP auth pointing at the platform); message signatures still protect
 * everything on an anonymous one.
 */
import { timingSafeEqual } from 'node:crypto';
import type { BrokerAuthenticate } from '../broker';
import { AGENT_USER_PREFIX, DEVICE_USER_PREFIX, agentIdForToken, deviceConnectProof, isSafeTopicId, safeEqualHex } from '../../protocol/tunnel/envelope';
import type { GatewayStore } from './gateway.types';
import type { BrokerPrincipal } from '../../protocol/tunnel/acl';

export interface BrokerAuthOptions {
  store: Pick<GatewayStore, 'getRegistration'>;
  /** Credentials of the platform's own nodes (gateway, agent hub). */
  platformUsername: string;
  platformPassword: string;
  /** Let unknown serials connect so they can register (trust on first use). */
  allowFirstRegistration?: boolean;
  /** Truthy when the token is valid (e.g. AgentHub's verifyToken). */
  verifyAgentToken?: (token: string) => unknown;
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
      // Unknown device: it may connect to register (its own topics only); the hello protocol decides what it gets.
      if (!reg) return opts.allowFirstRegistration !== false ? device : null;
      // After a code change the device still proves the registered (old) key until it has rotated.
      return safeEqualHex(secret, deviceConnectProof(Buffer.from(reg.keyHex, 'hex'), serial)) ? device : null;
    }
    if (username.startsWith(AGENT_USER_PREFIX) && opts.verifyAgentToken) {
      const agentId = username.slice(AGENT_USER_PREFIX.length);
      if (agentIdForToken(secret) !== agentId) return null;
      return (await opts.verifyAgentToken(secret)) ? { kind: 'agent', agentId } : null;
    }
    return null;
  };
}
