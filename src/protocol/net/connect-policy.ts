/**
 * Where the platform may connect when an installer (or a code) names a device by address: pure,
 * table-tested (connect-policy.test.ts). The caller resolves a host name once, asks about every
 * address it got, and connects to the address it asked about (no second lookup between the check
 * and the connection).
 *
 * By default the platform's own direct transport refuses its own host and the addresses nobody
 * should reach from a server (loopback, link-local with the cloud metadata service, unspecified,
 * multicast, broadcast and the other special ranges, IPv6 forms that embed an IPv4 address), and
 * the platform's own ports (HTTP, embedded broker, embedded PostgreSQL) on any local address, even
 * when allowed. Private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) belong to the
 * site: they are reached through the site's agent, not from the server's network. Public
 * addresses are reached directly. The operator may allow ranges for the direct transport
 * explicitly (DEVICE_ALLOWED_RANGES, e.g. `127.0.0.0/8` for a lab).
 */
import ipaddr from 'ipaddr.js';
import { AppError } from '../../errors/app-error';
import { addressRange } from './device-host';

export type ConnectRoute = 'direct' | 'agent' | 'refuse';

/** Why the policy decided as it did (for debug logs and tests; never shown to the user). */
export type ConnectReason = 'allowed_range' | 'agent_target' | 'own_port' | 'loopback' | 'link_local' | 'special' | 'private' | 'public' | 'bad_port';

export interface ConnectDecision {
  route: ConnectRoute;
  reason: ConnectReason;
}

/** A parsed CIDR range. */
export type CidrRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface ConnectPolicy {
  /** Ranges the operator allows for the direct transport (DEVICE_ALLOWED_RANGES). */
  allowedRanges: readonly CidrRange[];
  /** Ports the platform itself listens on: refused on any local address, allowed range or not. */
  ownPorts: readonly number[];
  /** This host's own addresses besides loopback and unspecified (its interfaces), canonical. */
  localAddresses?: readonly string[];
  /**
   * Exact `address:port` pairs on this host that the server's embedded agent serves (the demo
   * fleet of `npm start`): routed to the agent, not refused.
   */
  agentTargets?: ReadonlyArray<{ address: string; port: number }>;
}

/** IPv4-mapped IPv6 becomes IPv4; anything else as parsed. */
function canonical(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const a = ipaddr.parse(address);
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
}

function inRange(a: ipaddr.IPv4 | ipaddr.IPv6, r: CidrRange): boolean {
  return a.kind() === r[0].kind() && a.match(r);
}

/**
 * A comma-separated list of CIDR ranges (`127.0.0.0/8, ::1/128`); a bare address is its own /32
 * or /128. Throws DEVICE_HOST_INVALID naming the first entry that is not a range.
 */
export function parseCidrList(text: string): CidrRange[] {
  const out: CidrRange[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    try {
      if (entry.includes('/')) {
        const [addr, bits] = ipaddr.parseCIDR(entry);
        // `::ffff:127.0.0.0/104` is the IPv4 range it maps (addresses are checked in IPv4 form).
        const mapped = addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96;
        out.push(mapped ? [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96] : [addr, bits]);
      } else {
        const addr = canonical(entry);
        out.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
      }
    } catch {
      throw new AppError('DEVICE_HOST_INVALID', `"${entry.slice(0, 80)}" is not an address range (CIDR like 127.0.0.0/8 or fd00::/8).`, { details: { reason: 'not a CIDR range' } });
    }
  }
  return out;
}

/** The text form of a range (for logs and the banner). */
export function formatCidr(r: CidrRange): string {
  return `${r[0].toString()}/${r[1]}`;
}

/** Whether `address` is this host: loopback, unspecified, or one of its own interface addresses. */
function isLocal(a: ipaddr.IPv4 | ipaddr.IPv6, policy: ConnectPolicy): boolean {
  const range = a.range();
  if (range === 'loopback' || range === 'unspecified') return true;
  const text = a.toString();
  return (policy.localAddresses ?? []).some((l) => {
    try {
      return canonical(l).toString() === text;
    } catch {
      return false;
    }
  });
}

/** The decision for one IP address (canonical or not; IPv4-mapped counts as IPv4) and port. */
export function connectDecision(address: string, port: number, policy: ConnectPolicy): ConnectDecision {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { route: 'refuse', reason: 'bad_port' };
  if (!ipaddr.isValid(address)) return { route: 'refuse', reason: 'special' };
  const a = canonical(address);
  if (policy.ownPorts.includes(port) && isLocal(a, policy)) return { route: 'refuse', reason: 'own_port' };
  const text = a.toString();
  if ((policy.agentTargets ?? []).some((t) => t.port === port && canonical(t.address).toString() === text)) return { route: 'agent', reason: 'agent_target' };
  if (policy.allowedRanges.some((r) => inRange(a, r))) return { route: 'direct', reason: 'allowed_range' };
  const range = addressRange(text);
  switch (range) {
    case 'public':
      return { route: 'direct', reason: 'public' };
    case 'private':
      return { route: 'agent', reason: 'private' };
    default:
      return { route: 'refuse', reason: range };
  }
}

/**
 * The decision for a host name's resolved addresses: every one is checked (a name that also
 * points somewhere refused is refused: the resolver's order must not decide), and the first one is
 * where to connect. No addresses: refused.
 */
export function connectDecisionForAll(addresses: readonly string[], port: number, policy: ConnectPolicy): ConnectDecision & { address: string | null } {
  if (addresses.length === 0) return { route: 'refuse', reason: 'special', address: null };
  const decisions = addresses.map((a) => connectDecision(a, port, policy));
  const refused = decisions.find((d) => d.route === 'refuse');
  if (refused) return { ...refused, address: null };
  return { ...decisions[0]!, address: canonical(addresses[0]!).toString() };
}
