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
