/**
 * Benchmark (not a test): bulk add of N emulated devices (100 ms latency on every device request)
 * through the real HTTP API of a platform on embedded defaults (PGlite, embedded broker), against
 * a sequential baseline.
 *
 *   Sitekeeper   one multi-device QR (device list with host/port/user/password) → scan → add all
 *                → wait until the batch has settled. Above the scan's text limit (8192 chars,
 *                ~220 devices) the list is split into several codes, scanned one after another,
 *                each added right after its scan, all batches awaited together.
 *   Sequential   the same platform flow one device at a time: a one-device code, scan, add, wait,
 *                then the next device.
 *   Device floor the device calls alone, one device at a time (DeviceClient over HttpTransport:
 *                deviceInfo for the probe and again in the job, as the platform does), no database.
 *
 * A sequential run that would not fit the time budget stops early and is extrapolated from its
 * per-device mean (marked "est."). Batches are awaited by polling GET /api/batches/:id every 100 ms.
 *
 *   npx tsx bench/onboarding/run.ts [--sizes 64,500] [--latency-ms 100] [--seq-budget-seconds 45] [--markdown]
 */
import { execSync } from 'node:child_process';
import { cpus } from 'node:os';
import { startFleet, type Fleet, type VirtualDevice } from '../../src/emulator';
import { encodeDeviceListQr, type ListedDevice } from '../../src/protocol/qr';
import { DeviceClient, DeviceConcurrency } from '../../src/device-client/device-client';
import { HttpTransport } from '../../src/device-client/http-transport';
import { startTestPlatform, type TestPlatform } from '../../test/helpers/platform';
import { buildSite, setupCompany } from '../../test/helpers/factories';
import { arg } from '../lib';

// The test helper shortens these for fast tests; the bench runs with the server's defaults.
const PRODUCTION_TIMING = { onboardingRetrySeconds: 15, deviceTimeoutMs: 8000 };

const SIZES = arg('sizes', '64,500').split(',').map(Number);
const LATENCY_MS = Number(arg('latency-ms', '100'));
const SEQ_BUDGET_MS = Number(arg('seq-budget-seconds', '45')) * 1000;
const MARKDOWN = process.argv.includes('--markdown');
const MAX_SCAN_TEXT = 8192;
const HARD_LIMIT_MS = 5 * 60_000;

// The whole run is bounded: if anything hangs, say so and leave.
const guard = setTimeout(() => {
  process.stderr.write(`bench: still running after ${HARD_LIMIT_MS / 1000} s, giving up\n`);
  process.exit(3);
}, HARD_LIMIT_MS);
guard.unref();

class Http {
  constructor(
    readonly base: string,
    readonly token: string,
  ) {}
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(120_000),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
}

interface Batch {
  settled: boolean;
  counts: Record<string, number>;
  items: Array<{ state: string; error: { code: string } | null }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitSettled(api: Http, batchId: string): Promise<Batch> {
  for (;;) {
    const b = await api.call<Batch>('GET', `/api/batches/${batchId}`);
    if (b.settled) return b;
    await sleep(100);
  }
}

function listed(fleet: Fleet, devices: VirtualDevice[]): ListedDevice[] {
  return devices.map((d, i) => {
    const x = fleet.describe(d);
    return { name: `Cam ${i + 1}`, host: x.host, port: x.httpPort, user: x.adminUser!, password: x.adminPassword! };
  });
}

/** Splits a device list into codes that each fit the scan API's text limit. */
function codesFor(list: ListedDevice[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < list.length) {
    let n = list.length - i;
    let text = encodeDeviceListQr(list.slice(i, i + n));
    while (text.length > MAX_SCAN_TEXT && n > 1) {
      n = Math.max(1, Math.floor(n * (MAX_SCAN_TEXT / text.length) * 0.98));
      text = encodeDeviceListQr(list.slice(i, i + n));
    }
    out.push(text);
    i += n;
  }
  return out;
}

interface Scan {
  scanId: string;
  candidates: Array<{ id: string; nextAction: string }>;
}

function tally(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [k, v] of Object.entries(counts)) into[k] = (into[k] ?? 0) + v;
}

async function bulk(api: Http, siteId: string, codes: string[]): Promise<{ ms: number; counts: Record<string, number>; scanMs: number }> {
  const t0 = performance.now();
  const batches: string[] = [];
  let scanMs = 0;
  for (const text of codes) {
    const s0 = performance.now();
    const scan = await api.call<Scan>('POST', `/api/sites/${siteId}/scans`, { text });
    scanMs += performance.now() - s0;
    const ids = scan.candidates.filter((c) => c.nextAction === 'add').map((c) => c.id);
    if (ids.length !== scan.candidates.length) throw new Error(`bulk: only ${ids.length}/${scan.candidates.length} devices can be added`);
    const r = await api.call<{ batchId: string }>('POST', `/api/scans/${scan.scanId}/add`, { candidateIds: ids, idempotencyKey: `bench-${scan.scanId}` });
    batches.push(r.batchId);
  }
  const counts: Record<string, number> = {};
  for (const b of await Promise.all(batches.map((id) => waitSettled(api, id)))) tally(counts, b.counts);
  return { ms: performance.now() - t0, counts, scanMs };
}

async function sequential(api: Http, siteId: string, list: ListedDevice[], budgetMs: number): Promise<{ ms: number; done: number; counts: Record<string, number> }> {
  const t0 = performance.now();
  const counts: Record<string, number> = {};
  let done = 0;
  for (const d of list) {
    const scan = await api.call<Scan>('POST', `/api/sites/${siteId}/scans`, { text: encodeDeviceListQr([d]) });
    const r = await api.call<{ batchId: string }>('POST', `/api/scans/${scan.scanId}/add`, { candidateIds: scan.candidates.map((c) => c.id), idempotencyKey: `bench-${scan.scanId}` });
    tally(counts, (await waitSettled(api, r.batchId)).counts);
    done++;
    if (performance.now() - t0 > budgetMs) break;
  }
  return { ms: performance.now() - t0, done, counts };
}

/** The device calls alone, one device after another (probe deviceInfo + job deviceInfo). */
async function deviceFloor(list: ListedDevice[], budgetMs: number): Promise<{ ms: number; done: number }> {
  const t0 = performance.now();
  let done = 0;
  for (const d of list) {
    for (let k = 0; k < 2; k++) {
      const client = new DeviceClient(new HttpTransport({ host: d.host, port: d.port, username: d.user, password: d.password }), { concurrency: new DeviceConcurrency(2) });
      await client.deviceInfo();
    }
    done++;
    if (performance.now() - t0 > budgetMs) break;
  }
  return { ms: performance.now() - t0, done };
}

interface Row {
  size: number;
  codes: number;
  bulkMs: number;
  scanMs: number;
  bulkCounts: Record<string, number>;
  seqMs: number;
  seqEstimated: boolean;
  seqDone: number;
  seqCounts: Record<string, number>;
  floorMs: number;
  floorEstimated: boolean;
}

const s1 = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtCounts = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ');

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = execSync("lscpu | sed -n 's/^Model name:[[:space:]]*//p'", { encoding: 'utf8' }).trim() || model;
  } catch {
    // lscpu missing: keep the os.cpus() model.
  }
  return `${model}, ${cpus().length} cores, Node ${process.version}`;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  process.stderr.write('bench: starting platform (PGlite, embedded broker)…\n');
  const p: TestPlatform = await startTestPlatform({ listen: true, config: PRODUCTION_TIMING });
  const total = SIZES.reduce((a, n) => a + 2 * n, 0);
  process.stderr.write(`bench: starting ${total} emulated cameras with ${LATENCY_MS} ms latency…\n`);
  // Devices are reached by address (device-list QR): no device-cloud connections, no SADP needed.
  const fleet = await startFleet({ count: total, specs: Array.from({ length: total }, () => ({ type: 'camera' as const })), sadpPort: false, maxHttpServers: total, device: { rebootMs: 300 } });
  const rows: Row[] = [];
  try {
    for (const d of fleet.devices) await d.applyFaults({ latencyMs: LATENCY_MS });
    const company = await setupCompany(p.app, p.setupToken);
    const tok = await company.admin.post('/api/auth/tokens', { name: 'bench' });
    const api = new Http(p.baseUrl, tok.body.token as string);

    let offset = 0;
    for (const size of SIZES) {
      const bulkDevices = fleet.devices.slice(offset, offset + size);
      const seqDevices = fleet.devices.slice(offset + size, offset + 2 * size);
      offset += 2 * size;
      const codes = codesFor(listed(fleet, bulkDevices));
      process.stderr.write(`bench: ${size} devices, Sitekeeper bulk (${codes.length} code${codes.length > 1 ? 's' : ''}, ${codes.map((c) => c.length).join('/')} chars)…\n`);
      const b = await bulk(api, (await buildSite(company)).id, codes);
      process.stderr.write(`bench:   ${s1(b.ms)} (${fmtCounts(b.counts)})\n`);
      process.stderr.write(`bench: ${size} devices, sequential platform flow (budget ${SEQ_BUDGET_MS / 1000} s)…\n`);
      const seqList = listed(fleet, seqDevices);
      const s = await sequential(api, (await buildSite(company)).id, seqList, SEQ_BUDGET_MS);
      process.stderr.write(`bench:   ${s.done} devices in ${s1(s.ms)} (${fmtCounts(s.counts)})\n`);
      // Already-added devices answer the same deviceInfo: the floor can reuse the sequential set.
      const f = await deviceFloor(seqList, Math.min(SEQ_BUDGET_MS, 15_000));
      process.stderr.write(`bench:   device floor ${f.done} devices in ${s1(f.ms)}\n`);
      rows.push({
        size,
        codes: codes.length,
        bulkMs: b.ms,
        scanMs: b.scanMs,
        bulkCounts: b.counts,
        seqMs: (s.ms / s.done) * size,
        seqEstimated: s.done < size,
        seqDone: s.done,
        seqCounts: s.counts,
        floorMs: (f.ms / f.done) * size,
        floorEstimated: f.done < size,
      });
    }
  } finally {
    await fleet.close();
    await p.close();
  }

  const lines = [
    `Machine: ${machine()}. Device latency ${LATENCY_MS} ms per request. Whole run ${s1(performance.now() - t0)}.`,
    '',
    '| devices | Sitekeeper bulk (scan part) | sequential platform flow | ratio | device-call floor, sequential | Sitekeeper result |',
    '|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.size}${r.codes > 1 ? ` (${r.codes} codes)` : ''} | ${s1(r.bulkMs)} (${s1(r.scanMs)}) | ${s1(r.seqMs)}${r.seqEstimated ? ` est. from ${r.seqDone}` : ''} | ${(r.seqMs / r.bulkMs).toFixed(1)}× | ${s1(r.floorMs)}${r.floorEstimated ? ' est.' : ''} | ${fmtCounts(r.bulkCounts)} |`,
    ),
  ];
  process.stdout.write(`${MARKDOWN ? '' : '\n'}${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
