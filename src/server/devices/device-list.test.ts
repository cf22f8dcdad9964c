/**
 * The device lists (issue 14): paging in name order, status filter, search by name, serial or
 * model, totals from the maintained counts (they follow adds, deletes, status changes and site
 * deletion), the estimate of a broad search, access (assignment, other companies, missing sites),
 * and the indexes the queries can use. Correctness only: the speed is measured by bench/readpath.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildInstaller, buildOtherCompany, buildSite, type TestCompany } from '../../../test/helpers/factories';
import { DeviceRepository, SEARCH_COUNT_CAP } from './device.repository';

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx));

const STATUSES = ['online', 'online', 'offline', 'unknown'];

/** `count` devices on a site, named `${prefix} ${i}` (i zero-padded), statuses cycling online, online, offline, unknown. */
async function seed(c: TestCompany, siteId: string, count: number, prefix: string, model = 'DS-2CD2043G2-I'): Promise<string[]> {
  const serials: string[] = [];
  const db = p.app.platform.database.db;
  for (let start = 0; start < count; start += 500) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const serial = `${prefix.toUpperCase().replace(/[^A-Z]/g, '')}${String(i).padStart(5, '0')}${randomUUID().slice(0, 8).toUpperCase()}`;
      serials.push(serial);
      rows.push({ company_id: c.companyId, site_id: siteId, serial, name: `${prefix} ${String(i).padStart(5, '0')}`, type: 'camera', model, added_via: 'direct' as const, host: null, port: null, added_by: null, firmware_compatible: null, status: STATUSES[i % STATUSES.length]! });
    }
    await db.insertInto('devices').values(rows).execute();
  }
  return serials;
}

type Item = { id: string; name: string; serial: string; status: string; siteId: string; siteName: string };

describe('device lists', () => {
  it('pages a site in name order with an exact total, every device once, a page past the end empty', async () => {
    const site = await buildSite(company);
    await seed(company, site.id, 120, 'Paging');
    const seen: Item[] = [];
    for (let page = 1; page <= 3; page++) {
      const r = await company.admin.get(`/api/sites/${site.id}/devices?page=${page}&pageSize=50`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ total: 120, page, pageSize: 50 });
      expect(r.body.totalEstimated).toBeUndefined();
      seen.push(...(r.body.items as Item[]));
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen.map((d) => d.id)).size).toBe(120);
    expect(seen.map((d) => d.name)).toEqual(Array.from({ length: 120 }, (_, i) => `Paging ${String(i).padStart(5, '0')}`));
    expect(seen[0]).toMatchObject({ siteId: site.id, siteName: site.name });
    const past = await company.admin.get(`/api/sites/${site.id}/devices?page=4&pageSize=50`);
    expect(past.body).toMatchObject({ items: [], total: 120 });
  });

  it('filters by status, with the total of that status', async () => {
    const site = await buildSite(company);
    await seed(company, site.id, 40, 'Status');
    const offline = await company.admin.get(`/api/sites/${site.id}/devices?status=offline&pageSize=200`);
    expect(offline.body.total).toBe(10);
    expect((offline.body.items as Item[]).every((d) => d.status === 'offline')).toBe(true);
    expect(offline.body.items).toHaveLength(10);
    const none = await company.admin.get(`/api/sites/${site.id}/devices?status=pending`);
    expect(none.body).toMatchObject({ items: [], total: 0 });
  });

  it('searches name, serial (any part) and model, any case, company-wide and per site; % and _ match themselves', async () => {
    const a = await buildSite(company);
    const b = await buildSite(company);
    const serials = await seed(company, a.id, 30, 'Lobby');
    await seed(company, b.id, 30, 'Garage', 'DS-7608NI-K2');
    const fragment = serials[17]!.slice(4, 12).toLowerCase();
    const bySerial = await company.admin.get(`/api/devices?search=${fragment}`);
    expect(bySerial.body.total).toBe(1);
    expect(bySerial.body.items[0].serial).toBe(serials[17]);
    const byName = await company.admin.get(`/api/devices?search=${encodeURIComponent('garage 0001')}&pageSize=200`);
    expect(byName.body.total).toBe(10); // Garage 00010 … 00019
    const byModel = await company.admin.get(`/api/devices?search=7608ni&pageSize=200`);
    expect(byModel.body.total).toBeGreaterThanOrEqual(30);
    expect((byModel.body.items as Item[]).filter((d) => d.siteId === b.id)).toHaveLength(30);
    const onSite = await company.admin.get(`/api/sites/${a.id}/devices?search=lobby&status=online&pageSize=200`);
    expect(onSite.body.total).toBe(16); // i % 4 in {0, 1} for i < 30
    expect((onSite.body.items as Item[]).every((d) => d.siteId === a.id && d.status === 'online')).toBe(true);
    for (const literal of ['%', '_', '\\']) {
      const r = await company.admin.get(`/api/sites/${a.id}/devices?search=${encodeURIComponent(literal)}`);
      expect(r.body).toMatchObject({ items: [], total: 0 });
    }
  });

  it('keeps totals right through deletes, status changes, moves and a deleted site', async () => {
    const site = await buildSite(company);
    const other = await buildSite(company);
    await seed(company, site.id, 8, 'Counted');
    const total = async (path: string) => (await company.admin.get(path)).body.total as number;
    const list = `/api/sites/${site.id}/devices`;
    expect(await total(list)).toBe(8);
    const first = (await company.admin.get(list)).body.items[0] as Item;
    expect((await company.admin.delete(`/api/devices/${first.id}`)).status).toBe(204);
    expect(await total(list)).toBe(7);
    const db = p.app.platform.database.db;
    const before = { online: await total(`${list}?status=online`), offline: await total(`${list}?status=offline`) };
    const anOnline = (await company.admin.get(`${list}?status=online`)).body.items[0] as Item;
    await db.updateTable('devices').set({ status: 'offline' }).where('id', '=', anOnline.id).execute();
    expect(await total(`${list}?status=online`)).toBe(before.online - 1);
    expect(await total(`${list}?status=offline`)).toBe(before.offline + 1);
    await db.updateTable('devices').set({ site_id: other.id }).where('id', '=', anOnline.id).execute();
    expect(await total(list)).toBe(6);
    expect(await total(`/api/sites/${other.id}/devices`)).toBe(1);
    // A rolled-back insert counts nothing.
    await expect(db.transaction().execute(async (trx) => {
      await trx.insertInto('devices').values({ company_id: company.companyId, site_id: site.id, serial: `RB${randomUUID().slice(0, 8)}`, name: 'Rolled back', type: 'camera', model: 'X', added_via: 'direct', host: null, port: null, added_by: null, firmware_compatible: null }).execute();
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await total(list)).toBe(6);
    const companyWide = await total('/api/devices?pageSize=1');
    expect((await company.admin.delete(`/api/sites/${site.id}`)).status).toBe(204);
    expect(await total('/api/devices?pageSize=1')).toBe(companyWide - 6);
    const counts = await db.selectFrom('device_counts').selectAll().where('site_id', '=', site.id).execute();
    expect(counts).toEqual([]);
  });

  it('estimates the total of a search matching more than the cap, and says so; counts exactly up to it', async () => {
    const site = await buildSite(company);
    await seed(company, site.id, SEARCH_COUNT_CAP + 200, 'Broad');
    const broad = await company.admin.get(`/api/sites/${site.id}/devices?search=broad&page=3`);
    expect(broad.body.totalEstimated).toBe(true);
    expect(broad.body.total).toBeGreaterThan(SEARCH_COUNT_CAP);
    expect(broad.body.total).toBeLessThanOrEqual(SEARCH_COUNT_CAP + 200);
    expect(broad.body.items).toHaveLength(50);
    expect(broad.body.items[0].name).toBe('Broad 00100');
    const narrow = await company.admin.get(`/api/sites/${site.id}/devices?search=${encodeURIComponent('broad 001')}`);
    expect(narrow.body).toMatchObject({ total: 100 });
    expect(narrow.body.totalEstimated).toBeUndefined();
    const all = await company.admin.get(`/api/sites/${site.id}/devices`);
    expect(all.body).toMatchObject({ total: SEARCH_COUNT_CAP + 200 });
    expect(all.body.totalEstimated).toBeUndefined();
    // Deep pages (offset ≥ 1,000: the id walk) and the page before them line up with no gap.
    const before = await company.admin.get(`/api/sites/${site.id}/devices?page=20&pageSize=50`);
    const deep = await company.admin.get(`/api/sites/${site.id}/devices?page=21&pageSize=50`);
    expect((before.body.items as Item[]).at(-1)?.name).toBe('Broad 00999');
    expect((deep.body.items as Item[]).map((d) => d.name)).toEqual(Array.from({ length: 50 }, (_, i) => `Broad ${String(1000 + i).padStart(5, '0')}`));
    expect(deep.body.total).toBe(SEARCH_COUNT_CAP + 200);
    const deepSearch = await company.admin.get(`/api/sites/${site.id}/devices?search=broad&page=24&pageSize=50`);
    expect((deepSearch.body.items as Item[]).map((d) => d.name)).toEqual(Array.from({ length: 50 }, (_, i) => `Broad ${String(1150 + i).padStart(5, '0')}`));
  });

  it('shows a manage-assigned installer only assigned sites; missing, foreign and unassigned sites answer as before', async () => {
    const assigned = await buildSite(company);
    const unassigned = await buildSite(company);
    const empty = await buildSite(company);
    await seed(company, assigned.id, 5, 'Mine');
    await seed(company, unassigned.id, 5, 'NotMine');
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    for (const s of [assigned, empty]) expect((await company.admin.put(`/api/sites/${s.id}/installers`, { installerIds: [inst.id] })).status).toBe(200);
    const mine = await inst.client.get('/api/devices?search=mine&pageSize=200');
    expect(mine.body.total).toBe(5);
    expect((mine.body.items as Item[]).every((d) => d.siteId === assigned.id)).toBe(true);
    expect((await inst.client.get('/api/devices?search=notmine')).body).toMatchObject({ items: [], total: 0 });
    expect((await inst.client.get(`/api/sites/${assigned.id}/devices`)).body.total).toBe(5);
    const refused = await inst.client.get(`/api/sites/${unassigned.id}/devices`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await inst.client.get(`/api/sites/${empty.id}/devices`)).body).toMatchObject({ items: [], total: 0 });
    const missing = await company.admin.get(`/api/sites/${randomUUID()}/devices`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('SITE_NOT_FOUND');
    // Another company's site and device: not found, its devices in no list or search.
    const other = await buildOtherCompany(p.app);
    const theirs = await other.admin.post('/api/sites', { name: 'Theirs', address: '', timeZone: 'UTC' });
    const theirSerials = await seed(other, theirs.body.id, 3, 'Foreign');
    const foreign = await company.admin.get(`/api/sites/${theirs.body.id}/devices`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('SITE_NOT_FOUND');
    expect((await company.admin.get(`/api/devices?search=${theirSerials[0]}`)).body).toMatchObject({ items: [], total: 0 });
    const theirDevice = (await other.admin.get(`/api/sites/${theirs.body.id}/devices`)).body.items[0] as Item;
    const one = await company.admin.get(`/api/devices/${theirDevice.id}`);
    expect(one.status).toBe(404);
    expect(one.body.error.code).toBe('DEVICE_NOT_FOUND_HERE');
    expect((await inst.client.get(`/api/devices/${(await company.admin.get(`/api/sites/${unassigned.id}/devices`)).body.items[0].id}`)).status).toBe(403);
  });

  it('has indexes for each list shape and the search, and the queries can use them', async () => {
    const db = p.app.platform.database.db;
    const indexes = (await sql<{ indexname: string }>`select indexname from pg_indexes where tablename = 'devices'`.execute(db)).rows.map((r) => r.indexname);
    expect(indexes).toEqual(expect.arrayContaining([
      'devices_site_name_idx', 'devices_company_name_idx', 'devices_site_status_name_idx', 'devices_company_status_name_idx',
      'devices_search_trgm_idx',
    ]));
    // The test tables are small: with the planner told to neither scan the table nor sort, each
    // list shape must find an index that gives its filter and its order.
    const plan = (f: Parameters<DeviceRepository['explainList']>[0]) =>
      db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        await sql`set local enable_sort = off`.execute(trx);
        await sql`set local enable_bitmapscan = off`.execute(trx);
        return new DeviceRepository(trx).explainList(f);
      });
    const sites = [await buildSite(company), await buildSite(company), await buildSite(company)];
    for (const s of sites) await seed(company, s.id, 100, 'Planned');
    await sql`analyze devices`.execute(db);
    const site = sites[0]!.id;
    const ordered = (text: string, index: string) => {
      // The offset is walked in the index's order; a sort, if any, is of the page's rows only.
      expect(text).toMatch(new RegExp(`Index (Only )?Scan using ${index}`));
      for (const m of text.matchAll(/Sort {2}\(cost=[\d.]+\.\.[\d.]+ rows=(\d+)/g)) expect(Number(m[1])).toBeLessThanOrEqual(50);
    };
    ordered(await plan({ companyId: company.companyId, siteId: site, page: 1, pageSize: 50 }), 'devices_site_name_idx');
    ordered(await plan({ companyId: company.companyId, siteId: site, status: 'offline', page: 1, pageSize: 50 }), 'devices_site_status_name_idx');
    ordered(await plan({ companyId: company.companyId, status: 'offline', page: 1, pageSize: 50 }), 'devices_company_status_name_idx');
    ordered(await plan({ companyId: company.companyId, page: 1, pageSize: 50 }), 'devices_company_name_idx');
    // The search can use the trigram index on this backend (pg_trgm loaded, operator class right);
    // on a 10,000-device company the planner picks it (bench/readpath prints the plans).
    const trgm = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return (await sql<{ 'QUERY PLAN': string }>`explain select id from devices d where ${sql.raw('d.search_text like')} ${'%abc123%'}`.execute(trx)).rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(trgm).toMatch(/devices_search_trgm_idx/);
  });
});
