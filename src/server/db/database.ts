/**
 * One code path for storage: Kysely over a `pg` pool. With DATABASE_URL that pool talks to a real
 * PostgreSQL; without it, an embedded PGlite is served through pglite-socket so that `pg`, the
 * migrator and the job queue all speak the same wire protocol (docs/decisions/0001-embedded-postgres-over-the-wire.md).
 *
 * PGlite checks no password, so the embedded server listens on a unix socket in a folder only this
 * user can enter (0700), never on a TCP port another local user could reach — unless the operator
 * asks for one with EMBEDDED_PG_PORT (then loopback only, and the log says it has no password).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { keepExtendedQueryExchangesTogether } from './pglite-socket-fix';
import { ensurePrivateDir } from '../lib/private-dir';

export interface DatabaseHandle {
  /** Connection string usable by any PostgreSQL client (pg-boss shares it). */
  url: string;
  db: Kysely<DB>;
  pool: pg.Pool;
  embedded: boolean;
  /**
   * The server is a PGlite (this process's embedded one, or one served over a socket by another
   * process): it delivers no NOTIFY to another connection, so progress signals poll (progress-signals.ts).
   */
  pglite: boolean;
  /** Embedded only: where it listens (a unix socket path, or 127.0.0.1:port when EMBEDDED_PG_PORT asked for TCP). */
  listening?: string;
  /** True when the pool can reach the server right now. */
  ping(): Promise<boolean>;
  /**
   * What autovacuum does on PostgreSQL, for the embedded database (which has no autovacuum):
   * `vacuum analyze`, so the planner has statistics (which index a list uses) and index-only scans
   * find the visibility map. The embedded database runs it at start (buildApp, when it holds devices) and every
   * EMBEDDED_MAINTENANCE_MS; on PostgreSQL it does nothing (autovacuum does it).
   */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  /** Folder for the embedded database; `memory://` for a throwaway one (tests). */
  dataDir: string;
  /** Serve the embedded database on this loopback TCP port (no password!) instead of a private unix socket; 0/absent: the socket. */
  embeddedPort?: number;
  poolMax?: number;
}

// Timestamps as ISO strings would lose type info; keep Date for timestamptz, parse int8 as number
// (ids and counts here never exceed 2^53).
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  let url = opts.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let listening: string | undefined;
  if (!url) {
    const embedded = await startEmbeddedPostgres(opts.dataDir, opts.embeddedPort ?? 0);
    url = embedded.url;
    listening = embedded.listening;
    stopEmbedded = () => embedded.stop();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? (stopEmbedded ? 4 : 10),
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // A dropped server connection must not crash the process: readiness reports it instead. The pool
  // listens only on idle clients; one checked out (a transaction between two queries) would emit
  // 'error' with no listener, so every client gets its own. Its next query fails and it is discarded.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  // Asked of the server, not inferred from DATABASE_URL: a shared PGlite (tests of two nodes) is one too.
  const pglite = await pool.query<{ v: string }>('select version() as v').then((r) => /PGlite/i.test(r.rows[0]?.v ?? ''), () => stopEmbedded !== undefined);
  const maintain = async () => {
    if (stopEmbedded) await pool.query('vacuum analyze');
  };
  const maintenance = stopEmbedded ? setInterval(() => void maintain().catch(() => undefined), EMBEDDED_MAINTENANCE_MS) : undefined;
  maintenance?.unref();
  return {
    url,
    db,
    pool,
    embedded: stopEmbedded !== undefined,
    pglite,
    ...(listening ? { listening } : {}),
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    maintain,
    async close() {
      if (maintenance) clearInterval(maintenance);
      await db.destroy();
      if (stopEmbedded) await stopEmbedded();
    },
  };
}

/** How often the embedded database is vacuumed and analysed (PostgreSQL's autovacuum looks every minute; a 10,000-device analyze takes tens of ms on PGlite). */
const EMBEDDED_MAINTENANCE_MS = 10 * 60_000;

/** The socket file name `pg` (and psql) look for in a socket folder, for the default port. */
const SOCKET_FILE = '.s.PGSQL.5432';

/**
 * Creates a new embedded database cluster (initdb) in a short-lived child process. PGlite runs
 * initdb in the process that creates the cluster and its memory stays with that process: a first
 * start held ~800 MB where a later one (opening the existing cluster) holds ~300 MB. The cluster is
 * made in a temporary folder beside `dir` and renamed into place once complete, so a crash
 * part-way leaves no half-made cluster (a leftover temporary folder is removed at the next start).
 */
async function initEmbeddedInChild(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = `${path.basename(dir)}.init-`;
  for (const name of await readdir(parent)) if (name.startsWith(prefix)) await rm(path.join(parent, name), { recursive: true, force: true });
  const tmp = await mkdtemp(path.join(parent, prefix));
  const moduleUrl = import.meta.resolve('@electric-sql/pglite');
  const code = 'const { PGlite } = await import(process.env.SK_PGLITE_MODULE); const db = await PGlite.create(process.env.SK_PGLITE_DIR); await db.close();';
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, SK_PGLITE_MODULE: moduleUrl, SK_PGLITE_DIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => {
        if (exitCode === 0 && existsSync(path.join(tmp, 'PG_VERSION'))) resolve();
        else reject(new Error(`creating the embedded database in ${dir} failed (${signal ?? `exit ${String(exitCode)}`}): ${stderr.trim() || 'no output'}`));
      });
    });
    // `dir` holds no cluster (no PG_VERSION): replace it with the new one.
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** PGlite served over a private unix socket (port 0) or a loopback TCP port: this process's embedded database, or a test's shared one. */
export async function startEmbeddedPostgres(dataDir: string, port: number, maxConnections = 16): Promise<{ url: string; listening: string; stop(): Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  let dir: string | undefined;
  if (dataDir !== 'memory://') {
    await ensurePrivateDir(path.resolve(dataDir));
    dir = path.resolve(dataDir, 'pglite');
    await ensurePrivateDir(dir);
  }
  // A short path (unix socket paths are limited to ~107 bytes) that only this user can enter.
  const socketDir = port ? undefined : await mkdtemp(path.join(tmpdir(), 'sitekeeper-pg-'));
  if (dir && !existsSync(path.join(dir, 'PG_VERSION'))) await initEmbeddedInChild(dir);
  // pg_trgm: the device search's trigram indexes (migration 0010).
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const pglite = await PGlite.create(dir, { extensions: { pg_trgm } });
  const server = socketDir
    ? new PGLiteSocketServer({ db: pglite, path: path.join(socketDir, SOCKET_FILE), maxConnections })
    : new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port, maxConnections });
  keepExtendedQueryExchangesTogether(server);
  try {
    await server.start();
  } catch (err) {
    await pglite.close();
    if (socketDir) await rm(socketDir, { recursive: true, force: true });
    throw err;
  }
  const stop = async () => {
    await server.stop();
    await pglite.close();
    if (socketDir) await rm(socketDir, { recursive: true, force: true });
  };
  if (socketDir) {
    return { url: `postgres://postgres@${encodeURIComponent(socketDir)}/postgres`, listening: path.join(socketDir, SOCKET_FILE), stop };
  }
  const actualPort = Number(server.getServerConn().split(':').pop());
  return { url: `postgres://postgres@127.0.0.1:${actualPort}/postgres`, listening: `127.0.0.1:${actualPort}`, stop };
}
