/**
 * Typed ISAPI documents of the LAN interface and the service ports (remote configuration,
 * issue 16), written by the emulator and read by the device client:
 *
 * - `IPAddress` (`/ISAPI/System/Network/interfaces/1/ipAddress`) and the same block inside
 *   `NetworkInterface` (`GET/PUT /ISAPI/System/Network/interfaces/1`) and `NetworkInterfaceList`
 *   (`GET /ISAPI/System/Network/interfaces`): `ipVersion` (v4, or dual on dual-stack devices),
 *   `addressingType` static/dynamic, `ipAddress`, `subnetMask`, `DefaultGateway/ipAddress`,
 *   `PrimaryDNS/ipAddress`, `SecondaryDNS/ipAddress` (the AX Pro capture in ../shared/isapi-samples:
 *   nested blocks carry their own `version`/`xmlns`; an unset server reads `0.0.0.0`).
 * - `AdminAccessProtocolList` (`GET/PUT /ISAPI/Security/adminAccesses`): one `AdminAccessProtocol`
 *   per service — `id`, `enabled` (absent on some entries, e.g. DEV_MANAGE), `protocol` (HTTP,
 *   RTSP, HTTPS, DEV_MANAGE, …), `portNo`, and per service further elements (HTTPS: TLS switches) kept
 *   as read. Clients change a port by writing the whole list back with it changed.
 */
import { AppError } from '../../errors/app-error';
import { buildXml, parseDocument, toXmlValue, xmlBool, xmlChild, xmlInt, xmlList, xmlText, type XmlElement } from './xml';

// ---------------------------------------------------------------- IPAddress
export interface IpAddressConfig {
  /** `v4`, or `dual` on a dual-stack interface (kept as read when written back). */
  ipVersion: string;
  addressingType: 'static' | 'dynamic';
  ipAddress?: string;
  subnetMask?: string;
  defaultGateway?: string;
  primaryDns?: string;
  secondaryDns?: string;
}

function ipAddressElement(c: IpAddressConfig): XmlElement {
  return {
    ipVersion: c.ipVersion,
    addressingType: c.addressingType,
    ipAddress: c.ipAddress,
    subnetMask: c.subnetMask,
    DefaultGateway: c.defaultGateway !== undefined ? { ipAddress: c.defaultGateway } : undefined,
    PrimaryDNS: c.primaryDns !== undefined ? { ipAddress: c.primaryDns } : undefined,
    SecondaryDNS: c.secondaryDns !== undefined ? { ipAddress: c.secondaryDns } : undefined,
  };
}

/** The IPv4 settings of an `IPAddress` element's content; VALIDATION_FAILED without a known addressingType. */
function readIpAddress(d: unknown): IpAddressConfig {
  const t = xmlText(d, 'addressingType');
  if (t !== 'static' && t !== 'dynamic') throw new AppError('VALIDATION_FAILED', 'IPAddress needs addressingType static or dynamic.');
  const c: IpAddressConfig = { ipVersion: xmlText(d, 'ipVersion') ?? 'v4', addressingType: t };
  const set = (k: keyof IpAddressConfig, v: string | undefined): void => {
    if (v !== undefined && v !== '') (c as unknown as Record<string, string>)[k] = v;
  };
  set('ipAddress', xmlText(d, 'ipAddress'));
  set('subnetMask', xmlText(d, 'subnetMask'));
  set('defaultGateway', xmlText(xmlChild(d, 'DefaultGateway'), 'ipAddress'));
  set('primaryDns', xmlText(xmlChild(d, 'PrimaryDNS'), 'ipAddress'));
  set('secondaryDns', xmlText(xmlChild(d, 'SecondaryDNS'), 'ipAddress'));
  return c;
}

export function ipAddressXml(c: IpAddressConfig, ns?: string): string {
  return buildXml('IPAddress', ipAddressElement(c), ns ? { ns } : {});
}

export function parseIpAddress(body: string | Buffer): IpAddressConfig {
  return readIpAddress(parseDocument(body, 'IPAddress'));
}

// ---------------------------------------------------------------- NetworkInterface
export interface NetworkInterfaceConfig {
  id: number;
  ip: IpAddressConfig;
}

/**
 * `NetworkInterface` as clients write it: the id and the `IPAddress` block (with its own
 * `version`/`xmlns`, as devices send it). A PUT carries only these; the device keeps the rest
 * (link, discovery, IPv6 settings).
 */
export function networkInterfaceXml(n: NetworkInterfaceConfig, ns?: string, extra: XmlElement = {}): string {
  const attrs: Record<string, string> = ns ? { version: '2.0', xmlns: ns } : { version: '2.0' };
  return buildXml('NetworkInterface', { id: n.id, IPAddress: { '@': attrs, '#': ipAddressElement(n.ip) }, ...extra }, ns ? { ns } : {});
}

function readInterface(d: Record<string, unknown>): NetworkInterfaceConfig {
  const ip = xmlChild(d, 'IPAddress');
  if (!ip) throw new AppError('VALIDATION_FAILED', 'NetworkInterface needs an IPAddress block.');
  return { id: xmlInt(d, 'id') ?? 1, ip: readIpAddress(ip) };
}

/** One `NetworkInterface` document. */
export function parseNetworkInterface(body: string | Buffer): NetworkInterfaceConfig {
  return readInterface(parseDocument(body, 'NetworkInterface'));
}

/** Every interface of a `NetworkInterfaceList` (interfaces without an IPAddress block are skipped). */
export function parseNetworkInterfaceList(body: string | Buffer): NetworkInterfaceConfig[] {
  const list = parseDocument(body, 'NetworkInterfaceList');
  return xmlList(list, 'NetworkInterface')
    .filter((n) => xmlChild(n, 'IPAddress') !== undefined)
    .map(readInterface);
}

// ---------------------------------------------------------------- AdminAccessProtocolList
export interface AdminAccessProtocol {
  id: number;
  /** Absent when the device leaves it out (its DEV_MANAGE entry often does). */
  enabled?: boolean;
  /** HTTP, RTSP, HTTPS, DEV_MANAGE, … (upper case, as devices write it). */
  protocol: string;
  portNo: number;
  /** Further elements of the entry as read (HTTPS: `redirectToHttps`, TLS switches…), written back unchanged. */
  extra?: XmlElement;
}

const MODELLED = new Set(['id', 'enabled', 'protocol', 'portNo']);

export function adminAccessesXml(list: readonly AdminAccessProtocol[], ns?: string): string {
  return buildXml(
    'AdminAccessProtocolList',
    { AdminAccessProtocol: list.map((p) => ({ id: p.id, enabled: p.enabled, protocol: p.protocol, portNo: p.portNo, ...p.extra })) },
    ns ? { ns } : {},
  );
}

/** The services and their ports; VALIDATION_FAILED for an entry without a protocol or a port number. */
export function parseAdminAccesses(body: string | Buffer): AdminAccessProtocol[] {
  const list = parseDocument(body, 'AdminAccessProtocolList');
  return xmlList(list, 'AdminAccessProtocol').map((p, i) => {
    const protocol = xmlText(p, 'protocol')?.toUpperCase();
    const portNo = xmlInt(p, 'portNo');
    if (!protocol || portNo === undefined || !Number.isInteger(portNo)) throw new AppError('VALIDATION_FAILED', 'AdminAccessProtocol needs protocol and portNo.', { details: { index: i } });
    const enabled = xmlBool(p, 'enabled');
    const extra = Object.fromEntries(Object.entries(p).filter(([k]) => !MODELLED.has(k) && !k.startsWith('@_') && k !== '#text').map(([k, v]) => [k, toXmlValue(v)]));
    return { id: xmlInt(p, 'id') ?? i + 1, ...(enabled !== undefined ? { enabled } : {}), protocol, portNo, ...(Object.keys(extra).length > 0 ? { extra } : {}) };
  });
}

