/**
 * SADP (Search Active Devices Protocol) codec: XML datagrams on UDP 37020. Clients send a
 * `Probe` (inquiry, activate, update, exchangecode) to 239.255.255.250:37020; devices answer a
 * `ProbeMatch` by unicast to the sender. Pure: strings and buffers in, values out.
 */
import { AppError } from '../../errors/app-error';
import { definedFields, escapeXml, parseXml, xmlBool, xmlInt, xmlText } from '../isapi/xml';

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

type Field = [name: string, value: string | number | boolean | undefined];

/** A datagram as SADP peers write it: declaration and elements on one line, undefined values left out. */
function datagram(root: string, fields: Field[]): string {
  const body = fields.map(([name, value]) => (value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`)).join('');
  return `${XML_DECL}<${root}>${body}</${root}>`;
}

export function buildProbe(probe: SadpProbe): string {
  return datagram('Probe', [
    ['Uuid', probe.uuid],
    ['Types', probe.types],
    ['MAC', probe.mac],
    ['Password', probe.password],
    ['IPv4Address', probe.ipv4Address],
    ['CommandPort', probe.commandPort],
    ['IPv4SubnetMask', probe.ipv4SubnetMask],
    ['IPv4Gateway', probe.ipv4Gateway],
    ['DHCP', probe.dhcp],
    ['Code', probe.types === 'exchangecode' ? (probe.code ?? '') : undefined],
  ]);
}

/** Parses a Probe. Throws VALIDATION_FAILED when the datagram is not a SADP Probe. */
export function parseProbe(data: Buffer | string): SadpProbe {
  if (data.length > 16 * 1024) throw new AppError('VALIDATION_FAILED', 'SADP datagram too large.');
  const { root, doc } = parseXml(data);
  if (root !== 'Probe') throw new AppError('VALIDATION_FAILED', `Not a SADP Probe (root ${root}).`);
  const types = xmlText(doc, 'Types');
  if (!types) throw new AppError('VALIDATION_FAILED', 'SADP Probe without Types.');
  const p: SadpProbe = {
    types,
    ...definedFields({
      uuid: xmlText(doc, 'Uuid'),
      mac: xmlText(doc, 'MAC'),
      password: xmlText(doc, 'Password'),
      ipv4Address: xmlText(doc, 'IPv4Address'),
      ipv4SubnetMask: xmlText(doc, 'IPv4SubnetMask'),
      ipv4Gateway: xmlText(doc, 'IPv4Gateway'),
      commandPort: xmlInt(doc, 'CommandPort'),
      dhcp: xmlBool(doc, 'DHCP'),
      code: xmlText(doc, 'Code'),
    }),
  };
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
  return datagram('ProbeMatch', [
    ['Uuid', m.uuid],
    ['Types', m.types],
    ['DeviceType', m.deviceType],
    ['DeviceDescription', m.deviceDescription],
    ['DeviceSN', m.deviceSN],
    ['CommandPort', m.commandPort],
    ['HttpPort', m.httpPort],
    ['MAC', m.mac],
    ['IPv4Address', m.ipv4Address],
    ['IPv4SubnetMask', m.ipv4SubnetMask],
    ['IPv4Gateway', m.ipv4Gateway],
    ['IPv6Address', '::'],
    ['IPv6Gateway', '::'],
    ['IPv6MaskLen', 64],
    ['DHCP', m.dhcp],
    ['AnalogChannelNum', m.analogChannelNum ?? 0],
    ['DigitalChannelNum', m.digitalChannelNum ?? 0],
    ['SoftwareVersion', m.softwareVersion],
    ['DiskNumber', m.diskNumber ?? 0],
    ['Activated', m.activated],
    ['PasswordResetAbility', true],
    ['SupportHCPlatform', m.supportHCPlatform],
    ['HCPlatformEnable', m.hcPlatformEnable],
    ['IsModifyVerificationCode', m.isModifyVerificationCode],
    ['Result', m.result],
  ]);
}

/** Parses a ProbeMatch leniently (real devices misspell `false` as `flase`). Throws VALIDATION_FAILED. */
export function parseProbeMatch(data: Buffer | string): SadpProbeMatch {
  if (data.length > 16 * 1024) throw new AppError('VALIDATION_FAILED', 'SADP datagram too large.');
  const { root, doc } = parseXml(data);
  if (root !== 'ProbeMatch') throw new AppError('VALIDATION_FAILED', `Not a SADP ProbeMatch (root ${root}).`);
  const t = (n: string): string => xmlText(doc, n) ?? '';
  const deviceSN = t('DeviceSN');
  if (!deviceSN) throw new AppError('VALIDATION_FAILED', 'SADP ProbeMatch without DeviceSN.');
  return {
    types: t('Types'),
    deviceType: t('DeviceType'),
    deviceDescription: t('DeviceDescription'),
    deviceSN,
    commandPort: xmlInt(doc, 'CommandPort') ?? 8000,
    httpPort: xmlInt(doc, 'HttpPort') ?? 80,
    mac: t('MAC').toLowerCase(),
    ipv4Address: t('IPv4Address'),
    ipv4SubnetMask: t('IPv4SubnetMask'),
    ipv4Gateway: t('IPv4Gateway'),
    dhcp: xmlBool(doc, 'DHCP') ?? false,
    softwareVersion: t('SoftwareVersion'),
    activated: xmlBool(doc, 'Activated') ?? false,
    supportHCPlatform: xmlBool(doc, 'SupportHCPlatform') ?? false,
    hcPlatformEnable: xmlBool(doc, 'HCPlatformEnable') ?? false,
    isModifyVerificationCode: xmlBool(doc, 'IsModifyVerificationCode') ?? false,
    ...definedFields({
      uuid: xmlText(doc, 'Uuid'),
      analogChannelNum: xmlInt(doc, 'AnalogChannelNum'),
      digitalChannelNum: xmlInt(doc, 'DigitalChannelNum'),
      diskNumber: xmlInt(doc, 'DiskNumber'),
      result: xmlText(doc, 'Result'),
    }),
  };
}

/** The 9-character short serial printed on labels: the last 9 characters of the full serial. */
export function shortSerialOf(serial: string): string {
  return serial.slice(-9);
}
