/**
 * Typed ISAPI documents: one place that knows each document's root and element names, used by
 * the emulator to write them and by the device client to read them (the client's only ISAPI
 * parser). Parsers accept both namespaces and ignore unknown elements; they throw
 * VALIDATION_FAILED when the root is wrong or a required element is missing. Shapes follow
 * ../shared/isapi-samples and its DOCUMENTED.md; see docs/emulator.md. Storage and channels are in
 * storage-models.ts, accounts in user-models.ts, alarm outputs and manual recording in io-models.ts,
 * the LAN interface and service ports in network-models.ts (re-exported here).
 */
import { AppError } from '../../errors/app-error';
import { buildXml, parseDocument, parseXml, xmlBool, xmlChild, xmlInt, xmlText, type XmlElement } from './xml';

export * from './storage-models';
export * from './user-models';
export * from './io-models';
export * from './network-models';

const str = (d: unknown, n: string): string => xmlText(d, n) ?? '';

// ---------------------------------------------------------------- DeviceInfo
export interface DeviceInfo {
  deviceName: string;
  deviceID: string;
  model: string;
  serialNumber: string;
  macAddress: string;
  firmwareVersion: string;
  /** `build 170725`. */
  firmwareReleasedDate: string;
  deviceType: string;
  deviceDescription?: string;
  encoderVersion?: string;
  encoderReleasedDate?: string;
  hardwareVersion?: string;
  subDeviceType?: string;
  analogChannelNum?: number;
  digitalChannelNum?: number;
}

/** `extra`: further elements some firmware adds (e.g. `firmwareVersionInfo`, `alarmInNum`). */
export function deviceInfoXml(d: DeviceInfo, ns?: string, extra: XmlElement = {}): string {
  const el: XmlElement = {
    deviceName: d.deviceName,
    deviceID: d.deviceID,
    deviceDescription: d.deviceDescription ?? d.deviceType,
    deviceLocation: 'hangzhou',
    systemContact: 'Hikvision.China',
    model: d.model,
    serialNumber: d.serialNumber,
    macAddress: d.macAddress,
    firmwareVersion: d.firmwareVersion,
    firmwareReleasedDate: d.firmwareReleasedDate,
    encoderVersion: d.encoderVersion ?? 'V7.3',
    encoderReleasedDate: d.encoderReleasedDate ?? 'build 170627',
    bootVersion: 'V1.3.4',
    bootReleasedDate: '100316',
    hardwareVersion: d.hardwareVersion ?? '0x0',
    deviceType: d.deviceType,
    ...(d.subDeviceType !== undefined ? { subDeviceType: d.subDeviceType } : {}),
    telecontrolID: 88,
    supportBeep: false,
    supportVideoLoss: d.deviceType !== 'AXPro',
    ...(d.analogChannelNum !== undefined ? { analogChannelNum: d.analogChannelNum } : {}),
    ...(d.digitalChannelNum !== undefined ? { digitalChannelNum: d.digitalChannelNum } : {}),
    ...extra,
  };
  return buildXml('DeviceInfo', el, ns ? { ns } : {});
}

/** Reads DeviceInfo; `model`, `serialNumber` and `firmwareVersion` are required (error details name the element). */
export function parseDeviceInfo(body: string | Buffer): DeviceInfo {
  const d = parseDocument(body, 'DeviceInfo');
  for (const element of ['model', 'serialNumber', 'firmwareVersion']) {
    if (!xmlText(d, element)) throw new AppError('VALIDATION_FAILED', `DeviceInfo without <${element}>.`, { details: { element, root: 'DeviceInfo' } });
  }
  const info: DeviceInfo = {
    deviceName: str(d, 'deviceName'),
    deviceID: str(d, 'deviceID'),
    model: str(d, 'model'),
    serialNumber: str(d, 'serialNumber'),
    macAddress: str(d, 'macAddress'),
    firmwareVersion: str(d, 'firmwareVersion'),
    firmwareReleasedDate: str(d, 'firmwareReleasedDate'),
    deviceType: str(d, 'deviceType'),
  };
  for (const k of ['deviceDescription', 'encoderVersion', 'encoderReleasedDate', 'hardwareVersion', 'subDeviceType'] as const) {
    const v = xmlText(d, k);
    if (v !== undefined) info[k] = v;
  }
  const a = xmlInt(d, 'analogChannelNum');
  if (a !== undefined) info.analogChannelNum = a;
  const dg = xmlInt(d, 'digitalChannelNum');
  if (dg !== undefined) info.digitalChannelNum = dg;
  return info;
}

// ---------------------------------------------------------------- Activation
export function activateStatusXml(activated: boolean, ns?: string): string {
  return buildXml('ActivateStatus', { Activated: activated }, ns ? { ns } : {});
}

/** Reads `<Activated>` (or `<activated>`) under any root: only the element is documented for real devices. */
export function parseActivateStatus(body: string | Buffer): boolean {
  const d = parseXml(body).doc;
  const v = xmlBool(d, 'Activated') ?? xmlBool(d, 'activated');
  if (v === undefined) throw new AppError('VALIDATION_FAILED', 'ActivateStatus without <Activated>.');
  return v;
}

export function publicKeyXml(challengeKey: string, ns?: string): string {
  return buildXml('PublicKey', { key: challengeKey }, ns ? { ns } : {});
}

export function challengeXml(encryptedKey: string, ns?: string): string {
  return buildXml('Challenge', { key: encryptedKey }, ns ? { ns } : {});
}

/** `<key>` of a PublicKey request or a Challenge answer (either root). */
export function parseKeyDocument(body: string | Buffer): string {
  const p = parseXml(body);
  const key = xmlText(p.doc, 'key');
  if (!key) throw new AppError('VALIDATION_FAILED', `<${p.root}> without <key>.`);
  return key;
}

export function activateInfoXml(encryptedPassword: string, ns?: string): string {
  return buildXml('ActivateInfo', { password: encryptedPassword }, ns ? { ns } : {});
}

export function parseActivateInfo(body: string | Buffer): string {
  const d = parseDocument(body, 'ActivateInfo');
  const pw = xmlText(d, 'password');
  if (!pw) throw new AppError('VALIDATION_FAILED', 'ActivateInfo without <password>.');
  return pw;
}

// ---------------------------------------------------------------- Cloud service (EZVIZ / Hik-Connect)
export interface EzvizConfig {
  enabled: boolean;
  registerStatus: boolean;
  serverHostName: string;
  /** Write-only on real devices: GET answers it empty. */
  verificationCode: string;
  bindStatus: 'bind' | 'unbind';
}

/** The whole document (a device's answer) or only the fields a client changes. */
export function ezvizXml(c: Partial<EzvizConfig>, ns?: string): string {
  return buildXml(
    'EZVIZ',
    {
      enabled: c.enabled,
      registerStatus: c.registerStatus,
      serverAddress: c.serverHostName !== undefined ? { addressingFormatType: 'hostname', hostName: c.serverHostName } : undefined,
      verificationCode: c.verificationCode,
      bindStatus: c.bindStatus,
    },
    ns ? { ns } : {},
  );
}

export function parseEzviz(body: string | Buffer): Partial<EzvizConfig> {
  const d = parseDocument(body, 'EZVIZ');
  const out: Partial<EzvizConfig> = {};
  const enabled = xmlBool(d, 'enabled');
  if (enabled !== undefined) out.enabled = enabled;
  const reg = xmlBool(d, 'registerStatus');
  if (reg !== undefined) out.registerStatus = reg;
  const host = xmlText(xmlChild(d, 'serverAddress'), 'hostName');
  if (host !== undefined) out.serverHostName = host;
  const code = xmlText(d, 'verificationCode');
  if (code !== undefined) out.verificationCode = code;
  const bind = xmlText(d, 'bindStatus');
  if (bind === 'bind' || bind === 'unbind') out.bindStatus = bind;
  return out;
}

export function ezvizCapabilitiesXml(ns?: string): string {
  return buildXml(
    'EZVIZCap',
    {
      enabled: { '@': { opt: 'true,false' } },
      registerStatus: { '@': { opt: 'true,false' } },
      verificationCode: { '@': { min: 6, max: 12 } },
      bindStatus: { '@': { opt: 'bind,unbind' } },
      isSupportOfflineStatus: true,
    },
    ns ? { ns } : {},
  );
}

// ---------------------------------------------------------------- Firmware
export interface UpgradeStatus {
  upgrading: boolean;
  percent: number;
  /** True once the package is written and the device is about to reboot. */
  reboot: boolean;
  upgradeStage?: string;
}

export function upgradeStatusXml(s: UpgradeStatus, ns?: string): string {
  return buildXml('upgradeStatus', { upgrading: s.upgrading, percent: s.percent, reboot: s.reboot, upgradeStage: s.upgradeStage }, ns ? { ns } : {});
}

export function parseUpgradeStatus(body: string | Buffer): UpgradeStatus {
  const d = parseDocument(body, 'upgradeStatus');
  const s: UpgradeStatus = { upgrading: xmlBool(d, 'upgrading') ?? false, percent: xmlInt(d, 'percent') ?? 0, reboot: xmlBool(d, 'reboot') ?? false };
  const st = xmlText(d, 'upgradeStage');
  if (st !== undefined) s.upgradeStage = st;
  return s;
}

// ---------------------------------------------------------------- Time
export interface TimeConfig {
  timeMode: 'NTP' | 'manual' | (string & {});
  /** ISO local time with offset, e.g. `2026-01-02T10:00:00+01:00`. */
  localTime: string;
  /** POSIX-style zone as devices use, e.g. `CST-1:00:00`. */
  timeZone: string;
}

export function timeXml(t: TimeConfig, ns?: string): string {
  return buildXml('Time', { timeMode: t.timeMode, localTime: t.localTime, timeZone: t.timeZone }, ns ? { ns } : {});
}

/** One NTP server (/ISAPI/System/time/ntpServers/1): a host name or an IP address, its port and sync interval. */
export interface NtpServer {
  id: number;
  addressingFormatType: 'hostname' | 'ipaddress' | (string & {});
  hostName?: string | undefined;
  ipAddress?: string | undefined;
  portNo: number;
  synchronizeInterval: number;
}

export function ntpServerXml(n: NtpServer, ns?: string): string {
  return buildXml('NTPServer', {
    id: n.id,
    addressingFormatType: n.addressingFormatType,
    ...(n.hostName !== undefined ? { hostName: n.hostName } : {}),
    ...(n.ipAddress !== undefined ? { ipAddress: n.ipAddress } : {}),
    portNo: n.portNo,
    synchronizeInterval: n.synchronizeInterval,
  }, ns ? { ns } : {});
}

export function parseNtpServer(body: string | Buffer): NtpServer {
  const d = parseDocument(body, 'NTPServer');
  const num = (k: string, dflt: number) => {
    const v = Number(xmlText(d, k));
    return Number.isFinite(v) && xmlText(d, k) !== undefined ? v : dflt;
  };
  const hostName = xmlText(d, 'hostName');
  const ipAddress = xmlText(d, 'ipAddress');
  return { id: num('id', 1), addressingFormatType: xmlText(d, 'addressingFormatType') ?? (ipAddress ? 'ipaddress' : 'hostname'), hostName, ipAddress, portNo: num('portNo', 123), synchronizeInterval: num('synchronizeInterval', 1440) };
}

/** The writable part of DeviceInfo (PUT /ISAPI/System/deviceInfo): the device's name. */
export function deviceNameXml(deviceName: string, ns?: string): string {
  return buildXml('DeviceInfo', { deviceName }, ns ? { ns } : {});
}

export function parseDeviceName(body: string | Buffer): string | undefined {
  return xmlText(parseDocument(body, 'DeviceInfo'), 'deviceName');
}

export function parseTime(body: string | Buffer): Partial<TimeConfig> {
  const d = parseDocument(body, 'Time');
  const out: Partial<TimeConfig> = {};
  for (const k of ['timeMode', 'localTime', 'timeZone'] as const) {
    const v = xmlText(d, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
