/**
 * The health routes and the switch per role, the typed "monitoring is off" answer, the audit row
 * and event of the switch, and the poller's lease (one node polls).
 */
import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildEndUser, buildInstaller, buildOtherCompany, buildSite, type TestCompany } from '../../../test/helpers/factories';
import { HealthPoller } from './health-poller';
import type { DeviceReach } from '../onboarding/device-reach';

let p: TestPlatform;
let company: TestCompany;
usePlatformWithCompany((fx) => ({ p, company } = fx), { config: { healthPollSeconds: 1 } });

async function device(siteId: string): Promise<string> {
  const serial = `DS-HLT${Math.random().toString(36).slice(2, 11).toUpperCase()}`;
  // A cloud device that is offline: the poller needs no I/O for it (presence is the gateway's).
  const r = await p.app.platform.database.db
    .insertInto('devices')
    .values({ company_id: company.companyId, site_id: siteId, serial, name: 'Door cam', type: 'camera', model: 'DS-2CD', added_via: 'cloud', host: null, port: null, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: true, status: 'offline' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

describe('health routes', () => {
  it('the company dashboard: sites with faults first with counts by state; an assigned installer sees only their sites', async () => {
    const quiet = await buildSite(company);
    const dark = await buildSite(company);
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    await company.admin.put(`/api/sites/${quiet.id}/installers`, { installerIds: [inst.id] });
    const id = await device(dark.id);
    await expect.poll(async () => (await company.admin.get(`/api/devices/${id}/health`)).body.state, { timeout: 30_000 }).toBe('offline');
    const all = await company.admin.get('/api/health');
    expect(all.status).toBe(200);
    const mine = all.body.sites.filter((s: { siteId: string }) => s.siteId === dark.id || s.siteId === quiet.id);
    expect(mine.map((s: { siteId: string; state: string }) => [s.siteId, s.state])).toEqual([[dark.id, 'offline'], [quiet.id, 'unknown']]);
    expect(mine[0].counts).toMatchObject({ offline: 1, healthy: 0 });
    expect(all.body.sites[0].state).toBe('offline'); // worst first across the company
    const assigned = await inst.client.get('/api/health');
    expect(assigned.body.sites.map((s: { siteId: string }) => s.siteId)).toEqual([quiet.id]);
    expect(assigned.body.counts.offline).toBe(0);
  });

  it('an assigned installer switches monitoring off and on; audited, with an event; health hidden while off', async () => {
    const site = await buildSite(company);
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [inst.id] });
    const id = await device(site.id);
    // Offline cloud device: the poller writes its state without I/O.
    await expect.poll(async () => (await inst.client.get(`/api/devices/${id}/health`)).body.state, { timeout: 30_000 }).toBe('offline');

    const off = await inst.client.put(`/api/devices/${id}/health-monitoring`, { enabled: false });
    expect(off.status).toBe(200);
    const r = await inst.client.get(`/api/devices/${id}/health`);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'HEALTH_MONITORING_OFF', hint: expect.stringMatching(/switch health monitoring on/i) });
    expect((await inst.client.get(`/api/devices/${id}`)).body.healthMonitoring).toBe(false);
    // Again: idempotent, audited, no second event.
    expect((await inst.client.put(`/api/devices/${id}/health-monitoring`, { enabled: false })).status).toBe(200);
    const db = p.app.platform.database.db;
    const audits = await db.selectFrom('audit_log').select(['action', 'actor_id', 'details']).where('target_id', '=', id).where('action', '=', 'device.health_monitoring').execute();
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({ actor_id: inst.id, details: expect.objectContaining({ enabled: false, changed: true }) });
    const events = (await db.selectFrom('domain_events').select(['payload']).where('type', '=', 'device.health_monitoring_changed').execute()).filter((e) => (e.payload as { deviceId: string }).deviceId === id);
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ enabled: false, byUserId: inst.id, siteId: site.id })]);

    expect((await inst.client.put(`/api/devices/${id}/health-monitoring`, { enabled: true })).status).toBe(200);
    const fresh = await inst.client.get(`/api/devices/${id}/health`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.snapshot).toBeNull();
  });

  it('refuses end users and unassigned installers; another company sees no such device; the body is checked', async () => {
    const site = await buildSite(company);
    const id = await device(site.id);
    const unassigned = await buildInstaller(p.app, company, 'manage_assigned');
    const endUser = await buildEndUser(p.app, company);
    const other = await buildOtherCompany(p.app);
    expect((await unassigned.client.put(`/api/devices/${id}/health-monitoring`, { enabled: false })).status).toBe(403);
    expect((await endUser.client.put(`/api/devices/${id}/health-monitoring`, { enabled: false })).status).toBe(403);
    const o = await other.admin.put(`/api/devices/${id}/health-monitoring`, { enabled: false });
    expect(o.status).toBe(404);
    expect(o.body.error.code).toBe('DEVICE_NOT_FOUND_HERE');
    expect((await other.admin.get(`/api/sites/${site.id}/health`)).status).toBe(404);
    expect((await company.admin.put(`/api/devices/${id}/health-monitoring`, { enabled: 'no' })).status).toBe(400);
    expect((await company.admin.put(`/api/devices/${id}/health-monitoring`, {})).status).toBe(400);
    expect((await company.admin.get(`/api/devices/${id}`)).body.healthMonitoring).toBe(true);
  });

  it('the site summary lists every device, worst first, monitoring off last with no health', async () => {
    const site = await buildSite(company);
    const a = await device(site.id);
    const b = await device(site.id);
    await company.admin.put(`/api/devices/${b}/health-monitoring`, { enabled: false });
    await expect.poll(async () => (await company.admin.get(`/api/sites/${site.id}/health`)).body.devices[0].state, { timeout: 30_000 }).toBe('offline');
    const s = await company.admin.get(`/api/sites/${site.id}/health`);
    expect(s.body).toMatchObject({ siteId: site.id, state: 'offline', counts: { offline: 1, off: 1 } });
    expect(s.body.devices.map((d: { deviceId: string; state: string | null }) => [d.deviceId, d.state])).toEqual([[a, 'offline'], [b, null]]);
  });
});

describe('health poller lease', () => {
  it('only one node polls: a second poller on the same database does not get the lease', async () => {
    const noReach = {} as Pick<DeviceReach, 'cloudClient' | 'lanClient' | 'directClient'>;
    const second = new HealthPoller({
      uow: p.app.platform.uow, recorder: { record: async () => ({ changed: 0 }) }, reach: noReach, openCredentials: () => null, clock: p.app.platform.clock,
      nodeId: 'second-node', pollIntervalMs: 1000, concurrency: 1, offlineGraceMs: 1000,
    });
    await expect.poll(() => p.app.platform.healthPoller.isLeader, { timeout: 10_000 }).toBe(true);
    await second.tick();
    expect(second.isLeader).toBe(false);
    await second.stop();
  });
});

describe('health history retention (the health.retention job)', () => {
  it('drops history older than HEALTH_HISTORY_DAYS and beyond the cap per device, keeps the rest', async () => {
    const site = await buildSite(company);
    const id = await device(site.id);
    const db = p.app.platform.database.db;
    const now = p.app.platform.clock.now().getTime();
    const day = 86_400_000;
    const row = (ageMs: number) => ({ device_id: id, at: new Date(now - ageMs), state: 'healthy', reasons: JSON.stringify([]) });
    await db.insertInto('device_health_history').values([row(40 * day), row(31 * day), row(2 * day), row(1 * day)]).execute();
    const removed = await p.app.platform.health.trimHistory();
    expect(removed).toBeGreaterThanOrEqual(2);
    const left = await db.selectFrom('device_health_history').select('at').where('device_id', '=', id).where('at', '<', new Date(now - 12 * 3_600_000)).execute();
    expect(left).toHaveLength(2); // the two recent ones (30 days by default)
    // The cap per device keeps the newest rows.
    await p.app.platform.uow.read.health.trimHistory(new Date(0), 1);
    const capped = await db.selectFrom('device_health_history').select('at').where('device_id', '=', id).execute();
    expect(capped.map((r) => r.at.getTime())).toEqual([now - day]);
  });
});
