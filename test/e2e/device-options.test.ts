/**
 * The device page's options (issue 16) through the real API and database, against the emulator
 * over sockets: set type for an unrecognised device, delete (its rule hook, the cloud release and
 * the `device.deleted` event), and edit device information checked by connecting first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildInstaller, buildOtherCompany, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';
import { bindCloudDevice } from '../helpers/cloud-binding';
import { DeviceService } from '../../src/server/devices/device.service';
import { canDeleteDevice, type DeleteRule } from '../../src/server/devices/delete-rule';
import { familyOf } from '../../src/server/health/collect';
import { typeEditable } from '../../src/server/devices/device-types';
import { isAppError } from '../../src/errors/app-error';
import type { Actor } from '../../src/server/auth/actor';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;

beforeAll(async () => {
  p = await startTestPlatform();
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company, 'Depot')).id;
  fleet = await startFleetFor(p, [{ type: 'nvr', cloudEnabled: false }, { type: 'camera', cloudEnabled: false }, { type: 'camera' }, { type: 'camera', activated: false, cloudEnabled: false }]);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

let n = 0;
/** A device row as onboarding leaves it; `creds` overrides what is sealed (a stale password). */
async function insertDevice(o: { d?: VirtualDevice; via?: 'direct' | 'cloud'; type?: string; host?: string; port?: number; creds?: { user: string; password: string } } = {}): Promise<{ id: string; serial: string }> {
  const desc = o.d ? fleet.describe(o.d) : null;
  const serial = desc?.serial ?? `DS-OPT${String(++n).padStart(3, '0')}${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const via = o.via ?? 'direct';
  const creds = o.creds ?? (desc ? { user: desc.adminUser!, password: desc.adminPassword! } : null);
  // Serials are unique: an emulated device is on one site at a time (each test places it afresh).
  await p.app.platform.database.db.deleteFrom('devices').where('serial', '=', serial).execute();
  const r = await p.app.platform.database.db
    .insertInto('devices')
    .values({
      company_id: company.companyId, site_id: siteId, serial, name: `Device ${serial.slice(-6)}`, type: o.type ?? desc?.type ?? 'unknown', model: desc?.model ?? 'X-1',
      added_via: via, host: via === 'direct' ? (o.host ?? desc?.host ?? '127.0.0.1') : null, port: via === 'direct' ? (o.port ?? desc?.httpPort ?? 80) : null,
      credentials_sealed: via === 'direct' && creds ? p.app.platform.secrets.seal(JSON.stringify(creds), `device:${serial}`) : null,
      verification_code_sealed: null, added_by: null, firmware_compatible: true, status: 'online',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, serial };
}

const audit = async (action: string, id: string) => (await company.admin.get(`/api/audit?action=${action}&targetId=${id}`)).body.items as Array<{ outcome: string; details: Record<string, unknown> }>;
const storedCreds = async (id: string, serial: string) => {
  const row = await p.app.platform.database.db.selectFrom('devices').select(['credentials_sealed', 'host', 'port', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
  return { ...row, creds: JSON.parse(p.app.platform.secrets.open(row.credentials_sealed!, `device:${serial}`)) as { user: string; password: string } };
};

describe('set type', () => {
  it('an unrecognised device takes a type, editable again; audited with old and new', async () => {
    const d = await insertDevice({ type: 'unknown' });
    expect((await company.admin.get(`/api/devices/${d.id}`)).body).toMatchObject({ type: 'unknown', typeEditable: true });
    const set = await company.admin.put(`/api/devices/${d.id}/type`, { type: 'dvr' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ type: 'dvr', typeEditable: true });
    const again = await company.admin.put(`/api/devices/${d.id}/type`, { type: 'doorbell' });
    expect(again.body).toMatchObject({ type: 'doorbell', typeEditable: true });
    const rows = await audit('device.type.set', d.id);
    expect(rows.map((r) => [r.details.old, r.details.new])).toEqual(expect.arrayContaining([['unknown', 'dvr'], ['dvr', 'doorbell']]));
  });

  it('a type the device reported itself is not editable; a type outside the list is refused', async () => {
    const d = await insertDevice({ type: 'camera' });
    expect((await company.admin.get(`/api/devices/${d.id}`)).body.typeEditable).toBe(false);
    const r = await company.admin.put(`/api/devices/${d.id}/type`, { type: 'nvr' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('DEVICE_TYPE_NOT_EDITABLE');
    const u = await insertDevice({ type: 'unknown' });
    expect((await company.admin.put(`/api/devices/${u.id}/type`, { type: 'toaster' })).status).toBe(400);
  });

  it('the type decides the health checks (a DVR gets the recorder checks, a doorbell reachability only)', () => {
    expect(familyOf('dvr')).toBe('nvr');
    expect(familyOf('nvr')).toBe('nvr');
    expect(familyOf('axpro')).toBe('axpro');
    for (const t of ['doorbell', 'access_control', 'other', 'unknown']) expect(familyOf(t)).toBe('unknown');
    expect(typeEditable('camera', false)).toBe(false);
    expect(typeEditable('camera', true)).toBe(true);
    expect(typeEditable('unknown', false)).toBe(true);
    expect(typeEditable('other', false)).toBe(true);
  });

  it('another company cannot see the device; an unassigned installer is refused', async () => {
    const d = await insertDevice({ type: 'unknown' });
    const other = await buildOtherCompany(p.app);
    expect((await other.admin.put(`/api/devices/${d.id}/type`, { type: 'nvr' })).status).toBe(404);
    const unassigned = await buildInstaller(p.app, company, 'manage_assigned');
    expect((await unassigned.client.put(`/api/devices/${d.id}/type`, { type: 'nvr' })).status).toBe(403);
  });
});

describe('delete device', () => {
  it('a cloud device: its cloud registration is released and device.deleted carries what the reconcile needs, written before the row goes', async () => {
    const cam = fleet.devices[2]!;
    await bindCloudDevice(p.app.platform.gateway, cam.serial, fleet.describe(cam).verificationCode);
    const d = await insertDevice({ d: cam, via: 'cloud' });
    expect(await p.app.platform.gateway.getRegistration(cam.serial)).not.toBeNull();

    const r = await company.admin.delete(`/api/devices/${d.id}`);
    expect(r.status, JSON.stringify(r.body)).toBe(204);
    expect((await company.admin.get(`/api/devices/${d.id}`)).status).toBe(404);
    expect(await p.app.platform.gateway.getRegistration(cam.serial)).toBeNull();

    const events = await p.app.platform.database.db.selectFrom('domain_events').select(['type', 'payload', 'company_id']).where('type', '=', 'device.deleted').execute();
    const mine = events.filter((e) => (e.payload as { deviceId: string }).deviceId === d.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.company_id).toBe(company.companyId);
    expect(mine[0]!.payload).toEqual({
      deviceId: d.id, companyId: company.companyId, siteId, serial: cam.serial, type: 'camera', model: fleet.describe(cam).model, name: expect.any(String),
      addedVia: 'cloud', host: null, port: null, cloudReleased: true, deletedBy: expect.any(String), credentialsSealed: null,
    });
    const rows = await audit('device.delete', d.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'success', details: { serial: cam.serial, cloudReleased: true, addedVia: 'cloud' } });
  });

  it('a device added by IP: its address travels in the event; its sealed credentials go with the row', async () => {
    const d = await insertDevice({ d: fleet.devices[0]! });
    expect((await company.admin.delete(`/api/devices/${d.id}`)).status).toBe(204);
    expect(await p.app.platform.database.db.selectFrom('devices').select('id').where('id', '=', d.id).execute()).toEqual([]);
    const e = await p.app.platform.database.db.selectFrom('domain_events').select('payload').where('type', '=', 'device.deleted').execute();
    const mine = e.map((x) => x.payload as { deviceId: string; host: string; port: number; addedVia: string; cloudReleased: boolean }).find((x) => x.deviceId === d.id)!;
    expect(mine).toMatchObject({ addedVia: 'direct', host: fleet.describe(fleet.devices[0]!).host, port: fleet.describe(fleet.devices[0]!).httpPort, cloudReleased: false });
    expect(JSON.stringify(mine)).not.toContain(fleet.describe(fleet.devices[0]!).adminPassword!);
  });

  it('the delete rule hook: allows by default; a refusing rule keeps the device, answers DEVICE_DELETE_REFUSED and is audited', async () => {
    const d = await insertDevice({ type: 'axpro' });
    const site = (await p.app.platform.uow.read.sites.find(siteId))!;
    const view = (await company.admin.get(`/api/devices/${d.id}`)).body;
    expect(canDeleteDevice(site, view)).toEqual({ allowed: true });

    const seen: string[] = [];
    const stub: DeleteRule = (s, dev) => {
      seen.push(`${s.id}/${dev.id}/${dev.addedVia}`);
      return { allowed: false, reason: 'site_authorized', message: 'Deleting is not supported while the site is authorized.' };
    };
    const service = new DeviceService(p.app.platform.uow, p.app.platform.secrets, undefined, p.app.platform.gateway, { deleteRule: stub });
    const me = await p.app.platform.database.db.selectFrom('users').select(['id', 'email', 'name', 'permission']).where('email', '=', company.adminEmail).executeTakeFirstOrThrow();
    const actor: Actor = { id: me.id, email: me.email, name: me.name, permission: me.permission, companyId: company.companyId, companyName: 'Test', role: 'installer_admin' };
    const err = await service.remove(actor, d.id, { correlationId: 'delete-rule-test' }).then(() => null, (e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('DEVICE_DELETE_REFUSED');
    expect(isAppError(err) && err.details).toEqual({ reason: 'site_authorized' });
    expect(seen).toEqual([`${siteId}/${d.id}/direct`]);
    expect((await company.admin.get(`/api/devices/${d.id}`)).status).toBe(200);
    const rows = await audit('device.delete', d.id);
    expect(rows).toEqual([expect.objectContaining({ outcome: 'failure', details: expect.objectContaining({ reason: 'site_authorized' }) })]);
  });

  it('only those who may see the site delete: unassigned installers 403, other companies 404', async () => {
    const d = await insertDevice();
    const unassigned = await buildInstaller(p.app, company, 'manage_assigned');
    expect((await unassigned.client.delete(`/api/devices/${d.id}`)).status).toBe(403);
    const other = await buildOtherCompany(p.app);
    expect((await other.admin.delete(`/api/devices/${d.id}`)).status).toBe(404);
    expect((await company.admin.get(`/api/devices/${d.id}`)).status).toBe(200);
  });
});

describe('edit device information (checked by connecting first)', () => {
  it('a wrong password: DEVICE_AUTH_FAILED, the old values stay; audited without the password', async () => {
    const nvr = fleet.devices[0]!;
    const desc = fleet.describe(nvr);
    const d = await insertDevice({ d: nvr });
    const before = await storedCreds(d.id, d.serial);
    const r = await company.admin.put(`/api/devices/${d.id}/connection`, { name: 'Renamed', host: desc.host, port: desc.httpPort, user: desc.adminUser, password: 'Wrong-pass-99' });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('DEVICE_AUTH_FAILED');
    expect(await storedCreds(d.id, d.serial)).toEqual(before);
    const rows = await audit('device.connection.update', d.id);
    expect(rows).toEqual([expect.objectContaining({ outcome: 'failure', details: expect.objectContaining({ reason: 'DEVICE_AUTH_FAILED', changed: expect.arrayContaining(['name', 'password']) }) })]);
    expect(JSON.stringify(rows)).not.toContain('Wrong-pass-99');
  });

  it("another device's address: DEVICE_NOT_SAME (the serial must match), the old values stay", async () => {
    const nvr = fleet.devices[0]!;
    const cam = fleet.describe(fleet.devices[1]!);
    const d = await insertDevice({ d: nvr });
    const before = await storedCreds(d.id, d.serial);
    const r = await company.admin.put(`/api/devices/${d.id}/connection`, { host: cam.host, port: cam.httpPort, user: cam.adminUser, password: cam.adminPassword });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'DEVICE_NOT_SAME', hint: expect.any(String) });
    expect(await storedCreds(d.id, d.serial)).toEqual(before);
  });

  it('nothing answers: DEVICE_UNREACHABLE, the old values stay', async () => {
    const nvr = fleet.devices[0]!;
    const d = await insertDevice({ d: nvr });
    const before = await storedCreds(d.id, d.serial);
    const r = await company.admin.put(`/api/devices/${d.id}/connection`, { host: '127.0.0.1', port: 9, user: 'admin', password: 'Whatever-1' });
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe('DEVICE_UNREACHABLE');
    expect(await storedCreds(d.id, d.serial)).toEqual(before);
  });

  it('the right values (a stale stored address and password corrected): saved, sealed, audited without secrets', async () => {
    const nvr = fleet.devices[0]!;
    const desc = fleet.describe(nvr);
    const d = await insertDevice({ d: nvr, port: 9, creds: { user: desc.adminUser!, password: 'Old-stale-pass1' } });
    const r = await company.admin.put(`/api/devices/${d.id}/connection`, { name: 'Recorder hall', host: desc.host, port: desc.httpPort, user: desc.adminUser, password: desc.adminPassword });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ name: 'Recorder hall', host: desc.host, port: desc.httpPort });
    const after = await storedCreds(d.id, d.serial);
    expect(after.creds).toEqual({ user: desc.adminUser, password: desc.adminPassword });
    const rows = await audit('device.connection.update', d.id);
    expect(rows).toEqual([expect.objectContaining({ outcome: 'success', details: expect.objectContaining({ changed: ['name', 'port', 'password'], old: expect.objectContaining({ port: 9 }), new: expect.objectContaining({ port: desc.httpPort }) }) })]);
    expect(JSON.stringify(rows)).not.toContain(desc.adminPassword!);
    expect(JSON.stringify(rows)).not.toContain('Old-stale-pass1');
    // Without a password the stored one is used: a rename only.
    const rename = await company.admin.put(`/api/devices/${d.id}/connection`, { name: 'Recorder 2', host: desc.host, port: desc.httpPort, user: desc.adminUser });
    expect(rename.status, JSON.stringify(rename.body)).toBe(200);
    expect(rename.body.name).toBe('Recorder 2');
  });

  it('a cloud device has no address to edit: DEVICE_CONNECTION_NOT_EDITABLE', async () => {
    const d = await insertDevice({ via: 'cloud', type: 'camera' });
    const r = await company.admin.put(`/api/devices/${d.id}/connection`, { host: '127.0.0.1', port: 80, user: 'admin', password: 'x' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('DEVICE_CONNECTION_NOT_EDITABLE');
  });
});

describe('add by IP/Domain (the scan pipeline: candidate, confirm, batch)', () => {
  it('an activated device: probed by its address, added by the batch, reached by its address', async () => {
    const cam = fleet.devices[1]!;
    const desc = fleet.describe(cam);
    await p.app.platform.database.db.deleteFrom('devices').where('serial', '=', desc.serial).execute();
    const site = await buildSite(company);
    const scan = await company.admin.post(`/api/sites/${site.id}/scans/address`, { host: desc.host, port: desc.httpPort, user: desc.adminUser, password: desc.adminPassword, name: 'Gate camera' });
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    expect(scan.body.classified).toEqual({ kind: 'address', host: desc.host, port: desc.httpPort });
    expect(scan.body.candidates).toHaveLength(1);
    expect(scan.body.candidates[0]).toMatchObject({ name: 'Gate camera', serial: desc.serial, nextAction: 'add' });
    expect(JSON.stringify(scan.body)).not.toContain(desc.adminPassword!);

    const add = await company.admin.post(`/api/scans/${scan.body.scanId}/add`, { candidateIds: [scan.body.candidates[0].id], idempotencyKey: `addr-${Math.random()}` });
    expect(add.status, JSON.stringify(add.body)).toBe(202);
    const batch = await eventually(async () => {
      const b = await company.admin.get(`/api/batches/${add.body.batchId}`);
      return b.body.settled ? b.body : undefined;
    }, 'batch settled', 60_000);
    expect(batch.items[0]).toMatchObject({ state: 'added' });
    const list = await company.admin.get(`/api/sites/${site.id}/devices`);
    expect(list.body.items).toEqual([expect.objectContaining({ serial: desc.serial, name: 'Gate camera', host: desc.host, port: desc.httpPort })]);
    expect(list.body.items[0].addedVia).not.toBe('cloud');
    // Audited as a scan of kind address, without the password.
    const rows = (await company.admin.get(`/api/audit?action=onboarding.scan&targetId=${site.id}`)).body.items;
    expect(rows[0].details).toMatchObject({ kind: 'address', devices: 1 });
    expect(JSON.stringify(rows)).not.toContain(desc.adminPassword!);
  });

  it('a factory-new device asks for activation; a wrong password asks for the password', async () => {
    const fresh = fleet.describe(fleet.devices[3]!);
    const site = await buildSite(company);
    const a = await company.admin.post(`/api/sites/${site.id}/scans/address`, { host: fresh.host, port: fresh.httpPort, user: 'admin', password: 'Anything-1' });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.candidates[0]).toMatchObject({ nextAction: 'activate' });
    const cam = fleet.describe(fleet.devices[1]!);
    const w = await company.admin.post(`/api/sites/${site.id}/scans/address`, { host: cam.host, port: cam.httpPort, user: cam.adminUser, password: 'Wrong-pass-42' });
    expect(w.body.candidates[0]).toMatchObject({ nextAction: 'enter_password' });
  });
});

describe('firmware compatibility (the catalogue)', () => {
  it('the device API gives the verdict per feature, with the reason and the version to upgrade to', async () => {
    const d = await insertDevice({ type: 'nvr' });
    const db = p.app.platform.database.db;
    await db.updateTable('devices').set({ model: 'DS-7608NI-K2', firmware_version: 'V4.40.015' }).where('id', '=', d.id).execute();
    const ok = await company.admin.get(`/api/devices/${d.id}/firmware`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ firmwareVersion: 'V4.40.015', compatible: true, reason: null, upgradeTo: null, catalogueVersion: expect.any(String) });
    await db.updateTable('devices').set({ firmware_version: 'V3.9.0' }).where('id', '=', d.id).execute();
    const old = await company.admin.get(`/api/devices/${d.id}/firmware`);
    expect(old.body).toMatchObject({ compatible: false, upgradeTo: 'V4.30.0', reason: expect.stringContaining('V3.9.0') });
    expect(old.body.features).toHaveLength(3);
    const other = await buildOtherCompany(p.app);
    expect((await other.admin.get(`/api/devices/${d.id}/firmware`)).status).toBe(404);
  });
});
