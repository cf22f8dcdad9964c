/**
 * Benchmark (not a test): health monitoring of the real platform at scale (issue 15). For each
 * backend (embedded PGlite in a temp DATA_DIR; PostgreSQL at `--pg`, a fresh database created and
 * dropped here) and each size, two child processes:
 * - platform (platform.ts): `buildApp` as `npm start` builds it — embedded broker, device gateway,
 *   health poller, exception consumer — with one company (two recipients of exceptions: the
 *   installer admin and a manage-all installer) and `--sites` sites;
 * - emulator (emulator.ts): N emulated devices (cameras, every `--nvr-every`th an NVR), `--direct-share`
 *   of them reached directly (HTTP on loopback), the others connected to the device cloud.
 * The cloud devices are bound in bulk (a cloud registration with an issued device key each, sealed,
 * as the gateway writes it after the code proof), then all device rows are inserted in bulk: site 0
 * holds `--outage` devices (the site outage), the rest are spread over the other sites.
 *
 * Phases: connect (all cloud devices online in the gateway); first health of every device; steady
 * state for `--steady-seconds` (platform CPU, RSS, event-loop delay, write statements and rows
 * written per second; emulator CPU/RSS beside); then power is cut (the emulator's power-off fault)
 * on 1 device, then 10 devices of 10 sites, then every device of the outage site. For each cut
 * device: the time from its cut to devices.status = offline (what lists show) and to its stored
 * health = offline (what raises the exception), and the alerts sent (notifications by kind, the
 * exceptions' delivery, the site storms).
 *
 *   npx tsx bench/health/run.ts [--sizes 1000,5000,10000] [--backends pglite,pg] [--pg postgres://postgres@127.0.0.1:5432/postgres]
 *        [--poll-seconds 30] [--grace-seconds 30] [--storm-seconds 30] [--steady-seconds 60]
 *        [--sites 20] [--outage 500] [--direct-share 0.1] [--nvr-every 5] [--runner bundle|tsx] [--heap-snapshot dir] [--markdown]
 *        [--brokers embedded,mosquitto] [--variants "bare|K=V --node-flag …"] [--steady-only]
 * --brokers: the platform's embedded Aedes (the default, in its process) and/or a Mosquitto of the
 * benchmark's own (mosquitto.ts; the platform with MQTT_URL), side by side in one run;
 * --steady-only: no cuts (memory and CPU at steady state only).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { arg, exitAfter, machineLine, quantile, reachable } from '../lib';
import { Child, type Msg } from './child';
import { startBenchMosquitto, type BenchMosquitto } from './mosquitto';
import { SERVER_ENV, SERVER_NODE_OPTIONS } from '../../src/start/runtime-settings';
import type { PlatformMark, SeedDevice } from './platform';

const SIZES = arg('sizes', '1000,5000,10000').split(',').map(Number);
const PG_URL = arg('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const BACKENDS = arg('backends', 'pglite,pg').split(',');
const POLL_S = Number(arg('poll-seconds', '30'));
const GRACE_S = Number(arg('grace-seconds', '30'));
const STORM_S = Number(arg('storm-seconds', '30'));
const STEADY_S = Number(arg('steady-seconds', '60'));
const SITES = Number(arg('sites', '20'));
const OUTAGE = Number(arg('outage', '500'));
const DIRECT_SHARE = Number(arg('direct-share', '0.1'));
const NVR_EVERY = Number(arg('nvr-every', '5'));
const MARKDOWN = process.argv.includes('--markdown');
/** bundle: the children bundled by esbuild and run on plain node, as `npm run build` + `start:prod` run the server; tsx: from source. */
const RUNNER = arg('runner', 'bundle');
/** Write a heap snapshot of the platform at the end of the steady state into this directory. */
const HEAP_SNAPSHOT_DIR = arg('heap-snapshot', '');
const BROKERS = arg('brokers', 'embedded').split(',').map((b) => {
  if (b !== 'embedded' && b !== 'mosquitto') throw new Error(`--brokers: embedded or mosquitto, not ${b}`);
  return b;
});

const STEADY_ONLY = process.argv.includes('--steady-only');
/**
 * Variants of the platform process, run side by side, separated by `|`. Each starts from what
 * `npm run start:prod` gives the server (src/start/runtime-settings.ts: glibc malloc tunables, V8
 * heap growth) — or from nothing with the token `bare` — plus space-separated `K=V` (environment)
 * and `--flag` (node/V8 options). Default: one variant, the server's settings. `"bare|"`: without
 * them, then with.
 */
interface PlatformVariant { env: Record<string, string>; nodeOptions: string[]; text: string }
const VARIANTS: PlatformVariant[] = arg('variants', '').split('|').map((v) => {
  const tokens = v.split(' ').filter(Boolean);
  const bare = tokens.includes('bare');
  const own = tokens.filter((t) => t !== 'bare');
  const env = { ...(bare ? {} : SERVER_ENV), ...Object.fromEntries(own.filter((t) => !t.startsWith('--')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) } as Record<string, string>;
  const nodeOptions = [...(bare ? [] : SERVER_NODE_OPTIONS), ...own.filter((t) => t.startsWith('--'))];
  return { env, nodeOptions, text: bare ? ['no server settings', ...own].join(' ') : own.length ? `server settings + ${own.join(' ')}` : '' };
});
exitAfter(Number(arg('timeout-minutes', '90')) * 60_000);

const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs: number, everyMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

interface EmulatorMark { name: string; at: number; cpuMicros: number; rssBytes: number }

interface CutResult {
  name: string;
  devices: number;
  direct: number;
  /** Seconds from each device's cut to devices.status offline / health offline, ascending. */
  status: number[];
  health: number[];
  healthDirect: number[];
  healthCloud: number[];
  statusCloud: number[];
  missed: number;
  alerts: Msg;
  /** Seconds from the cut to the first alert of the kind expected (storm or offline). */
  alertAfter: number | null;
}

interface RunResult {
  backend: string;
  broker: 'embedded' | 'mosquitto';
  /** The platform's variant (--variants: environment and node options), '' for none. */
  platformEnv: string;
  /** The external broker's own process at the end of the steady state (Mosquitto only). */
  brokerProcess: { rssMB: number; cpuPercent: number } | null;
  devices: number;
  cloud: number;
  direct: number;
  connectS: number;
  firstHealthS: number;
  steady: {
    seconds: number; cpuPercent: number; pgCpuPercent: number | null; rssMB: number; heapMB: number; heapTotalMB: number; externalMB: number; lag: PlatformMark['lag'];
    writeStatementsPerS: number; statementsPerS: number; pollsPerS: number; rowsPerS: number | null; commitsPerS: number | null;
    emulatorCpuPercent: number; emulatorRssMB: number;
    /** JS heap after a full collection at the start and at the end of the steady state (MB). */
    heapAfterGcMB: [number, number];
    /** Platform RSS every 10 s of the steady state, first to last (MB). */
    rssSeriesMB: number[];
  } | null;
  peakRssMB: number;
  cuts: CutResult[];
  warnings: Record<string, number>;
  error?: string;
}

/** Orders devices so the direct ones are spread evenly; assigns sites (the first `outage` to site 0). */
function layout(devices: Array<Omit<SeedDevice, 'site'>>, outage: number): SeedDevice[] {
  const direct = devices.filter((d) => d.via === 'direct');
  const cloud = devices.filter((d) => d.via === 'cloud');
  const n = devices.length;
  const k = direct.length;
  const out: SeedDevice[] = [];
  for (let i = 0; i < n; i++) {
    const takeDirect = Math.floor(((i + 1) * k) / n) > Math.floor((i * k) / n);
    const d = (takeDirect ? direct.shift() : cloud.shift()) ?? direct.shift() ?? cloud.shift()!;
    out.push({ ...d, site: i < outage ? 0 : 1 + ((i - outage) % (SITES - 1)) });
  }
  return out;
}

function pcts(xs: number[]): { p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s[s.length - 1] ?? NaN };
}

async function createDatabase(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sk_bench_health_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`).finally(() => admin.end());
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`).finally(() => c.end());
    },
  };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const children = { platform: 'platform.ts', emulator: 'emulator.ts' };

/** The children as one file each (our TypeScript compiled once, packages from node_modules), like scripts/build.ts bundles the server. */
async function bundleChildren(): Promise<void> {
  if (RUNNER !== 'bundle') return;
  const outdir = path.join(here, '../out/health');
  await build({
    entryPoints: { platform: path.join(here, 'platform.ts'), emulator: path.join(here, 'emulator.ts') },
    outdir, outExtension: { '.js': '.mjs' }, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning',
  });
  children.platform = path.join(outdir, 'platform.mjs');
  children.emulator = path.join(outdir, 'emulator.mjs');
}

async function runOne(backend: 'pglite' | 'pg', broker: 'embedded' | 'mosquitto', n: number, variant: PlatformVariant): Promise<RunResult> {
  const directCount = Math.round(n * DIRECT_SHARE);
  const outage = Math.min(OUTAGE, Math.floor(n / 2));
  const result: RunResult = { backend: backend === 'pg' ? 'PostgreSQL' : 'PGlite', broker, platformEnv: variant.text, brokerProcess: null, devices: n, cloud: n - directCount, direct: directCount, connectS: NaN, firstHealthS: NaN, steady: null, peakRssMB: NaN, cuts: [], warnings: {} };
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sk-bench-health-'));
  const database = backend === 'pg' ? await createDatabase(PG_URL) : undefined;
  let platform: Child | undefined;
  let emulator: Child | undefined;
  let mosquitto: BenchMosquitto | undefined;
  let peakRss = 0;
  try {
    if (broker === 'mosquitto') mosquitto = await startBenchMosquitto();
    platform = new Child('platform', children.platform, [], {
      BENCH_CONFIG: JSON.stringify({
        ...(database ? { databaseUrl: database.url } : {}), dataDir, sites: SITES,
        env: { HEALTH_POLL_SECONDS: String(POLL_S), HEALTH_OFFLINE_GRACE_SECONDS: String(GRACE_S), STORM_WINDOW_SECONDS: String(STORM_S), ...(mosquitto ? { MQTT_URL: mosquitto.url } : {}) },
      }),
      ...variant.env,
    }, variant.nodeOptions);
    const ready = await platform.wait('ready', 180_000);
    log(`${result.backend} ${n}: platform ready (${ready.pglite ? 'PGlite' : 'PostgreSQL'}, ${mosquitto ? `Mosquitto at ${mosquitto.url}` : 'embedded broker'}${result.platformEnv ? `, ${result.platformEnv}` : ''}), starting ${n} emulated devices`);
    emulator = new Child('emulator', children.emulator, [], { BENCH_CONFIG: JSON.stringify({ count: n, direct: directCount, nvrEvery: NVR_EVERY }) });
    const emu = await emulator.wait('ready', 300_000);
    const devices = layout(emu.devices as Array<Omit<SeedDevice, 'site'>>, outage);
    const cloud = devices.filter((d) => d.via === 'cloud');
    const p = platform;
    const e = emulator;
    type Status = { online: number; healthRows: number; healthOnline: number };
    // A platform too busy to answer in time (its database pool exhausted) is asked again, not given up on.
    const status = async (): Promise<Status> => {
      for (;;) {
        try {
          return (await p.ask({ type: 'status' }, 'status')) as unknown as Status;
        } catch (err) {
          if (p.proc.exitCode !== null) throw err;
          log(`  status: ${err instanceof Error ? err.message : String(err)}; asking again`);
        }
      }
    };
    const pmark = async (name: string) => (await p.ask({ type: 'mark', name }, 'mark')).mark as PlatformMark;
    const emark = async (name: string) => (await e.ask({ type: 'mark', name }, 'mark')).mark as EmulatorMark;

    // Bind the cloud devices (keys issued in bulk), connect them.
    const { keys } = (await p.ask({ type: 'register', devices: cloud }, 'registered', 300_000)) as unknown as { keys: Record<string, string> };
    const t0 = Date.now();
    const connected = e.ask({ type: 'connect', keys, mqttUrl: ready.mqttUrl, topicPrefix: ready.topicPrefix }, 'connected', 900_000);
    let lastLog = 0;
    await until(async () => {
      const s = await status();
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`  connecting: ${s.online} / ${cloud.length} cloud devices online`);
      }
      return s.online >= cloud.length ? s : undefined;
    }, 'every cloud device online', 900_000, 1000);
    result.connectS = (Date.now() - t0) / 1000;
    await connected;
    log(`  all ${cloud.length} cloud devices online after ${result.connectS.toFixed(1)} s; seeding ${n} device rows`);

    // The devices on their sites; every device's first health (the poller spreads first polls over one interval).
    const { ids } = (await p.ask({ type: 'seed', devices }, 'seeded', 300_000)) as unknown as { ids: Record<string, string> };
    const t1 = Date.now();
    await until(async () => {
      const s = await status();
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`  first health: ${s.healthRows} / ${n} devices (${s.healthOnline} healthy/warning/fault), ${s.online} cloud online`);
      }
      return s.healthRows >= n ? s : undefined;
    }, 'a stored health for every device', (POLL_S * 5 + 120) * 1000);
    result.firstHealthS = (Date.now() - t1) / 1000;
    log(`  every device has a health after ${result.firstHealthS.toFixed(1)} s; steady state for ${STEADY_S} s`);

    // Steady state (a full collection before and after, outside the window: what the heap holds).
    const heap = async (snapshot?: string) => Number((await p.ask({ type: 'heap', ...(snapshot ? { snapshot } : {}) }, 'heap', 600_000)).heapUsedBytes) / 2 ** 20;
    const heapBefore = await heap();
    const [a, ea] = [await pmark('steady-start'), await emark('steady-start')];
    const brokerCpuStart = mosquitto?.cpuMicros() ?? 0;
    // RSS every 10 s through the steady state: does it settle or keep growing?
    const rssSeries: number[] = [a.rssBytes / 2 ** 20];
    for (let left = STEADY_S * 1000; left > 0; left -= 10_000) {
      await sleep(Math.min(10_000, left));
      if (left > 10_000) rssSeries.push(Number((await p.ask({ type: 'rss' }, 'rss')).rssBytes) / 2 ** 20);
    }
    const [b, eb] = [await pmark('steady-end'), await emark('steady-end')];
    rssSeries.push(b.rssBytes / 2 ** 20);
    if (mosquitto) result.brokerProcess = { rssMB: mosquitto.rssMB(), cpuPercent: ((mosquitto.cpuMicros() - brokerCpuStart) / 1e6 / ((b.at - a.at) / 1000)) * 100 };
    const heapAfter = await heap(HEAP_SNAPSHOT_DIR ? path.resolve(HEAP_SNAPSHOT_DIR, `platform-${backend}-${broker}-${n}.heapsnapshot`) : undefined);
    const sec = (b.at - a.at) / 1000;
    const pgCpu = a.pgBackendCpuMicros && b.pgBackendCpuMicros ? Object.keys(b.pgBackendCpuMicros).reduce((sum, pid) => sum + (a.pgBackendCpuMicros![pid] !== undefined ? b.pgBackendCpuMicros![pid]! - a.pgBackendCpuMicros![pid]! : 0), 0) : null;
    result.steady = {
      seconds: sec,
      cpuPercent: ((b.cpuMicros - a.cpuMicros) / 1e6 / sec) * 100,
      pgCpuPercent: pgCpu === null ? null : (pgCpu / 1e6 / sec) * 100,
      rssMB: b.rssBytes / 2 ** 20,
      heapMB: b.heapUsedBytes / 2 ** 20,
      heapTotalMB: b.heapTotalBytes / 2 ** 20,
      externalMB: b.externalBytes / 2 ** 20,
      lag: b.lag,
      writeStatementsPerS: (b.writeStatements - a.writeStatements) / sec,
      statementsPerS: (b.statements - a.statements) / sec,
      pollsPerS: (b.polls - a.polls) / sec,
      rowsPerS: a.stat && b.stat ? (b.stat.inserted + b.stat.updated + b.stat.deleted - (a.stat.inserted + a.stat.updated + a.stat.deleted)) / sec : null,
      commitsPerS: a.stat && b.stat ? (b.stat.xactCommit - a.stat.xactCommit) / sec : null,
      emulatorCpuPercent: ((eb.cpuMicros - ea.cpuMicros) / 1e6 / ((eb.at - ea.at) / 1000)) * 100,
      emulatorRssMB: eb.rssBytes / 2 ** 20,
      heapAfterGcMB: [heapBefore, heapAfter],
      rssSeriesMB: rssSeries,
    };
    peakRss = Math.max(a.rssBytes, b.rssBytes);
    if (result.brokerProcess) log(`  Mosquitto: RSS ${result.brokerProcess.rssMB.toFixed(0)} MB, CPU ${result.brokerProcess.cpuPercent.toFixed(1)} %`);
    log(`  steady: CPU ${result.steady.cpuPercent.toFixed(1)} %, RSS ${result.steady.rssMB.toFixed(0)} MB (every 10 s: ${rssSeries.map((x) => x.toFixed(0)).join(' ')}) (JS heap ${result.steady.heapMB.toFixed(0)} used / ${result.steady.heapTotalMB.toFixed(0)} MB, after GC ${heapBefore.toFixed(0)} → ${heapAfter.toFixed(0)} MB, external ${result.steady.externalMB.toFixed(0)} MB), lag p99 ${b.lag.p99.toFixed(1)} ms, ${result.steady.writeStatementsPerS.toFixed(1)} write statements/s, ${result.steady.pollsPerS.toFixed(1)} polls/s (${(n / POLL_S).toFixed(1)} due)`);

    // The cuts: 1 device; 10 devices of 10 sites (one of them direct); every device of the outage site.
    const bySite = (s: number) => devices.filter((d) => d.site === s);
    const one = [bySite(1).find((d) => d.via === 'cloud')!];
    const ten: SeedDevice[] = [];
    for (let k = 0; ten.length < 10 && k < 10 * SITES; k++) {
      const site = 1 + ((k + 1) % (SITES - 1));
      const pick = bySite(site).find((d) => !one.includes(d) && !ten.includes(d) && (ten.length === 0 ? d.via === 'direct' : d.via === 'cloud'));
      if (pick) ten.push(pick);
    }
    const phases: Array<{ name: string; list: SeedDevice[]; storm: boolean }> = [
      { name: 'cut 1', list: one, storm: false },
      { name: `cut ${ten.length} (${new Set(ten.map((d) => d.site)).size} sites)`, list: ten, storm: false },
      { name: `cut ${outage} (site outage)`, list: bySite(0), storm: true },
    ];
    const cutBefore: string[] = [];
    for (const ph of STEADY_ONLY ? [] : phases) {
      const since = Date.now();
      const phaseIds = ph.list.map((d) => ids[d.serial]!);
      const askAlerts = async () => (await p.ask({ type: 'alerts', since, phase: phaseIds, earlier: cutBefore }, 'alerts')) as Msg;
      const watchMs = (GRACE_S + POLL_S * 2.5 + 60) * 1000;
      const watched = p.ask({ type: 'watch', ids: ph.list.map((d) => ids[d.serial]), timeoutMs: watchMs }, 'watched', watchMs + 60_000);
      const { at } = (await e.ask({ type: 'power', serials: ph.list.map((d) => d.serial), on: false }, 'powered', 120_000)) as unknown as { at: Record<string, number> };
      const cutAt = Math.min(...Object.values(at));
      log(`  ${ph.name}: power cut on ${ph.list.length} devices`);
      const w = (await watched) as unknown as { statusAt: Record<string, number>; healthAt: Record<string, number>; timedOut: boolean };
      const lat = (which: Record<string, number>, f: (d: SeedDevice) => boolean) =>
        ph.list.filter(f).flatMap((d) => (which[ids[d.serial]!] !== undefined ? [(which[ids[d.serial]!]! - at[d.serial]!) / 1000] : [])).sort((x, y) => x - y);
      const all = () => true;
      // The alerts: individual ones after the storm window; a storm's one grouped alert per recipient.
      const expectIndividual = ph.list.length * Number(ready.recipients);
      let alerts = await askAlerts();
      const alertWaitMs = (STORM_S + (ph.storm ? POLL_S : 0) + 60) * 1000;
      alerts = await until(async () => {
        const al = await askAlerts();
        const enough = ph.storm ? ((al.byKind as Record<string, number>)['exception.storm'] ?? 0) >= Number(ready.recipients) : (al.offline as { phase: number }).phase >= expectIndividual;
        return enough ? al : undefined;
      }, `the alerts of ${ph.name}`, alertWaitMs).catch(async (err: unknown) => {
        log(`  ${ph.name}: ${String(err)}`);
        return alerts;
      });
      if (ph.storm) {
        // Late offline exceptions of the site (after the storm began) must be grouped, not sent: look again after one more window.
        await sleep((STORM_S + 10) * 1000);
        alerts = await askAlerts();
      }
      cutBefore.push(...phaseIds);
      const firstAlert = (ph.storm ? alerts.firstStormNoteAt : alerts.firstOfflineNoteAt) as number | null;
      const cut: CutResult = {
        name: ph.name, devices: ph.list.length, direct: ph.list.filter((d) => d.via === 'direct').length,
        status: lat(w.statusAt, all), health: lat(w.healthAt, all),
        healthDirect: lat(w.healthAt, (d) => d.via === 'direct'), healthCloud: lat(w.healthAt, (d) => d.via === 'cloud'), statusCloud: lat(w.statusAt, (d) => d.via === 'cloud'),
        missed: ph.list.length - lat(w.healthAt, all).length, alerts, alertAfter: firstAlert ? (firstAlert - cutAt) / 1000 : null,
      };
      result.cuts.push(cut);
      const h = pcts(cut.health);
      log(`  ${ph.name}: health offline p50 ${h.p50.toFixed(1)} s, p99 ${h.p99.toFixed(1)} s${cut.missed ? `, ${cut.missed} not detected` : ''}; alerts ${alertText(cut)}`);
    }
    const last = await pmark('end');
    peakRss = Math.max(peakRss, last.rssBytes);
    result.warnings = ((await p.ask({ type: 'warnings' }, 'warnings')).warnings ?? {}) as Record<string, number>;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    log(`  ${result.backend} ${n}: ${result.error}`);
    try {
      if (platform) result.warnings = ((await platform.ask({ type: 'warnings' }, 'warnings', 5000)).warnings ?? {}) as Record<string, number>;
    } catch {
      // gone
    }
  } finally {
    result.peakRssMB = peakRss / 2 ** 20;
    await emulator?.stop(120_000);
    await platform?.stop(60_000);
    await mosquitto?.close();
    await database?.drop().catch((err: unknown) => log(`  drop database: ${String(err)}`));
    await rm(dataDir, { recursive: true, force: true });
  }
  return result;
}

const f = (x: number | null | undefined, d = 0) => (x !== null && x !== undefined && Number.isFinite(x) ? x.toFixed(d) : '—');

function alertText(c: CutResult): string {
  const byKind = c.alerts.byKind as Record<string, number>;
  const off = c.alerts.offline as { phase: number; earlier: number; never: number };
  const parts = [`${byKind['exception.storm'] ?? 0} storm`, `${off.phase} offline`];
  if (off.earlier) parts.push(`${off.earlier} offline of earlier cuts`);
  if (off.never) parts.push(`**${off.never} offline of ${(c.alerts.falseDevices as string[]).length} devices never cut**`);
  for (const [k, v] of Object.entries(byKind).sort()) if (k !== 'exception.storm' && k !== 'exception.offline') parts.push(`${v} ${k.replace('exception.', '')}`);
  return parts.join(', ');
}

async function main(): Promise<void> {
  const backends: Array<'pglite' | 'pg'> = [];
  if (BACKENDS.includes('pglite')) backends.push('pglite');
  if (BACKENDS.includes('pg') && PG_URL !== 'none') {
    const u = new URL(PG_URL);
    if (await reachable(u.hostname, Number(u.port || 5432))) backends.push('pg');
    else log(`PostgreSQL at ${PG_URL} not reachable: PGlite only`);
  }
  await bundleChildren();
  const machineBefore = machineLine();
  log(`machine at start: ${machineBefore}`);
  const results: RunResult[] = [];
  for (const b of backends) {
    for (const n of SIZES) for (const broker of BROKERS) for (const variant of VARIANTS) {
      const r = await runOne(b, broker, n, variant);
      results.push(r);
      // Each result as soon as it is in: a later run that fails or is stopped keeps it.
      log(`result: ${JSON.stringify(r)}`);
    }
  }
  const machineAfter = machineLine();

  const out: string[] = [];
  out.push(`Health monitoring at scale: HEALTH_POLL_SECONDS=${POLL_S}, HEALTH_OFFLINE_GRACE_SECONDS=${GRACE_S}, STORM_WINDOW_SECONDS=${STORM_S}; ${SITES} sites, outage site ${OUTAGE} devices; ${Math.round(DIRECT_SHARE * 100)} % direct; every ${NVR_EVERY}th device an NVR, the others cameras; steady state ${STEADY_S} s`);
  out.push(`server process (unless a variant says otherwise): ${Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`).join(' ')} node ${SERVER_NODE_OPTIONS.join(' ')} (src/start/runtime-settings.ts, as npm run start:prod)`);
  out.push(`machine at start: ${machineBefore}`);
  out.push(`machine at end:   ${machineAfter}`);
  out.push('');
  if (MARKDOWN) {
    out.push('| backend | broker (its RSS / CPU) | devices (cloud / direct) | connect (s) | first health of all (s) | polls/s (due) | server CPU (% of a core) | PostgreSQL backends CPU | server RSS, steady start → end (MB) | JS heap after GC, start → end (MB) | event-loop delay p50 / p99 / max (ms) | write statements/s | rows written/s | commits/s | emulator CPU / RSS |');
    out.push('|---|---|---|---:|---:|---|---:|---:|---:|---|---|---:|---:|---:|---|');
    for (const r of results) {
      const s = r.steady;
      out.push(`| ${r.backend}${r.platformEnv ? ` (${r.platformEnv})` : ''} | ${r.broker === 'embedded' ? 'embedded (in the server)' : `Mosquitto (${f(r.brokerProcess?.rssMB)} MB / ${f(r.brokerProcess?.cpuPercent, 1)} %)`} | ${r.devices} (${r.cloud} / ${r.direct})${r.error ? ` — ${r.error}` : ''} | ${f(r.connectS, 1)} | ${f(r.firstHealthS, 1)} | ${f(s?.pollsPerS, 1)} (${f(r.devices / POLL_S, 1)}) | ${f(s?.cpuPercent, 1)} % | ${s?.pgCpuPercent === null || !s ? '—' : `${f(s.pgCpuPercent, 1)} %`} | ${s ? `${f(s.rssSeriesMB[0])} → ${f(s.rssMB)} (max ${f(Math.max(...s.rssSeriesMB))})` : '—'} | ${s ? `${f(s.heapAfterGcMB[0])} → ${f(s.heapAfterGcMB[1])}` : '—'} | ${s ? `${f(s.lag.p50, 1)} / ${f(s.lag.p99, 1)} / ${f(s.lag.max)}` : '—'} | ${f(s?.writeStatementsPerS, 1)} | ${f(s?.rowsPerS, 1)} | ${f(s?.commitsPerS, 1)} | ${s ? `${f(s.emulatorCpuPercent, 1)} % / ${f(s.emulatorRssMB)} MB` : '—'} |`);
    }
    out.push('');
    out.push('| backend | broker | devices | cut | devices.status offline p50 / p99 (s) | health offline p50 / p99 (s) | p99 − grace (s) | cloud p99 / direct p99 (s) | first alert after (s) | alerts (notifications) | exceptions |');
    out.push('|---|---|---:|---|---|---|---:|---|---:|---|---|');
    for (const r of results) {
      for (const c of r.cuts) {
        const st = pcts(c.status);
        const h = pcts(c.health);
        out.push(`| ${r.backend}${r.platformEnv ? ` (${r.platformEnv})` : ''} | ${r.broker} | ${r.devices} | ${c.name}${c.direct ? ` (${c.direct} direct)` : ''}${c.missed ? ` — ${c.missed} not detected` : ''} | ${f(st.p50, 1)} / ${f(st.p99, 1)} | ${f(h.p50, 1)} / ${f(h.p99, 1)} | ${f(h.p99 - GRACE_S, 1)} | ${f(pcts(c.healthCloud).p99, 1)} / ${f(pcts(c.healthDirect).p99, 1)} | ${f(c.alertAfter, 1)} | ${alertText(c)} | ${Object.entries(c.alerts.exceptions as Record<string, number>).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'} |`);
      }
    }
  } else {
    for (const r of results) out.push(JSON.stringify(r));
  }
  for (const r of results) {
    const w = Object.entries(r.warnings);
    if (w.length) out.push(`\n${r.backend} ${r.broker} ${r.devices}: platform warnings: ${w.map(([k, v]) => `${v}× ${k}`).join('; ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
