import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { createServer } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { releaseConnectPacket, startEmbeddedBroker, type EmbeddedBroker } from './index';
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

describe('embedded broker: what a connection keeps after its CONNECT (releaseConnectPacket)', () => {
  it('keeps neither the password nor the read chunk, and the Last Will still goes out', async () => {
    // A plain Aedes, to look at its client as the embedded broker's 'client' handler does.
    const aedes = await Aedes.createBroker();
    const server = createServer((s) => aedes.handle(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
    const clients = new Map<string, Client>();
    aedes.on('client', (c) => clients.set(c.id, c));
    const watcher = await connectMqtt(url, { clientId: 'watcher' });
    const wills: string[] = [];
    watcher.on('message', (t, p) => wills.push(`${t}=${p.toString()}`));
    await watcher.subscribeAsync('lw/#', { qos: 1 });
    const dev = await connectMqtt(url, { clientId: 'dev-1', username: 'dev:1', password: 'connect-proof-secret', reconnectPeriod: 0, will: { topic: 'lw/dev-1', payload: Buffer.from('{"online":false}'), qos: 1, retain: false } });
    const client = clients.get('dev-1')!;
    const internals = client as unknown as { _parser: { settings: Record<string, unknown> }; will: { payload: Buffer } };
    // Before: the CONNECT packet with the password, the will payload a slice of a larger buffer.
    expect(Buffer.from(internals._parser.settings.password as Buffer).toString()).toBe('connect-proof-secret');
    expect(internals.will.payload.buffer.byteLength).toBeGreaterThan(internals.will.payload.length);

    releaseConnectPacket(client);
    expect(internals._parser.settings).toEqual({ protocolVersion: 4 });
    expect(internals.will.payload.buffer.byteLength).toBe(internals.will.payload.length);
    expect(internals.will.payload.toString()).toBe('{"online":false}');

    // The connection still works, and dies with its will published.
    await dev.publishAsync('lw/alive', 'yes', { qos: 1 });
    (dev as unknown as { stream: { destroy(): void } }).stream.destroy();
    await eventually(() => wills.includes('lw/dev-1={"online":false}'), 'the Last Will of the dropped connection', 5000, 10);
    expect(wills).toContain('lw/alive=yes');
    await dev.endAsync(true).catch(() => undefined);
    await watcher.endAsync();
    await new Promise<void>((r) => aedes.close(() => r()));
    server.close();
  });
});

describe('embedded broker with authentication: packet sizes by sender (packet-size-guard.ts)', () => {
  let guarded: EmbeddedBroker;
  const MIB = 1024 * 1024;
  const clients: MqttClient[] = [];
  const login = async (username: string) => {
    const c = await connectMqtt(guarded.url, { clientId: `${username.replace(':', '-')}-${clients.length}`, username, password: 'x', reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };
  const closed = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));

  beforeAll(async () => {
    guarded = await startEmbeddedBroker({
      port: 0,
      authenticate: (_id, username) => (username === 'platform' ? true : username?.startsWith('dev:') ? { kind: 'device', serial: username.slice(4) } : null),
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await guarded?.close();
  });

  it('closes an unauthenticated connection whose CONNECT declares 200 MiB at its header, before buffering it', async () => {
    const { port } = new URL(guarded.url);
    const s = connect(Number(port), '127.0.0.1');
    s.on('error', () => undefined);
    const gone = new Promise<void>((resolve) => s.once('close', () => resolve()));
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    // CONNECT, remaining length 200 MiB (0x80 0x80 0x80 0x64), then a little of it.
    s.write(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x64]));
    s.write(Buffer.alloc(64 * 1024));
    await gone;
    expect(guarded.connectedClients()).toBe(0);
  });

  it('carries a 9 MiB tunnel request from the platform to a device; a device sending as much is disconnected, 1 MiB goes through', async () => {
    const platform = await login('platform');
    const device = await login('dev:DS-1');
    const toDevice: number[] = [];
    const toPlatform: number[] = [];
    device.on('message', (_t, p) => toDevice.push(p.length));
    platform.on('message', (_t, p) => toPlatform.push(p.length));
    await device.subscribeAsync('d/DS-1/req', { qos: 1 });
    await platform.subscribeAsync('d/DS-1/event', { qos: 1 });

    await platform.publishAsync('d/DS-1/req', Buffer.alloc(9 * MIB), { qos: 1 });
    await eventually(() => toDevice.includes(9 * MIB), 'the platform\'s 9 MiB at the device', 10_000, 20);
    await device.publishAsync('d/DS-1/event', Buffer.alloc(MIB), { qos: 1 });
    await eventually(() => toPlatform.includes(MIB), 'the device\'s 1 MiB at the platform', 10_000, 20);

    const gone = closed(device);
    device.publish('d/DS-1/event', Buffer.alloc(9 * MIB), { qos: 1 }, () => undefined);
    await gone;
    // The platform's link is untouched, and what it gets next is its own marker, never the 9 MiB.
    const marker = await login('dev:DS-2');
    await marker.publishAsync('d/DS-1/event', 'marker', { qos: 1 });
    await eventually(() => toPlatform.includes(6), 'the marker at the platform', 10_000, 20);
    expect(toPlatform).toEqual([MIB, 6]);
    expect(platform.connected).toBe(true);
  });
});
