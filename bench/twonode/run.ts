/**
 * Benchmark (not a test): two Sitekeeper nodes on one PostgreSQL and one broker (issue 14, "Two
 * nodes"). Two real server processes (`npm start` from source, test/helpers/server-process.ts) on a
 * fresh database at `--pg` (default the helper's own database; when unreachable, a PGlite served
 * from this process — one thread for both nodes, so no scale-out is possible there) and one broker
 * (MQTT_URL, else an Aedes of this process's own on a random port).
 *
 * 1. Read throughput: `--devices` devices on one site; a closed loop of `--clients` concurrent
 *    clients (worker thread, API token) reads the device list page 1 against node A alone, then
 *    against A and B in turn (round robin per request), `--rounds` times alternating, side by side
 *    with the ratio two / one (the goal is ≥ 1.7×). The floor (/healthz on one node) is printed too.
 * 2. The kill case: a bulk add of `--kill-devices` emulated cameras submitted to node A; A is
 *    killed (SIGKILL) once the first device is in; node B finishes the batch. Printed: devices in at
 *    the kill, the time from the kill to B's first add and to the batch's end (bounded below by
 *    ONBOARDING_LEASE_SECONDS: A's claimed items wait for their lease), and each device exactly once.
 *
 *   npx tsx bench/twonode/run.ts [--devices 10000] [--clients 50] [--seconds 5] [--rounds 2]
 *                                [--kill-devices 24] [--pg postgres://postgres@127.0.0.1:5432/postgres | --pg none]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startFleet, type Fleet } from '../../src/emulator';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import type { DB } from '../../src/server/db/schema';
import { getTestBroker } from '../../test/helpers/broker';
import { createSharedTestDatabase } from '../../test/helpers/database';
import { TEST_PASSWORD } from '../../test/helpers/factories';
import { startServer, type ServerProcess } from '../../test/helpers/server-process';
import { freePort, HttpSession } from '../../test/helpers/http-session';
import { arg, exitAfter, machineLine, quantile, reachable, workerLoad } from '../lib';

const DEVICES = Number(arg('devices', '10000'));
const CLIENTS = Number(arg('clients', '50'));
const PHASE_MS = Number(arg('seconds', '5')) * 1000;
const ROUNDS = Number(arg('rounds', '2'));
const KILL_DEVICES = Number(arg('kill-devices', '24'));
const PG_URL = arg('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
exitAfter(20 * 60_000);

function load(urls: string[], headers: Record<string, string>): Promise<{ latencies: number[]; failed: number }> {
  return workerLoad(urls, headers, CLIENTS, PHASE_MS);
}

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const usePg = PG_URL !== 'none' && (await reachable(new URL(PG_URL).hostname, Number(new URL(PG_URL).port || 5432)));
if (usePg) process.env.DATABASE_URL = PG_URL;
else delete process.env.DATABASE_URL;
const database = await createSharedTestDatabase();
const broker = await getTestBroker();
const cleanups: Array<() => Promise<unknown>> = [() => broker.close(), () => database.drop()];
const procs: ServerProcess[] = [];
const env = {
  DATABASE_URL: database.url, MQTT_URL: broker.url, MQTT_TOPIC_PREFIX: broker.topicPrefix, SECRET_KEY: randomBytes(32).toString('hex'),
  EMBEDDED_MQTT_PORT: '0', SADP_TARGETS: 'none', DEVICE_ALLOWED_RANGES: '127.0.0.0/8', DEMO_FLEET: 'false', LOG_LEVEL: 'silent', ONBOARDING_RETRY_SECONDS: '1',
};
async function node(): Promise<{ proc: ServerProcess; api: HttpSession }> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sk-bench-two-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const proc = await startServer({ ...env, PORT: String(port), DATA_DIR: dataDir });
  procs.push(proc);
  return { proc, api: new HttpSession(`http://127.0.0.1:${port}`) };
}

const fleets: Fleet[] = [];
try {
  const machineBefore = machineLine();
  const a = await node();
  const setupToken = /setup\?token=(\S+)/.exec(a.proc.stdout())![1]!;
  const me = await a.api.call('POST', '/api/setup', { token: setupToken, companyName: 'Bench Co', name: 'Admin', email: 'bench@example.test', password: TEST_PASSWORD });
  if (me.status !== 201) throw new Error(`setup: ${JSON.stringify(me.body)}`);
  const user = (await a.api.call('GET', '/api/auth/me')).body.user as { id: string; companyId: string };
  const site = (await a.api.call('POST', '/api/sites', { name: 'Big site' })).body as { id: string };
  const b = await node();
  await b.api.call('POST', '/api/auth/login', { email: 'bench@example.test', password: TEST_PASSWORD });

  // Seed straight into the shared database, in multi-row inserts.
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  for (let start = 0; start < DEVICES; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(DEVICES, start + 1000); i++) {
      rows.push({
        company_id: user.companyId, site_id: site.id, serial: `TWO${String(i).padStart(5, '0')}${randomUUID().slice(0, 8).toUpperCase()}`, name: `Camera ${i}`, type: 'camera', model: 'DS-2CD2043G2-I',
        firmware_version: 'V5.7.3', firmware_compatible: true, added_via: 'direct' as const, host: `10.0.${Math.floor(i / 250)}.${i % 250}`, port: 80, added_by: user.id, status: i % 10 < 7 ? 'online' : 'offline',
      });
    }
    await db.insertInto('devices').values(rows).execute();
  }
  await pool.query('vacuum analyze');
  await db.destroy();

  const tok = await a.api.call('POST', '/api/auth/tokens', { name: 'bench' });
  if (tok.status !== 201) throw new Error(`token: ${JSON.stringify(tok.body)}`);
  const headers = { authorization: `Bearer ${tok.body.token as string}` };
  const list = (n: HttpSession) => `${n.base}/api/sites/${site.id}/devices?page=1&pageSize=50`;
  const phases: Array<{ name: string; urls: string[]; headers: Record<string, string> }> = [
    { name: '/healthz, node A (floor)', urls: [`${a.api.base}/healthz`], headers: {} },
    { name: 'device list page 1, node A alone', urls: [list(a.api)], headers },
    { name: 'device list page 1, A and B round robin', urls: [list(a.api), list(b.api)], headers },
  ];
  await load([list(a.api), list(b.api)], headers); // warm-up of both
  const pooled = new Map<string, { latencies: number[]; failed: number; seconds: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const ph of phases) {
      const m = await load(ph.urls, ph.headers);
      const acc = pooled.get(ph.name) ?? { latencies: [], failed: 0, seconds: 0 };
      acc.latencies.push(...m.latencies);
      acc.failed += m.failed;
      acc.seconds += PHASE_MS / 1000;
      pooled.set(ph.name, acc);
    }
  }
  const rows = phases.map((ph) => {
    const m = pooled.get(ph.name)!;
    const s = m.latencies.sort((x, y) => x - y);
    return { name: ph.name, n: s.length, failed: m.failed, p50: quantile(s, 0.5), p99: quantile(s, 0.99), rps: s.length / m.seconds };
  });

  // The kill case.
  const fleet = await startFleet({ count: KILL_DEVICES, specs: Array.from({ length: KILL_DEVICES }, () => ({ type: 'camera' as const })), sadpPort: false });
  fleets.push(fleet);
  for (const [i, d] of fleet.devices.entries()) await fleet.applyFaults(d.serial, { latencyMs: 100 + (i % 12) * 100 });
  const text = encodeDeviceListQr(fleet.devices.map((d, i) => {
    const x = fleet.describe(d);
    return { name: `kill-${i}`, host: x.host, port: x.httpPort, user: x.adminUser!, password: x.adminPassword! };
  }));
  const scan = await a.api.call('POST', `/api/sites/${site.id}/scans`, { text });
  const submitted = performance.now();
  const add = await a.api.call('POST', `/api/scans/${scan.body.scanId}/add`, { candidateIds: scan.body.candidates.map((c: { id: string }) => c.id), idempotencyKey: 'bench-kill' });
  const batchId = add.body.batchId as string;
  const counts = async (n: HttpSession) => (await n.call('GET', `/api/batches/${batchId}`)).body as { done: boolean; counts: Record<string, number> };
  const atKill = await until(async () => {
    const c = await counts(a.api);
    return (c.counts.added ?? 0) >= 1 ? c : undefined;
  }, 'first device added', 120_000);
  const killedAt = performance.now();
  const exited = new Promise((r) => a.proc.child.once('exit', r));
  a.proc.child.kill('SIGKILL');
  await exited;
  const addedAtKill = atKill.counts.added ?? 0;
  const firstByB = await until(async () => {
    const c = await counts(b.api);
    return (c.counts.added ?? 0) > addedAtKill ? performance.now() : undefined;
  }, 'node B adds a device', 180_000);
  const done = await until(async () => {
    const c = await counts(b.api);
    return c.done ? c : undefined;
  }, 'batch done on node B', 300_000);
  const doneAt = performance.now();
  const serials = new Set(fleet.devices.map((d) => d.serial));
  const dbCheck = new pg.Client({ connectionString: database.url });
  await dbCheck.connect();
  const perSerial = (await dbCheck.query<{ n: number }>('select count(*)::int as n from devices where serial = any($1::text[]) group by serial', [[...serials]])).rows;
  await dbCheck.end();

  const one = rows[1]!;
  const two = rows[2]!;
  console.log(`\nTwo nodes on one ${usePg ? 'PostgreSQL' : 'PGlite served from the benchmark process (single-threaded: no scale-out possible)'} and one broker (${process.env.MQTT_URL ? 'MQTT_URL' : 'Aedes in the benchmark process'})`);
  console.log(`${DEVICES} devices on one site, API token, ${CLIENTS} concurrent clients (worker-thread load generator, same machine), ${ROUNDS} × ${PHASE_MS / 1000} s per phase, alternating`);
  console.log(`machine at start: ${machineBefore}`);
  console.log(`machine at end:   ${machineLine()}\n`);
  console.log('| phase | requests | p50 | p99 | req/s |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.n}${r.failed ? ` (${r.failed} failed)` : ''} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.rps.toFixed(0)} |`);
  console.log(`\nread throughput two nodes / one node: ${(two.rps / one.rps).toFixed(2)}× (goal ≥ 1.7×)`);
  console.log(`\nkill case: ${KILL_DEVICES} emulated cameras (100–1,200 ms latency each) submitted to node A; A SIGKILLed with ${addedAtKill} added (${((killedAt - submitted) / 1000).toFixed(1)} s after submit)`);
  console.log(`  node B's first add after the kill: ${((firstByB - killedAt) / 1000).toFixed(1)} s; batch done: ${((doneAt - killedAt) / 1000).toFixed(1)} s after the kill (ONBOARDING_LEASE_SECONDS default 15)`);
  console.log(`  counts ${JSON.stringify(done.counts)}; devices in the database: ${perSerial.length} serials of ${KILL_DEVICES}, max rows per serial ${Math.max(...perSerial.map((r) => r.n))}`);
} finally {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const f of fleets) await f.close();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
process.exit(0);
