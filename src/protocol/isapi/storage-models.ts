/**
 * Typed ISAPI documents of storage and video channels: disks (`storage`, `hddList`), S.M.A.R.T.,
 * the overwrite setting, video inputs and channel status. Written by the emulator, read by the
 * device client; shapes as in ../shared/isapi-samples/DOCUMENTED.md ("Storage and channels").
 */
import { AppError } from '../../errors/app-error';
import { buildXml, definedFields, parseDocument, parseXml, xmlBool, xmlChild, xmlInt, xmlList, xmlText, type XmlElement } from './xml';

const str = (d: unknown, n: string): string => xmlText(d, n) ?? '';

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

export interface Storage {
  hdds: Hdd[];
  /** Recording overwrites the oldest footage when disks are full. */
  overwrite?: boolean;
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

function readHdd(h: Record<string, unknown>): Hdd {
  // `SMARTStatus`: the spelling some firmware uses for the same element.
  const smart = xmlText(h, 'smartStatus') ?? xmlText(h, 'SMARTStatus');
  return {
    id: xmlInt(h, 'id') ?? 0,
    hddName: str(h, 'hddName'),
    hddType: str(h, 'hddType'),
    status: str(h, 'status'),
    capacity: xmlInt(h, 'capacity') ?? 0,
    freeSpace: xmlInt(h, 'freeSpace') ?? 0,
    property: str(h, 'property'),
    ...(smart !== undefined ? { smartStatus: smart } : {}),
  };
}

/** Reads `<storage>` (disks and the overwrite setting, `isOverwrite` or `workMode/overwrite`) or a bare `<hddList>`. */
export function parseStorage(body: string | Buffer): Storage {
  const p = parseXml(body);
  if (p.root !== 'hddList' && p.root !== 'storage') throw new AppError('VALIDATION_FAILED', `Expected <storage> or <hddList> but got <${p.root}>.`, { details: { expected: 'storage', got: p.root } });
  const list = p.root === 'hddList' ? p.doc : xmlChild(p.doc, 'hddList');
  return { hdds: xmlList(list, 'hdd').map(readHdd), ...definedFields({ overwrite: xmlBool(p.doc, 'isOverwrite') ?? xmlBool(xmlChild(p.doc, 'workMode'), 'overwrite') }) };
}

/** The disks of `<storage>` or `<hddList>`. */
export function parseHddList(body: string | Buffer): Hdd[] {
  return parseStorage(body).hdds;
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
  const d = parseDocument(body, 'SMARTTestStatus');
  return { temperature: xmlInt(d, 'temprature') ?? 0, powerOnDays: xmlInt(d, 'powerOnDay') ?? 0, selfEvaluation: str(d, 'selfEvaluaingStatus'), allEvaluation: str(d, 'allEvaluaingStatus') };
}

export function storageExtensionXml(overwrite: boolean, ns?: string): string {
  return buildXml('StorageExtension', { overwrite }, ns ? { ns } : {});
}

export function parseStorageExtension(body: string | Buffer): { overwrite: boolean } {
  const d = parseDocument(body, 'StorageExtension');
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
  const d = parseDocument(body, 'VideoInputChannelList');
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

/**
 * Channel status: an NVR's `InputProxyChannelStatusList`, or a camera that answers the same path
 * with its own `VideoInputChannelList` (a sensor that is enabled counts as online).
 */
export function parseChannelStatus(body: string | Buffer): ChannelStatus[] {
  const p = parseXml(body);
  const item = p.root === 'InputProxyChannelStatusList' ? 'InputProxyChannelStatus' : p.root === 'VideoInputChannelList' ? 'VideoInputChannel' : undefined;
  if (item === undefined) throw new AppError('VALIDATION_FAILED', `Expected <InputProxyChannelStatusList> but got <${p.root}>.`, { details: { expected: 'InputProxyChannelStatusList', got: p.root } });
  return xmlList(p.doc, item).map((c) => ({
    id: xmlInt(c, 'id') ?? 0,
    name: str(c, 'name'),
    online: xmlBool(c, 'online') ?? xmlBool(c, 'videoInputEnabled') ?? false,
    chanDetectResult: str(c, 'chanDetectResult'),
    videoLoss: xmlBool(c, 'videoLoss') ?? str(c, 'chanDetectResult') === 'videoloss',
    recording: xmlBool(c, 'recording') ?? false,
  }));
}
