/**
 * Device addresses as installers type them or codes carry them, checked before the platform
 * connects anywhere: an IP literal or a host name, nothing else (no port, path, query, user info,
 * zone id or white space), in one canonical form — IPv4-mapped IPv6 becomes IPv4, and the
 * ambiguous IPv4 spellings a URL parser would quietly turn into an address (`2130706433`,
 * `0177.0.0.1`, `0x7f.1`) are refused rather than guessed. Pure: no name resolution here; the
 * caller resolves a host name and classifies each address it gets.
 */
import ipaddr from 'ipaddr.js';
import { AppError } from '../../errors/app-error';

/** Where an address points, as far as who may connect there is concerned. */
export type AddressRange = 'loopback' | 'link_local' | 'private' | 'public' | 'special';

export interface DeviceHost {
  /** Canonical text: dotted-quad IPv4, compressed lower-case IPv6 (no brackets), lower-case host name. */
  host: string;
  kind: 'ipv4' | 'ipv6' | 'hostname';
  /** For IP literals (and `localhost`); a host name's range is known only once it is resolved. */
  range?: AddressRange;
}

const MAX_HOST = 253;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function invalid(text: string, why: string): AppError {
  return new AppError('DEVICE_HOST_INVALID', `"${text.slice(0, 80)}" is not a device address: ${why}.`, { details: { reason: why } });
}

/** The range of an IP address in canonical form (see `parseDeviceHost`). */
export function addressRange(ip: string): AddressRange {
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  switch (addr.range()) {
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'link_local';
    case 'private':
    case 'uniqueLocal':
    case 'carrierGradeNat':
      return 'private';
    case 'unicast':
      return 'public';
    default: // unspecified, broadcast, multicast, reserved, documentation, translation prefixes …
      return 'special';
  }
}

export function parseDeviceHost(input: string): DeviceHost {
  const text = input.trim();
  if (text === '') throw invalid(input, 'it is empty');
  if (text.length > MAX_HOST + 2) throw invalid(input, 'it is too long');
  // eslint-disable-next-line no-control-regex
  if (/[\s/\\?#@%\u0000-\u001f\u007f]/.test(text)) throw invalid(input, 'give only the IP address or host name (no port, path, user name or spaces)');
  const bracketed = text.startsWith('[') && text.endsWith(']');
  const bare = bracketed ? text.slice(1, -1) : text;
  if (bare.includes(':')) {
    if (!ipaddr.IPv6.isValid(bare)) throw invalid(input, 'give the port in its own field, and an IPv6 address in full');
    let addr: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.IPv6.parse(bare);
    if (addr.isIPv4MappedAddress()) addr = addr.toIPv4Address();
    const host = addr.toString();
    return { host, kind: addr.kind(), range: addressRange(host) };
  }
  if (bracketed) throw invalid(input, 'only IPv6 addresses go in brackets');
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) {
    // Four decimal parts without leading zeros (those would be octal to some parsers): already canonical.
    const host = ipaddr.IPv4.parse(bare).toString();
    return { host, kind: 'ipv4', range: addressRange(host) };
  }
  const name = bare.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (name.length > MAX_HOST || !labels.every((l) => LABEL.test(l))) throw invalid(input, 'it is neither an IP address nor a host name');
  // A name whose last label is a number is what URL parsers read as an (odd) IPv4 address.
  if (/^(0x[0-9a-f]*|[0-9]+)$/.test(labels[labels.length - 1]!)) throw invalid(input, 'write an IPv4 address as four decimal numbers, like 192.168.1.64');
  if (name === 'localhost' || name.endsWith('.localhost')) return { host: name, kind: 'hostname', range: 'loopback' };
  return { host: name, kind: 'hostname' };
}

/** `host` as it goes into a URL authority (IPv6 in brackets). */
export function urlHost(h: DeviceHost): string {
  return h.kind === 'ipv6' ? `[${h.host}]` : h.host;
}
