import { describe, expect, it } from 'vitest';
import type { NamedChannel } from '../../../protocol/isapi/channel-models';
import { channelSources, pickChannel } from './channels';

describe('which channel lists a device has', () => {
  it.each([
    ['camera', undefined, ['video_input']],
    ['nvr', 0, ['ip_channel']],
    ['nvr', undefined, ['ip_channel']],
    ['dvr', 8, ['video_input', 'ip_channel']],
    ['nvr', 4, ['video_input', 'ip_channel']],
    ['axpro', undefined, null],
    ['doorbell', undefined, null],
    ['other', 2, null],
  ] as const)('%s with %s analog inputs → %j', (type, analog, expected) => {
    expect(channelSources(type, analog)).toEqual(expected);
  });
});

describe('the channel a rename names', () => {
  const hybrid: NamedChannel[] = [
    { id: 1, name: 'Analog 1', source: 'video_input' },
    { id: 2, name: 'Analog 2', source: 'video_input' },
    { id: 1, name: 'IP 1', source: 'ip_channel' },
    { id: 5, name: 'IP 5', source: 'ip_channel' },
  ];
  it.each([
    ['the only channel with the id', 2, undefined, 'Analog 2'],
    ['an IP channel', 5, undefined, 'IP 5'],
    ['a shared id: the IP channel by default', 1, undefined, 'IP 1'],
    ['a shared id with source video_input', 1, 'video_input', 'Analog 1'],
    ['an id the device does not have', 9, undefined, null],
    ['an id only in the other list', 2, 'ip_channel', null],
  ] as const)('%s', (_n, id, source, expected) => {
    expect(pickChannel(hybrid, id, source)?.name ?? null).toBe(expected);
  });
});
