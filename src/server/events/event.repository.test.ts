/**
 * A consumer's own cursor over the outbox (decision 0012): an event written by a transaction that
 * commits late, with a lower id than one already read, is not skipped — the cursor reads only
 * events of transactions below the snapshot's xmin. Needs two open transactions at once: a real
 * PostgreSQL (DATABASE_URL); the embedded PGlite runs one session, where this cannot happen.
 */
import { expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import type { TestCompany } from '../../../test/helpers/factories';
import { reposFor } from '../db/unit-of-work';
import { DOMAIN_EVENT_TYPES } from './domain-events';

let p: TestPlatform;
let company: TestCompany;
usePlatformWithCompany((fx) => ({ p, company } = fx));

const append = (r: ReturnType<typeof reposFor>, userId: string) => r.events.append(company.companyId, DOMAIN_EVENT_TYPES.passwordChanged, { userId, at: new Date().toISOString() });

/** One pass of a consumer named `name`: the user ids of the events it took. */
async function consume(name: string): Promise<string[]> {
  return p.app.platform.uow.tx(async (r) => {
    const c = await r.events.lockCursor(name);
    const events = await r.events.takeAfter(c, 100, [DOMAIN_EVENT_TYPES.passwordChanged]);
    const mine = events.filter((e) => String(e.payload.userId).startsWith('late-test'));
    const last = events[events.length - 1];
    if (last) await r.events.advanceCursor(name, last.txId, last.id, new Date());
    return mine.map((e) => String(e.payload.userId));
  });
}

it.skipIf(!process.env.DATABASE_URL)('an event committed late behind a newer one is not skipped', async () => {
  const consumer = `test-${Date.now()}`;
  await consume(consumer); // start after everything so far
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let appended!: () => void;
  const wasAppended = new Promise<void>((r) => (appended = r));
  const slow = p.app.platform.database.db.transaction().execute(async (trx) => {
    await append(reposFor(trx), 'late-test-1'); // the lower id, committed last
    appended();
    await gate;
  });
  await wasAppended;
  await p.app.platform.uow.tx((r) => append(r, 'late-test-2'));
  // While the first transaction is open, the newer event waits too (never read ahead of it).
  expect(await consume(consumer)).toEqual([]);
  release();
  await slow;
  expect(await consume(consumer)).toEqual(['late-test-1', 'late-test-2']);
  expect(await consume(consumer)).toEqual([]);
});
