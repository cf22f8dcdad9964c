import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from './database';
import { migrateToLatest } from './migrate';

describe('embedded PostgreSQL over the wire', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://', poolMax: 8 });
  });
  afterAll(async () => h?.close());

  it('keeps concurrent parameterised queries of different connections apart', async () => {
    // Different parameter counts on every connection at once: interleaved Parse/Bind messages
    // would fail with "bind message supplies N parameters".
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const n = 1 + (i % 5);
        const params = Array.from({ length: n }, (_, k) => i * 10 + k);
        return h.pool.query(`select ${params.map((_, k) => `$${k + 1}::int`).join(' + ')} as s`, params).then((r) => Number(r.rows[0].s));
      }),
    );
    results.forEach((s, i) => {
      const n = 1 + (i % 5);
      expect(s).toBe(Array.from({ length: n }, (_, k) => i * 10 + k).reduce((a, b) => a + b, 0));
    });
  });

  it('runs the migrations and transactions roll back as a whole', async () => {
    const applied = await migrateToLatest(h.db);
    expect(applied.length).toBeGreaterThan(0);
    await expect(
      h.db.transaction().execute(async (trx) => {
        await trx.insertInto('companies').values({ name: 'Rolled back' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const r = await sql<{ n: number }>`select count(*)::int as n from companies where name = 'Rolled back'`.execute(h.db);
    expect(r.rows[0]!.n).toBe(0);
  });
});

describe('the embedded database is private to this user (PGlite checks no password)', () => {
  it('listens on a unix socket in a 0700 folder, keeps its files in a 0700 data folder, and opens no TCP port', async () => {
    const { mkdtempSync, statSync, rmSync, chmodSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sk-private-'));
    chmodSync(dataDir, 0o755); // as a folder made by hand would be: narrowed at start
    const h = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      expect(h.listening).toMatch(/\/\.s\.PGSQL\.5432$/);
      expect(h.url).not.toMatch(/127\.0\.0\.1|localhost/);
      expect(statSync(h.listening!).isSocket()).toBe(true);
      expect(statSync(path.dirname(h.listening!)).mode & 0o777).toBe(0o700);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dataDir, 'pglite')).mode & 0o777).toBe(0o700);
      expect(await h.ping()).toBe(true);
    } finally {
      await h.close();
    }
    // The socket folder goes with the server.
    expect(() => statSync(path.dirname(h.listening!))).toThrow(/ENOENT/);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a new cluster in a child process, complete or not at all; a later start opens it with its data', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, readdirSync, existsSync, statSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sk-initdb-'));
    // What a start killed part-way through creating the cluster leaves: a temporary folder, and a
    // cluster folder without PG_VERSION.
    mkdirSync(path.join(dataDir, 'pglite.init-crashed'));
    writeFileSync(path.join(dataDir, 'pglite.init-crashed', 'junk'), 'x');
    mkdirSync(path.join(dataDir, 'pglite'));
    writeFileSync(path.join(dataDir, 'pglite', 'half-made'), 'x');
    let h = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      expect(readdirSync(dataDir).sort()).toEqual(['pglite']);
      expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'pglite', 'half-made'))).toBe(false);
      expect(statSync(path.join(dataDir, 'pglite')).mode & 0o777).toBe(0o700);
      await sql`create table kept (v text)`.execute(h.db);
      await sql`insert into kept values ('still here')`.execute(h.db);
    } finally {
      await h.close();
    }
    h = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      expect((await sql<{ v: string }>`select v from kept`.execute(h.db)).rows).toEqual([{ v: 'still here' }]);
    } finally {
      await h.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves on loopback TCP only when the operator sets a port', async () => {
    const { createServer } = await import('node:net');
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const h = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://', embeddedPort: free });
    try {
      expect(h.listening).toBe(`127.0.0.1:${free}`);
      expect(await h.ping()).toBe(true);
    } finally {
      await h.close();
    }
  });
});
