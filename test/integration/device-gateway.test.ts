import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestBroker, type TestBroker } from '../helpers/broker';
import { FakeDevice } from '../helpers/fake-device';
import { eventually } from '../helpers/wait';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import type { IsapiRequest, IsapiResponse } from '../../src/emulator/types';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { DeviceClient } from '../../src/device-client/device-client';
import { connectMqtt } from '../../src/mqtt/client';
import {
  decodeEnvelope, deriveDeviceKey, encodeEnvelope, helloProof, signEnvelope, topics, type DeviceHello, type HelloAck,
} from '../../src/protocol/tunnel/envelope';
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

/** A device that answers only once the test lets it (`hold`), to order what reaches the gateway. */
class HeldDevice extends FakeDevice {
  hold: Promise<void> | undefined;
  override async handleIsapi(req: IsapiRequest, ctx: { via: 'http' | 'cloud' }): Promise<IsapiResponse> {
    await this.hold;
    return super.handleIsapi(req, ctx);
  }
}

async function connectDevice(serial: string, code = 'ABCDEF') {
  const dev = new HeldDevice(serial, code);
  const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
  closers.push(() => agent.close());
  return { dev, agent };
}

describe('device gateway + cloud connector', () => {
  it('registers a device on first contact, stores only a key, and reports it online in a batch', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000001');
    await eventually(() => dev.registered, 'registration', 10_000, 25);
    const reg = await store.getRegistration(dev.serial);
    expect(reg?.model).toBe(dev.model);
    expect(reg?.firmware).toBe('V5.7.3');
    expect(reg?.keyHex).toBe(deriveDeviceKey(dev.serial, 'ABCDEF').toString('hex'));
    expect(JSON.stringify(reg)).not.toContain('ABCDEF');
    await eventually(() => store.presence.get(dev.serial)?.online === true, 'presence write', 5000, 25);
    expect(await gw.verifyCode(dev.serial, 'ABCDEF')).toBe(true);
    expect(await gw.verifyCode(dev.serial, 'ABCDEG')).toBe(false);
    expect(await gw.verifyCode('UNKNOWN1', 'ABCDEF')).toBe(false);
  });

  it('tunnels ISAPI requests through the broker, binary bodies included', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000002');
    await eventually(() => dev.registered, 'registration', 10_000, 25);
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
    await eventually(() => dev.registered, 'registration', 10_000, 25);
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
    await eventually(() => dev.registered && gw.isOnline(dev.serial) === true, 'online', 10_000, 25);
    dev.configure({ cloudLinkUp: false });
    await eventually(() => gw.isOnline(dev.serial) === false, 'offline via Last Will', 10_000, 25);
    expect(dev.registered).toBe(false);
    const err: unknown = await new DeviceClient(new CloudTransport(gw, dev.serial), { readRetries: 0 }).deviceInfo().catch((e: unknown) => e);
    expect(isAppError(err, 'DEVICE_OFFLINE')).toBe(true);
    await eventually(() => store.presence.get(dev.serial)?.online === false, 'offline write', 5000, 25);
    dev.configure({ cloudLinkUp: true });
    await eventually(() => dev.registered && gw.isOnline(dev.serial) === true, 'back online', 10_000, 25);
  });

  it('batches presence: many changes, one write', async () => {
    const batchStore = new MemoryGatewayStore();
    // A second writer whose timer never fires within the test: flushes only when asked.
    const writer = await DeviceGateway.start({ mqttUrl: broker.url, store: batchStore, topicPrefix: broker.topicPrefix, presenceFlushMs: 3_600_000 });
    try {
      const devs = await Promise.all(Array.from({ length: 12 }, (_, i) => connectDevice(`BATCH-${String(i).padStart(4, '0')}`)));
      await eventually(() => devs.every(({ dev }) => writer.isOnline(dev.serial) === true), 'all online', 15_000, 25);
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
    await eventually(() => dev.registered, 'registration', 10_000, 25);
    dev.configure({ verificationCode: 'QWERTY' });
    await eventually(async () => dev.registered && (await gw.verifyCode(dev.serial, 'QWERTY')), 'rotation', 10_000, 25);
    // Same serial, wrong code, no proof of the old one: refused. A witness on the device's hello and
    // ack topics tells the impostor's hellos (by their proof) and waits for the gateway's answer to one.
    const t = topics(broker.topicPrefix);
    const impostorKey = deriveDeviceKey(dev.serial, 'ZZZZZZ');
    const impostorNonces = new Set<string>();
    const acks: HelloAck[] = [];
    const witness = await connectMqtt(broker.url);
    witness.on('message', (topic, payload) => {
      const m = JSON.parse(payload.toString('utf8'));
      if (topic === t.deviceHello(dev.serial) && (m as DeviceHello).proof === helloProof(impostorKey, m as DeviceHello)) impostorNonces.add((m as DeviceHello).nonce);
      if (topic === t.deviceAck(dev.serial)) acks.push(m as HelloAck);
    });
    await witness.subscribeAsync([t.deviceHello(dev.serial), t.deviceAck(dev.serial)], { qos: 1 });
    const impostor = new FakeDevice(dev.serial, 'ZZZZZZ');
    const agent = await startCloudAgent(impostor, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    try {
      const answer = await eventually(() => acks.find((a) => impostorNonces.has(a.nonce)), "the gateway's answer to the impostor", 10_000, 25);
      expect(answer).toMatchObject({ ok: false, need: 'rotate' });
      expect(impostor.registered).toBe(false);
      expect(await gw.verifyCode(dev.serial, 'QWERTY')).toBe(true);
    } finally {
      await agent.close();
      await witness.endAsync();
    }
  });

  it('a captured request sent again is not acted on (replay)', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000016');
    await eventually(() => dev.registered, 'registration', 10_000, 25);
    const t = topics(broker.topicPrefix);
    const sniffer = await connectMqtt(broker.url);
    try {
      const captured: Buffer[] = [];
      sniffer.on('message', (_topic, payload) => captured.push(payload));
      await sniffer.subscribeAsync(t.deviceRequest(dev.serial), { qos: 1 });
      const seen = dev.requests.length;
      const first = await gw.request(dev.serial, { method: 'PUT', path: '/ISAPI/System/echo', body: Buffer.from('once') });
      expect(first.body.toString()).toBe('once');
      const request = await eventually(() => captured[0], 'the request seen on the wire');
      // Replayed well inside its validity window, then a real request on the same ordered path:
      // when that one is answered, the replay has been taken and dropped, or it would be in the log.
      await sniffer.publishAsync(t.deviceRequest(dev.serial), request, { qos: 1 });
      const next = await gw.request(dev.serial, { method: 'PUT', path: '/ISAPI/System/echo', body: Buffer.from('twice?') });
      expect(next.body.toString()).toBe('twice?');
      expect(dev.requests.slice(seen).map((r) => r.req.body?.toString())).toEqual(['once', 'twice?']);
    } finally {
      await sniffer.endAsync();
    }
  });

  it('ignores forged replies and unsigned requests', async () => {
    const { dev } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000006');
    await eventually(() => dev.registered, 'registration', 10_000, 25);
    const t = topics(broker.topicPrefix);
    const intruder = await connectMqtt(broker.url);
    try {
      // An unsigned request, then a real one on the same topic. The broker delivers them in that
      // order (the forged one was acknowledged first) and the device takes them in order: when the
      // real one is answered, the forged one has been dropped, or it would be in the device's log.
      const seen = dev.requests.length;
      const forged = encodeEnvelope({ t: 'req', id: 'x', replyTo: t.nodeReplies('evil'), ts: Date.now(), op: 'isapi', method: 'GET', path: '/ISAPI/System/deviceInfo' });
      await intruder.publishAsync(t.deviceRequest(dev.serial), forged, { qos: 1 });
      const real = await gw.request(dev.serial, { method: 'PUT', path: '/ISAPI/System/echo', body: Buffer.from('real') });
      expect(real.body.toString()).toBe('real');
      expect(dev.requests.slice(seen).map((r) => r.req.path)).toEqual(['/ISAPI/System/echo']);

      // A forged answer (signed with a wrong key) to a real request, delivered to the gateway before
      // the device answers (the device holds its answer until the forgery was acknowledged): ignored.
      let forgerySent: () => void = () => undefined;
      dev.hold = new Promise((r) => (forgerySent = r));
      const wrongKey = deriveDeviceKey(dev.serial, 'WRONG1');
      intruder.on('message', (_topic, payload) => {
        const { header } = decodeEnvelope(payload);
        if (header.t !== 'req') return;
        const body = Buffer.from('forged');
        const answer = encodeEnvelope(signEnvelope(wrongKey, { t: 'res', id: header.id, ts: Date.now(), status: 200, headers: {} }, body), body);
        void intruder.publishAsync(header.replyTo, answer, { qos: 1 }).then(forgerySent);
      });
      await intruder.subscribeAsync(t.deviceRequest(dev.serial), { qos: 1 });
      const answered = await gw.request(dev.serial, { method: 'PUT', path: '/ISAPI/System/echo', body: Buffer.from('from the device') });
      expect(answered.body.toString()).toBe('from the device');
    } finally {
      dev.hold = undefined;
      await intruder.endAsync();
    }
  });
});
