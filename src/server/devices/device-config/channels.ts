/**
 * Remote configuration, area `channels` (issue 16): the names of a device's video channels, read
 * from the device and written back over whichever way Sitekeeper reaches it, each change audited
 * with the old and new name. A camera's channels are its video inputs; a recorder's are its IP
 * channels (InputProxy), plus its analog inputs when it reports some (a hybrid DVR). Where each
 * name lives on the device: src/protocol/isapi/channel-models.ts.
 */
import { AppError } from '../../../errors/app-error';
import type { DeviceClient } from '../../../device-client/device-client';
import type { ChannelSource, NamedChannel } from '../../../protocol/isapi/channel-models';
import type { Actor, RequestMeta } from '../../auth/actor';
import type { DeviceRemoteService } from '../device-remote.service';

/** Which channel lists a device of this type has: by the type it reports (or an installer set), and its analog input count. */
export function channelSources(type: string, analogChannelNum: number | undefined): ChannelSource[] | null {
  if (type === 'camera') return ['video_input'];
  if (type === 'nvr' || type === 'dvr') return (analogChannelNum ?? 0) > 0 ? ['video_input', 'ip_channel'] : ['ip_channel'];
  return null;
}

/**
 * The channel a PUT names: `source` when given, else the id's only channel; on a hybrid recorder
 * whose analog and IP channels share an id, the IP channel (the one recorders list first in their
 * web pages) unless `source` says otherwise. Null: the device has no such channel.
 */
export function pickChannel(channels: NamedChannel[], id: number, source?: ChannelSource): NamedChannel | null {
  const same = channels.filter((c) => c.id === id && (source === undefined || c.source === source));
  return same.find((c) => c.source === 'ip_channel') ?? same[0] ?? null;
}

export interface ChannelsConfig {
  channels: NamedChannel[];
}

export class ChannelsConfigArea {
  constructor(private readonly remote: Pick<DeviceRemoteService, 'forConfig' | 'write'>) {}

  async read(actor: Actor, id: string): Promise<ChannelsConfig> {
    const { d, client } = await this.remote.forConfig(actor, id);
    return { channels: await readChannels(client, d.type) };
  }

  async rename(actor: Actor, id: string, channelId: number, next: { name: string; source?: ChannelSource | undefined }, meta: RequestMeta): Promise<NamedChannel> {
    const { d, client } = await this.remote.forConfig(actor, id);
    const ch = pickChannel(await readChannels(client, d.type), channelId, next.source);
    if (!ch) throw new AppError('DEVICE_CHANNEL_NOT_FOUND', undefined, { details: { deviceId: id, channelId, ...(next.source ? { source: next.source } : {}) } });
    const at = { channelId, source: ch.source };
    await this.remote.write(actor, d, 'channels', { ...at, name: ch.name }, { ...at, name: next.name }, () => client.setChannelName(ch.source, channelId, next.name), meta);
    // Read back from the device: what it holds now, not what was sent.
    const back = pickChannel(await readChannels(client, d.type), channelId, ch.source);
    return back ?? { ...ch, name: next.name };
  }
}

async function readChannels(client: DeviceClient, type: string): Promise<NamedChannel[]> {
  const analog = type === 'nvr' || type === 'dvr' ? (await client.deviceInfo()).analogChannelNum : undefined;
  const sources = channelSources(type, analog);
  if (!sources) throw new AppError('DEVICE_UNSUPPORTED', 'Only cameras and recorders have video channels to name.', { details: { type } });
  const out: NamedChannel[] = [];
  // One list after the other: devices allow few sessions, and a recorder's lists are short.
  for (const source of sources) {
    if (source === 'video_input') out.push(...(await client.videoInputs()).map((c) => ({ id: c.id, name: c.name, source })));
    else out.push(...(await client.ipChannels()).map((c) => ({ id: c.id, name: c.name, source })));
  }
  return out;
}
