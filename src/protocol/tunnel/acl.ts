/**
 * Who may publish and subscribe to what on the device cloud (decision 0002). Pure: the embedded
 * broker asks it on every PUBLISH and SUBSCRIBE; the same rules are what an external broker's ACLs
 * (Mosquitto dynamic security, EMQX) must express.
 *
 * - The platform's own nodes: everything.
 * - A device (`dev:<serial>`): publishes its own hello, presence and events, and replies to a
 *   platform node; subscribes to its own requests and acks. Nothing else — no wildcards, no other
 *   device's topics, no presence of others (which would let it test verification-code guesses).
 * - A site agent (`agent:<id>`): the same for its own agent topics, plus the hubs' announcements.
 */
import { isSafeTopicId, normalizePrefix } from './envelope';

export type BrokerPrincipal = { kind: 'platform' } | { kind: 'device'; serial: string } | { kind: 'agent'; agentId: string };

export interface TopicAcl {
  mayPublish(who: BrokerPrincipal, topic: string): boolean;
  maySubscribe(who: BrokerPrincipal, filter: string): boolean;
}

const DEVICE_PUBLISHES = new Set(['hello', 'presence', 'event']);
const DEVICE_SUBSCRIBES = new Set(['req', 'ack']);
const AGENT_PUBLISHES = new Set(['hello', 'presence']);
const AGENT_SUBSCRIBES = new Set(['req', 'ack']);

export function createTopicAcl(prefix: string): TopicAcl {
  const p = normalizePrefix(prefix);
  /** `[kind, id, leaf]` of `<prefix><kind>/<id>/<leaf>`, or null for anything else. */
  const split = (topic: string): [string, string, string] | null => {
    if (!topic.startsWith(p) || topic.includes('+') || topic.includes('#')) return null;
    const parts = topic.slice(p.length).split('/');
    return parts.length === 3 && isSafeTopicId(parts[1]!) ? (parts as [string, string, string]) : null;
  };
  const own = (who: BrokerPrincipal, kind: string, id: string) =>
    (who.kind === 'device' && kind === 'd' && id === who.serial) || (who.kind === 'agent' && kind === 'a' && id === who.agentId);
  return {
    mayPublish(who, topic) {
      if (who.kind === 'platform') return true;
      const t = split(topic);
      if (!t) return false;
      const [kind, id, leaf] = t;
      if (kind === 'n' && leaf === 'res') return true; // a reply to the platform node that asked (signed; checked there)
      if (!own(who, kind, id)) return false;
      return (who.kind === 'device' ? DEVICE_PUBLISHES : AGENT_PUBLISHES).has(leaf);
    },
    maySubscribe(who, filter) {
      if (who.kind === 'platform') return true;
      if (who.kind === 'agent' && filter === `${p}hub/announce`) return true;
      const t = split(filter);
      if (!t) return false;
      const [kind, id, leaf] = t;
      if (!own(who, kind, id)) return false;
      return (who.kind === 'device' ? DEVICE_SUBSCRIBES : AGENT_SUBSCRIBES).has(leaf);
    },
  };
}
