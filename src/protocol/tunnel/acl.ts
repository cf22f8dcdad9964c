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
 *
 * `allowedTopics` lists the same rules per principal as topic filters (what an external broker's
 * per-client ACL entries are made of: Mosquitto dynamic security, src/server/gateway/mosquitto-dynsec.ts);
 * the table test holds both views equal.
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
/** Leaf of a reply to a platform node: `<prefix>n/<nodeId>/res`, any node (the one that asked). */
const NODE_REPLY_LEAF = 'res';
/** The hubs' announcements, which agents (only) may read. */
const HUB_ANNOUNCE = 'hub/announce';
/** The gateways' announcements, which bound devices (only) may read. */
const GATEWAY_ANNOUNCE = 'gw/announce';

/**
 * What one principal may do, as MQTT topic filters: `publish` may hold `+` (any node id of a
 * reply topic), `subscribe` is literal — exactly the filters the principal may subscribe to, no
 * wildcard among them. The platform gets the whole prefix (`<prefix>#`).
 */
export interface AllowedTopics {
  publish: string[];
  subscribe: string[];
}

export function allowedTopics(prefix: string, who: BrokerPrincipal): AllowedTopics {
  const p = normalizePrefix(prefix);
  if (who.kind === 'platform') return { publish: [`${p}#`], subscribe: [`${p}#`] };
  const [kind, id] = who.kind === 'device' ? ['d', who.serial] : ['a', who.agentId];
  if (!isSafeTopicId(id)) throw new Error(`not a topic-safe ${who.kind} id: ${JSON.stringify(id)}`);
  const [pubs, subs] = who.kind === 'device' ? [DEVICE_PUBLISHES, DEVICE_SUBSCRIBES] : [AGENT_PUBLISHES, AGENT_SUBSCRIBES];
  return {
    publish: [...[...pubs].map((leaf) => `${p}${kind}/${id}/${leaf}`), `${p}n/+/${NODE_REPLY_LEAF}`],
    subscribe: [...[...subs].map((leaf) => `${p}${kind}/${id}/${leaf}`), `${p}${who.kind === 'agent' ? HUB_ANNOUNCE : GATEWAY_ANNOUNCE}`],
  };
}

/**
 * What a device may do while it registers (it has no key yet): say hello — its registration hellos
 * and its sealed code proofs — and read its acks. No presence or events (nothing to sign them with),
 * no requests (the platform sends them only to a bound device), no replies to nodes. What an
 * external broker's registration account grants (Mosquitto: `allowDevice(serial, password, 'register')`).
 */
export function registrationTopics(prefix: string, serial: string): AllowedTopics {
  const p = normalizePrefix(prefix);
  if (!isSafeTopicId(serial)) throw new Error(`not a topic-safe device id: ${JSON.stringify(serial)}`);
  return { publish: [`${p}d/${serial}/hello`], subscribe: [`${p}d/${serial}/ack`] };
}

/**
 * Why a refused PUBLISH or SUBSCRIBE was refused, for the metrics label: a wildcard filter; a topic
 * outside the device cloud's prefix ($SYS, $CONTROL, anything else); another device's or agent's
 * topic (or a node's, other than a reply); one of its own topics it may not use that way.
 */
export type RefusalReason = 'wildcard' | 'outside_prefix' | 'other_party' | 'not_allowed';

export function refusalReason(prefix: string, who: BrokerPrincipal, topic: string): RefusalReason {
  if (topic.includes('+') || topic.includes('#')) return 'wildcard';
  const p = normalizePrefix(prefix);
  if (!topic.startsWith(p)) return 'outside_prefix';
  const parts = topic.slice(p.length).split('/');
  const own = (who.kind === 'device' && parts[0] === 'd' && parts[1] === who.serial) || (who.kind === 'agent' && parts[0] === 'a' && parts[1] === who.agentId);
  return own ? 'not_allowed' : 'other_party';
}

/** MQTT filter matching (`+` one level, `#` the rest, `$` topics only by filters that name them). Pure. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && !filter.startsWith('$')) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

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
      if (kind === 'n' && leaf === NODE_REPLY_LEAF) return true; // a reply to the platform node that asked (signed; checked there)
      if (!own(who, kind, id)) return false;
      return (who.kind === 'device' ? DEVICE_PUBLISHES : AGENT_PUBLISHES).has(leaf);
    },
    maySubscribe(who, filter) {
      if (who.kind === 'platform') return true;
      if (who.kind === 'agent' && filter === `${p}${HUB_ANNOUNCE}`) return true;
      if (who.kind === 'device' && filter === `${p}${GATEWAY_ANNOUNCE}`) return true;
      const t = split(filter);
      if (!t) return false;
      const [kind, id, leaf] = t;
      if (!own(who, kind, id)) return false;
      return (who.kind === 'device' ? DEVICE_SUBSCRIBES : AGENT_SUBSCRIBES).has(leaf);
    },
  };
}
