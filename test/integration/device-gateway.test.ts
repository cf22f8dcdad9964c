import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { getTestBroker, type TestBroker } from '../helpers/broker';
import { FakeDevice, waitFor } from '../helpers/fake-device';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { DeviceClient } from '../../src/device-client/device-client';
import { deriveDeviceKey, encodeEnvelope, topics } from '../../src/protocol/tunnel/envelope';
import { isAppError } from '../../src/errors/app-error';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';

let broker: TestBroker;
let store: MemoryGatewayStore;
let gw: DeviceGateway;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  broker = await getTestBroker();
  store = new MemoryGatewayStore();
  gw = await DeviceGateway.start({ mqttUrl: broker.url, store, topicPrefix: broker.topicPrefix, presenceFlushMs: 200, requestTimeoutMs: 3000 });
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await gw?.close();
  await broker?.close();
});

async function connectDevice(serial: string, code = 'ABCDEF') {
  const dev = new FakeDevice(serial, code);
  const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
  closers.push(() => agent.close());
  return { dev, agent };
}

describe('device gateway + cloud connector', () => {
  it('registers a device on first contact, stores only a key, and reports it online in a batch', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000001');
    await waitFor(() => dev.registered, 10_000, 'registration');
    const reg = await store.getRegistration(dev.serial);
    expect(reg?.model).toBe(dev.model);
    expect(reg?.firmware).toBe('V5.7.3');
    expect(reg?.keyHex).toBe(deriveDeviceKey(dev.serial, 'ABCDEF').toString('hex'));
    expect(JSON.stringify(reg)).not.toContain('ABCDEF');
    await waitFor(() => store.presence.get(dev.serial)?.online === true, 5000, 'presence write');
    expect(await gw.verifyCode(dev.serial, 'ABCDEF')).toBe(true);
    expect(await gw.verifyCode(dev.serial, 'ABCDEG')).toBe(false);
    expect(await gw.verifyCode('UNKNOWN1', 'ABCDEF')).toBe(false);
  });

  it('tunnels ISAPI requests through the broker, binary bodies included', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000002');
    await waitFor(() => dev.registered, 10_000, 'registration');
    const client = new DeviceClient(new CloudTransport(gw, dev.serial));
    const info = await client.deviceInfo();
    expect(info.serialNumber).toBe(dev.serial);
    expect(dev.requests.at(-1)?.via).toBe('cloud');
    const blob = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    const echoed = await client.raw({ method: 'PUT', path: '/ISAPI/System/echo', body: blob });
    expect(echoed.body.equals(blob)).toBe(true);
    await expect(client.raw({ method: 'GET', path: '/ISAPI/Nope' })).rejects.toMatchObject({ code: 'DEVICE_UNSUPPORTED' });
  });

  it('routes from a second API node that never saw the hello', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000003');
    await waitFor(() => dev.registered, 10_000, 'registration');
    const other = await DeviceGateway.start({ mqttUrl: broker.url, store, topicPrefix: broker.topicPrefix, writer: false, requestTimeoutMs: 3000 });
    try {
      const info = await new DeviceClient(new CloudTransport(other, dev.serial)).deviceInfo();
      expect(info.model).toBe(dev.model);
    } finally {
      await other.close();
    }
  });

  it('marks a device offline when its link dies (Last Will) and fails fast with DEVICE_OFFLINE', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000004');
    await waitFor(() => dev.registered && gw.isOnline(dev.serial) === true, 10_000, 'online');
    dev.configure({ cloudLinkUp: false });
    await waitFor(() => gw.isOnline(dev.serial) === false, 10_000, 'offline via Last Will');
    expect(dev.registered).toBe(false);
    const err: unknown = await new DeviceClient(new CloudTransport(gw, dev.serial), { readRetries: 0 }).deviceInfo().catch((e: unknown) => e);
    expect(isAppError(err, 'DEVICE_OFFLINE')).toBe(true);
    await waitFor(() => store.presence.get(dev.serial)?.online === false, 5000, 'offline write');
    dev.configure({ cloudLinkUp: true });
    await waitFor(() => dev.registered && gw.isOnline(dev.serial) === true, 10_000, 'back online');
  });

  it('batches presence: many changes, one write', async () => {
    const batchStore = new MemoryGatewayStore();
    // A second writer whose timer never fires within the test: flushes only when asked.
    const writer = await DeviceGateway.start({ mqttUrl: broker.url, store: batchStore, topicPrefix: broker.topicPrefix, presenceFlushMs: 3_600_000 });
    try {
      const devs = await Promise.all(Array.from({ length: 12 }, (_, i) => connectDevice(`BATCH-${String(i).padStart(4, '0')}`)));
      await waitFor(() => devs.every(({ dev }) => writer.isOnline(dev.serial) === true), 15_000, 'all online');
      expect(batchStore.presenceWrites).toBe(0);
      await writer.flushPresence();
      expect(batchStore.presenceWrites).toBe(1);
      expect(devs.every(({ dev }) => batchStore.presence.get(dev.serial)?.online === true)).toBe(true);
    } finally {
      await writer.close();
    }
  });

  it('rotates the key when the device gets a new verification code, and refuses an impostor', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000005');
    await waitFor(() => dev.registered, 10_000, 'registration');
    dev.configure({ verificationCode: 'QWERTY' });
    await waitFor(async () => dev.registered && (await gw.verifyCode(dev.serial, 'QWERTY')), 10_000, 'rotation');
    // Same serial, wrong code, no proof of the old one: refused.
    const impostor = new FakeDevice(dev.serial, 'ZZZZZZ');
    const agent = await startCloudAgent(impostor, { mqttUrl: broker.url, topicPrefix: `${broker.topicPrefix}`, helloRetryMs: 300 });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect(impostor.registered).toBe(false);
      expect(await gw.verifyCode(dev.serial, 'QWERTY')).toBe(true);
    } finally {
      await agent.close();
    }
  });

  it('ignores forged replies and unsigned requests', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000006');
    await waitFor(() => dev.registered, 10_000, 'registration');
    const t = topics(broker.topicPrefix);
    const intruder = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    try {
      const seen = dev.requests.length;
      const forged = encodeEnvelope({ t: 'req', id: 'x', replyTo: t.nodeReplies('evil'), ts: Date.now(), op: 'isapi', method: 'GET', path: '/ISAPI/System/deviceInfo' });
      await intruder.publishAsync(t.deviceRequest(dev.serial), forged, { qos: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(dev.requests.length).toBe(seen);
    } finally {
      await intruder.endAsync();
    }
  });
});
