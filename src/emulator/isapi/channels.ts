/**
 * Video channels: inputs (/ISAPI/System/Video/inputs/channels), their recording and video-loss
 * status (/ISAPI/ContentMgmt/InputProxy/channels/status) and their streams (/ISAPI/Streaming/channels).
 */
import { channelStatusXml, videoInputChannelsXml } from '../../protocol/isapi/models';
import { buildXml } from '../../protocol/isapi/xml';
import type { IsapiResponse } from '../types';
import type { DeviceCore } from './context';
import type { IsapiRoute } from './route';

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

export function channelRoutes(d: DeviceCore): IsapiRoute[] {
  return [
    ['GET', /^\/isapi\/system\/video\/inputs\/channels$/, () => d.xml(200, videoInputChannelsXml(d.state.channels.map((ch) => ({ id: ch.id, name: ch.name, enabled: true })), d.ns))],
    ['GET', /^\/isapi\/contentmgmt\/inputproxy\/channels\/status$/, () => channelStatusRes(d)],
    ['GET', /^\/isapi\/streaming\/channels$/, () => streamingChannelsRes(d)],
  ];
}
