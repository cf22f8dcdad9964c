/**
 * Typed ISAPI documents for remote configuration of video channel names and the recording
 * overwrite setting (issue 16), written by the emulator and read by the device client. Pure.
 *
 * Where a device keeps a channel's name (checked against public ISAPI clients with the search tool):
 * - a camera's (or a DVR's analog) video input: `GET/PUT /ISAPI/System/Video/inputs/channels/<id>`,
 *   root `VideoInputChannel` (`id`, `inputPort`, `videoInputEnabled`, `name`, `videoFormat`, …); the
 *   list is `VideoInputChannelList` at `/ISAPI/System/Video/inputs/channels` (Hikvision's WebSDK
 *   `ChannelSingleInfo.analog`, and clients that rename cameras through it);
 * - a recorder's IP (digital) channel: `GET/PUT /ISAPI/ContentMgmt/InputProxy/channels/<id>`, root
 *   `InputProxyChannel` (`id`, `name`, `sourceInputPortDescriptor` with the camera's address,
 *   protocol, port, user…); the list is `InputProxyChannelList` at `/ISAPI/ContentMgmt/InputProxy/channels`
 *   (WebSDK `ChannelSingleInfo.digital`; NVR tools rename channels by PUTting the whole document).
 *   A rename aimed at the other list is accepted by some firmware and changes nothing, so the name
 *   is written back to the document it was read from.
 *
 * Writes are read–change–write: the device's own document with only `name` (or `overwrite`)
 * changed, so a recorder keeps the channel's source descriptor and a device keeps the fields we do
 * not model. The XML goes through ./xml.ts both ways (entities off).
 */
import { AppError } from '../../errors/app-error';
import { buildXml, decodeXmlEntities, parseDocument, parseXml, xmlBool, xmlChild, xmlInt, xmlList, xmlText, type XmlElement, type XmlValue } from './xml';
import type { VideoChannel } from './storage-models';

/** Channel names as the devices' web pages allow them: 1–32 characters. */
export const CHANNEL_NAME_MAX = 32;

/** Where a channel's name lives: the device's own video input, or a recorder's IP channel. */
export type ChannelSource = 'video_input' | 'ip_channel';

export interface NamedChannel {
  id: number;
  name: string;
  source: ChannelSource;
}

/**
 * What a channel name may be, as a JSON-schema pattern (the API's) and checked here: 1–32
 * characters, none of `<>&"` or control characters, no space at either end (devices trim it).
 */
export const CHANNEL_NAME_PATTERN = '^(?!\\s)[^<>&"\\u0000-\\u001f\\u007f]*(?<!\\s)$';
const NAME_RE = new RegExp(CHANNEL_NAME_PATTERN, 'u');

/** Empty string when the name is acceptable, else why not. */
export function channelNameProblem(name: string): string {
  if (name.length < 1 || name.length > CHANNEL_NAME_MAX) return `name must be 1–${CHANNEL_NAME_MAX} characters`;
  if (!NAME_RE.test(name)) return 'name must not contain < > & " or control characters, nor start or end with a space';
  return '';
}

// ---------------------------------------------------------------- video inputs (single)
function videoInputElement(c: VideoChannel): XmlElement {
  return { id: c.id, inputPort: c.id, videoInputEnabled: c.enabled, name: c.name, videoFormat: 'PAL', resDesc: '1920*1080P' };
}

/** One `VideoInputChannel`, as `GET /ISAPI/System/Video/inputs/channels/<id>` answers. */
export function videoInputChannelXml(c: VideoChannel, ns?: string): string {
  return buildXml('VideoInputChannel', videoInputElement(c), ns ? { ns } : {});
}

export function parseVideoInputChannel(body: string | Buffer): VideoChannel {
  const d = parseDocument(body, 'VideoInputChannel');
  const id = xmlInt(d, 'id');
  if (id === undefined) throw new AppError('VALIDATION_FAILED', 'VideoInputChannel without <id>.', { details: { element: 'id' } });
  return { id, name: xmlText(d, 'name') ?? '', enabled: xmlBool(d, 'videoInputEnabled') ?? true };
}

// ---------------------------------------------------------------- IP channels (InputProxy)
export interface InputProxyChannel {
  id: number;
  name: string;
  /** The camera behind the channel (`sourceInputPortDescriptor`). */
  source?: { proxyProtocol: string; ipAddress: string; managePortNo: number; srcInputPort: number; userName: string };
}

function inputProxyElement(c: InputProxyChannel): XmlElement {
  const s = c.source;
  return {
    id: c.id,
    name: c.name,
    // Never a password: devices leave it out of what they answer.
    sourceInputPortDescriptor: s
      ? { proxyProtocol: s.proxyProtocol, addressingFormatType: 'ipaddress', ipAddress: s.ipAddress, managePortNo: s.managePortNo, srcInputPort: s.srcInputPort, userName: s.userName, streamType: 'auto' }
      : undefined,
  };
}

export function inputProxyChannelXml(c: InputProxyChannel, ns?: string): string {
  return buildXml('InputProxyChannel', inputProxyElement(c), ns ? { ns } : {});
}

export function inputProxyChannelsXml(chs: InputProxyChannel[], ns?: string): string {
  return buildXml('InputProxyChannelList', { InputProxyChannel: chs.map((c) => ({ '@': { version: '2.0' }, '#': inputProxyElement(c) })) }, ns ? { ns } : {});
}

function readInputProxy(c: Record<string, unknown>): InputProxyChannel {
  const s = xmlChild(c, 'sourceInputPortDescriptor');
  // `proxyProtocol` is text on most firmware, `<proxyProtocol><protocolType>` on some.
  const protocol = xmlText(s, 'proxyProtocol') || xmlText(xmlChild(s, 'proxyProtocol'), 'protocolType') || '';
  return {
    id: xmlInt(c, 'id') ?? 0,
    name: xmlText(c, 'name') ?? '',
    ...(s
      ? { source: { proxyProtocol: protocol, ipAddress: xmlText(s, 'ipAddress') ?? '', managePortNo: xmlInt(s, 'managePortNo') ?? 0, srcInputPort: xmlInt(s, 'srcInputPort') ?? 1, userName: xmlText(s, 'userName') ?? '' } }
      : {}),
  };
}

export function parseInputProxyChannels(body: string | Buffer): InputProxyChannel[] {
  const d = parseDocument(body, 'InputProxyChannelList');
  return xmlList(d, 'InputProxyChannel').map(readInputProxy);
}

export function parseInputProxyChannel(body: string | Buffer): InputProxyChannel {
  const d = parseDocument(body, 'InputProxyChannel');
  if (xmlInt(d, 'id') === undefined) throw new AppError('VALIDATION_FAILED', 'InputProxyChannel without <id>.', { details: { element: 'id' } });
  return readInputProxy(d);
}

/** True when the `InputProxyChannel` document names the camera behind it (a recorder needs it on a PUT). */
export function hasSourceDescriptor(body: string | Buffer): boolean {
  return xmlChild(parseDocument(body, 'InputProxyChannel'), 'sourceInputPortDescriptor') !== undefined;
}

// ---------------------------------------------------------------- read – change – write
function toXmlValue(v: unknown): XmlValue {
  if (Array.isArray(v)) return v.map(toXmlValue);
  if (typeof v === 'string') return decodeXmlEntities(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v !== 'object' || v === null) return '';
  const attrs: Record<string, string> = {};
  const children: XmlElement = {};
  let text: string | undefined;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === '#text') text = decodeXmlEntities(String(x));
    else if (k.startsWith('@_')) {
      if (k !== '@_xmlns' && !k.startsWith('@_xmlns:')) attrs[k.slice(2)] = decodeXmlEntities(String(x));
    } else children[k] = toXmlValue(x);
  }
  const inner: XmlValue = Object.keys(children).length > 0 ? children : (text ?? '');
  return Object.keys(attrs).length > 0 ? { '@': attrs, '#': inner } : inner;
}

/**
 * The device's document `body` (root `root`, id `id` when given) with the text of top-level
 * elements replaced by `changes` (added at the end when absent); everything else as the device
 * wrote it, namespace and root `version` included. VALIDATION_FAILED when the root or id differ.
 */
export function rewriteDocument(body: string | Buffer, root: string, changes: Record<string, string | number | boolean>, id?: number): string {
  const p = parseXml(body);
  if (p.root.toLowerCase() !== root.toLowerCase()) throw new AppError('VALIDATION_FAILED', `Expected <${root}> but got <${p.root}>.`, { details: { expected: root, got: p.root } });
  if (id !== undefined && xmlInt(p.doc, 'id') !== id) throw new AppError('VALIDATION_FAILED', `<${root}> is not the one with id ${id}.`, { details: { expected: id, got: xmlText(p.doc, 'id') ?? null } });
  const out: XmlElement = {};
  for (const [k, v] of Object.entries(p.doc)) {
    if (k.startsWith('@_') || k === '#text') continue;
    out[k] = k in changes ? changes[k] : toXmlValue(v);
  }
  for (const [k, v] of Object.entries(changes)) if (!(k in out)) out[k] = v;
  const version = p.doc['@_version'];
  return buildXml(p.root, out, { ns: p.ns ?? null, version: typeof version === 'string' ? version : null });
}

/** The channel document (`VideoInputChannel` or `InputProxyChannel`) the device answered, renamed. */
export function renamedChannelXml(body: string | Buffer, source: ChannelSource, id: number, name: string): string {
  const problem = channelNameProblem(name);
  if (problem) throw new AppError('VALIDATION_FAILED', `Channel ${problem}.`, { details: { field: 'name' } });
  return rewriteDocument(body, source === 'video_input' ? 'VideoInputChannel' : 'InputProxyChannel', { name }, id);
}

/** The `StorageExtension` document the device answered, with `overwrite` set. */
export function storageExtensionWithOverwrite(body: string | Buffer, overwrite: boolean): string {
  return rewriteDocument(body, 'StorageExtension', { overwrite });
}

// ---------------------------------------------------------------- the recording overwrite setting
/**
 * Recording overwrite as the platform shows it, from the disks the device reports and the setting
 * it reads: without a disk or memory card there is nothing to overwrite (not applicable, as the
 * health summary treats a camera without a card); `overwrite` null when the device did not say.
 */
export type RecordingOverwrite = { applicable: true; overwrite: boolean | null; disks: number } | { applicable: false; overwrite: null; disks: 0 };

export function recordingOverwrite(disks: number, overwrite: boolean | undefined | null): RecordingOverwrite {
  if (disks === 0) return { applicable: false, overwrite: null, disks: 0 };
  return { applicable: true, overwrite: overwrite ?? null, disks };
}
