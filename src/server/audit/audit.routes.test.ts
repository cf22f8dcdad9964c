import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildInstaller, buildSite, type TestCompany } from '../../../test/helpers/factories';

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx));

interface Row {
  action: string;
  actorId: string | null;
  actorName: string | null;
  targetType: string;
  targetId: string | null;
  target: { kind: string; label: string | null; exists: boolean; link: string | null };
  details: Record<string, unknown>;
}

async function rows(filter: string): Promise<Row[]> {
  const r = await company.admin.get(`/api/audit?pageSize=200${filter}`);
  expect(r.status).toBe(200);
  return r.body.items;
}

async function insertDevice(siteId: string, name: string): Promise<{ id: string; serial: string }> {
  const serial = `DS-AUDIT${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  const r = await p.app.platform.database.db
    .insertInto('devices')
    .values({ company_id: company.companyId, site_id: siteId, serial, name, type: 'camera', model: 'DS-2CD', added_via: 'direct', host: '127.0.0.1', port: 1, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, serial };
}

describe('audit targets for people', () => {
  it('a site reads as its current name and links to its page; the actor by name', async () => {
    const s = await company.admin.post('/api/sites', { name: 'Harbour Office' });
    await company.admin.patch(`/api/sites/${s.body.id}`, { name: 'Harbour Office 2' });
    const list = await rows(`&targetId=${s.body.id}`);
    expect(list.map((r) => r.action).sort()).toEqual(['site.create', 'site.update']);
    for (const r of list) {
      expect(r.targetId).toBe(s.body.id); // the id stays: the label is alongside it
      expect(r.target).toEqual({ kind: 'site', label: 'Harbour Office 2', exists: true, link: `/sites/${s.body.id}` });
      expect(r.actorName).toBe('Ada Admin');
    }
  });

  it('a deleted target keeps the name it had when the row was written, without a link', async () => {
    const site = await buildSite(company, 'Closed Depot');
    await company.admin.patch(`/api/sites/${site.id}`, { address: '9 Quay' });
    expect((await company.admin.delete(`/api/sites/${site.id}`)).status).toBe(204);
    const list = await rows(`&targetId=${site.id}`);
    expect(list).toHaveLength(3);
    for (const r of list) expect(r.target).toEqual({ kind: 'site', label: 'Closed Depot', exists: false, link: null });

    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    await company.admin.patch(`/api/installers/${inst.id}`, { permission: 'manage_all' });
    const live = await rows(`&targetId=${inst.id}&action=installer.update`);
    expect(live[0]!.target).toEqual({ kind: 'installer', label: `Ivan Installer (${inst.email})`, exists: true, link: '/installers' });
    await company.admin.delete(`/api/installers/${inst.id}`);
    const gone = await rows(`&targetId=${inst.id}`);
    expect(gone.map((r) => r.action).sort()).toEqual(['installer.invitation.accept', 'installer.remove', 'installer.update']);
    for (const r of gone) {
      expect(r.target.exists).toBe(false);
      expect(r.target.link).toBeNull();
      expect(r.target.label).toContain(inst.email);
    }
    // The removed installer's own row: the actor has no name any more, the e-mail remains.
    const accept = gone.find((r) => r.action === 'installer.invitation.accept')!;
    expect(accept.actorName).toBeNull();
  });

  it('an invitation reads as the invitee and links to the installers page', async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'label.me@example.test', name: 'Label Me', permission: 'manage_all' });
    const [r] = await rows(`&targetId=${inv.body.invitation.id}`);
    expect(r!.target).toEqual({ kind: 'invitation', label: 'Label Me (label.me@example.test)', exists: true, link: '/installers' });
  });

  it('a device reads as name and serial, found by id or by serial (steps before it had an id)', async () => {
    const site = await buildSite(company);
    const d = await insertDevice(site.id, 'Gate camera');
    await p.app.platform.uow.tx(async (r) => {
      await r.audit.record({ companyId: company.companyId, actorId: company.adminId, actorEmail: null, action: 'device.activate', targetType: 'device', targetId: d.serial, outcome: 'success', details: { serial: d.serial } });
      await r.audit.record({ companyId: company.companyId, actorId: company.adminId, actorEmail: null, action: 'device.add', targetType: 'device', targetId: d.id, outcome: 'success', details: { serial: d.serial } });
    });
    const expected = { kind: 'device', label: `Gate camera (${d.serial})`, exists: true, link: `/devices/${d.id}` };
    expect((await rows(`&targetId=${d.serial}`))[0]!.target).toEqual(expected);
    expect((await rows(`&targetId=${d.id}`))[0]!.target).toEqual(expected);
    const del = await company.admin.delete(`/api/devices/${d.id}`);
    expect(del.status).toBe(204);
    const after = await rows(`&targetId=${d.id}`);
    expect(after.map((r) => r.action).sort()).toEqual(['device.add', 'device.delete']);
    for (const r of after) expect(r.target).toMatchObject({ exists: false, link: null });
    // Written while it existed (the delete is audited in its own transaction, before the row goes): its name as it was.
    expect(after.find((r) => r.action === 'device.add')!.target.label).toBe(`Gate camera (${d.serial})`);
    expect(after.find((r) => r.action === 'device.delete')!.target.label).toBe(`Gate camera (${d.serial})`);
  });

  it('a page of many rows of every kind is named in one lookup', async () => {
    const site = await buildSite(company);
    const devices = await Promise.all(Array.from({ length: 5 }, (_, i) => insertDevice(site.id, `Cam ${i}`)));
    await p.app.platform.uow.tx(async (r) => {
      for (const d of devices) {
        await r.audit.record({ companyId: company.companyId, actorId: company.adminId, actorEmail: null, action: 'device.qr.export', targetType: 'device', targetId: d.id, outcome: 'success', details: { serial: d.serial } });
      }
    });
    const statements: string[] = [];
    const db = p.app.platform.database.db;
    const spy = db.getExecutor();
    const original = spy.executeQuery.bind(spy);
    spy.executeQuery = ((q: Parameters<typeof original>[0]) => {
      statements.push(q.sql);
      return original(q);
    }) as typeof spy.executeQuery;
    try {
      const r = await company.admin.get('/api/audit?pageSize=200');
      expect(r.status).toBe(200);
      expect(r.body.items.filter((i: Row) => i.action === 'device.qr.export' && i.target.exists)).toHaveLength(5);
    } finally {
      spy.executeQuery = original;
    }
    // The count, the page, and one lookup that names every device, site and person on it.
    expect(statements.filter((s) => /audit_log/.test(s))).toHaveLength(2);
    expect(statements.filter((s) => /\bdevices\b/.test(s))).toHaveLength(1);
  });
});
