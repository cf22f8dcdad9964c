/**
 * A fresh database per test file: on the server at DATABASE_URL (CI's real PostgreSQL) a uniquely
 * named database created here and dropped after; otherwise an in-memory embedded PGlite.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/server/db/database';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

export interface TestDatabase {
  /** undefined = embedded PGlite in memory. */
  url: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => undefined };
  const name = `sk_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * One database several server processes share (two nodes): on DATABASE_URL's server a fresh
 * database; otherwise a PGlite in memory served from this test process over a private unix socket
 * (never the machine's 5432). `url` is always set.
 */
export async function createSharedTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const created = await createTestDatabase();
  if (created.url) return { url: created.url, drop: () => created.drop() };
  const { startEmbeddedPostgres } = await import('../../src/server/db/database');
  // Each node opens up to 15 connections (its pool and the job queue's).
  const served = await startEmbeddedPostgres('memory://', 0, 64);
  return { url: served.url, drop: () => served.stop() };
}

/**
 * A fresh database reached through a loopback TCP proxy the test can cut and restore (a database
 * that drops mid-run and comes back): on DATABASE_URL's server a new database, otherwise an
 * embedded PGlite on its private unix socket. `url` goes through the proxy.
 */
export async function proxiedTestDatabase(): Promise<{ url: string; proxy: TcpProxy; close(): Promise<void> }> {
  const testDb = await createTestDatabase();
  let target: URL;
  let proxy: TcpProxy;
  let handle: DatabaseHandle | undefined;
  if (testDb.url) {
    target = new URL(testDb.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  } else {
    handle = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
    target = new URL(handle.url);
    proxy = await startTcpProxy(handle.listening!);
  }
  const via = new URL(target.toString());
  via.hostname = '127.0.0.1';
  via.port = String(proxy.port);
  return {
    url: via.toString(),
    proxy,
    async close() {
      await proxy.close();
      await handle?.close();
      await testDb.drop();
    },
  };
}
