/**
 * Health benchmark, platform side (child process): the real platform (`buildApp`, as `npm start`
 * builds it) on embedded PGlite in a temp DATA_DIR or on PostgreSQL (DATABASE_URL), with its
 * embedded broker on a free port, device gateway, health poller, exception consumer. One company
 * (an installer admin and one manage-all installer: two recipients), `sites` sites. The
 * orchestrator (run.ts) drives it over IPC:
 *   register  — cloud registrations (issued device keys, sealed) for the cloud devices, in bulk;
 *   seed      — the device rows (cloud by serial, direct with sealed credentials), in bulk;
 *   status    — cloud devices online in the gateway, devices with a stored health;
 *   mark      — CPU, RSS, event-loop delay, write statements, pg_stat_database, PostgreSQL backends' CPU;
 *   watch     — polls devices.status / device_health of the given devices until all are offline;
 *   alerts    — notifications, exceptions and storms since a time.
 *   env: BENCH_CONFIG (JSON: { databaseUrl?, dataDir, sites, env })
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import pg from 'pg';
import pino from 'pino';
import { sql } from 'kysely';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { newDeviceKey } from '../../src/protocol/tunnel/registration';
import { verdictFor } from '../../src/server/devices/firmware-verdict';
import { CATALOGUE } from '../../src/server/devices/firmware-catalogue';
import { buildInstaller, setupCompany } from '../../test/helpers/factories';
import { send, type Msg } from './child';

interface BenchConfig {
  databaseUrl?: string;
  dataDir: string;
  sites: number;
  env: Record<string, string>;
}

export interface SeedDevice {
  serial: string;
  model: string;
  type: string;
  firmware: string;
  via: 'cloud' | 'direct';
  host: string;
  port: number;
  adminUser?: string;
  adminPassword?: string;
  site: number;
}

export interface PlatformMark {
  name: string;
  at: number;
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Memory outside the JS heap (PGlite's WebAssembly memory is here). */
  externalBytes: number;
  /** Event-loop delay since the previous mark (ms beyond the sampling timer's 10 ms). */
  lag: { p50: number; p99: number; max: number; mean: number };
  writeStatements: number;
  statements: number;
  /** Polls the health poller made of the seeded devices so far. */
  polls: number;
  /** pg_stat_database of this database (null where it cannot be read). */
  stat: { xactCommit: number; inserted: number; updated: number; deleted: number } | null;
  /** CPU time of the PostgreSQL server processes serving this database (PostgreSQL on this machine only). */
  pgBackendCpuMicros: Record<string, number> | null;
}

const cfg = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as BenchConfig;

// Every statement the platform sends (app pool, job queue, presence writer): writes by their verb.
let statements = 0;
let writeStatements = 0;
const WRITE = /^\s*(?:with\b[\s\S]*?\)\s*)?(insert|update|delete|merge)\b/i;
const clientProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = clientProto.query;
clientProto.query = function (this: unknown, ...args: unknown[]) {
  statements++;
  const q = args[0];
  const text = typeof q === 'string' ? q : q && typeof q === 'object' && 'text' in q ? String((q as { text: unknown }).text) : '';
  if (WRITE.test(text)) writeStatements++;
  return originalQuery.apply(this, args);
};

// The histogram records the time between its timer's runs (≥ the resolution): the delay is what is beyond it.
const LAG_RESOLUTION_MS = 10;
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
lag.enable();

const beyond = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);

async function main(): Promise<void> {
  const logPath = join(cfg.dataDir, 'platform.log');
  const logger = pino({ level: 'warn' }, createWriteStream(logPath));
  const config = loadConfig({
    DATA_DIR: cfg.dataDir,
    ...(cfg.databaseUrl ? { DATABASE_URL: cfg.databaseUrl } : {}),
    EMBEDDED_MQTT_PORT: '0',
    EMBEDDED_PG_PORT: '0',
    MQTT_TOPIC_PREFIX: `sk-bench-${randomBytes(4).toString('hex')}/`,
    SECRET_KEY: randomBytes(32).toString('hex'),
    DEMO_FLEET: 'false',
    SADP_TARGETS: 'none',
    DEVICE_ALLOWED_RANGES: '127.0.0.0/8',
    LOG_LEVEL: 'warn',
    ...cfg.env,
  });
  const app = await buildApp(config, { logger });
  const p = app.platform;
  const db = p.database.db;
  const setupToken = (await p.auth.issueSetupToken()) ?? '';
  const company = await setupCompany(app, setupToken);
  const installer = await buildInstaller(app, company, 'manage_all');
  const siteIds: string[] = [];
  for (let i = 0; i < cfg.sites; i++) {
    const r = await company.admin.post('/api/sites', { name: i === 0 ? 'Outage site' : `Site ${i}`, address: `${i} Main St`, timeZone: 'Europe/Paris' });
    if (r.status !== 201) throw new Error(`site: ${JSON.stringify(r.body)}`);
    siteIds.push(r.body.id as string);
  }
  const isPglite = p.database.pglite;
  const recipients = [company.adminId, installer.id];

  let cloudSerials: string[] = [];
  let deviceIds: string[] = [];

  async function pgStat(): Promise<PlatformMark['stat']> {
    try {
      const r = await sql<{ xact_commit: string; tup_inserted: string; tup_updated: string; tup_deleted: string }>`select xact_commit, tup_inserted, tup_updated, tup_deleted from pg_stat_database where datname = current_database()`.execute(db);
      const row = r.rows[0];
      if (!row) return null;
      return { xactCommit: Number(row.xact_commit), inserted: Number(row.tup_inserted), updated: Number(row.tup_updated), deleted: Number(row.tup_deleted) };
    } catch {
      return null;
    }
  }

  /** utime+stime (µs) of each PostgreSQL backend serving this database, when the server runs here. */
  async function pgBackends(): Promise<Record<string, number> | null> {
    if (isPglite || !cfg.databaseUrl) return null;
    const host = new URL(cfg.databaseUrl).hostname;
    if (!['127.0.0.1', 'localhost', '::1', ''].includes(host)) return null;
    const r = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
    const out: Record<string, number> = {};
    for (const { pid } of r.rows) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        // Fields 14 and 15 of /proc/pid/stat (utime, stime), in clock ticks (100 per second).
        out[String(pid)] = (Number(f[11]) + Number(f[12])) * 10_000;
      } catch {
        // gone meanwhile
      }
    }
    return out;
  }

  async function mark(name: string): Promise<PlatformMark> {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const m: PlatformMark = {
      name, at: Date.now(), cpuMicros: cpu.user + cpu.system, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal, externalBytes: mem.external,
      lag: { p50: beyond(lag.percentile(50)), p99: beyond(lag.percentile(99)), max: beyond(lag.max), mean: beyond(lag.mean) },
      writeStatements, statements, polls: deviceIds.reduce((sum, id) => sum + p.healthPoller.stats(id).polls, 0), stat: await pgStat(), pgBackendCpuMicros: await pgBackends(),
    };
    lag.reset();
    return m;
  }

  async function register(devices: Array<Pick<SeedDevice, 'serial' | 'model' | 'type' | 'firmware'>>): Promise<Record<string, string>> {
    // What the gateway does when a device proves the installer's code (#issueKey): a random key, sealed at rest.
    const keys: Record<string, string> = {};
    const now = new Date();
    for (let i = 0; i < devices.length; i += 1000) {
      const rows = devices.slice(i, i + 1000).map((d) => {
        const key = newDeviceKey().toString('hex');
        keys[d.serial] = key;
        return { serial: d.serial, key_hex: null, key_sealed: p.secrets.seal(key, `cloud-key:${d.serial}`), key_legacy: false, model: d.model, type: d.type, firmware: d.firmware, registered_at: now, updated_at: now };
      });
      await db.insertInto('cloud_registrations').values(rows).execute();
    }
    cloudSerials = devices.map((d) => d.serial);
    return keys;
  }

  async function seed(devices: SeedDevice[]): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    for (let i = 0; i < devices.length; i += 1000) {
      const rows = devices.slice(i, i + 1000).map((d) => {
        const verdict = verdictFor(d.model, d.firmware);
        return {
          company_id: company.companyId, site_id: siteIds[d.site]!, serial: d.serial, name: `${d.type} ${d.serial.slice(-9)}`, type: d.type, model: d.model,
          firmware_version: d.firmware, firmware_compatible: verdict?.compatible ?? null, firmware_verdict: verdict ? JSON.stringify(verdict) : null, firmware_catalogue: CATALOGUE.version,
          added_via: d.via, host: d.via === 'direct' ? d.host : null, port: d.via === 'direct' ? d.port : null,
          credentials_sealed: d.via === 'direct' ? p.secrets.seal(JSON.stringify({ user: d.adminUser, password: d.adminPassword }), `device:${d.serial}`) : null,
          verification_code_sealed: null, added_by: company.adminId, status: 'online',
        };
      });
      const r = await db.insertInto('devices').values(rows).returning(['id', 'serial']).execute();
      for (const x of r) ids[x.serial] = x.id;
    }
    deviceIds = Object.values(ids);
    if (!isPglite) await sql`analyze`.execute(db);
    return ids;
  }

  async function status(): Promise<{ online: number; healthRows: number; healthOnline: number }> {
    let online = 0;
    for (const s of cloudSerials) if (p.gateway.isOnline(s) === true) online++;
    const r = await sql<{ n: number; ok: number }>`select count(*)::int as n, count(*) filter (where state <> 'offline' and state <> 'unknown')::int as ok from device_health`.execute(db);
    return { online, healthRows: r.rows[0]?.n ?? 0, healthOnline: r.rows[0]?.ok ?? 0 };
  }

  /** First time each device is seen offline in devices.status and in device_health (polled every `everyMs`). */
  function watch(ids: string[], timeoutMs: number, everyMs = 250): Promise<{ statusAt: Record<string, number>; healthAt: Record<string, number>; timedOut: boolean }> {
    const statusAt: Record<string, number> = {};
    const healthAt: Record<string, number> = {};
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const look = async () => {
        const now = Date.now();
        try {
          const left = ids.filter((id) => statusAt[id] === undefined);
          if (left.length > 0) {
            const s = await db.selectFrom('devices').select(['id', 'status']).where('id', 'in', left).where('status', '=', 'offline').execute();
            for (const r of s) statusAt[r.id] ??= now;
          }
          const leftH = ids.filter((id) => healthAt[id] === undefined);
          if (leftH.length > 0) {
            const h = await db.selectFrom('device_health').select(['device_id']).where('device_id', 'in', leftH).where('state', '=', 'offline').execute();
            for (const r of h) healthAt[r.device_id] ??= now;
          }
        } catch (err) {
          send({ type: 'error', message: `watch: ${String(err)}` });
        }
        const done = ids.every((id) => statusAt[id] !== undefined && healthAt[id] !== undefined);
        if (done || Date.now() > deadline) resolve({ statusAt, healthAt, timedOut: !done });
        else setTimeout(() => void look(), everyMs);
      };
      void look();
    });
  }

  /**
   * What was sent since `since`: notifications by kind; offline alerts for the devices of this cut
   * (`phase`), for devices cut before (`earlier`: sent late) and for devices never cut (false
   * alarms); the exceptions by type and delivery; the site storms started.
   */
  async function alerts(since: number, phase: string[], earlier: string[]): Promise<Msg> {
    const at = new Date(since);
    const notes = await db.selectFrom('notifications').select(['user_id', 'kind', 'data', 'created_at']).where('created_at', '>=', at).where('company_id', '=', company.companyId).execute();
    const byKind: Record<string, number> = {};
    const inPhase = new Set(phase);
    const before = new Set(earlier);
    const offline = { phase: 0, earlier: 0, never: 0 };
    const falseDevices = new Set<string>();
    let firstStormNoteAt: number | null = null;
    let firstOfflineNoteAt: number | null = null;
    for (const n of notes) {
      byKind[n.kind] = (byKind[n.kind] ?? 0) + 1;
      const data = n.data as Record<string, unknown>;
      const t = new Date(n.created_at).getTime();
      if (n.kind === 'exception.storm') firstStormNoteAt = Math.min(firstStormNoteAt ?? t, t);
      if (n.kind === 'exception.offline') {
        const id = String(data.deviceId);
        if (inPhase.has(id)) {
          offline.phase++;
          firstOfflineNoteAt = Math.min(firstOfflineNoteAt ?? t, t);
        } else if (before.has(id)) offline.earlier++;
        else {
          offline.never++;
          falseDevices.add(id);
        }
      }
    }
    const exc = await db.selectFrom('device_exceptions').select(['type', 'delivery', 'site_id']).select((eb) => eb.fn.countAll<number>().as('n')).where('raised_at', '>=', at).groupBy(['type', 'delivery', 'site_id']).execute();
    const outageSite = siteIds[0]!;
    const exceptions: Record<string, number> = {};
    for (const e of exc) {
      const k = `${e.type}/${e.delivery}${e.site_id === outageSite ? ' (outage site)' : ''}`;
      exceptions[k] = (exceptions[k] ?? 0) + Number(e.n);
    }
    const siteStorms = await db.selectFrom('site_storms').select(['site_id', 'offline_count', 'device_count']).where('started_at', '>=', at).execute();
    return {
      type: 'alerts', byKind, offline, falseDevices: [...falseDevices], exceptions, siteStorms: siteStorms.map((x) => ({ outageSite: x.site_id === outageSite, offline: x.offline_count, total: x.device_count })),
      recipients: recipients.length, firstStormNoteAt, firstOfflineNoteAt,
    };
  }

  function warnings(): Record<string, number> {
    const out: Record<string, number> = {};
    try {
      for (const line of readFileSync(logPath, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const l = JSON.parse(line) as { msg?: string; err?: { code?: string; message?: string } };
          const k = `${l.msg ?? ''}${l.err ? `: ${l.err.code ?? ''} ${(l.err.message ?? '').slice(0, 80)}` : ''}`;
          out[k] = (out[k] ?? 0) + 1;
        } catch {
          out[line.slice(0, 100)] = (out[line.slice(0, 100)] ?? 0) + 1;
        }
      }
    } catch {
      // no log yet
    }
    return out;
  }

  process.on('message', (m: Msg) => {
    void (async () => {
      try {
        if (m.type === 'register') send({ type: 'registered', keys: await register(m.devices as SeedDevice[]) });
        else if (m.type === 'seed') send({ type: 'seeded', ids: await seed(m.devices as SeedDevice[]) });
        else if (m.type === 'status') send({ type: 'status', ...(await status().catch(async () => {
          // The pool had no connection for us in time (platform saturated): wait and look again.
          await new Promise((r) => setTimeout(r, 1000));
          return status();
        })) });
        else if (m.type === 'mark') send({ type: 'mark', mark: await mark(String(m.name)) });
        else if (m.type === 'watch') send({ type: 'watched', ...(await watch(m.ids as string[], Number(m.timeoutMs))) });
        else if (m.type === 'alerts') send(await alerts(Number(m.since), m.phase as string[], m.earlier as string[]));
        else if (m.type === 'rss') send({ type: 'rss', rssBytes: process.memoryUsage.rss() });
        else if (m.type === 'warnings') send({ type: 'warnings', warnings: warnings() });
        else if (m.type === 'heap') {
          // The JS heap that stays after a full collection (the child runs with --expose-gc); a snapshot when asked.
          const gc = (globalThis as { gc?: () => void }).gc;
          gc?.();
          const snapshot = typeof m.snapshot === 'string' ? writeHeapSnapshot(m.snapshot) : undefined;
          send({ type: 'heap', heapUsedBytes: process.memoryUsage().heapUsed, rssBytes: process.memoryUsage().rss, collected: gc !== undefined, snapshot });
        }
        else if (m.type === 'exit') {
          await app.close().catch(() => undefined);
          process.exit(0);
        }
      } catch (err) {
        send({ type: 'error', message: `${m.type}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` });
      }
    })();
  });
  send({
    type: 'ready', mqttUrl: p.mqttUrl.replace(/\/\/[^@/]*@/, '//'), topicPrefix: config.mqttTopicPrefix, siteIds, pglite: isPglite, recipients: recipients.length,
  });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
