/**
 * Attacks on device registration (issue 12: keys issued, not derived; no "first come, first
 * registered"), on the embedded broker with its authentication and topic ACL:
 * (a) offline guessing: a broker observer with the platform's own credentials, subscribed to '#',
 *     captures everything said during registration, proof and the first requests; nothing captured
 *     can be tested against a verification-code guess (the right code does no better than a wrong one);
 * (b) first come: an impostor registers the serial before the real device; the real owner's add
 *     with the right code still binds the real device, and the impostor gets nothing;
 * (c) wrong codes are throttled per serial with a growing, capped delay (never a lockout);
 * (d) "reset cloud binding" is allowed per role (site managers only), audited without secrets, and
 *     the device is bound again only with proof.
 * Every outcome is waited for explicitly; nothing is inferred from silence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/server/broker';
import { connectMqtt } from '../../src/mqtt/client';
import { createTopicAcl } from '../../src/protocol/tunnel/acl';
import {
  deriveDeviceKey, deviceConnectProof, helloProof, hmacHex, presenceProof, topics, openEnvelope, type DeviceHello, type HelloAck,
} from '../../src/protocol/tunnel/envelope';
import { codeKey, isPublicKey, openStep, type SessionStep } from '../../src/protocol/tunnel/registration';
import { createBrokerAuthenticator } from '../../src/server/gateway/broker-auth';
import { CODE_ATTEMPT_POLICY, DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { delaySeconds } from '../../src/server/auth/login-throttle';
import { startCloudAgent, type CloudAgent } from '../../src/emulator/cloud-agent';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { DeviceClient } from '../../src/device-client/device-client';
import { isAppError } from '../../src/errors/app-error';
import { FakeDevice } from '../helpers/fake-device';
import { eventually } from '../helpers/wait';
import { bindCloudDevice } from '../helpers/cloud-binding';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildEndUser, buildInstaller, buildOtherCompany, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { labelText } from '../../src/emulator/label';

const PREFIX = 'reg/';
const PLATFORM = { user: 'sitekeeper-platform', pass: randomBytes(16).toString('hex') };
const t = topics(PREFIX);
let broker: EmbeddedBroker;
let store: MemoryGatewayStore;
let gw: DeviceGateway;
/** The gateway's clock runs ahead of the wall clock by this much (attempt delays, without waiting). */
let clockAheadMs = 0;
const credentials: [string, string | null][] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  store = new MemoryGatewayStore();
  broker = await startEmbeddedBroker({
    port: 0,
    authenticate: createBrokerAuthenticator({ store, platformUsername: PLATFORM.user, platformPassword: PLATFORM.pass }),
    acl: createTopicAcl(PREFIX),
  });
  gw = await DeviceGateway.start({
    mqttUrl: broker.url, store, topicPrefix: PREFIX, mqttUsername: PLATFORM.user, mqttPassword: PLATFORM.pass, requestTimeoutMs: 3000,
    now: () => Date.now() + clockAheadMs,
    onDeviceCredentials: (serial, password) => credentials.push([serial, password]),
  });
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await gw?.close();
  await broker?.close();
});

async function device(serial: string, code: string, clientId?: string): Promise<{ dev: FakeDevice; agent: CloudAgent }> {
  const dev = new FakeDevice(serial, code);
  const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: PREFIX, helloRetryMs: 300, ...(clientId ? { clientId } : {}) });
  closers.push(() => agent.close());
  return { dev, agent };
}

async function observer(): Promise<{ c: MqttClient; seen: { topic: string; payload: Buffer }[] }> {
  const c = await connectMqtt(broker.url, { username: PLATFORM.user, password: PLATFORM.pass });
  closers.push(() => c.endAsync());
  const seen: { topic: string; payload: Buffer }[] = [];
  c.on('message', (topic, payload) => seen.push({ topic, payload: Buffer.from(payload) }));
  await c.subscribeAsync('#', { qos: 1 });
  return { c, seen };
}

/** Every string inside a JSON value. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

describe('(a) a broker observer cannot test verification-code guesses offline', () => {
  it('sees public keys and ciphertexts during registration and proof; nothing it saw verifies against the right code any better than a wrong one', async () => {
    const serial = 'DS-2CD2143G2-I20240101REG000000001';
    const right = 'ABCDEF';
    const { c, seen } = await observer();
    const { agent } = await device(serial, right);
    await eventually(() => gw.pendingDevice(serial), 'pending', 10_000, 25);
    expect(await gw.verifyCode(serial, 'WRONG1')).toBe(false);
    expect(await gw.verifyCode(serial, right)).toBe(true);
    await eventually(() => agent.accepted(), 'bound', 10_000, 25);
    // A request and its answer too: signed with the issued key.
    await new DeviceClient(new CloudTransport(gw, serial)).deviceInfo();
    // A marker after everything: once the observer has it, it has everything published before.
    await c.publishAsync(`${PREFIX}marker`, 'end', { qos: 1 });
    await eventually(() => seen.some((m) => m.topic === `${PREFIX}marker`), 'everything captured', 10_000, 25);

    const mine = seen.filter((m) => m.topic.startsWith(`${PREFIX}d/${serial}/`) || m.topic.startsWith(`${PREFIX}n/`));
    const json = mine.map((m) => ({ topic: m.topic, v: ((): unknown => { try { return JSON.parse(m.payload.toString('utf8')); } catch { return null; } })() }));

    // The register hello carries a public key and no proof; the gateway's answer a public key.
    const registerHello = json.find((m) => m.topic === t.deviceHello(serial) && (m.v as DeviceHello | null)?.register)?.v as DeviceHello;
    expect(isPublicKey(registerHello.register!.pub)).toBe(true);
    expect(registerHello.proof).toBe('');
    const pendingAck = json.find((m) => m.topic === t.deviceAck(serial) && (m.v as HelloAck | null)?.reason === 'pending')?.v as HelloAck;
    expect(isPublicKey(pendingAck.pub)).toBe(true);
    expect(Object.keys(pendingAck).sort()).toEqual(['nonce', 'ok', 'pub', 'reason']);
    // Challenges, proofs and the key travel only inside boxes.
    const steps = json.filter((m) => (m.v as { t?: string } | null)?.t !== undefined).map((m) => m.v as { t: SessionStep; rid: string; box: string });
    expect(steps.map((s) => s.t)).toEqual(expect.arrayContaining(['challenge', 'proof', 'key']));
    for (const s of steps) expect(Object.keys(s).sort()).toEqual(['box', 'rid', 't']);

    // Whatever can be computed from a code guess, for the right code and a wrong one alike.
    const guessMaterial = (code: string) => {
      const derived = deriveDeviceKey(serial, code);
      const ck = codeKey(serial, code);
      const values = new Set([code, derived.toString('hex'), ck.toString('hex'), derived.toString('base64'), ck.toString('base64url'), deviceConnectProof(derived, serial), deviceConnectProof(ck, serial)]);
      return { derived, ck, values };
    };
    const captured = json.flatMap((m) => strings(m.v));
    for (const code of [right, 'WRONG1', 'ZZZZZZ']) {
      const g = guessMaterial(code);
      // No captured value equals anything computable from the guess…
      expect(captured.filter((v) => g.values.has(v) || [...g.values].some((x) => x.length >= 16 && v.includes(x)))).toEqual([]);
      // …no box opens under a key computable from the guess…
      for (const s of steps) {
        for (const k of [g.derived, g.ck]) expect(openStep(k, serial, s.rid, s.t, s.box)).toBeNull();
      }
      // …and no hello, presence or envelope verifies under one.
      for (const m of json) {
        const h = m.v as (DeviceHello & { online?: boolean }) | null;
        if (h && m.topic === t.deviceHello(serial) && typeof h.proof === 'string' && h.proof !== '') {
          for (const k of [g.derived, g.ck]) expect(h.proof).not.toBe(helloProof(k, h));
        }
        if (h && m.topic === t.devicePresence(serial) && typeof h.proof === 'string') {
          for (const k of [g.derived, g.ck]) expect(h.proof).not.toBe(presenceProof(k, serial, h as unknown as { online: boolean; session: string; ts: number }));
        }
      }
      for (const m of mine.filter((x) => x.topic.endsWith('/req') || x.topic.endsWith('/res'))) {
        for (const k of [g.derived, g.ck]) expect(() => openEnvelope(k, m.payload)).toThrow();
      }
    }
    // The issued key is what seals from now on, and it is not a function of the code.
    const key = agent.deviceKey()!;
    expect(key.equals(deriveDeviceKey(serial, right))).toBe(false);
    expect((await store.getRegistration(serial))?.keyHex).toBe(key.toString('hex'));
    expect(hmacHex(key, 'x')).not.toBe(hmacHex(deriveDeviceKey(serial, right), 'x'));
    // The dynsec hook heard of the new credentials (the broker password of the issued key), never the code.
    expect(credentials).toContainEqual([serial, deviceConnectProof(key, serial)]);
  });
});

describe('(b) first come is not first registered', () => {
  it("an impostor that registered the serial first gets nothing; the owner's add with the right code binds the real device", async () => {
    const serial = 'DS-2CD2143G2-I20240101REG000000002';
    const impostor = await device(serial, 'GUESS1', `impostor-${serial}`);
    await eventually(() => gw.pendingDevice(serial), "the impostor's registration", 10_000, 25);
    // Pending binds nothing: the impostor is not reachable as the device, and holds no key.
    await expect(gw.request(serial, { method: 'GET', path: '/ISAPI/System/deviceInfo' })).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' });
    const real = await device(serial, 'ABCDEF');
    await eventually(() => real.dev.registered, "the real device's registration", 10_000, 25);
    // The installer's add with the label's code: the real device proves it, the impostor cannot.
    expect(await gw.verifyCode(serial, 'ABCDEF')).toBe(true);
    await eventually(() => real.agent.accepted(), 'the real device bound', 10_000, 25);
    expect(impostor.agent.deviceKey()).toBeNull();
    expect(impostor.agent.accepted()).toBe(false);
    expect((await store.getRegistration(serial))?.keyHex).toBe(real.agent.deviceKey()!.toString('hex'));
    // Requests reach the real device only.
    const seen = impostor.dev.requests.length;
    expect((await new DeviceClient(new CloudTransport(gw, serial)).deviceInfo()).serialNumber).toBe(serial);
    expect(real.dev.requests.at(-1)?.via).toBe('cloud');
    expect(impostor.dev.requests.length).toBe(seen);
    // The impostor's code (its own guess) does not verify against the bound device either.
    expect(await gw.verifyCode(serial, 'GUESS1')).toBe(false);
    // And it cannot connect as the device any more: the broker wants the issued key.
    const refused = await connectMqtt(broker.url, { username: `dev:${serial}`, password: 'anything', reconnectPeriod: 0, connectTimeoutMs: 3000 }).then(
      async (c) => {
        await c.endAsync();
        return false;
      },
      () => true,
    );
    expect(refused).toBe(true);
  });
});

describe('(c) wrong codes are throttled per serial, with a capped delay', () => {
  it('three free attempts, then a growing delay that even the right code waits out; success resets it', async () => {
    const serial = 'DS-2CD2143G2-I20240101REG000000003';
    await device(serial, 'ABCDEF');
    await eventually(() => gw.pendingDevice(serial), 'pending', 10_000, 25);
    for (let i = 0; i < 3; i++) expect(await gw.verifyCode(serial, `WRONG${i}`)).toBe(false);
    const throttled = async (code: string) => {
      const err: unknown = await gw.verifyCode(serial, code).catch((e: unknown) => e);
      return isAppError(err, 'VERIFICATION_CODE_THROTTLED') ? (err.details as { retryAfterSeconds: number }).retryAfterSeconds : null;
    };
    expect(await throttled('ABCDEF')).toBe(1);
    clockAheadMs += 1000;
    expect(await gw.verifyCode(serial, 'WRONG3')).toBe(false);
    expect(await throttled('WRONG4')).toBe(2);
    clockAheadMs += 2000;
    expect(await gw.verifyCode(serial, 'WRONG4')).toBe(false);
    expect(await throttled('ABCDEF')).toBe(4);
    // Another serial is not slowed down by this one's failures.
    const other = 'DS-2CD2143G2-I20240101REG000000004';
    await device(other, 'QWERTY');
    await eventually(() => gw.pendingDevice(other), 'other pending', 10_000, 25);
    expect(await gw.verifyCode(other, 'QWERTY')).toBe(true);
    clockAheadMs += 4000;
    expect(await gw.verifyCode(serial, 'ABCDEF')).toBe(true);
    // Reset by the success: wrong codes get their free attempts again.
    expect(await gw.verifyCode(serial, 'WRONG5')).toBe(false);
    expect(await gw.verifyCode(serial, 'WRONG6')).toBe(false);
  });

  it('the delay is capped at a minute: an attacker can slow the owner down, never lock them out', () => {
    expect(delaySeconds(3, CODE_ATTEMPT_POLICY)).toBe(1);
    expect(delaySeconds(8, CODE_ATTEMPT_POLICY)).toBe(32);
    expect(delaySeconds(9, CODE_ATTEMPT_POLICY)).toBe(60);
    expect(delaySeconds(1_000_000, CODE_ATTEMPT_POLICY)).toBe(60);
  });
});

describe('through the platform API', () => {
  let p: TestPlatform;
  let owner: TestCompany;
  beforeAll(async () => {
    p = await startTestPlatform({ config: { mqttUrl: undefined } });
    owner = await setupCompany(p.app, p.setupToken);
  });
  afterAll(async () => {
    await p?.close();
  });

  it("(b) an impostor registered first: the owner's add of the label (serial + code) still adds the real device", async () => {
    const serial = 'DS-2CD2143G2-I20240101AAWRF12345678';
    const cloud = { mqttUrl: p.app.platform.mqttUrl, topicPrefix: p.config.mqttTopicPrefix, helloRetryMs: 300 };
    const impostorDev = new FakeDevice(serial, 'GUESS1');
    const impostor = await startCloudAgent(impostorDev, { ...cloud, clientId: 'impostor-1' });
    const realDev = new FakeDevice(serial, 'ABCDEF');
    let real: CloudAgent | undefined;
    try {
      await eventually(() => p.app.platform.gateway.pendingDevice(serial), "the impostor's registration", 10_000, 25);
      real = await startCloudAgent(realDev, cloud);
      await eventually(() => realDev.registered, "the real device's registration", 10_000, 25);
      const site = await buildSite(owner);
      const s = await owner.admin.post(`/api/sites/${site.id}/scans`, { text: labelText({ serial, labelVerificationCode: 'ABCDEF', model: realDev.model }) });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      expect(s.body.candidates[0]).toMatchObject({ reachableVia: 'cloud', online: true, nextAction: 'add' });
      const r = await owner.admin.post(`/api/scans/${s.body.scanId}/add`, { candidateIds: [s.body.candidates[0].id], idempotencyKey: `first-come-${serial}` });
      expect(r.status).toBe(202);
      const batch = await eventually(async () => {
        const b = await owner.admin.get(`/api/batches/${r.body.batchId}`);
        return b.body.settled ? b.body : undefined;
      }, 'the add settled', 60_000);
      expect(batch.items[0]).toMatchObject({ state: 'added', error: null });
      expect(real.deviceKey()).not.toBeNull();
      expect(impostor.deviceKey()).toBeNull();
      expect(impostor.accepted()).toBe(false);
      await eventually(() => real!.accepted(), 'the real device bound', 10_000, 25);
      expect(realDev.requests.some((x) => x.via === 'cloud')).toBe(true);
      expect(impostorDev.requests).toEqual([]);
    } finally {
      await real?.close();
      await impostor.close();
    }
  });

  it('(d) reset cloud binding: site managers only; audited with the serial, no secrets; the device is bound again only with proof', async () => {
    const company = owner;
    const site = await buildSite(company);
    const assigned = await buildInstaller(p.app, company, 'manage_assigned');
    const unassigned = await buildInstaller(p.app, company, 'manage_assigned');
    const endUser = await buildEndUser(p.app, company);
    const other = await buildOtherCompany(p.app);
    await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [assigned.id] });
    const gateway = p.app.platform.gateway;
    const serial = 'DS-2CD2143G2-I20240101REG000000009';
    const dev = new FakeDevice(serial, 'ABCDEF');
    const agent = await startCloudAgent(dev, { mqttUrl: p.app.platform.mqttUrl, topicPrefix: p.config.mqttTopicPrefix, helloRetryMs: 300 });
    try {
      await bindCloudDevice(gateway, serial, 'ABCDEF', agent);
      const key = agent.deviceKey()!;
      const row = await p.app.platform.database.db
        .insertInto('devices')
        .values({ company_id: company.companyId, site_id: site.id, serial, name: 'Cam', type: 'camera', model: dev.model, added_via: 'cloud', host: null, port: null, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const url = `/api/devices/${row.id}/cloud-binding/reset`;
      expect((await endUser.client.post(url)).status).toBe(403);
      expect((await unassigned.client.post(url)).status).toBe(403);
      expect((await other.admin.post(url)).status).toBe(404);
      // None of the refused calls touched the binding.
      expect(await gateway.verifyCode(serial, 'ABCDEF')).toBe(true);
      expect(agent.deviceKey()?.equals(key)).toBe(true);

      const r = await assigned.client.post(url);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ serial, wasBound: true });
      const audit = await company.admin.get(`/api/audit?action=device.cloud_binding.reset&targetId=${row.id}`);
      expect(audit.body.items).toHaveLength(1);
      expect(audit.body.items[0]).toMatchObject({ actorId: assigned.id, outcome: 'success', details: { serial, siteId: site.id, wasBound: true } });
      expect(JSON.stringify(audit.body.items[0])).not.toMatch(new RegExp(`ABCDEF|${key.toString('hex')}`));

      // Unbound: the device registers again and is reachable only after it proves the code again.
      await eventually(() => gateway.pendingDevice(serial), 'registering again', 10_000, 25);
      expect(await p.inDeviceCloud(serial)).toBe(true);
      await expect(gateway.request(serial, { method: 'GET', path: '/ISAPI/System/deviceInfo' })).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' });
      expect(await gateway.verifyCode(serial, 'ABCDEF')).toBe(true);
      await eventually(() => agent.accepted() && !agent.deviceKey()?.equals(key), 'bound again with a new key', 10_000, 25);
      // Reset of a device the cloud holds no key for: fine, and says so.
      expect((await company.admin.post(url)).body).toEqual({ serial, wasBound: true });
      expect((await company.admin.post(url)).body).toEqual({ serial, wasBound: false });
    } finally {
      await agent.close();
    }
  });
});
