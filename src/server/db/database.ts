/**
 * One code path for storage: Kysely over a `pg` pool. With DATABASE_URL that pool talks to a real
 * PostgreSQL; without it, an embedded PGlite is served on loopback through pglite-socket so that
 * `pg`, the migrator and the job queue all speak the same wire protocol (docs/decisions/0001-embedded-postgres-over-the-wire.md).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { keepExtendedQueryExchangesTogether } from './pglite-socket-fix';

export interface DatabaseHandle {
  /** Connection string usable by any PostgreSQL client (pg-boss shares it). */
  url: string;
  db: Kysely<DB>;
  pool: pg.Pool;
  embedded: boolean;
  /** True when the pool can reach the server right now. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  /** Folder for the embedded database; `memory://` for a throwaway one (tests). */
  dataDir: string;
  embeddedPort?: number;
  poolMax?: number;
}

// Timestamps as ISO strings would lose type info; keep Date for timestamptz, parse int8 as number
// (ids and counts here never exceed 2^53).
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  let url = opts.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const embedded = await startEmbeddedPostgres(opts.dataDir, opts.embeddedPort ?? 0);
    url = embedded.url;
    stopEmbedded = () => embedded.stop();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? (stopEmbedded ? 4 : 10),
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // A dropped server connection must not crash the process: readiness reports it instead.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    url,
    db,
    pool,
    embedded: stopEmbedded !== undefined,
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
      if (stopEmbedded) await stopEmbedded();
    },
  };
}

async function startEmbeddedPostgres(dataDir: string, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  let dir: string | undefined;
  if (dataDir !== 'memory://') {
    dir = path.resolve(dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
  }
  const pglite = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port, maxConnections: 16 });
  keepExtendedQueryExchangesTogether(server);
  await server.start();
  const conn = server.getServerConn();
  const actualPort = Number(conn.split(':').pop());
  return {
    url: `postgres://postgres@127.0.0.1:${actualPort}/postgres`,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
