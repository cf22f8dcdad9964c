/**
 * Benchmark (not a test): the read path at 10,000 devices (issue 14). One site holds `--devices`
 * devices (default 10,000; a second site 500 more, so company-wide reads cross sites); statuses
 * mixed (70 % online, 20 % offline, 10 % unknown). Every read carries an API token, as the issue
 * measured. Each backend runs in its own platform in this process (embedded PGlite, then PostgreSQL
 * when reachable at `--pg`); the load generator is a worker thread (a closed loop of `--clients`
 * concurrent clients, one keep-alive connection each), so it has its own event loop.
 *
 * For each backend and each read: the request alone (median of 20, one after another), the
 * database round trips it makes (pg `Client#query` calls counted), the response size, then under
 * load p50 / p99 / requests per second beside the framework's own floor (`/healthz` under the same
 * load) and the ratio p99 / floor p99. Reads alternate (floor, then each read) for `--rounds` rounds;
 * latencies of a read are pooled over the rounds.
 *
 *   npx tsx bench/readpath/run.ts [--devices 10000] [--clients 50] [--seconds 4] [--rounds 2]
 *                                 [--pg postgres://postgres@127.0.0.1:5432/postgres | --pg none]
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { setupCompany, buildSite } from '../../test/helpers/factories';
import { startTestPlatform, type TestPlatform } from '../../test/helpers/platform';
import { DeviceRepository } from '../../src/server/devices/device.repository';
import { arg, exitAfter, machineLine, quantile, reachable, workerLoad } from '../lib';

const DEVICES = Number(arg('devices', '10000'));
const CLIENTS = Number(arg('clients', '50'));
const PHASE_MS = Number(arg('seconds', '4')) * 1000;
const ROUNDS = Number(arg('rounds', '2'));
const PG_URL = arg('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
exitAfter(20 * 60_000);

// Round trips to the database: every query a pg client sends (Kysely, pg-boss, the auth lookups).
let queries = 0;
const clientProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = clientProto.query;
clientProto.query = function (this: unknown, ...args: unknown[]) {
  queries++;
  return originalQuery.apply(this, args);
};

function load(urls: string[], headers: Record<string, string>): Promise<{ latencies: number[]; failed: number }> {
  return workerLoad(urls, headers, CLIENTS, PHASE_MS);
}

const STATUSES = ['online', 'online', 'online', 'online', 'online', 'online', 'online', 'offline', 'offline', 'unknown'];

/** `count` devices on a site in multi-row inserts (the repository's one-by-one insert would take minutes). */
async function seed(p: TestPlatform, where: { companyId: string; siteId: string; addedBy: string }, count: number, prefix: string): Promise<string[]> {
  const serials: string[] = [];
  const db = p.app.platform.database.db;
  for (let start = 0; start < count; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const serial = `${prefix}${String(i).padStart(5, '0')}${randomUUID().slice(0, 8).toUpperCase()}`;
      serials.push(serial);
      rows.push({
        company_id: where.companyId, site_id: where.siteId, serial, name: `${i % 7 === 0 ? 'Gate' : 'Camera'} ${prefix} ${i}`, type: i % 10 === 0 ? 'nvr' : 'camera', model: i % 3 === 0 ? 'DS-2CD2043G2-I' : 'DS-7608NI-K2',
        firmware_version: 'V5.7.3', firmware_compatible: true, added_via: 'direct' as const, host: `10.0.${Math.floor(i / 250)}.${i % 250}`, port: 80, added_by: where.addedBy, status: STATUSES[i % STATUSES.length]!,
      });
    }
    await db.insertInto('devices').values(rows).execute();
  }
  return serials;
}

interface Row { name: string; alone: number; queries: number; bytes: number; n: number; failed: number; p50: number; p99: number; rps: number }

async function measure(backend: string, databaseUrl: string | undefined): Promise<{ backend: string; rows: Row[]; floor: Row }> {
  if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
  else delete process.env.DATABASE_URL;
  const p = await startTestPlatform({ listen: true });
  try {
    const company = await setupCompany(p.app, p.setupToken);
    const site = await buildSite(company, 'Big site');
    const other = await buildSite(company, 'Small site');
    const where = { companyId: company.companyId, addedBy: company.adminId };
    const t0 = performance.now();
    const serials = await seed(p, { ...where, siteId: site.id }, DEVICES, 'BIG');
    await seed(p, { ...where, siteId: other.id }, 500, 'SML');
    const seeded = performance.now() - t0;
    // What the platform's own maintenance does later: autovacuum on PostgreSQL, the embedded
    // database's vacuum-analyze timer on PGlite (src/server/db/database.ts).
    await p.app.platform.database.pool.query('vacuum analyze');
    const tok = await company.admin.post('/api/auth/tokens', { name: 'bench' });
    if (tok.status !== 201) throw new Error(`token: ${JSON.stringify(tok.body)}`);
    const headers = { authorization: `Bearer ${tok.body.token as string}` };
    const ids = (await p.app.platform.database.db.selectFrom('devices').select('id').where('site_id', '=', site.id).limit(200).execute()).map((r) => r.id);
    const base = p.baseUrl;
    const sitePath = `${base}/api/sites/${site.id}/devices`;
    // A serial fragment as a person types it from a label (8 characters from the middle: one device).
    const fragment = serials[4321 % serials.length]!.slice(5, 13);
    const reads: Array<{ name: string; urls: string[]; anonymous?: boolean }> = [
      { name: '/healthz (floor, no token)', urls: [`${base}/healthz`], anonymous: true },
      { name: '/api/auth/me (token check alone)', urls: [`${base}/api/auth/me`] },
      { name: 'site list, page 1', urls: [`${sitePath}?page=1&pageSize=50`] },
      { name: 'site list, page 100', urls: [`${sitePath}?page=100&pageSize=50`] },
      { name: 'site list, status=offline', urls: [`${sitePath}?status=offline&page=1&pageSize=50`] },
      { name: 'device page (200 devices in turn)', urls: ids.map((id) => `${base}/api/devices/${id}`) },
      { name: 'company search, serial fragment', urls: [`${base}/api/devices?search=${fragment}&page=1&pageSize=50`] },
      { name: 'company search "camera", page 100', urls: [`${base}/api/devices?search=camera&page=100&pageSize=50`] },
    ];
    // Which indexes the page queries use here (the plan's scan lines), printed once per backend.
    const repo = new DeviceRepository(p.app.platform.database.db);
    const shapes: Array<[string, Parameters<DeviceRepository['explainList']>[0]]> = [
      ['site list', { companyId: company.companyId, siteId: site.id, page: 100, pageSize: 50 }],
      ['status filter', { companyId: company.companyId, siteId: site.id, status: 'offline', page: 1, pageSize: 50 }],
      ['search, serial fragment', { companyId: company.companyId, search: fragment, page: 1, pageSize: 50 }],
      ['search "camera"', { companyId: company.companyId, search: 'camera', page: 100, pageSize: 50 }],
    ];
    for (const [name, f] of shapes) {
      const scans = (await repo.explainList(f)).split('\n').filter((l) => /Scan|Sort /.test(l)).map((l) => l.trim().replace(/\s+\(cost=.*$/, ''));
      console.error(`${backend} plan, ${name}: ${scans.join(' | ')}`);
    }
    // Alone: median of 20 one after another; round trips and bytes of one.
    const alone = new Map<string, { alone: number; queries: number; bytes: number }>();
    for (const r of reads) {
      const times: number[] = [];
      let q = 0;
      let bytes = 0;
      for (let i = 0; i < 20; i++) {
        const before = queries;
        const s = performance.now();
        const res = await fetch(r.urls[i % r.urls.length]!, { headers: r.anonymous ? {} : headers });
        const body = await res.arrayBuffer();
        times.push(performance.now() - s);
        if (!res.ok) throw new Error(`${r.name}: ${res.status} ${Buffer.from(body).toString()}`);
        q = i === 0 ? queries - before : Math.min(q, queries - before); // the least of 20: background work (the job queue) excluded
        bytes = body.byteLength;
      }
      times.sort((a, b) => a - b);
      alone.set(r.name, { alone: quantile(times, 0.5), queries: q, bytes });
    }
    // Under load: floor then each read, ROUNDS times; pooled.
    const pooled = new Map<string, { latencies: number[]; failed: number; seconds: number }>();
    await load(reads[0]!.urls, {}); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of reads) {
        const m = await load(r.urls, r.anonymous ? {} : headers);
        const acc = pooled.get(r.name) ?? { latencies: [], failed: 0, seconds: 0 };
        acc.latencies.push(...m.latencies);
        acc.failed += m.failed;
        acc.seconds += PHASE_MS / 1000;
        pooled.set(r.name, acc);
      }
    }
    const rows = reads.map((r): Row => {
      const m = pooled.get(r.name)!;
      const s = m.latencies.sort((a, b) => a - b);
      return { name: r.name, ...alone.get(r.name)!, n: s.length, failed: m.failed, p50: quantile(s, 0.5), p99: quantile(s, 0.99), rps: s.length / m.seconds };
    });
    console.error(`${backend}: seeded ${DEVICES + 500} devices in ${(seeded / 1000).toFixed(1)} s`);
    return { backend, rows: rows.slice(1), floor: rows[0]! };
  } finally {
    await p.close();
  }
}

const backends: Array<[string, string | undefined]> = [['embedded PGlite (default)', undefined]];
if (PG_URL !== 'none') {
  const u = new URL(PG_URL);
  if (await reachable(u.hostname, Number(u.port || 5432))) backends.push(['PostgreSQL (DATABASE_URL)', PG_URL]);
  else console.error(`PostgreSQL at ${PG_URL} not reachable: embedded only`);
}
const machineBefore = machineLine();
const results = [];
for (const [name, url] of backends) results.push(await measure(name, url));

console.log(`\nRead path at ${DEVICES} devices on one site (+500 on a second), API token, ${CLIENTS} concurrent clients (worker-thread load generator), ${ROUNDS} × ${PHASE_MS / 1000} s per read`);
console.log(`machine at start: ${machineBefore}`);
console.log(`machine at end:   ${machineLine()}`);
for (const r of results) {
  console.log(`\n### ${r.backend}\n`);
  console.log(`floor: /healthz (no token) under the same load: p50 ${r.floor.p50.toFixed(1)} ms, p99 ${r.floor.p99.toFixed(1)} ms, ${r.floor.rps.toFixed(0)} req/s\n`);
  console.log('| read | alone | queries | bytes | requests | p50 | p99 | req/s | p99 / floor p99 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of r.rows) {
    console.log(`| ${x.name} | ${x.alone.toFixed(1)} ms | ${x.queries} | ${x.bytes} | ${x.n}${x.failed ? ` (${x.failed} failed)` : ''} | ${x.p50.toFixed(1)} ms | ${x.p99.toFixed(1)} ms | ${x.rps.toFixed(0)} | ${(x.p99 / r.floor.p99).toFixed(1)}× |`);
  }
}
process.exit(0);
