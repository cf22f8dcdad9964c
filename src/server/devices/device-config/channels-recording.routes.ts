/**
 * Routes of the remote-configuration areas `channels` (video channel names) and `recording`
 * (recording overwrite), registered from deviceRemoteRoutes (../device-remote.routes.ts).
 */
import { Type } from 'typebox';
import type { App } from '../../http/types';
import { meta } from '../../http/types';
import { errorResponses, Uuid } from '../../http/common.schema';
import { requireActor } from '../../http/access';
import type { DeviceRemoteService } from '../device-remote.service';
import { CHANNEL_NAME_MAX, CHANNEL_NAME_PATTERN } from '../../../protocol/isapi/channel-models';
import { ChannelsConfigArea } from './channels';
import { RecordingConfigArea } from './recording';

const Source = Type.Union([Type.Literal('video_input'), Type.Literal('ip_channel')], { description: "Where the name lives on the device: its own video input (a camera's sensor, a DVR's analog input) or a recorder's IP channel" });
const Channel = Type.Object({ id: Type.Integer({ description: "The device's own channel id" }), name: Type.String(), source: Source });
const ChannelsRead = Type.Object({ channels: Type.Array(Channel) });
const ChannelParams = Type.Object({ id: Uuid, channelId: Type.Integer({ minimum: 1, maximum: 9999 }) });
// As the device name: 1–32 characters, nothing XML-special; and no control characters, no space at either end.
const ChannelName = Type.Object({
  name: Type.String({ minLength: 1, maxLength: CHANNEL_NAME_MAX, pattern: CHANNEL_NAME_PATTERN, description: 'The name the device holds for the channel (1–32 characters, none of < > & ", no space at either end)' }),
  source: Type.Optional(Source),
}, { additionalProperties: false });

const RecordingRead = Type.Object({
  applicable: Type.Boolean({ description: 'False for a device without a disk or memory card: there is nothing to overwrite' }),
  overwrite: Type.Union([Type.Boolean(), Type.Null()], { description: 'Recording overwrites the oldest footage when the disks are full; null when not applicable' }),
  disks: Type.Integer({ description: 'Disks (or memory cards) the device reports' }),
});
const RecordingWrite = Type.Object({ overwrite: Type.Boolean() }, { additionalProperties: false });

const NOTE = 'Read from the device and written back over whichever way Sitekeeper reaches it (device cloud, site agent, directly). Needs the device admin password (DEVICE_ADMIN_PASSWORD_NEEDED) and a firmware the compatibility catalogue accepts for remote configuration (FIRMWARE_INCOMPATIBLE). Each change writes a `device.config.update` audit row with the old and new values.';

export function channelsRecordingRoutes(app: App, deps: { remote: DeviceRemoteService }): void {
  const channels = new ChannelsConfigArea(deps.remote);
  const recording = new RecordingConfigArea(deps.remote);

  app.get('/api/devices/:id/config/channels', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: "Remote configuration: the device's video channels and their names", description: `${NOTE} Cameras and recorders only (DEVICE_UNSUPPORTED otherwise).`, params: Type.Object({ id: Uuid }), response: { 200: ChannelsRead, ...errorResponses } },
  }, async (req) => channels.read(requireActor(req), req.params.id));

  app.put('/api/devices/:id/config/channels/:channelId', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Remote configuration: rename a video channel (read back from the device)',
      description: `${NOTE} A channel id the device does not have: DEVICE_CHANNEL_NOT_FOUND, nothing written. \`source\` picks the list when a hybrid recorder has an analog and an IP channel with the same id (default: the IP channel).`,
      params: ChannelParams,
      body: ChannelName,
      response: { 200: Channel, ...errorResponses },
    },
  }, async (req) => channels.rename(requireActor(req), req.params.id, req.params.channelId, req.body, meta(req)));

  app.get('/api/devices/:id/config/recording', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Remote configuration: whether recording overwrites the oldest footage when the disks are full', description: `${NOTE} A device without a disk or memory card answers \`applicable: false\`.`, params: Type.Object({ id: Uuid }), response: { 200: RecordingRead, ...errorResponses } },
  }, async (req) => recording.read(requireActor(req), req.params.id));

  app.put('/api/devices/:id/config/recording', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Remote configuration: switch recording overwrite on or off (read back from the device)',
      description: `${NOTE} A device without a disk or memory card: RECORDING_OVERWRITE_NOT_APPLICABLE, nothing written.`,
      params: Type.Object({ id: Uuid }),
      body: RecordingWrite,
      response: { 200: RecordingRead, ...errorResponses },
    },
  }, async (req) => recording.write(requireActor(req), req.params.id, req.body, meta(req)));
}
