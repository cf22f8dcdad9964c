/**
 * SADP (Search Active Devices Protocol) codec: XML datagrams on UDP 37020. Clients send a
 * `Probe` (inquiry, activate, update, exchangecode) to 239.255.255.250:37020; devices answer a
 * `ProbeMatch` by unicast to the sender. Pure: strings and buffers in, values out.
 */
import { AppError } from '../../errors/app-error';
import { escapeXml, parseXml, xmlText } from '../isapi/xml';

export const SADP_PORT = 37020;
export const SADP_MULTICAST_ADDRESS = '239.255.255.250';
/** Some clients read a single 2 KB datagram: keep ProbeMatch under this. */
export const SADP_MAX_DATAGRAM = 2048;

export type SadpProbeType = 'inquiry' | 'activate' | 'update' | 'exchangecode' | (string & {});

export interface SadpProbe {
  uuid?: string;
  types: SadpProbeType;
  mac?: string;
  password?: string;
  ipv4Address?: string;
  ipv4SubnetMask?: string;
  ipv4Gateway?: string;
  commandPort?: number;
  dhcp?: boolean;
  code?: string;
}

const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>';

function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function buildProbe(probe: SadpProbe): string {
  return (
    XML_DECL +
    '<Probe>' +
    el('Uuid', probe.uuid) +
    el('Types', probe.types) +
    el('MAC', probe.mac) +
    el('Password', probe.password) +
    el('IPv4Address', probe.ipv4Address) +
    el('CommandPort', probe.commandPort) +
    el('IPv4SubnetMask', probe.ipv4SubnetMask) +
    el('IPv4Gateway', probe.ipv4Gateway) +
    el('DHCP', probe.dhcp) +
    (probe.types === 'exchangecode' ? `<Code>${escapeXml(probe.code ?? '')}</Code>` : '') +
    '</Probe>'
  );
}

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  return t === 'true' || t === '1';
}

/** Parses a Probe. Throws VALIDATION_FAILED when the datagram is not a SADP Probe. */
export function parseProbe(data: Buffer | string): SadpProbe {
  if (data.length > 16 * 1024) throw new AppError('VALIDATION_FAILED', 'SADP datagram too large.');
  const { root, doc } = parseXml(data);
  if (root !== 'Probe') throw new AppError('VALIDATION_FAILED', `Not a SADP Probe (root ${root}).`);
  const types = xmlText(doc, 'Types');
  if (!types) throw new AppError('VALIDATION_FAILED', 'SADP Probe without Types.');
  const p: SadpProbe = { types };
  const set = <K extends keyof SadpProbe>(k: K, v: SadpProbe[K] | undefined): void => {
    if (v !== undefined) p[k] = v;
  };
  set('uuid', xmlText(doc, 'Uuid'));
  set('mac', xmlText(doc, 'MAC'));
  set('password', xmlText(doc, 'Password'));
  set('ipv4Address', xmlText(doc, 'IPv4Address'));
  set('ipv4SubnetMask', xmlText(doc, 'IPv4SubnetMask'));
  set('ipv4Gateway', xmlText(doc, 'IPv4Gateway'));
  const port = xmlText(doc, 'CommandPort');
  if (port !== undefined && port !== '' && Number.isFinite(Number(port))) p.commandPort = Number(port);
  set('dhcp', bool(xmlText(doc, 'DHCP')));
  set('code', xmlText(doc, 'Code'));
  return p;
}

export interface SadpProbeMatch {
  uuid?: string;
  types: string;
  /** Numeric device class code (opaque; real devices send e.g. 139881). */
  deviceType: string;
  /** Model. */
  deviceDescription: string;
  /** Full serial; its last 9 characters are the short serial. */
  deviceSN: string;
  commandPort: number;
  httpPort: number;
  /** Dash-separated, lower case (`c0-56-e3-01-02-03`). */
  mac: string;
  ipv4Address: string;
  ipv4SubnetMask: string;
  ipv4Gateway: string;
  dhcp: boolean;
  /** `V5.5.6build 180326`. */
  softwareVersion: string;
  activated: boolean;
  supportHCPlatform: boolean;
  hcPlatformEnable: boolean;
  isModifyVerificationCode: boolean;
  analogChannelNum?: number;
  digitalChannelNum?: number;
  diskNumber?: number;
  /** Reply to activate/update probes: `success` / `failed`. */
  result?: string;
}

export function buildProbeMatch(m: SadpProbeMatch): string {
  return (
    XML_DECL +
    '<ProbeMatch>' +
    el('Uuid', m.uuid) +
    el('Types', m.types) +
    el('DeviceType', m.deviceType) +
    el('DeviceDescription', m.deviceDescription) +
    el('DeviceSN', m.deviceSN) +
    el('CommandPort', m.commandPort) +
    el('HttpPort', m.httpPort) +
    el('MAC', m.mac) +
    el('IPv4Address', m.ipv4Address) +
    el('IPv4SubnetMask', m.ipv4SubnetMask) +
    el('IPv4Gateway', m.ipv4Gateway) +
    el('IPv6Address', '::') +
    el('IPv6Gateway', '::') +
    el('IPv6MaskLen', 64) +
    el('DHCP', m.dhcp) +
    el('AnalogChannelNum', m.analogChannelNum ?? 0) +
    el('DigitalChannelNum', m.digitalChannelNum ?? 0) +
    el('SoftwareVersion', m.softwareVersion) +
    el('DiskNumber', m.diskNumber ?? 0) +
    el('Activated', m.activated) +
    el('PasswordResetAbility', true) +
    el('SupportHCPlatform', m.supportHCPlatform) +
    el('HCPlatformEnable', m.hcPlatformEnable) +
    el('IsModifyVerificationCode', m.isModifyVerificationCode) +
    el('Result', m.result) +
    '</ProbeMatch>'
  );
}

/** Parses a ProbeMatch leniently (real devices misspell `false` as `flase`). Throws VALIDATION_FAILED. */
export function parseProbeMatch(data: Buffer | string): SadpProbeMatch {
  if (data.length > 16 * 1024) throw new AppError('VALIDATION_FAILED', 'SADP datagram too large.');
  const { root, doc } = parseXml(data);
  if (root !== 'ProbeMatch') throw new AppError('VALIDATION_FAILED', `Not a SADP ProbeMatch (root ${root}).`);
  const t = (n: string): string => xmlText(doc, n) ?? '';
  const num = (n: string): number | undefined => {
    const v = xmlText(doc, n);
    return v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
  };
  const deviceSN = t('DeviceSN');
  if (!deviceSN) throw new AppError('VALIDATION_FAILED', 'SADP ProbeMatch without DeviceSN.');
  const m: SadpProbeMatch = {
    types: t('Types'),
    deviceType: t('DeviceType'),
    deviceDescription: t('DeviceDescription'),
    deviceSN,
    commandPort: num('CommandPort') ?? 8000,
    httpPort: num('HttpPort') ?? 80,
    mac: t('MAC').toLowerCase(),
    ipv4Address: t('IPv4Address'),
    ipv4SubnetMask: t('IPv4SubnetMask'),
    ipv4Gateway: t('IPv4Gateway'),
    dhcp: bool(xmlText(doc, 'DHCP')) ?? false,
    softwareVersion: t('SoftwareVersion'),
    activated: bool(xmlText(doc, 'Activated')) ?? false,
    supportHCPlatform: bool(xmlText(doc, 'SupportHCPlatform')) ?? false,
    hcPlatformEnable: bool(xmlText(doc, 'HCPlatformEnable')) ?? false,
    isModifyVerificationCode: bool(xmlText(doc, 'IsModifyVerificationCode')) ?? false,
  };
  const uuid = xmlText(doc, 'Uuid');
  if (uuid !== undefined) m.uuid = uuid;
  const a = num('AnalogChannelNum');
  if (a !== undefined) m.analogChannelNum = a;
  const d = num('DigitalChannelNum');
  if (d !== undefined) m.digitalChannelNum = d;
  const disks = num('DiskNumber');
  if (disks !== undefined) m.diskNumber = disks;
  const r = xmlText(doc, 'Result');
  if (r !== undefined) m.result = r;
  return m;
}

/** The 9-character short serial printed on labels: the last 9 characters of the full serial. */
export function shortSerialOf(serial: string): string {
  return serial.slice(-9);
}
