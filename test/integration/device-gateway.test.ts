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
  deriveDeviceKey, readEnvelopeHeader, sealEnvelope, topics, type DeviceHello, type HelloAck,
} from '../../src/protocol/tunnel/envelope';
import { encodeEnvelopeV1 } from '../../src/protocol/tunnel/envelope-v1';
import { randomBytes } from 'node:crypto';
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

/**
 * A device connected to the cloud and bound the way the platform binds one: it registers (pending),
 * then the installer's code is checked against it and the gateway issues its key. With
 * `provisioned`, the key is already in the given stores (a provisioned registration) instead.
 */
async function connectDevice(serial: string, code = 'ABCDEF', provisioned?: MemoryGatewayStore[]) {
  const dev = new HeldDevice(serial, code);
  const initialKey = provisioned ? randomBytes(32) : undefined;
  const now = new Date();
  for (const st of provisioned ?? []) await st.upsertRegistration({ serial, keyHex: initialKey!.toString('hex'), legacy: false, model: dev.model, type: dev.type, firmware: dev.firmwareVersion, registeredAt: now, updatedAt: now });
  const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300, ...(initialKey ? { initialKey } : {}) });
  closers.push(() => agent.close());
  if (!provisioned) {
    await eventually(() => gw.pendingDevice(serial), 'a pending registration', 10_000, 25);
    expect(await gw.verifyCode(serial, code)).toBe(true);
  }
  await eventually(() => agent.accepted(), 'the device bound', 10_000, 25);
  return { dev, agent };
}

describe('device gateway + cloud connector', () => {
  it('binds a device only after it proved the code: an issued random key, never one derived from the code', async () => {
    const dev = new HeldDevice('DS-2CD2143G2-I20240101AAWR000000001', 'ABCDEF');
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    closers.push(() => agent.close());
    // Connected and pending: known by what it says it is, bound to nothing, not online.
    expect(await eventually(() => gw.pendingDevice(dev.serial), 'pending', 10_000, 25)).toMatchObject({ serial: dev.serial, model: dev.model });
    expect(gw.pendingDevice(dev.serial.slice(-9))?.serial).toBe(dev.serial);
    expect(await store.getRegistration(dev.serial)).toBeNull();
    expect(gw.isOnline(dev.serial)).toBeUndefined();
    expect(await gw.verifyCode(dev.serial, 'ABCDEG')).toBe(false);
    expect(await store.getRegistration(dev.serial)).toBeNull();
    expect(await gw.verifyCode(dev.serial, 'ABCDEF')).toBe(true);
    const reg = await store.getRegistration(dev.serial);
    expect(reg).toMatchObject({ model: dev.model, firmware: 'V5.7.3', legacy: false });
    expect(reg?.keyHex).not.toBe(deriveDeviceKey(dev.serial, 'ABCDEF').toString('hex'));
    expect(reg?.keyHex).toBe(agent.deviceKey()?.toString('hex'));
    expect(JSON.stringify(reg)).not.toContain('ABCDEF');
    await eventually(() => gw.isOnline(dev.serial), 'online', 10_000, 25);
    await eventually(() => store.presence.get(dev.serial)?.online === true, 'presence write', 5000, 25);
    // Bound devices answer the challenge under their key.
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
      // Provisioned in both writers' stores: two writers would both answer a registration.
      const devs = await Promise.all(Array.from({ length: 12 }, (_, i) => connectDevice(`BATCH-${String(i).padStart(4, '0')}`, 'ABCDEF', [store, batchStore])));
      await eventually(() => devs.every(({ dev }) => writer.isOnline(dev.serial) === true), 'all online', 15_000, 25);
      expect(batchStore.presenceWrites).toBe(0);
      await writer.flushPresence();
      expect(batchStore.presenceWrites).toBe(1);
      expect(devs.every(({ dev }) => batchStore.presence.get(dev.serial)?.online === true)).toBe(true);
    } finally {
      await writer.close();
    }
  });

  it('one presence writer: the other node keeps its view without writing, and writes its whole view once it becomes the writer', async () => {
    const storeA = new MemoryGatewayStore();
    const storeB = new MemoryGatewayStore();
    // Two nodes hearing the same devices; flushes only when asked.
    const a = await DeviceGateway.start({ mqttUrl: broker.url, store: storeA, topicPrefix: broker.topicPrefix, presenceFlushMs: 3_600_000 });
    const b = await DeviceGateway.start({ mqttUrl: broker.url, store: storeB, topicPrefix: broker.topicPrefix, presenceFlushMs: 3_600_000, presenceWriter: false });
    try {
      const devs = await Promise.all(Array.from({ length: 3 }, (_, i) => connectDevice(`LEASE-${String(i).padStart(4, '0')}`, 'ABCDEF', [store, storeA, storeB])));
      await eventually(() => devs.every(({ dev }) => a.isOnline(dev.serial) === true && b.isOnline(dev.serial) === true), 'both nodes see all online', 15_000, 25);
      await a.flushPresence();
      await b.flushPresence();
      expect([storeA.presenceWrites, storeB.presenceWrites]).toEqual([1, 0]);
      expect(devs.every(({ dev }) => storeA.presence.get(dev.serial)?.online === true)).toBe(true);

      // A device goes offline while A writes; then B takes over: it writes its whole view in one write.
      devs[0]!.dev.configure({ cloudLinkUp: false });
      await eventually(() => b.isOnline(devs[0]!.dev.serial) === false && a.isOnline(devs[0]!.dev.serial) === false, 'offline on both', 10_000, 25);
      a.setPresenceWriter(false);
      b.setPresenceWriter(true);
      await a.flushPresence();
      await b.flushPresence();
      expect([storeA.presenceWrites, storeB.presenceWrites]).toEqual([1, 1]);
      expect(devs.map(({ dev }) => storeB.presence.get(dev.serial)?.online)).toEqual([false, true, true]);
      expect([a.presenceWriter, b.presenceWriter]).toEqual([false, true]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps the issued key when the device gets a new verification code; a second registration of a bound serial gets nothing', async () => {
    const { dev, agent } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000005');
    await eventually(() => dev.registered, 'registration', 10_000, 25);
    const key = agent.deviceKey();
    dev.configure({ verificationCode: 'QWERTY' });
    expect(await gw.verifyCode(dev.serial, 'QWERTY')).toBe(true);
    expect(await gw.verifyCode(dev.serial, 'ABCDEF')).toBe(false);
    expect(agent.deviceKey()?.equals(key!)).toBe(true);
    expect((await store.getRegistration(dev.serial))?.keyHex).toBe(key?.toString('hex'));
    // Same serial, no key: its register hello is answered `bound` and it never gets a session.
    const t = topics(broker.topicPrefix);
    const registerNonces = new Set<string>();
    const acks: HelloAck[] = [];
    const witness = await connectMqtt(broker.url);
    witness.on('message', (topic, payload) => {
      const m = JSON.parse(payload.toString('utf8')) as DeviceHello & HelloAck;
      if (topic === t.deviceHello(dev.serial) && m.register) registerNonces.add(m.nonce);
      if (topic === t.deviceAck(dev.serial)) acks.push(m);
    });
    await witness.subscribeAsync([t.deviceHello(dev.serial), t.deviceAck(dev.serial)], { qos: 1 });
    const impostor = new FakeDevice(dev.serial, 'QWERTY');
    const impostorAgent = await startCloudAgent(impostor, { mqttUrl: broker.url, topicPrefix: `${broker.topicPrefix}`, helloRetryMs: 300 });
    try {
      const answer = await eventually(() => acks.find((a) => registerNonces.has(a.nonce)), "the gateway's answer to the impostor", 10_000, 25);
      expect(answer).toMatchObject({ ok: false, reason: 'bound' });
      expect(answer.pub).toBeUndefined();
      expect(impostorAgent.deviceKey()).toBeNull();
      expect(gw.pendingDevice(dev.serial)).toBeNull();
      expect((await store.getRegistration(dev.serial))?.keyHex).toBe(key?.toString('hex'));
    } finally {
      await impostorAgent.close();
      await witness.endAsync();
    }
  });

  it('reset cloud binding: the key is forgotten, the device registers again and is bound again only with proof', async () => {
    const { dev, agent } = await connectDevice('DS-2CD2143G2-I20240101AAWR000000007');
    await eventually(() => dev.registered && gw.isOnline(dev.serial) === true, 'online', 10_000, 25);
    const before = agent.deviceKey();
    expect(await gw.resetBinding(dev.serial)).toBe(true);
    expect(await store.getRegistration(dev.serial)).toBeNull();
    expect(gw.isOnline(dev.serial)).toBeUndefined();
    await eventually(() => gw.pendingDevice(dev.serial), 'registering again', 10_000, 25);
    expect(await gw.verifyCode(dev.serial, 'ABCDEF')).toBe(true);
    await eventually(() => dev.registered && gw.isOnline(dev.serial) === true, 'bound again', 10_000, 25);
    expect(agent.deviceKey()?.equals(before!)).toBe(false);
    expect((await store.getRegistration(dev.serial))?.keyHex).toBe(agent.deviceKey()?.toString('hex'));
    expect(await gw.resetBinding('NEVER-BOUND-1')).toBe(false);
  });

  it('moves a device registered with a legacy (code-derived) key to an issued key at its next hello; the legacy key is then gone', async () => {
    const serial = 'DS-2CD2143G2-I20240101AAWR000000008';
    const legacyKey = deriveDeviceKey(serial, 'ABCDEF');
    const t0 = new Date(0);
    // As migration 0007 leaves a registration made before issue 12.
    await store.upsertRegistration({ serial, keyHex: legacyKey.toString('hex'), legacy: true, model: 'DS-2CD2143G2-I', type: 'camera', firmware: 'V5.7.3', registeredAt: t0, updatedAt: t0 });
    expect(await gw.verifyCode(serial, 'ABCDEF')).toBe(true);
    const dev = new HeldDevice(serial, 'ABCDEF');
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300, initialKey: legacyKey });
    closers.push(() => agent.close());
    await eventually(async () => (await store.getRegistration(serial))?.legacy === false && agent.accepted(), 'the issued key in place', 10_000, 25);
    const reg = await store.getRegistration(serial);
    expect(reg?.keyHex).toBe(agent.deviceKey()?.toString('hex'));
    expect(reg?.keyHex).not.toBe(legacyKey.toString('hex'));
    expect(reg?.registeredAt).toEqual(t0);
    expect((await new DeviceClient(new CloudTransport(gw, serial)).deviceInfo()).serialNumber).toBe(serial);
    // The code is now checked against the device itself.
    expect(await gw.verifyCode(serial, 'ABCDEF')).toBe(true);
    expect(await gw.verifyCode(serial, 'ABCDEG')).toBe(false);
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
      const forged = encodeEnvelopeV1({ t: 'req', id: 'x', replyTo: t.nodeReplies('evil'), ts: Date.now(), op: 'isapi', method: 'GET', path: '/ISAPI/System/deviceInfo' });
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
        const header = readEnvelopeHeader(payload);
        if (header.t !== 'req' || header.replyTo === undefined) return;
        const answer = sealEnvelope(wrongKey, { t: 'res', id: header.id, ts: Date.now(), status: 200, headers: {} }, Buffer.from('forged'));
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
