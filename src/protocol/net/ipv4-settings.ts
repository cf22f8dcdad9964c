/**
 * The rules for a device's IPv4 settings and service ports as an installer types them (remote
 * configuration, issue 16), shared by the server (which refuses with VALIDATION_FAILED) and the
 * web form (which shows them beside the fields). Pure: dotted-quad text in, a list of problems out.
 */

/** A dotted-quad IPv4 address, each part 0–255 without leading zeros (TypeBox `pattern`). */
export const IPV4_PATTERN = '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$';
/** The same, or empty (none). */
export const IPV4_OR_EMPTY_PATTERN = `^$|${IPV4_PATTERN}`;

const IPV4 = new RegExp(IPV4_PATTERN);

/** What devices write for "no address" (an unset gateway or DNS server). */
export const NO_ADDRESS = '0.0.0.0';

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** The address as an unsigned 32-bit number (the text must be an IPv4 address). */
export function ipv4ToInt(text: string): number {
  return text.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

/** The prefix length of a contiguous netmask (`255.255.255.0` → 24), or null when it is not one. */
export function netmaskPrefix(mask: string): number | null {
  if (!isIpv4(mask)) return null;
  const m = ipv4ToInt(mask);
  const inverted = ~m >>> 0;
  // Contiguous: the host part is all ones from the bottom, i.e. inverted + 1 is a power of two.
  if ((inverted & (inverted + 1)) !== 0) return null;
  return 32 - Math.round(Math.log2(inverted + 1));
}

export interface Ipv4Settings {
  addressing: 'dhcp' | 'static';
  /** Empty: none (with DHCP the server gives address, mask and gateway). */
  ipAddress: string;
  subnetMask: string;
  defaultGateway: string;
  primaryDns: string;
  secondaryDns: string;
}

export interface SettingProblem {
  field: string;
  message: string;
}

/** Netmasks with room for at least two hosts. */
const MIN_PREFIX = 1;
const MAX_PREFIX = 30;

/**
 * What is wrong with the settings, field by field (empty: nothing). Static needs an address and a
 * netmask; the netmask must be contiguous (/1–/30); the address a usable host of its subnet; the
 * gateway, when given, another host of the same subnet; DNS servers, when given, IPv4 addresses.
 */
export function checkIpv4Settings(s: Ipv4Settings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });
  const given = (v: string) => v !== '' && v !== NO_ADDRESS;
  for (const field of ['ipAddress', 'subnetMask', 'defaultGateway', 'primaryDns', 'secondaryDns'] as const) {
    if (s[field] !== '' && !isIpv4(s[field])) bad(field, 'Enter an IPv4 address such as 192.168.1.64.');
  }
  if (problems.length > 0) return problems;
  if (s.addressing === 'dhcp') return problems;

  if (!given(s.ipAddress)) bad('ipAddress', 'A static address needs the IPv4 address.');
  const prefix = s.subnetMask === '' ? null : netmaskPrefix(s.subnetMask);
  if (s.subnetMask === '') bad('subnetMask', 'A static address needs the subnet mask.');
  else if (prefix === null || prefix < MIN_PREFIX || prefix > MAX_PREFIX) bad('subnetMask', 'Enter a valid subnet mask such as 255.255.255.0 (contiguous, /1 to /30).');
  if (problems.length > 0) return problems;

  const mask = ipv4ToInt(s.subnetMask);
  const ip = ipv4ToInt(s.ipAddress);
  const network = (ip & mask) >>> 0;
  const broadcast = (network | ~mask) >>> 0;
  const first = ip >>> 24;
  if (first === 127 || first >= 224) bad('ipAddress', 'Enter a unicast address (not loopback, multicast or reserved).');
  else if (ip === network || ip === broadcast) bad('ipAddress', `${s.ipAddress} is the network or broadcast address of its subnet.`);
  if (given(s.defaultGateway)) {
    const gw = ipv4ToInt(s.defaultGateway);
    if (((gw & mask) >>> 0) !== network) bad('defaultGateway', `The gateway must be in the device's subnet (${intToIpv4(network)}/${prefix}).`);
    else if (gw === ip) bad('defaultGateway', 'The gateway cannot be the device\'s own address.');
    else if (gw === network || gw === broadcast) bad('defaultGateway', `${s.defaultGateway} is the network or broadcast address of the subnet.`);
  }
  return problems;
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface PortSettings {
  httpPort: number;
  /** Absent: the device has no RTSP service (an alarm panel) or it is left as it is. */
  rtspPort?: number | undefined;
}

/**
 * What is wrong with the HTTP and RTSP ports: each 1–65535, different from each other and from the
 * device's other services (`others`: HTTPS, the SDK port…, as the device reports them).
 */
export function checkPorts(p: PortSettings, others: readonly { protocol: string; portNo: number }[] = []): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const ok = (n: number | undefined) => n === undefined || (Number.isInteger(n) && n >= 1 && n <= 65535);
  if (!ok(p.httpPort)) problems.push({ field: 'httpPort', message: 'Enter a port from 1 to 65535.' });
  if (!ok(p.rtspPort)) problems.push({ field: 'rtspPort', message: 'Enter a port from 1 to 65535.' });
  if (problems.length > 0) return problems;
  if (p.rtspPort !== undefined && p.rtspPort === p.httpPort) problems.push({ field: 'rtspPort', message: 'The RTSP port must differ from the HTTP port.' });
  for (const [field, port] of [['httpPort', p.httpPort], ['rtspPort', p.rtspPort]] as const) {
    const clash = port === undefined ? undefined : others.find((o) => o.portNo === port);
    if (clash) problems.push({ field, message: `Port ${port} is the device's ${clash.protocol} port.` });
  }
  return problems;
}
