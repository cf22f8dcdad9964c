/**
 * Remote configuration, device users (issue 16), against the emulator over real sockets, over the
 * device cloud and directly: add → listed and on the device → change password and level (the device
 * takes the new password: a digest login as that user) → delete; a password breaking the device's
 * rules refused with nothing sent to the device; the admin user neither deleted, demoted nor given a
 * password here; an AX Pro turned to its panel accounts. Audit rows name user, level and action, and
 * neither they nor any answer hold a password.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { DeviceClient } from '../../src/device-client/device-client';
import { HttpTransport } from '../../src/device-client/http-transport';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, insertFleetDevice, startFleetFor } from '../helpers/fleet';
import { bindCloudDevice } from '../helpers/cloud-binding';
import type { ApiResponse } from '../helpers/api';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;

beforeAll(async () => {
  p = await startTestPlatform();
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company)).id;
  fleet = await startFleetFor(p, [{ type: 'camera' }, { type: 'nvr', cloudEnabled: false }]);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

const auditRows = (id: string) => p.app.platform.database.db.selectFrom('audit_log').select(['action', 'outcome', 'details']).where('target_id', '=', id).orderBy('id').execute();

/** A digest login as `user` on the device's own web server: what the device itself accepts. */
async function signsIn(d: VirtualDevice, user: string, password: string): Promise<boolean | string> {
  const c = new DeviceClient(new HttpTransport({ host: d.host, port: d.httpPort, username: user, password }), { readRetries: 0, timeoutMs: 5000 });
  try {
    await c.deviceInfo();
    return true;
  } catch (e) {
    return (e as { code?: string }).code ?? 'error';
  }
}

async function usersRoundTrip(d: VirtualDevice, id: string, tag: string): Promise<void> {
  const admin = company.admin;
  const answers: ApiResponse[] = [];
  const call = async (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: unknown): Promise<ApiResponse> => {
    const r = await (method === 'get' || method === 'delete' ? admin[method](`/api/devices/${id}/config/users${path}`) : admin[method](`/api/devices/${id}/config/users${path}`, body));
    answers.push(r);
    return r;
  };
  const adminPassword = fleet.describe(d).adminPassword;
  const first = `Gate-${tag}-71`;
  const second = `Yard+${tag}+93`;
  const weak = ['short1', 'nightshift', `night${tag}x1`];

  const before = await call('get', '');
  expect(before.status).toBe(200);
  expect(before.body.items).toEqual([{ id: 1, userName: 'admin', userLevel: 'Administrator', admin: true }]);

  // Passwords breaking the device's rules: the rule named, nothing sent to the device.
  const spy = vi.spyOn(d, 'handleIsapi');
  try {
    for (const [password, rule] of [[weak[0], 'length'], [weak[1], 'kinds'], [weak[2], 'user']] as const) {
      const r = await call('post', '', { userName: `night${tag}`, password, userLevel: 'Viewer' });
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'DEVICE_USER_PASSWORD_INVALID', details: { rule } });
    }
    // The spy sees what the device is sent: a list read shows up as the only users request (directly,
    // twice: the digest challenge, then the signed request).
    expect((await call('get', '')).status).toBe(200);
    expect([...new Set(spy.mock.calls.filter(([req]) => /security\/users/i.test(req.path)).map(([req]) => `${req.method} ${req.path}`))]).toEqual(['GET /ISAPI/Security/users']);
  } finally {
    spy.mockRestore();
  }
  expect(d.state.users.map((u) => u.userName)).toEqual(['admin']);

  // Add: answered, listed, on the device with its password.
  const added = await call('post', '', { userName: `night${tag}`, password: first, userLevel: 'Viewer' });
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({ userName: `night${tag}`, userLevel: 'Viewer', admin: false });
  const userId = added.body.id as number;
  expect(d.state.users.find((u) => u.id === userId)).toMatchObject({ userName: `night${tag}`, userLevel: 'Viewer', password: first });
  expect((await call('get', '')).body.items).toEqual([{ id: 1, userName: 'admin', userLevel: 'Administrator', admin: true }, { id: userId, userName: `night${tag}`, userLevel: 'Viewer', admin: false }]);
  expect(await signsIn(d, `night${tag}`, first)).toBe(true);

  const dup = await call('post', '', { userName: `night${tag}`, password: second, userLevel: 'Operator' });
  expect(dup.status).toBe(409);
  expect(dup.body.error.code).toBe('DEVICE_USER_NAME_TAKEN');

  // Change password and level: the device takes the new password, not the old one.
  const weakChange = await call('put', `/${userId}`, { password: `${tag}thgin-X` });
  expect(weakChange.status).toBe(422);
  expect(weakChange.body.error.details.rule).toBe('user');
  const changed = await call('put', `/${userId}`, { password: second, userLevel: 'Operator' });
  expect(changed.status).toBe(200);
  expect(changed.body).toEqual({ id: userId, userName: `night${tag}`, userLevel: 'Operator', admin: false });
  expect(d.state.users.find((u) => u.id === userId)).toMatchObject({ userLevel: 'Operator', password: second });
  expect(await signsIn(d, `night${tag}`, second)).toBe(true);
  expect(await signsIn(d, `night${tag}`, first)).toBe('DEVICE_AUTH_FAILED');

  // The admin user: not deleted, demoted, nor given a password here (Sitekeeper signs in with it).
  const del1 = await call('delete', '/1');
  expect(del1.status).toBe(409);
  expect(del1.body.error.code).toBe('DEVICE_USER_ADMIN_PROTECTED');
  const demote = await call('put', '/1', { userLevel: 'Viewer' });
  expect(demote.body.error.code).toBe('DEVICE_USER_ADMIN_PROTECTED');
  const adminPw = await call('put', '/1', { password: 'New-Admin-42' });
  expect(adminPw.status).toBe(409);
  expect(adminPw.body.error.code).toBe('DEVICE_USER_ADMIN_PASSWORD');
  expect(d.state.users.find((u) => u.id === 1)).toMatchObject({ userName: 'admin', userLevel: 'Administrator', password: adminPassword });

  // Delete.
  const deleted = await call('delete', `/${userId}`);
  expect(deleted.status).toBe(204);
  expect(d.state.users.map((u) => u.userName)).toEqual(['admin']);
  const again = await call('delete', `/${userId}`);
  expect(again.status).toBe(404);
  expect(again.body.error.code).toBe('DEVICE_USER_NOT_FOUND');

  // Audited: user name, level and action, old → new; no password anywhere, nor in any answer.
  const rows = await auditRows(id);
  const users = rows.filter((r) => r.action === 'device.config.update' && (r.details as { area?: string }).area === 'users');
  expect(users.map((r) => [r.outcome, (r.details as { new: { action: string } }).new.action])).toEqual([['success', 'add'], ['success', 'change'], ['success', 'delete']]);
  expect(users[0]!.details).toMatchObject({ old: {}, new: { userName: `night${tag}`, userLevel: 'Viewer' } });
  expect(users[1]!.details).toMatchObject({ old: { userId, userName: `night${tag}`, userLevel: 'Viewer' }, new: { userId, userLevel: 'Operator', passwordChanged: true } });
  expect(users[2]!.details).toMatchObject({ old: { userId, userName: `night${tag}`, userLevel: 'Operator' }, new: { userId, userName: `night${tag}` } });
  const shown = JSON.stringify(rows) + JSON.stringify(answers.map((a) => a.body));
  for (const secret of [first, second, adminPassword, 'New-Admin-42', `${tag}thgin-X`, ...weak]) expect(shown).not.toContain(secret);
}

describe('device users over the device cloud', () => {
  it('a cloud camera: add, change password and level, delete; weak and admin refused; audited without passwords', async () => {
    const cam = fleet.devices[0]!;
    await eventually(() => p.inDeviceCloud(cam.serial), 'camera in the device cloud');
    await bindCloudDevice(p.app.platform.gateway, cam.serial, fleet.describe(cam).verificationCode);
    const id = await insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, cam, 'cloud', { credentials: false });
    expect((await company.admin.get(`/api/devices/${id}/config/users`)).body.error.code).toBe('DEVICE_ADMIN_PASSWORD_NEEDED');
    expect((await company.admin.put(`/api/devices/${id}/admin-password`, { password: fleet.describe(cam).adminPassword })).status).toBe(200);
    await usersRoundTrip(cam, id, 'c');
  });
});

describe('device users directly', () => {
  it('a direct NVR: add, change password and level, delete; weak and admin refused; audited without passwords', async () => {
    const nvr = fleet.devices[1]!;
    const id = await insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, nvr, 'direct');
    await usersRoundTrip(nvr, id, 'd');
  });

  it("an AX Pro's users are its panel accounts: refused before anything else is asked", async () => {
    const row = await p.app.platform.database.db
      .insertInto('devices')
      .values({ company_id: company.companyId, site_id: siteId, serial: 'DS-PWA96-M-WE20240101AAWRUSERS01', name: 'Panel', type: 'axpro', model: 'DS-PWA96-M-WE', added_via: 'direct', host: '127.0.0.1', port: 1, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: null, health_monitoring: false })
      .returning('id')
      .executeTakeFirstOrThrow();
    const r = await company.admin.post(`/api/devices/${row.id}/config/users`, { userName: 'op', password: 'Night-shift-7', userLevel: 'Operator' });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('DEVICE_USERS_AXPRO');
    expect(r.body.error.hint).toContain('panel-accounts');
  });
});
