/**
 * The exception consumer on real PostgreSQL/PGlite (issue 15): health changes in the outbox raise
 * exceptions delivered once per recipient over each channel (in-app; webhooks in
 * src/server/webhooks/webhook.service.test.ts); monitoring off suppresses them (the gate); a site
 * going dark is one grouped alert per recipient and one recovery; a crash before the cursor commits
 * loses and doubles nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildInstaller, buildSite, type TestCompany } from '../../../test/helpers/factories';
import { eventually } from '../../../test/helpers/wait';
import { DOMAIN_EVENT_TYPES, type HealthSummaryPayload } from '../events/domain-events';
import { ExceptionService } from './exception.service';

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx), { config: { stormWindowSeconds: 0, stormMinDevices: 5, exceptionsPollMs: 200 } });

const healthy: HealthSummaryPayload = { state: 'healthy', reasons: [] };
const offline: HealthSummaryPayload = { state: 'offline', reasons: [{ code: 'offline', severity: 'fault', message: 'The device does not answer.' }] };
const hddFault: HealthSummaryPayload = { state: 'fault', reasons: [{ code: 'hdd_abnormal', severity: 'fault', message: 'HDD 1 is abnormal (error).', subject: { kind: 'disk', id: 1 } }] };

let n = 0;
async function addDevice(siteId: string, state = 'healthy'): Promise<{ id: string; serial: string }> {
  const serial = `DS-EXC${Date.now().toString(36).toUpperCase()}${(n++).toString().padStart(4, '0')}`;
  const db = p.app.platform.database.db;
  const d = await db
    .insertInto('devices')
    .values({ company_id: company.companyId, site_id: siteId, serial, name: `NVR ${n}`, type: 'nvr', model: 'DS-7608', added_via: 'direct', host: '127.0.0.1', port: 1, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: true })
    .returning('id')
    .executeTakeFirstOrThrow();
  const now = new Date();
  await db.insertInto('device_health').values({ device_id: d.id, state, reasons: JSON.stringify([]), monitoring_since: now, updated_at: now }).execute();
  return { id: d.id, serial };
}

/** What the health recorder writes: the new summary and its event, in one transaction. */
async function changed(siteId: string, devices: Array<{ id: string; serial: string }>, old: HealthSummaryPayload, next: HealthSummaryPayload): Promise<void> {
  await p.app.platform.uow.tx(async (r) => {
    for (const d of devices) {
      await r.events.append(company.companyId, DOMAIN_EVENT_TYPES.deviceHealthChanged, { deviceId: d.id, siteId, serial: d.serial, old, new: next, at: new Date().toISOString() });
    }
  });
  const db = p.app.platform.database.db;
  await db.updateTable('device_health').set({ state: next.state, reasons: JSON.stringify(next.reasons) }).where('device_id', 'in', devices.map((d) => d.id)).execute();
}

/** A user's notifications of one kind, or of every exception kind. */
async function inbox(userId: string, kind?: string): Promise<Array<{ kind: string; title: string; body: string }>> {
  const q = p.app.platform.database.db.selectFrom('notifications').select(['kind', 'title', 'body']).where('user_id', '=', userId);
  const rows = await (kind ? q.where('kind', '=', kind) : q.where('kind', 'like', 'exception.%')).orderBy('created_at').execute();
  return rows;
}

let site: { id: string; name: string };
let recipients: string[];
let unassigned: string;

beforeAll(async () => {
  site = await buildSite(company, 'Depot');
  const all = await buildInstaller(p.app, company, 'manage_all');
  const assigned = await buildInstaller(p.app, company, 'manage_assigned');
  unassigned = (await buildInstaller(p.app, company, 'manage_assigned')).id;
  await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [assigned.id] });
  recipients = [company.adminId, all.id, assigned.id];
});

describe('exceptions', () => {
  it('an HDD failure raises exactly one exception, told once to each recipient of the site', async () => {
    const d = await addDevice(site.id);
    await changed(site.id, [d], healthy, hddFault);
    // The platform's own consumer runs too; a second pass must add nothing.
    await p.app.platform.exceptions.processPending();
    for (const u of recipients) await eventually(async () => (await inbox(u, 'exception.hdd_error')).length === 1, `notification for ${u}`);
    await p.app.platform.exceptions.processPending();
    for (const u of recipients) {
      const got = await inbox(u, 'exception.hdd_error');
      expect(got).toHaveLength(1);
      expect(got[0]!.title).toContain('disk error');
      expect(got[0]!.body).toContain('HDD 1 is abnormal');
    }
    expect(await inbox(unassigned)).toEqual([]);
    const list = await company.admin.get(`/api/exceptions?siteId=${site.id}`);
    expect(list.status).toBe(200);
    expect(list.body.items.filter((x: { deviceId: string }) => x.deviceId === d.id)).toEqual([expect.objectContaining({ type: 'hdd_error', subject: 'disk:1', delivery: 'delivered', siteName: 'Depot' })]);
  });

  it('monitoring off: nothing is raised for the device (the health policy gate)', async () => {
    const d = await addDevice(site.id);
    await p.app.platform.database.db.updateTable('devices').set({ health_monitoring: false }).where('id', '=', d.id).execute();
    const before = await p.app.platform.database.db.selectFrom('outbox_cursors').select('event_id').where('consumer', '=', 'exceptions').executeTakeFirst();
    await changed(site.id, [d], healthy, hddFault);
    const last = await p.app.platform.database.db.selectFrom('domain_events').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    // Wait until the consumer has passed the event (explicit outcome), then: no exception for it.
    await eventually(async () => {
      await p.app.platform.exceptions.processPending();
      const c = await p.app.platform.database.db.selectFrom('outbox_cursors').select('event_id').where('consumer', '=', 'exceptions').executeTakeFirst();
      return c !== undefined && Number(c.event_id) >= Number(last.id) && Number(c.event_id) !== Number(before?.event_id ?? -1);
    }, 'cursor past the event');
    expect(await p.app.platform.database.db.selectFrom('device_exceptions').select('id').where('device_id', '=', d.id).execute()).toEqual([]);
  });

  it('a rule limits types and recipients: a site rule for installer admins only', async () => {
    const s2 = await buildSite(company, 'Annex');
    const r = await company.admin.post('/api/exception-rules', { siteId: s2.id, name: 'Admins only', types: ['video_loss'], recipients: { siteInstallers: false, installerAdmins: true }, schedule: null });
    expect(r.status).toBe(201);
    const d = await addDevice(s2.id);
    await changed(s2.id, [d], healthy, { state: 'fault', reasons: [{ code: 'video_loss', severity: 'fault', message: 'Channel 1: video loss.', subject: { kind: 'channel', id: 1 } }, ...hddFault.reasons] });
    await eventually(async () => (await inbox(company.adminId, 'exception.video_loss')).length === 1, 'admin told');
    await p.app.platform.exceptions.processPending();
    const got = await inbox(company.adminId, 'exception.video_loss');
    expect(got).toHaveLength(1);
    expect(got[0]!.title).not.toContain('disk error'); // hdd_error is not in the site's rule
    const excs = await p.app.platform.database.db.selectFrom('device_exceptions').select(['type', 'delivery']).where('device_id', '=', d.id).orderBy('type').execute();
    expect(excs).toEqual([{ type: 'hdd_error', delivery: 'no_recipients' }, { type: 'video_loss', delivery: 'delivered' }]);
  });

  it('a 50-device site going dark: one grouped alert per recipient, then one recovery', async () => {
    const dark = await buildSite(company, 'Warehouse 9');
    await company.admin.put(`/api/sites/${dark.id}/installers`, { installerIds: [recipients[2]!] });
    const devices: Array<{ id: string; serial: string }> = [];
    for (let i = 0; i < 50; i++) devices.push(await addDevice(dark.id));
    const down = devices.slice(0, 48);
    await changed(dark.id, down, healthy, offline);
    for (const u of recipients) await eventually(async () => (await inbox(u, 'exception.storm')).length === 1, `grouped alert for ${u}`);
    await p.app.platform.exceptions.processPending();
    for (const u of recipients) {
      const got = await inbox(u, 'exception.storm');
      expect(got.map((g) => g.title)).toEqual(['Warehouse 9: 48 of 50 devices offline']);
      expect(await inbox(u, 'exception.offline')).toEqual([]);
    }
    await changed(dark.id, down, offline, healthy);
    for (const u of recipients) await eventually(async () => (await inbox(u, 'exception.storm_recovered')).length === 1, `recovery for ${u}`);
    await p.app.platform.exceptions.processPending();
    for (const u of recipients) {
      expect(await inbox(u, 'exception.storm_recovered')).toHaveLength(1);
      expect(await inbox(u, 'exception.back_online')).toEqual([]);
      expect(await inbox(u, 'exception.storm')).toHaveLength(1);
    }
  });

  it("a storm's devices whose return is read after the recovery was told are not announced one by one", async () => {
    const dark = await buildSite(company, 'Yard 4');
    const devices: Array<{ id: string; serial: string }> = [];
    for (let i = 0; i < 6; i++) devices.push(await addDevice(dark.id));
    await changed(dark.id, devices, healthy, offline);
    await eventually(async () => (await inbox(company.adminId, 'exception.storm')).some((x) => x.title.startsWith('Yard 4')), 'grouped alert');
    // All six are healthy again, but the events of two are read only after the recovery was told.
    const late = devices.slice(4);
    await changed(dark.id, devices.slice(0, 4), offline, healthy);
    await p.app.platform.database.db.updateTable('device_health').set({ state: 'healthy', reasons: JSON.stringify([]) }).where('device_id', 'in', late.map((d) => d.id)).execute();
    await eventually(async () => (await inbox(company.adminId, 'exception.storm_recovered')).some((x) => x.title.startsWith('Yard 4')), 'recovery told');
    await p.app.platform.uow.tx(async (r) => {
      for (const d of late) await r.events.append(company.companyId, DOMAIN_EVENT_TYPES.deviceHealthChanged, { deviceId: d.id, siteId: dark.id, serial: d.serial, old: offline, new: healthy, at: new Date().toISOString() });
    });
    const backOnline = p.app.platform.database.db.selectFrom('device_exceptions').select(['delivery']).where('device_id', 'in', late.map((d) => d.id)).where('type', '=', 'back_online');
    // The events are read once no older transaction is open (on a shared server, other tests' too).
    await eventually(async () => {
      await p.app.platform.exceptions.processPending();
      return (await backOnline.execute()).length === 2;
    }, 'the late returns handled');
    expect((await backOnline.execute()).map((x) => x.delivery)).toEqual(['grouped', 'grouped']);
    expect((await inbox(company.adminId, 'exception.back_online')).filter((x) => late.some((d) => x.body.includes(d.serial)))).toEqual([]);
  });

  it('below the storm threshold, offline and back online are told device by device', async () => {
    const small = await buildSite(company, 'Kiosk');
    const a = await addDevice(small.id);
    await changed(small.id, [a], healthy, offline);
    await eventually(async () => (await inbox(company.adminId, 'exception.offline')).some((x) => x.body.includes(a.serial)), 'offline told');
    await changed(small.id, [a], offline, healthy);
    await eventually(async () => (await inbox(company.adminId, 'exception.back_online')).some((x) => x.body.includes(a.serial)), 'back online told');
  });

  it('a crash before the cursor commits loses and doubles nothing', async () => {
    const crashing = new ExceptionService(p.app.platform.uow, p.app.platform.clock, { stormWindowMs: 0, stormMinDevices: 5 }, () => undefined, async () => {
      throw new Error('crash');
    });
    const s3 = await buildSite(company, 'Crash site');
    const d = await addDevice(s3.id);
    await changed(s3.id, [d], healthy, hddFault);
    // Whichever consumer takes the batch first: the crashing one rolls back (or finds it done); the platform's delivers once.
    await crashing.processPending().catch(() => undefined);
    await eventually(async () => (await inbox(company.adminId, 'exception.hdd_error')).filter((x) => x.body.includes(d.serial)).length === 1, 'delivered after the crash');
    await crashing.processPending().catch(() => undefined);
    await p.app.platform.exceptions.processPending();
    expect((await inbox(company.adminId, 'exception.hdd_error')).filter((x) => x.body.includes(d.serial))).toHaveLength(1);
    expect(await p.app.platform.database.db.selectFrom('device_exceptions').select('id').where('device_id', '=', d.id).execute()).toHaveLength(1);
  });
});
