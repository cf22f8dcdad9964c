import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildEndUser, buildInstaller, buildOtherCompany, buildSite, type TestCompany } from '../../../test/helpers/factories';

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx));

describe('sites', () => {
  it('create, get, rename, set address and time zone, delete — audited', async () => {
    const c = await company.admin.post('/api/sites', { name: '  Warehouse  ', timeZone: 'America/New_York' });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ name: 'Warehouse', address: '', timeZone: 'America/New_York' });
    const id = c.body.id as string;
    const u = await company.admin.patch(`/api/sites/${id}`, { name: 'Warehouse 2', address: '2 Dock Rd', timeZone: 'Europe/Berlin' });
    expect(u.body).toMatchObject({ name: 'Warehouse 2', address: '2 Dock Rd', timeZone: 'Europe/Berlin' });
    expect((await company.admin.get(`/api/sites/${id}`)).body.name).toBe('Warehouse 2');
    const bad = await company.admin.patch(`/api/sites/${id}`, { timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('SITE_TIME_ZONE_INVALID');
    expect(bad.body.error.hint).toContain('IANA');
    expect(bad.body.error.details).toEqual({ field: 'timeZone' });
    expect((await company.admin.delete(`/api/sites/${id}`)).status).toBe(204);
    const gone = await company.admin.get(`/api/sites/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('SITE_NOT_FOUND');
    const actions = (await company.admin.get(`/api/audit?targetId=${id}`)).body.items.map((i: { action: string }) => i.action);
    expect(actions.sort()).toEqual(['site.create', 'site.delete', 'site.update']);
  });

  it('accepts only IANA time zones: case is corrected, aliases kept, offsets and free text refused', async () => {
    const site = await buildSite(company);
    const set = (timeZone: string) => company.admin.patch(`/api/sites/${site.id}`, { timeZone });
    expect((await set('europe/paris')).body.timeZone).toBe('Europe/Paris');
    expect((await set('UTC')).body.timeZone).toBe('UTC');
    expect((await set('US/Eastern')).body.timeZone).toBe('US/Eastern');
    expect((await set('Etc/GMT+5')).body.timeZone).toBe('Etc/GMT+5');
    for (const bad of ['+05:00', 'GMT+1', 'Paris', 'Europe/Paris; drop', 'Europe/Atlantis', 'CET+1']) {
      const r = await set(bad);
      expect(r.status, bad).toBe(400);
      expect(r.body.error.code, bad).toBe('SITE_TIME_ZONE_INVALID');
    }
    const created = await company.admin.post('/api/sites', { name: 'Zone check', timeZone: 'Mars/Olympus' });
    expect(created.body.error.code).toBe('SITE_TIME_ZONE_INVALID');
    expect((await company.admin.get(`/api/sites/${site.id}`)).body.timeZone).toBe('Etc/GMT+5');
  });

  it('lists each site with its number of devices, counted in one grouped query', async () => {
    const none = await buildSite(company, 'Count Zero');
    const three = await buildSite(company, 'Count Three');
    const db = p.app.platform.database.db;
    await db
      .insertInto('devices')
      .values([1, 2, 3].map((i) => ({ company_id: company.companyId, site_id: three.id, serial: `DS-COUNT${i}${Math.random().toString(36).slice(2, 8).toUpperCase()}`, name: `Cam ${i}`, type: 'camera', model: 'DS-2CD', added_via: 'direct' as const, host: '127.0.0.1', port: 1, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: null })))
      .execute();
    const statements: string[] = [];
    const exec = db.getExecutor();
    const original = exec.executeQuery.bind(exec);
    exec.executeQuery = ((q: Parameters<typeof original>[0]) => {
      statements.push(q.sql);
      return original(q);
    }) as typeof exec.executeQuery;
    let list;
    try {
      list = await company.admin.get('/api/sites?search=Count&pageSize=200');
    } finally {
      exec.executeQuery = original;
    }
    expect(list.body.items.map((s: { name: string; deviceCount: number }) => [s.name, s.deviceCount])).toEqual([['Count Three', 3], ['Count Zero', 0]]);
    expect(list.body.items.find((s: { id: string }) => s.id === none.id).deviceCount).toBe(0);
    expect(statements.filter((s) => /"devices"/.test(s))).toHaveLength(1);
  });

  it('lists with search and paging', async () => {
    for (const n of ['Alpha Bank', 'Beta Bank', 'Gamma School']) await buildSite(company, n);
    const banks = await company.admin.get('/api/sites?search=bank&pageSize=1');
    expect(banks.body.total).toBe(2);
    expect(banks.body.items).toHaveLength(1);
    expect(banks.body.items[0].name).toBe('Alpha Bank');
    const page2 = await company.admin.get('/api/sites?search=bank&pageSize=1&page=2');
    expect(page2.body.items[0].name).toBe('Beta Bank');
    // LIKE wildcards in the search are literal.
    expect((await company.admin.get('/api/sites?search=%25')).body.total).toBe(0);
  });

  it('assigned installers see only their sites; manage-all installers see all', async () => {
    const s1 = await buildSite(company);
    const s2 = await buildSite(company);
    const assigned = await buildInstaller(p.app, company, 'manage_assigned');
    const all = await buildInstaller(p.app, company, 'manage_all');
    const set = await company.admin.put(`/api/sites/${s1.id}/installers`, { installerIds: [assigned.id] });
    expect(set.status).toBe(200);
    expect(set.body.items.map((i: { id: string }) => i.id)).toEqual([assigned.id]);

    const mine = await assigned.client.get('/api/sites?pageSize=200');
    expect(mine.body.items.map((s: { id: string }) => s.id)).toEqual([s1.id]);
    expect((await assigned.client.get(`/api/sites/${s2.id}`)).status).toBe(403);
    expect((await assigned.client.patch(`/api/sites/${s1.id}`, { address: 'x' })).status).toBe(200);
    expect((await assigned.client.delete(`/api/sites/${s1.id}`)).status).toBe(403);
    expect((await assigned.client.post('/api/sites', { name: 'nope' })).status).toBe(403);

    const every = await all.client.get('/api/sites?pageSize=200');
    expect(every.body.items.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([s1.id, s2.id]));
    expect((await all.client.post('/api/sites', { name: 'by manage-all' })).status).toBe(201);
  });

  it('assigning an unknown installer fails and changes nothing', async () => {
    const s = await buildSite(company);
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    await company.admin.put(`/api/sites/${s.id}/installers`, { installerIds: [inst.id] });
    const r = await company.admin.put(`/api/sites/${s.id}/installers`, { installerIds: [inst.id, '00000000-0000-4000-8000-000000000000'] });
    expect(r.status).toBe(404);
    expect((await company.admin.get(`/api/sites/${s.id}/installers`)).body.items.map((i: { id: string }) => i.id)).toEqual([inst.id]);
  });

  it("another company's site does not exist for you; end users get no installer views", async () => {
    const other = await buildOtherCompany(p.app);
    const s = await buildSite(company);
    expect((await other.admin.get(`/api/sites/${s.id}`)).status).toBe(404);
    expect((await other.admin.patch(`/api/sites/${s.id}`, { name: 'hijack' })).status).toBe(404);
    expect((await other.admin.delete(`/api/sites/${s.id}`)).status).toBe(404);
    expect((await other.admin.get('/api/sites')).body.total).toBe(0);
    const owner = await buildEndUser(p.app, company);
    expect((await owner.client.get('/api/sites')).status).toBe(403);
    expect((await owner.client.get('/api/auth/me')).body.user.role).toBe('end_user');
  });
});
