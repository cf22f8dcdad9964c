/**
 * Attack tests for site agents (issue 12) against the real platform and its embedded broker:
 * - a sniffing observer with the platform's own broker rights never sees a token or a key;
 * - the one-time enrolment token works once;
 * - an agent of site A is never used for site B;
 * - a revoked agent can neither connect nor act;
 * - an agent refuses loopback and link-local targets unless started with --allow-loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually } from '../helpers/wait';
import { FakeDevice } from '../helpers/fake-device';
import { connectMqtt } from '../../src/mqtt/client';
import { agentMayReach, startSiteAgent, type SiteAgent } from '../../src/agent/site-agent';
import { AgentTransport } from '../../src/device-client/agent-transport';
import { DeviceClient } from '../../src/device-client/device-client';
import { isAppError } from '../../src/errors/app-error';
import { AGENT_USER_PREFIX, agentConnectProof, agentEnrolKey } from '../../src/protocol/tunnel/envelope';

let p: TestPlatform;
let company: TestCompany;
let siteA: string;
let siteB: string;
let dir: string;
let sniffer: MqttClient;
const seen: Buffer[] = [];
let http: Server;
let httpPort = 0;
let deviceHits = 0;
const dev = new FakeDevice('DS-2CD2143G2-I20240101AAWRSITEAGT01'.replace(/[^A-Za-z0-9]/g, ''));
const agents: SiteAgent[] = [];

/** A raw broker CONNECT: true when the broker refuses it. */
async function refused(username: string, password: string): Promise<boolean> {
  return connectMqtt(p.app.platform.mqttUrl, { username, password, reconnectPeriod: 0, connectTimeoutMs: 3000 }).then(
    async (c) => {
      await c.endAsync();
      return false;
    },
    () => true,
  );
}

async function addAgent(siteId: string, name = 'Rack PC'): Promise<{ agentId: string; token: string; command: string }> {
  const r = await company.admin.post(`/api/sites/${siteId}/agents`, { name });
  expect(r.status).toBe(201);
  return r.body as { agentId: string; token: string; command: string };
}

async function run(token: string, opts: { allowLoopback?: boolean; state?: string } = {}): Promise<SiteAgent> {
  const a = await startSiteAgent({
    mqttUrl: p.app.platform.mqttUrl, token, topicPrefix: p.config.mqttTopicPrefix, statePath: opts.state ?? path.join(dir, `${Math.random().toString(36).slice(2)}.json`),
    ...(opts.allowLoopback ? { allowLoopback: true } : {}),
  });
  agents.push(a);
  return a;
}

beforeAll(async () => {
  // Always the embedded broker: its authenticate hook and connection cut are under test (an external broker's are dynsec's).
  p = await startTestPlatform({ config: { mqttUrl: undefined } });
  company = await setupCompany(p.app, p.setupToken);
  siteA = (await buildSite(company, 'Site A')).id;
  siteB = (await buildSite(company, 'Site B')).id;
  dir = await mkdtemp(path.join(tmpdir(), 'sk-agents-'));
  // The observer has the platform's own broker rights (its user and password) and listens to everything.
  const o = p.app.platform.mqtt.options;
  sniffer = await connectMqtt(p.app.platform.mqttUrl, { username: o.username!, password: String(o.password), reconnectPeriod: 0 });
  sniffer.on('message', (_topic, payload) => seen.push(Buffer.from(payload)));
  await sniffer.subscribeAsync(`${p.config.mqttTopicPrefix}#`, { qos: 1 });
  http = createServer((req, res) => {
    deviceHits++;
    void dev.handleIsapi({ method: req.method ?? 'GET', path: req.url ?? '/', headers: {}, body: Buffer.alloc(0) }, { via: 'http' }).then((r) => {
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as { port: number }).port;
});

afterAll(async () => {
  for (const a of agents) await a.close();
  await sniffer?.endAsync();
  await p?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('site agents under attack', () => {
  let agentId = '';
  let token = '';
  let key: Buffer = Buffer.alloc(0);
  let agent: SiteAgent;
  const state = () => path.join(dir, 'agent-a.json');

  it('enrols with the one-time token, keeps its issued key in a 0600 state file', async () => {
    ({ agentId, token } = await addAgent(siteA));
    agent = await run(token, { allowLoopback: true, state: state() });
    await agent.ready();
    expect(agent.agentId).toBe(agentId);
    await p.app.platform.agentHub.waitForAgent(agentId);
    const file = JSON.parse(await readFile(state(), 'utf8')) as { agentId: string; key: string };
    expect(file.agentId).toBe(agentId);
    key = Buffer.from(file.key, 'base64');
    expect(key.length).toBe(32);
    expect((await stat(state())).mode & 0o777).toBe(0o600);
    const list = await company.admin.get(`/api/sites/${siteA}/agents`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: agentId, state: 'enrolled', online: true, version: expect.any(String) as string })]);
  });

  it('the enrolment token works once: neither a second agent nor a raw CONNECT gets in with it', async () => {
    expect(await refused(`${AGENT_USER_PREFIX}${agentId}`, token)).toBe(true);
    const again = await run(token);
    await expect(again.ready()).rejects.toThrow(/refused/);
    // The enrolled agent proves its key instead.
    expect(await refused(`${AGENT_USER_PREFIX}${agentId}`, agentConnectProof(key, agentId))).toBe(false);
  });

  it('an agent of site A is used for site A and never for site B', async () => {
    const reach = p.app.platform.reach;
    expect(p.app.platform.agentHub.agentForSite(siteA)).toBe(agentId);
    expect(p.app.platform.agentHub.agentForSite(siteB)).toBeUndefined();
    const before = deviceHits;
    expect((await reach.lanClient('127.0.0.1', httpPort, undefined, siteA).deviceInfo()).serialNumber).toBe(dev.serial);
    expect(deviceHits).toBeGreaterThan(before);
    // Site B has no agent: the embedded agent answers, and it reaches only the demo fleet's targets.
    const hits = deviceHits;
    const err: unknown = await reach.lanClient('127.0.0.1', httpPort, undefined, siteB).deviceInfo().catch((e: unknown) => e);
    expect(isAppError(err, 'DEVICE_UNSUPPORTED')).toBe(true);
    expect(deviceHits).toBe(hits);
  });

  it('refuses loopback and link-local targets unless started with --allow-loopback', async () => {
    for (const host of ['127.0.0.1', '127.9.9.9', '::1', '169.254.10.1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:169.254.0.1', 'localhost']) {
      expect(await agentMayReach(host, {}), host).toBe(false);
      expect(await agentMayReach(host, { allowAnyHost: true }), host).toBe(false);
    }
    for (const host of ['127.0.0.1', '::1', '169.254.10.1', 'fe80::1', '::ffff:127.0.0.1']) expect(await agentMayReach(host, { allowLoopback: true }), host).toBe(true);
    expect(await agentMayReach('192.168.1.64', {})).toBe(true);
    expect(await agentMayReach('8.8.8.8', {})).toBe(false);
    expect(await agentMayReach('8.8.8.8', { allowAnyHost: true })).toBe(true);
    expect(await agentMayReach('0.0.0.0', { allowAnyHost: true, allowLoopback: true })).toBe(false);
    expect(await agentMayReach('cam.example', { allowAnyHost: true }, async () => ['127.0.0.1'])).toBe(false);
    // Live: a second agent of site A without the flag does not touch the device on loopback.
    const strict = await run((await addAgent(siteA, 'Strict')).token);
    await strict.ready();
    await p.app.platform.agentHub.waitForAgent(strict.agentId);
    const hits = deviceHits;
    const client = new DeviceClient(new AgentTransport(p.app.platform.agentHub, strict.agentId, { host: '127.0.0.1', port: httpPort }), { readRetries: 0 });
    const err: unknown = await client.deviceInfo().catch((e: unknown) => e);
    expect(isAppError(err, 'DEVICE_UNSUPPORTED')).toBe(true);
    expect(deviceHits).toBe(hits);
    await strict.close();
  });

  it('a revoked agent is cut off at once, can neither connect nor act', async () => {
    const hub = p.app.platform.agentHub;
    const offline = new Promise<void>((resolve) => {
      const on = (e: { agentId: string; online: boolean }) => {
        if (e.agentId === agentId && !e.online) {
          hub.off('presence', on);
          resolve();
        }
      };
      hub.on('presence', on);
    });
    const r = await company.admin.delete(`/api/sites/${siteA}/agents/${agentId}`);
    expect(r.status).toBe(204);
    await offline;
    expect(hub.isOnline(agentId)).toBe(false);
    expect(hub.agentForSite(siteA)).toBeUndefined();
    const err: unknown = await new DeviceClient(new AgentTransport(hub, agentId, { host: '127.0.0.1', port: httpPort }), { readRetries: 0 }).deviceInfo().catch((e: unknown) => e);
    expect(isAppError(err, 'AGENT_OFFLINE')).toBe(true);
    expect(await refused(`${AGENT_USER_PREFIX}${agentId}`, agentConnectProof(key, agentId))).toBe(true);
    // Restarted from its state file, it is refused.
    const back = await run('', { allowLoopback: true, state: state() });
    await expect(back.ready()).rejects.toThrow(/refused/);
    expect((await company.admin.get(`/api/sites/${siteA}/agents`)).body.items.map((a: { id: string }) => a.id)).not.toContain(agentId);
    expect((await company.admin.delete(`/api/sites/${siteA}/agents/${agentId}`)).body.error.code).toBe('AGENT_NOT_FOUND');
  });

  it('a sniffing observer with platform rights never saw a token or a key in any payload', async () => {
    await eventually(() => seen.length > 0, 'traffic seen');
    const secrets = [token, agentEnrolKey(token).toString('hex'), agentEnrolKey(token).toString('base64'), key.toString('hex'), key.toString('base64'), key.toString('base64url')];
    for (const payload of seen) {
      const text = payload.toString('latin1');
      for (const s of secrets) expect(text.includes(s)).toBe(false);
      expect(payload.includes(key)).toBe(false);
    }
  });
});
