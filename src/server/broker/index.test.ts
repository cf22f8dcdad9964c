import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from './index';
import { connectMqtt } from '../../mqtt/client';
import { eventually } from '../../../test/helpers/wait';

let broker: EmbeddedBroker;
let pub: MqttClient;

beforeAll(async () => {
  broker = await startEmbeddedBroker({ port: 0 });
  pub = await connectMqtt(broker.url, { clientId: 'pub' });
});

afterAll(async () => {
  await pub?.endAsync();
  await broker?.close();
});

/**
 * The retained messages a new subscription to `topic` gets. The broker sends them right after its
 * SUBACK; a plain (not retained) marker published on a matching topic after the SUBACK comes behind
 * them, so once the marker is here every retained message has been delivered.
 */
async function retainedSeen(topic: string): Promise<string[]> {
  const sub = await connectMqtt(broker.url);
  const got: string[] = [];
  sub.on('message', (t, p) => got.push(`${t}=${p.toString()}`));
  await sub.subscribeAsync(topic, { qos: 1 });
  const marker = `${topic.replace('+', 'marker')}=end-of-retained`;
  await pub.publishAsync(topic.replace('+', 'marker'), 'end-of-retained', { qos: 1 });
  await eventually(() => got.includes(marker), 'the marker behind the retained messages', 5000, 10);
  await sub.endAsync();
  return got.slice(0, got.indexOf(marker));
}

describe('embedded broker', () => {
  it('listens on a random loopback port, never 1883', () => {
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(broker.url).not.toContain(':1883');
  });

  it('delivers retained messages to exact and wildcard subscriptions, and forgets cleared ones', async () => {
    await pub.publishAsync('t/dev1/presence', 'on', { qos: 1, retain: true });
    await pub.publishAsync('t/dev2/presence', 'on2', { qos: 1, retain: true });
    expect(await retainedSeen('t/dev1/presence')).toEqual(['t/dev1/presence=on']);
    expect((await retainedSeen('t/+/presence')).sort()).toEqual(['t/dev1/presence=on', 't/dev2/presence=on2']);
    await pub.publishAsync('t/dev1/presence', 'off', { qos: 1, retain: true });
    expect(await retainedSeen('t/dev1/presence')).toEqual(['t/dev1/presence=off']);
    await pub.publishAsync('t/dev1/presence', '', { qos: 1, retain: true });
    expect(await retainedSeen('t/dev1/presence')).toEqual([]);
    expect(await retainedSeen('t/+/presence')).toEqual(['t/dev2/presence=on2']);
  });
});
