/**
 * Video channels: inputs (/ISAPI/System/Video/inputs/channels, one by one at …/<id>), an NVR's IP
 * channels (/ISAPI/ContentMgmt/InputProxy/channels, …/<id>), their recording and video-loss status
 * (/ISAPI/ContentMgmt/InputProxy/channels/status) and their streams (/ISAPI/Streaming/channels).
 * A channel's name is written back with the whole document (PUT …/<id>), as on real devices; an
 * NVR refuses an IP channel without its `sourceInputPortDescriptor`.
 */
import { channelNameProblem, hasSourceDescriptor, inputProxyChannelsXml, inputProxyChannelXml, parseInputProxyChannel, parseVideoInputChannel, videoInputChannelXml, type InputProxyChannel } from '../../protocol/isapi/channel-models';
import { channelStatusXml, videoInputChannelsXml } from '../../protocol/isapi/models';
import { buildXml } from '../../protocol/isapi/xml';
import type { ChannelState } from '../state';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, noSuch, parsedBody, type IsapiRoute } from './route';

function channelStatusRes(d: DeviceCore): IsapiResponse {
  // Where the device has disks (or a camera its card), recording needs one that works.
  const hddOk = d.state.hdds.length === 0 || d.state.hdds.some((h) => h.status === 'ok');
  const channels = d.state.channels.map((ch) => ({
    id: ch.id,
    name: ch.name,
    online: ch.online,
    chanDetectResult: !ch.online ? 'notConnect' : ch.videoLoss ? 'videoloss' : 'connect',
    videoLoss: ch.videoLoss,
    recording: (ch.recording || !!ch.manualRecording) && ch.online && !ch.videoLoss && hddOk,
  }));
  return d.xml(200, channelStatusXml(channels, d.ns));
}

/** One stream in the shape of the real capture: main (x01) or sub (x02) of channel `ch`. */
function streamingChannel(d: DeviceCore, ch: number, sub: boolean) {
  return {
    id: ch * 100 + (sub ? 2 : 1),
    channelName: d.state.channels.find((c) => c.id === ch)?.name ?? `Camera ${String(ch).padStart(2, '0')}`,
    enabled: true,
    Transport: { ControlProtocolList: { ControlProtocol: [{ streamingTransport: 'RTSP' }, { streamingTransport: 'HTTP' }] }, Security: { enabled: true } },
    Video: {
      enabled: true,
      videoInputChannelID: ch,
      videoCodecType: sub ? 'H.264' : 'H.265',
      videoScanType: 'progressive',
      videoResolutionWidth: sub ? 640 : 2560,
      videoResolutionHeight: sub ? 360 : 1440,
      videoQualityControlType: 'VBR',
      constantBitRate: sub ? 512 : 4096,
      fixedQuality: 60,
      vbrUpperCap: sub ? 512 : 4096,
      vbrLowerCap: 32,
      maxFrameRate: 2500,
      keyFrameInterval: 2000,
      snapShotImageType: 'JPEG',
      GovLength: 50,
    },
    Audio: { enabled: !sub, audioInputChannelID: 1, audioCompressionType: 'G.711ulaw' },
  };
}

function streamingChannelsRes(d: DeviceCore): IsapiResponse {
  const list = d.state.channels.flatMap((c) => [streamingChannel(d, c.id, false), streamingChannel(d, c.id, true)]);
  return d.xml(200, buildXml('StreamingChannelList', { StreamingChannel: list }, { ns: d.ns }));
}

/** The camera behind an NVR's IP channel (PoE ports hand out 192.168.254.x, as DS-76xxNI-P do). */
function ipChannel(ch: ChannelState): InputProxyChannel {
  return { id: ch.id, name: ch.name, source: { proxyProtocol: 'HIKVISION', ipAddress: `192.168.254.${ch.id + 1}`, managePortNo: 8000, srcInputPort: 1, userName: 'admin' } };
}

/** A channel's new name from a PUT of its whole document: the id must be the path's, the name 1–32 characters. */
function rename(d: DeviceCore, c: IsapiContext, id: number, parsed: { id: number; name: string } | IsapiResponse): IsapiResponse {
  if (isResponse(parsed)) return parsed;
  const ch = d.state.channels.find((x) => x.id === id);
  if (!ch) return noSuch(d, c, 'video channel');
  if (parsed.id !== id) return d.rs(c, 'badXmlContent', { description: `id ${parsed.id} is not the channel ${id} of the path.` });
  const problem = channelNameProblem(parsed.name);
  if (problem) return d.rs(c, 'badXmlContent', { description: `${problem}.` });
  ch.name = parsed.name;
  d.changed();
  return d.ok(c);
}

function putIpChannel(d: DeviceCore, c: IsapiContext, id: number): IsapiResponse {
  const parsed = parsedBody(d, c, (b) => {
    const ch = parseInputProxyChannel(b);
    // The NVR needs to know which camera the channel is: a document without it is refused.
    if (!hasSourceDescriptor(b)) throw new Error('sourceInputPortDescriptor missing');
    return ch;
  });
  return rename(d, c, id, parsed);
}

function channelById(d: DeviceCore, c: IsapiContext, id: number, answer: (ch: ChannelState) => string): IsapiResponse {
  const ch = d.state.channels.find((x) => x.id === id);
  return ch ? d.xml(200, answer(ch)) : noSuch(d, c, 'video channel');
}

export function channelRoutes(d: DeviceCore): IsapiRoute[] {
  return [
    ['GET', /^\/isapi\/system\/video\/inputs\/channels$/, () => d.xml(200, videoInputChannelsXml(d.state.channels.map((ch) => ({ id: ch.id, name: ch.name, enabled: true })), d.ns))],
    ['GET', /^\/isapi\/system\/video\/inputs\/channels\/(\d+)$/, (c, m) => channelById(d, c, Number(m[1]), (ch) => videoInputChannelXml({ id: ch.id, name: ch.name, enabled: true }, d.ns))],
    ['PUT', /^\/isapi\/system\/video\/inputs\/channels\/(\d+)$/, (c, m) => rename(d, c, Number(m[1]), parsedBody(d, c, parseVideoInputChannel))],
    ['GET', /^\/isapi\/contentmgmt\/inputproxy\/channels$/, () => d.xml(200, inputProxyChannelsXml(d.state.channels.map(ipChannel), d.ns)), ['nvr']],
    ['GET', /^\/isapi\/contentmgmt\/inputproxy\/channels\/(\d+)$/, (c, m) => channelById(d, c, Number(m[1]), (ch) => inputProxyChannelXml(ipChannel(ch), d.ns)), ['nvr']],
    ['PUT', /^\/isapi\/contentmgmt\/inputproxy\/channels\/(\d+)$/, (c, m) => putIpChannel(d, c, Number(m[1])), ['nvr']],
    ['GET', /^\/isapi\/contentmgmt\/inputproxy\/channels\/status$/, () => channelStatusRes(d)],
    ['GET', /^\/isapi\/streaming\/channels$/, () => streamingChannelsRes(d)],
  ];
}
