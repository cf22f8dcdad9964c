/**
 * Two Sitekeeper processes on one database and one broker (issue 14, "Two nodes"): a device in the
 * device cloud is reached through either node; a site agent enrolled through one is online on both;
 * a progress stream on node B follows a bulk add submitted to node A (whose jobs run on both
 * nodes: pg-boss picks); node A killed (SIGKILL) mid-bulk, node B finishes the batch with every
 * device added exactly once and holds the health poller's lease. The database: a fresh one on DATABASE_URL's server, else a PGlite
 * served from this test process over a private socket. The broker: MQTT_URL, else an Aedes of this
 * test's own on a random port. Every step waits for an explicit outcome.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSiteAgent, type SiteAgent } from '../../src/agent/site-agent';
import { readSse, type SseEvent } from '../../src/cli/sse';
import { startFleet, type Fleet } from '../../src/emulator';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import { getTestBroker, type TestBroker } from '../helpers/broker';
import { createSharedTestDatabase } from '../helpers/database';
import { TEST_PASSWORD } from '../helpers/factories';
import { eventually } from '../helpers/wait';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { freePort, HttpSession } from '../helpers/http-session';

const BULK = 12;

interface Node {
  name: string;
  proc: ServerProcess;
  api: HttpSession;
  dataDir: string;
}

let db: { url: string; drop(): Promise<void> } | undefined;
let broker: TestBroker | undefined;
let cloudFleet: Fleet | undefined;
const fleets: Fleet[] = [];
const siteAgents: SiteAgent[] = [];
const nodes: Node[] = [];
let env: Record<string, string>;
let site: { id: string };
const ADMIN = { email: 'two@example.test', password: TEST_PASSWORD };

async function startNode(name: string): Promise<Node> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `sk-two-${name}-`));
  const proc = await startServer({ ...env, PORT: String(port), DATA_DIR: dataDir });
  const node: Node = { name, proc, api: new HttpSession(`http://127.0.0.1:${port}`), dataDir };
  nodes.push(node);
  return node;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  db = await createSharedTestDatabase();
  broker = await getTestBroker();
  env = {
    DATABASE_URL: db.url,
    MQTT_URL: broker.url,
    MQTT_TOPIC_PREFIX: broker.topicPrefix,
    // Every node on one database holds the same key (sealed device credentials, registration sessions).
    SECRET_KEY: randomBytes(32).toString('hex'),
    EMBEDDED_MQTT_PORT: '0',
    SADP_TARGETS: 'none',
    DEVICE_ALLOWED_RANGES: '127.0.0.0/8',
    DEMO_FLEET: 'false',
    LOG_LEVEL: 'silent',
    ONBOARDING_RETRY_SECONDS: '1',
    CLOUD_REGISTER_TIMEOUT_SECONDS: '15',
    DEVICE_TIMEOUT_MS: '4000',
  };
  // One node after the other: the second finds the schema migrated and the key check written.
  const a = await startNode('a');
  const token = /setup\?token=(\S+)/.exec(a.proc.stdout())![1]!;
  expect((await a.api.call('POST', '/api/setup', { token, companyName: 'Two Nodes Co', name: 'Admin', ...ADMIN })).status).toBe(201);
  const b = await startNode('b');
  expect((await b.api.call('POST', '/api/auth/login', ADMIN)).status).toBe(200);
  site = (await a.api.call('POST', '/api/sites', { name: 'Two-node site' })).body;
}, 300_000);

afterAll(async () => {
  for (const n of nodes) await kill(n.proc.child, 'SIGKILL');
  for (const g of siteAgents) await g.close();
  for (const f of fleets) await f.close();
  await broker?.close();
  await db?.drop();
  for (const n of nodes) await rm(n.dataDir, { recursive: true, force: true });
});

/** Follows a batch's progress stream on one node; `until` resolves with the `end` event's data. */
async function followBatch(node: Node, batchId: string): Promise<{ items: Map<string, string>; ended: Promise<any>; close(): void }> {
  const gone = new AbortController();
  const res = await fetch(`${node.api.base}/api/batches/${batchId}/events?follow=true`, { headers: { cookie: node.api.cookie }, signal: gone.signal });
  expect(res.status).toBe(200);
  const items = new Map<string, string>();
  const ended = (async () => {
    for await (const ev of readSse(res.body as AsyncIterable<Uint8Array>) as AsyncIterable<SseEvent>) {
      const data = JSON.parse(ev.data);
      if (ev.event === 'item') items.set(data.id, data.state);
      if (ev.event === 'end') return data;
    }
    return undefined;
  })();
  return { items, ended, close: () => gone.abort() };
}

async function bulkBatch(via: Node, fleet: Fleet, key: string): Promise<{ batchId: string }> {
  const text = encodeDeviceListQr(
    fleet.devices.map((d, i) => {
      const x = fleet.describe(d);
      return { name: `${key}-${i}`, host: x.host, port: x.httpPort, user: x.adminUser!, password: x.adminPassword! };
    }),
  );
  const scan = await via.api.call('POST', `/api/sites/${site.id}/scans`, { text });
  expect(scan.status, JSON.stringify(scan.body)).toBe(201);
  const add = await via.api.call('POST', `/api/scans/${scan.body.scanId}/add`, { candidateIds: scan.body.candidates.map((c: { id: string }) => c.id), idempotencyKey: key });
  expect(add.status).toBe(202);
  return { batchId: add.body.batchId as string };
}

async function directFleet(count: number, staggerMs: number): Promise<Fleet> {
  const fleet = await startFleet({ count, specs: Array.from({ length: count }, () => ({ type: 'camera' as const })), sadpPort: false });
  fleets.push(fleet);
  for (const [i, d] of fleet.devices.entries()) if (staggerMs) await fleet.applyFaults(d.serial, { latencyMs: 100 + i * staggerMs });
  return fleet;
}

describe('two nodes on one database and one broker', () => {
  it('a device in the device cloud is reached through either node; added through one, the other knows it', async () => {
    const [a, b] = nodes as [Node, Node];
    cloudFleet = await startFleet({ count: 1, specs: [{ type: 'camera' }], sadpPort: false, cloudMqttUrl: broker!.url, cloudTopicPrefix: broker!.topicPrefix });
    fleets.push(cloudFleet);
    const device = cloudFleet.devices[0]!;
    const label = cloudFleet.describe(device).label;
    // Both nodes see its presence and reach it through the tunnel (each on its own reply topic).
    for (const n of [a, b]) {
      const candidate = await eventually(async () => {
        const s = await n.api.call('POST', `/api/sites/${site.id}/scans`, { text: label });
        const c = s.body.candidates?.[0];
        return c?.reachableVia === 'cloud' && c.online === true ? { scanId: s.body.scanId as string, c } : undefined;
      }, `node ${n.name} reaches ${device.serial} through the device cloud`, 60_000, 500);
      expect(candidate.c).toMatchObject({ activated: true, cloudEnabled: true, nextAction: 'add' });
    }
    // Added through node B (its code proven by whichever node's job runs it); node A then knows it.
    const s = (await b.api.call('POST', `/api/sites/${site.id}/scans`, { text: label })).body;
    const add = await b.api.call('POST', `/api/scans/${s.scanId}/add`, { candidateIds: [s.candidates[0].id], idempotencyKey: 'two-cloud' });
    expect(add.status).toBe(202);
    const done = await eventually(async () => {
      const r = await a.api.call('GET', `/api/batches/${add.body.batchId}`);
      return r.body.settled ? r.body : undefined;
    }, 'cloud device batch settled', 90_000);
    expect(done.counts).toEqual({ added: 1 });
    const again = await a.api.call('POST', `/api/sites/${site.id}/scans`, { text: label });
    expect(again.body.candidates[0]).toMatchObject({ alreadyAdded: 'this_site', nextAction: 'none' });
    const listed = await a.api.call('GET', `/api/sites/${site.id}/devices?search=${encodeURIComponent(device.serial.slice(-9))}`);
    expect(listed.body.items[0]).toMatchObject({ serial: device.serial, addedVia: 'cloud', status: 'online' });
  }, 240_000);

  it("a site agent enrolled through node A is online on both nodes (each node's hub knows it)", async () => {
    const [a, b] = nodes as [Node, Node];
    const created = await a.api.call('POST', `/api/sites/${site.id}/agents`, { name: 'Two-node agent' });
    expect(created.status).toBe(201);
    const { agentId, token } = created.body as { agentId: string; token: string };
    const agent = await startSiteAgent({ mqttUrl: broker!.url, token, topicPrefix: broker!.topicPrefix });
    siteAgents.push(agent);
    await agent.ready();
    for (const n of [a, b]) {
      await eventually(async () => {
        const list = (await n.api.call('GET', `/api/sites/${site.id}/agents`)).body.items as Array<{ id: string; online: boolean; state: string }>;
        const mine = list.find((x) => x.id === agentId);
        return mine?.online === true && mine.state === 'enrolled';
      }, `agent online on node ${n.name}`, 30_000);
    }
  }, 120_000);

  it("a progress stream on node B sees every device of a bulk add submitted to node A, to the end", async () => {
    const [a, b] = nodes as [Node, Node];
    const fleet = await directFleet(4, 0);
    const { batchId } = await bulkBatch(a, fleet, 'two-stream');
    const stream = await followBatch(b, batchId);
    try {
      const end = await stream.ended;
      expect(end).toMatchObject({ reason: 'done' });
      expect([...stream.items.values()]).toEqual(Array(4).fill('added'));
    } finally {
      stream.close();
    }
  }, 120_000);

  it('node A killed mid-bulk: node B completes the batch, each device added exactly once', async () => {
    const [a, b] = nodes as [Node, Node];
    const fleet = await directFleet(BULK, 150);
    const { batchId } = await bulkBatch(a, fleet, 'two-kill');
    const snapshot = await eventually(async () => {
      const r = await a.api.call('GET', `/api/batches/${batchId}`);
      return (r.body.counts.added ?? 0) >= 1 ? r.body : undefined;
    }, 'first device added', 60_000);
    const sql = new pg.Client({ connectionString: db!.url });
    await sql.connect();
    const leaseRows = async (name = 'health-poller') => (await sql.query<{ holder: string; until_ms: string }>('select holder, (extract(epoch from lease_until) * 1000)::bigint::text as until_ms from health_poller_lease where name = $1', [name])).rows;
    // The health poller runs on one node, and one node writes presence: one lease row each, one holder.
    expect(await eventually(async () => ((await leaseRows()).length === 1 ? true : undefined), 'the health poller lease taken', 30_000)).toBe(true);
    expect(await eventually(async () => ((await leaseRows('presence-writer')).length === 1 ? true : undefined), 'the presence writer lease taken', 30_000)).toBe(true);
    await kill(a.proc.child, 'SIGKILL');
    const killedAtMs = Number((await sql.query<{ ms: string }>('select (extract(epoch from now()) * 1000)::bigint::text as ms')).rows[0]!.ms);
    expect(snapshot.counts.added, 'the kill landed mid-batch').toBeLessThan(BULK);
    const done = await eventually(async () => {
      const r = await b.api.call('GET', `/api/batches/${batchId}`);
      return r.body.done ? r.body : undefined;
    }, 'batch finished by node B', 120_000);
    expect(done.counts, JSON.stringify(done.items.filter((i: { state: string }) => i.state !== 'added'))).toEqual({ added: BULK });
    const serials = new Set(fleet.devices.map((d) => d.serial));
    const listed = await b.api.call('GET', `/api/sites/${site.id}/devices?pageSize=200`);
    const mine = listed.body.items.filter((d: { serial: string }) => serials.has(d.serial));
    expect(mine).toHaveLength(BULK);
    expect(new Set(mine.map((d: { serial: string }) => d.serial)).size).toBe(BULK);
    // A live node holds the health poller's lease: renewed past what the killed node could have
    // held (a lease is at most 15 s ahead), whichever node held it before.
    try {
      await eventually(async () => {
        const rows = await leaseRows();
        return rows.length === 1 && Number(rows[0]!.until_ms) > killedAtMs + 15_000 ? true : undefined;
      }, 'the health poller lease held by the surviving node', 60_000);
      // Presence is written by the surviving node too (the same rule: a lease lasts 15 s).
      await eventually(async () => {
        const rows = await leaseRows('presence-writer');
        return rows.length === 1 && Number(rows[0]!.until_ms) > killedAtMs + 15_000 ? true : undefined;
      }, 'the presence writer lease held by the surviving node', 60_000);
    } finally {
      await sql.end();
    }
  }, 240_000);
});
