/**
 * Typed ISAPI documents: one place that knows each document's root and element names, used by
 * the emulator to write them and by the device client to read them. Parsers accept both
 * namespaces and ignore unknown elements; they throw VALIDATION_FAILED when the root is wrong.
 * Shapes follow ../shared/isapi-samples and its DOCUMENTED.md; see docs/emulator.md.
 */
import { AppError } from '../../errors/app-error';
import { buildXml, parseXml, xmlBool, xmlChild, xmlInt, xmlList, xmlText, type XmlElement } from './xml';

function expectRoot(body: string | Buffer, root: string): Record<string, unknown> {
  const parsed = parseXml(body);
  if (parsed.root.toLowerCase() !== root.toLowerCase()) {
    throw new AppError('VALIDATION_FAILED', `Expected <${root}> but got <${parsed.root}>.`, { details: { expected: root, got: parsed.root } });
  }
  return parsed.doc;
}

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

export function parseDeviceInfo(body: string | Buffer): DeviceInfo {
  const d = expectRoot(body, 'DeviceInfo');
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
  if (!info.serialNumber || !info.model) throw new AppError('VALIDATION_FAILED', 'DeviceInfo without model or serialNumber.');
  return info;
}

// ---------------------------------------------------------------- Activation
export function activateStatusXml(activated: boolean, ns?: string): string {
  return buildXml('ActivateStatus', { Activated: activated }, ns ? { ns } : {});
}

export function parseActivateStatus(body: string | Buffer): boolean {
  const d = expectRoot(body, 'ActivateStatus');
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
  const d = expectRoot(body, 'ActivateInfo');
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

export function ezvizXml(c: EzvizConfig, ns?: string): string {
  return buildXml(
    'EZVIZ',
    {
      enabled: c.enabled,
      registerStatus: c.registerStatus,
      serverAddress: { addressingFormatType: 'hostname', hostName: c.serverHostName },
      verificationCode: c.verificationCode,
      bindStatus: c.bindStatus,
    },
    ns ? { ns } : {},
  );
}

export function parseEzviz(body: string | Buffer): Partial<EzvizConfig> {
  const d = expectRoot(body, 'EZVIZ');
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

// ---------------------------------------------------------------- Network
export interface IpAddressConfig {
  ipVersion: string;
  addressingType: 'static' | 'dynamic';
  ipAddress?: string;
  subnetMask?: string;
  defaultGateway?: string;
  primaryDns?: string;
  secondaryDns?: string;
}

export function ipAddressXml(c: IpAddressConfig, ns?: string): string {
  return buildXml(
    'IPAddress',
    {
      ipVersion: c.ipVersion,
      addressingType: c.addressingType,
      ipAddress: c.ipAddress,
      subnetMask: c.subnetMask,
      DefaultGateway: c.defaultGateway !== undefined ? { ipAddress: c.defaultGateway } : undefined,
      PrimaryDNS: c.primaryDns !== undefined ? { ipAddress: c.primaryDns } : undefined,
      SecondaryDNS: c.secondaryDns !== undefined ? { ipAddress: c.secondaryDns } : undefined,
    },
    ns ? { ns } : {},
  );
}

export function parseIpAddress(body: string | Buffer): IpAddressConfig {
  const d = expectRoot(body, 'IPAddress');
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

// ---------------------------------------------------------------- Storage
export type HddStatus = 'ok' | 'unformatted' | 'error' | 'idle' | 'sleeping' | (string & {});
export type SmartStatus = 'ok' | 'warning' | 'failed';

export interface Hdd {
  id: number;
  hddName: string;
  hddType: string;
  status: HddStatus;
  /** MB. */
  capacity: number;
  /** MB. */
  freeSpace: number;
  property: string;
  /** Emulator addition: the disk's S.M.A.R.T. verdict inline (the real place is SMARTTest/status). */
  smartStatus?: SmartStatus | (string & {});
}

function hddElement(h: Hdd): XmlElement {
  return { id: h.id, hddName: h.hddName, hddPath: '', hddType: h.hddType, status: h.status, capacity: h.capacity, freeSpace: h.freeSpace, property: h.property, smartStatus: h.smartStatus };
}

/** `<storage>` with the HDD list and (emulator addition) the recording overwrite setting. */
export function storageXml(hdds: Hdd[], ns?: string, overwrite?: boolean): string {
  return buildXml('storage', { hddList: { hdd: hdds.map(hddElement) }, nasList: null, isOverwrite: overwrite }, ns ? { ns } : {});
}

export function hddListXml(hdds: Hdd[], ns?: string): string {
  return buildXml('hddList', { hdd: hdds.map(hddElement) }, ns ? { ns } : {});
}

/** Reads `<storage><hddList>` or a bare `<hddList>`. */
export function parseHddList(body: string | Buffer): Hdd[] {
  const p = parseXml(body);
  const list = p.root === 'hddList' ? p.doc : p.root === 'storage' ? xmlChild(p.doc, 'hddList') : undefined;
  if (p.root !== 'hddList' && p.root !== 'storage') throw new AppError('VALIDATION_FAILED', `Expected <storage> or <hddList> but got <${p.root}>.`);
  return xmlList(list, 'hdd').map((h) => ({
    id: xmlInt(h, 'id') ?? 0,
    hddName: str(h, 'hddName'),
    hddType: str(h, 'hddType'),
    status: str(h, 'status'),
    capacity: xmlInt(h, 'capacity') ?? 0,
    freeSpace: xmlInt(h, 'freeSpace') ?? 0,
    property: str(h, 'property'),
    ...(xmlText(h, 'smartStatus') !== undefined ? { smartStatus: str(h, 'smartStatus') } : {}),
  }));
}

export interface SmartTestStatus {
  temperature: number;
  powerOnDays: number;
  /** `ok` or `failed`. */
  selfEvaluation: string;
  /** `ok`, `warning` or `functional` (functional failure). */
  allEvaluation: string;
}

export function smartStatusXml(s: SmartTestStatus, ns?: string): string {
  // Element names (with the vendor's spelling) as ISAPI clients read them.
  return buildXml('SMARTTestStatus', { temprature: s.temperature, powerOnDay: s.powerOnDays, selfEvaluaingStatus: s.selfEvaluation, allEvaluaingStatus: s.allEvaluation }, ns ? { ns } : {});
}

export function parseSmartStatus(body: string | Buffer): SmartTestStatus {
  const d = expectRoot(body, 'SMARTTestStatus');
  return { temperature: xmlInt(d, 'temprature') ?? 0, powerOnDays: xmlInt(d, 'powerOnDay') ?? 0, selfEvaluation: str(d, 'selfEvaluaingStatus'), allEvaluation: str(d, 'allEvaluaingStatus') };
}

export function storageExtensionXml(overwrite: boolean, ns?: string): string {
  return buildXml('StorageExtension', { overwrite }, ns ? { ns } : {});
}

export function parseStorageExtension(body: string | Buffer): { overwrite: boolean } {
  const d = expectRoot(body, 'StorageExtension');
  const o = xmlBool(d, 'overwrite');
  if (o === undefined) throw new AppError('VALIDATION_FAILED', 'StorageExtension without <overwrite>.');
  return { overwrite: o };
}

// ---------------------------------------------------------------- Channels
export interface VideoChannel {
  id: number;
  name: string;
  enabled: boolean;
}

export function videoInputChannelsXml(chs: VideoChannel[], ns?: string): string {
  return buildXml(
    'VideoInputChannelList',
    { VideoInputChannel: chs.map((c) => ({ id: c.id, inputPort: c.id, videoInputEnabled: c.enabled, name: c.name, videoFormat: 'PAL', resDesc: '1920*1080P' })) },
    ns ? { ns } : {},
  );
}

export function parseVideoInputChannels(body: string | Buffer): VideoChannel[] {
  const d = expectRoot(body, 'VideoInputChannelList');
  return xmlList(d, 'VideoInputChannel').map((c) => ({ id: xmlInt(c, 'id') ?? 0, name: str(c, 'name'), enabled: xmlBool(c, 'videoInputEnabled') ?? true }));
}

export interface ChannelStatus {
  id: number;
  name: string;
  online: boolean;
  /** `connect`, `videoloss` or `notConnect`. */
  chanDetectResult: string;
  /** True while the channel reports video loss. */
  videoLoss: boolean;
  /** Emulator addition (no public sample): the channel is recording right now. */
  recording: boolean;
}

export function channelStatusXml(chs: ChannelStatus[], ns?: string): string {
  return buildXml(
    'InputProxyChannelStatusList',
    {
      InputProxyChannelStatus: chs.map((c) => ({
        id: c.id,
        name: c.name,
        online: c.online,
        chanDetectResult: c.chanDetectResult,
        videoLoss: c.videoLoss,
        recording: c.recording,
      })),
    },
    ns ? { ns } : {},
  );
}

export function parseChannelStatus(body: string | Buffer): ChannelStatus[] {
  const d = expectRoot(body, 'InputProxyChannelStatusList');
  return xmlList(d, 'InputProxyChannelStatus').map((c) => ({
    id: xmlInt(c, 'id') ?? 0,
    name: str(c, 'name'),
    online: xmlBool(c, 'online') ?? false,
    chanDetectResult: str(c, 'chanDetectResult'),
    videoLoss: xmlBool(c, 'videoLoss') ?? str(c, 'chanDetectResult') === 'videoloss',
    recording: xmlBool(c, 'recording') ?? false,
  }));
}

// ---------------------------------------------------------------- Users
export type UserLevel = 'Administrator' | 'Operator' | 'Viewer' | (string & {});

export interface IsapiUser {
  id: number;
  userName: string;
  userLevel: UserLevel;
}

export function userListXml(users: IsapiUser[], ns?: string): string {
  return buildXml('UserList', { User: users.map((u) => ({ id: u.id, userName: u.userName, userLevel: u.userLevel })) }, ns ? { ns } : {});
}

export function parseUserList(body: string | Buffer): IsapiUser[] {
  const d = expectRoot(body, 'UserList');
  return xmlList(d, 'User').map((u) => ({ id: xmlInt(u, 'id') ?? 0, userName: str(u, 'userName'), userLevel: str(u, 'userLevel') }));
}

export interface UserWrite {
  id?: number;
  userName?: string;
  password?: string;
  userLevel?: UserLevel;
  /** The logged-in administrator's current password (required by the device for user changes). */
  loginPassword?: string;
}

export function userXml(u: UserWrite, ns?: string): string {
  return buildXml('User', { id: u.id, userName: u.userName, password: u.password, userLevel: u.userLevel, loginPassword: u.loginPassword }, ns ? { ns } : {});
}

export function parseUser(body: string | Buffer): UserWrite {
  const d = expectRoot(body, 'User');
  const u: UserWrite = {};
  const id = xmlInt(d, 'id');
  if (id !== undefined) u.id = id;
  for (const k of ['userName', 'password', 'userLevel', 'loginPassword'] as const) {
    const v = xmlText(d, k);
    if (v !== undefined) u[k] = v;
  }
  return u;
}

export interface UserCheck {
  statusValue: number;
  statusString: string;
  isDefaultPassword: boolean;
  isRiskPassword: boolean;
  isActivated: boolean;
  lockStatus: 'lock' | 'unlock';
  /** Seconds until the user is unlocked (0 when not locked). */
  unlockTime: number;
  /** Failed attempts left before the lock. */
  retryLoginTime: number;
}

export function userCheckXml(u: UserCheck, ns?: string): string {
  return buildXml(
    'userCheck',
    {
      statusValue: u.statusValue,
      statusString: u.statusString,
      isDefaultPassword: u.isDefaultPassword,
      isRiskPassword: u.isRiskPassword,
      isActivated: u.isActivated,
      lockStatus: u.lockStatus,
      unlockTime: u.unlockTime,
      retryLoginTime: u.retryLoginTime,
    },
    ns ? { ns } : {},
  );
}

/** Reads a `userCheck` document (the 401 body of a failed or locked login). Returns null if it is not one. */
export function parseUserCheck(body: string | Buffer): UserCheck | null {
  try {
    const p = parseXml(body);
    if (p.root.toLowerCase() !== 'usercheck') return null;
    const d = p.doc;
    return {
      statusValue: xmlInt(d, 'statusValue') ?? 0,
      statusString: str(d, 'statusString'),
      isDefaultPassword: xmlBool(d, 'isDefaultPassword') ?? false,
      isRiskPassword: xmlBool(d, 'isRiskPassword') ?? false,
      isActivated: xmlBool(d, 'isActivated') ?? true,
      lockStatus: xmlText(d, 'lockStatus') === 'lock' ? 'lock' : 'unlock',
      unlockTime: xmlInt(d, 'unlockTime') ?? 0,
      retryLoginTime: xmlInt(d, 'retryLoginTime') ?? 0,
    };
  } catch {
    return null;
  }
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
  const d = expectRoot(body, 'upgradeStatus');
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

export function parseTime(body: string | Buffer): Partial<TimeConfig> {
  const d = expectRoot(body, 'Time');
  const out: Partial<TimeConfig> = {};
  for (const k of ['timeMode', 'localTime', 'timeZone'] as const) {
    const v = xmlText(d, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
