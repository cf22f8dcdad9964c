/**
 * An offline device waits as pending only for PENDING_TTL_MINUTES; then the add fails with
 * ONBOARDING_EXPIRED and a hint, instead of waiting for ever.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fleet } from '../../src/emulator';
import type { Clock } from '../../src/server/lib/clock';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';

let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;

beforeAll(async () => {
  p = await startTestPlatform({ clock, config: { pendingTtlMinutes: 30 } });
  company = await setupCompany(p.app, p.setupToken);
  fleet = await startFleetFor(p, [{ type: 'camera', powered: false }]);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

it('a pending add expires after the configured time', async () => {
  const site = await buildSite(company);
  const offline = fleet.devices[0]!;
  const s = await company.admin.post(`/api/sites/${site.id}/scans`, { text: fleet.describe(offline).label });
  expect(s.body.candidates[0].nextAction).toBe('connect_to_network');
  const add = await company.admin.post(`/api/scans/${s.body.scanId}/add`, { candidateIds: [s.body.candidates[0].id], idempotencyKey: 'expiry-batch' });
  const pending = await eventually(async () => {
    const b = await company.admin.get(`/api/batches/${add.body.batchId}`);
    return b.body.items[0].state === 'pending' ? b.body.items[0] : undefined;
  }, 'item pending');
  expect(new Date(pending.pendingUntil).getTime() - Date.now()).toBeGreaterThan(25 * 60_000);

  offsetMs = 31 * 60_000; // the sweep runs every second in tests and sees the time has passed
  const failed = await eventually(async () => {
    const b = await company.admin.get(`/api/batches/${add.body.batchId}`);
    return b.body.items[0].state === 'failed' ? b.body.items[0] : undefined;
  }, 'pending add expired');
  expect(failed.error.code).toBe('ONBOARDING_EXPIRED');
  expect(failed.error.hint).toMatch(/scan/i);
  expect((await company.admin.get(`/api/sites/${site.id}/devices`)).body.total).toBe(0);
  // The installer hears about it with what to do next.
  const note = await eventually(async () => {
    const n = await company.admin.get('/api/notifications');
    return n.body.items.find((x: { data: { batchId?: string } }) => x.data.batchId === add.body.batchId);
  }, 'expiry notification');
  expect(note).toMatchObject({ kind: 'onboarding.expired', severity: 'warning', link: `/m/progress/${add.body.batchId}` });
  expect(note.body).toMatch(/scan/i);
});
