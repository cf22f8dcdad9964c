/**
 * GET /api/batches/:id (and its event stream) tell what became of a device that was retried: a
 * retry adds the same candidate of the same scan again, in a new batch, and the old batch's page
 * must not stay stale. Rows are written straight to the database: no devices are needed.
 */
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildSite, type TestCompany } from '../../../test/helpers/factories';
import { OnboardingRepository, type ItemState } from './onboarding.repository';
import type { Probe } from './probe';

let p: TestPlatform;
let company: TestCompany;
let siteId: string;

usePlatformWithCompany((fx) => ({ p, company } = fx));
beforeAll(async () => {
  siteId = (await buildSite(company)).id;
});

const repo = () => new OnboardingRepository(p.app.platform.database.db);

async function scanWith(names: string[]): Promise<{ scanId: string; candidateIds: string[] }> {
  const scanId = randomUUID();
  await repo().createScan({ id: scanId, companyId: company.companyId, siteId, createdBy: company.adminId, kind: 'device-list', summary: { kind: 'device-list' } });
  const candidateIds = names.map(() => randomUUID());
  await repo().addCandidates(names.map((name, i) => ({ id: candidateIds[i]!, scanId, position: i, serial: null, name, host: `10.0.0.${i + 1}`, port: 80, secretsSealed: null, probe: {} as Probe })));
  return { scanId, candidateIds };
}

/** A batch of the scan with its items already finished as given, created `minutesAgo` ago. */
async function batchWith(scanId: string, minutesAgo: number, outcomes: Array<{ candidateId: string; state: ItemState; error?: string }>): Promise<string> {
  const id = randomUUID();
  await repo().createBatch({ id, companyId: company.companyId, siteId, scanId, key: `key-${id}`, createdBy: company.adminId });
  // Explicit times: two inserts in the same millisecond must not look simultaneous.
  await sql`update onboarding_batches set created_at = now() - make_interval(mins => ${minutesAgo}) where id = ${id}`.execute(p.app.platform.database.db);
  const itemIds = outcomes.map(() => randomUUID());
  await repo().addItems(outcomes.map((o, i) => ({ id: itemIds[i]!, batchId: id, candidateId: o.candidateId, siteId, serial: null, secretsSealed: null })));
  for (const [i, o] of outcomes.entries()) {
    await repo().finish(itemIds[i]!, { state: o.state, step: o.state === 'added' ? 'done' : 'probing', error: o.error ? { code: o.error, message: `${o.error} message`, hint: 'hint' } : null }, new Date());
  }
  return id;
}

describe('a retried device in its first batch', () => {
  it('reports the newest retry of a failed device and its outcome; other devices have none', async () => {
    const { scanId, candidateIds: [gate, hall, yard] } = await scanWith(['Gate', 'Hall', 'Yard']);
    const first = await batchWith(scanId, 30, [
      { candidateId: gate!, state: 'added' },
      { candidateId: hall!, state: 'failed', error: 'DEVICE_AUTH_FAILED' },
      { candidateId: yard!, state: 'needs_action', error: 'DEVICE_PASSWORD_REQUIRED' },
    ]);
    const failedAgain = await batchWith(scanId, 20, [{ candidateId: hall!, state: 'failed', error: 'DEVICE_AUTH_FAILED' }]);
    const added = await batchWith(scanId, 10, [{ candidateId: hall!, state: 'added' }]);

    const r = await company.admin.get(`/api/batches/${first}`);
    expect(r.status).toBe(200);
    const byName = Object.fromEntries((r.body.items as Array<{ name: string; state: string; latestRetry: unknown }>).map((i) => [i.name, i]));
    // The batch's own record is unchanged; the retry is reported beside it.
    expect(byName.Hall).toMatchObject({ state: 'failed', latestRetry: { batchId: added, state: 'added', step: 'done', error: null } });
    expect(byName.Gate!.latestRetry).toBeNull();
    expect(byName.Yard!.latestRetry).toBeNull();
    expect(r.body.counts).toEqual({ added: 1, failed: 1, needs_action: 1 });

    // The retry that failed again also learns of the later one; the newest batch has no retry.
    expect((await company.admin.get(`/api/batches/${failedAgain}`)).body.items[0]).toMatchObject({ state: 'failed', latestRetry: { batchId: added, state: 'added' } });
    expect((await company.admin.get(`/api/batches/${added}`)).body.items[0].latestRetry).toBeNull();
  });

  it('a retry that failed is reported with its error', async () => {
    const { scanId, candidateIds: [cam] } = await scanWith(['Cam']);
    const first = await batchWith(scanId, 30, [{ candidateId: cam!, state: 'needs_action', error: 'VERIFICATION_CODE_REQUIRED' }]);
    await batchWith(scanId, 5, [{ candidateId: cam!, state: 'failed', error: 'VERIFICATION_CODE_INVALID' }]);
    const item = (await company.admin.get(`/api/batches/${first}`)).body.items[0];
    expect(item.latestRetry).toMatchObject({ state: 'failed', error: { code: 'VERIFICATION_CODE_INVALID', message: 'VERIFICATION_CODE_INVALID message', hint: 'hint' } });
  });

  it('the event stream of the settled first batch carries the retry too', async () => {
    const { scanId, candidateIds: [cam] } = await scanWith(['Porch']);
    const first = await batchWith(scanId, 30, [{ candidateId: cam!, state: 'failed', error: 'DEVICE_AUTH_FAILED' }]);
    const retry = await batchWith(scanId, 1, [{ candidateId: cam!, state: 'added' }]);
    const r = await company.admin.get(`/api/batches/${first}/events`);
    expect(r.status).toBe(200);
    const items = String(r.body)
      .split('\n\n')
      .filter((block) => block.startsWith('event: item'))
      .map((block) => JSON.parse(block.split('\ndata: ')[1]!) as { latestRetry: unknown });
    expect(items).toEqual([expect.objectContaining({ latestRetry: expect.objectContaining({ batchId: retry, state: 'added' }) })]);
  });
});
