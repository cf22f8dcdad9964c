/**
 * The device options that talk to the device (issue 16), against the emulator over real sockets:
 * "admin password needed" for a device added without one (over the device cloud and directly):
 * wrong → DEVICE_AUTH_FAILED and nothing stored, locked → DEVICE_LOCKED, right → stored sealed;
 * remote configuration round trips (read → change → read back from the device) of the device name
 * and time/NTP over both transports, audited with old and new values; incompatible firmware blocks
 * it until the device reports a compatible version; the installer admins' ISAPI pass-through and
 * its attack tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildInstaller, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, insertFleetDevice, startFleetFor } from '../helpers/fleet';
import { bindCloudDevice } from '../helpers/cloud-binding';
import type { ApiClient } from '../helpers/api';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;

beforeAll(async () => {
  p = await startTestPlatform({ config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 4 } });
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company)).id;
  // Devices lock a user after 3 failed sign-ins here (7 by default): fewer than the admin-password
  // route lets one caller try on one device in a minute (5), so the lock is reached through it.
  fleet = await startFleetFor(p, [{ type: 'camera' }, { type: 'nvr', cloudEnabled: false }, { type: 'nvr', cloudEnabled: false }], { maxFailedLogins: 3 });
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

/** A device as an add by label and verification code leaves it: no admin password stored. */
const insertWithoutPassword = (d: VirtualDevice, via: 'direct' | 'cloud') => insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, d, via, { credentials: false, firmwareCompatible: null });

const audits = async (id: string, action: string) =>
  p.app.platform.database.db.selectFrom('audit_log').select(['outcome', 'details']).where('target_id', '=', id).where('action', '=', action).orderBy('id').execute();

async function adminPasswordFlow(d: VirtualDevice, id: string): Promise<void> {
  const admin = company.admin;
  expect((await admin.get(`/api/devices/${id}`)).body.adminPasswordNeeded).toBe(true);
  const needed = await admin.get(`/api/devices/${id}/config/device-name`);
  expect(needed.status).toBe(409);
  expect(needed.body.error.code).toBe('DEVICE_ADMIN_PASSWORD_NEEDED');

  const wrong = await admin.put(`/api/devices/${id}/admin-password`, { password: 'Not-the-pass-1' });
  expect(wrong.status).toBe(401);
  expect(wrong.body.error.code).toBe('DEVICE_AUTH_FAILED');
  expect((await admin.get(`/api/devices/${id}`)).body.adminPasswordNeeded).toBe(true);
  const stored = await p.app.platform.database.db.selectFrom('devices').select('credentials_sealed').where('id', '=', id).executeTakeFirstOrThrow();
  expect(stored.credentials_sealed).toBeNull();

  const desc = fleet.describe(d);
  const ok = await admin.put(`/api/devices/${id}/admin-password`, { password: desc.adminPassword });
  expect(ok.status).toBe(200);
  expect(ok.body).toEqual({ deviceId: id, adminPasswordNeeded: false });
  expect((await admin.get(`/api/devices/${id}`)).body.adminPasswordNeeded).toBe(false);
  const sealed = (await p.app.platform.database.db.selectFrom('devices').select('credentials_sealed').where('id', '=', id).executeTakeFirstOrThrow()).credentials_sealed!;
  expect(sealed).not.toContain(desc.adminPassword);
  const rows = await audits(id, 'device.admin_password.set');
  expect(rows.map((r) => r.outcome)).toEqual(['failure', 'success']);
  expect(JSON.stringify(rows)).not.toContain(desc.adminPassword);
  expect(JSON.stringify(rows)).not.toContain('Not-the-pass-1');
}

async function configRoundTrip(d: VirtualDevice, id: string): Promise<void> {
  const admin = company.admin;
  const before = await admin.get(`/api/devices/${id}/config/device-name`);
  expect(before.status).toBe(200);
  expect(before.body.deviceName).toBe(d.state.deviceName);
  const put = await admin.put(`/api/devices/${id}/config/device-name`, { deviceName: 'Gate East' });
  expect(put.status).toBe(200);
  expect(put.body).toEqual({ deviceName: 'Gate East' });
  // Read back from the device itself.
  expect(d.state.deviceName).toBe('Gate East');
  expect((await admin.get(`/api/devices/${id}/config/device-name`)).body).toEqual({ deviceName: 'Gate East' });

  const t0 = await admin.get(`/api/devices/${id}/config/time`);
  expect(t0.status).toBe(200);
  expect(t0.body).toMatchObject({ timeMode: 'NTP', ntp: { port: 123 } });
  const next = { timeMode: 'NTP', timeZone: 'CST-1:00:00', ntp: { host: 'ntp.example.test', port: 1123, intervalMinutes: 30 } };
  const t1 = await admin.put(`/api/devices/${id}/config/time`, next);
  expect(t1.status).toBe(200);
  expect(t1.body).toMatchObject(next);
  expect(d.state.time.timeZone).toBe('CST-1:00:00');
  expect(d.state.ntp).toMatchObject({ host: 'ntp.example.test', portNo: 1123, synchronizeInterval: 30 });
  expect((await admin.get(`/api/devices/${id}/config/time`)).body).toMatchObject(next);

  const rows = await audits(id, 'device.config.update');
  expect(rows.map((r) => (r.details as { area: string }).area)).toEqual(['device-name', 'time']);
  expect(rows[0]!.details).toMatchObject({ old: { deviceName: before.body.deviceName }, new: { deviceName: 'Gate East' } });
  expect(rows[1]!.details).toMatchObject({ old: { timeZone: t0.body.timeZone, ntp: t0.body.ntp }, new: next });

  // A value the device refuses: the error says so, the audit row too, the device keeps its value.
  const bad = await admin.put(`/api/devices/${id}/config/device-name`, { deviceName: 'x'.repeat(33) });
  expect(bad.status).toBe(400);
  expect(d.state.deviceName).toBe('Gate East');
}

describe('a cloud camera added by label and verification code', () => {
  let cam: VirtualDevice;
  let id: string;

  beforeAll(async () => {
    cam = fleet.devices[0]!;
    await eventually(() => p.inDeviceCloud(cam.serial), 'camera in the device cloud');
    await bindCloudDevice(p.app.platform.gateway, cam.serial, fleet.describe(cam).verificationCode);
    id = await insertWithoutPassword(cam, 'cloud');
  });

  it('admin password needed: wrong refused and not stored, right stored sealed; audited without it', async () => {
    await adminPasswordFlow(cam, id);
  });

  it('remote configuration round trips over the device cloud', async () => {
    await configRoundTrip(cam, id);
  });

  it('incompatible firmware blocks remote configuration until the device reports a compatible version', async () => {
    await fleet.applyFaults(cam.serial, { firmwareIncompatible: true });
    await eventually(async () => (await company.admin.get(`/api/devices/${id}`)).body.firmwareVerdict?.compatible === false, 'incompatible verdict');
    const r = await company.admin.get(`/api/devices/${id}/config/time`);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'FIRMWARE_INCOMPATIBLE', details: { feature: 'remote_configuration' } });
    expect(r.body.error.hint).toContain(r.body.error.details.upgradeTo);
    await fleet.applyFaults(cam.serial, { firmwareIncompatible: false });
    await eventually(async () => (await company.admin.get(`/api/devices/${id}/config/time`)).status === 200, 'remote configuration back after the upgrade');
  });
});

describe('a direct NVR without a stored admin password', () => {
  it('admin password needed, then remote configuration round trips directly', async () => {
    const nvr = fleet.devices[1]!;
    const id = await insertWithoutPassword(nvr, 'direct');
    await adminPasswordFlow(nvr, id);
    await configRoundTrip(nvr, id);
    // Its credentials are now its connection: changed with "edit device information".
    const again = await company.admin.put(`/api/devices/${id}/admin-password`, { password: 'Another-pass-1' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DEVICE_ADMIN_PASSWORD_HELD');
  });

  it('locked after repeated wrong passwords: DEVICE_LOCKED, nothing stored', async () => {
    const nvr = fleet.devices[2]!;
    const id = await insertWithoutPassword(nvr, 'direct');
    let last: { status: number; body: any } | undefined;
    for (let i = 0; i < 10; i++) {
      last = await company.admin.put(`/api/devices/${id}/admin-password`, { password: `Wrong-pass-${i}` });
      if (last.body.error?.code === 'DEVICE_LOCKED') break;
      expect(last.body.error.code).toBe('DEVICE_AUTH_FAILED');
    }
    expect(last!.status).toBe(423);
    expect(last!.body.error.code).toBe('DEVICE_LOCKED');
    expect((await company.admin.get(`/api/devices/${id}`)).body.adminPasswordNeeded).toBe(true);
    // The route is no guessing oracle: a few tries per device a minute, then 429 without touching the device.
    let limited: { status: number } | undefined;
    for (let i = 0; i < 6 && limited?.status !== 429; i++) limited = await company.admin.put(`/api/devices/${id}/admin-password`, { password: `Wrong-again-${i}` });
    expect(limited!.status).toBe(429);
  });
});

describe('ISAPI pass-through (installer admins; audited)', () => {
  let id: string;
  let installer: ApiClient;

  beforeAll(async () => {
    id = (await p.app.platform.database.db.selectFrom('devices').select('id').where('serial', '=', fleet.devices[1]!.serial).executeTakeFirstOrThrow()).id;
    installer = (await buildInstaller(p.app, company, 'manage_all')).client;
  });

  const call = (body: unknown, c: ApiClient = company.admin) => c.post(`/api/devices/${id}/isapi`, body);

  it('forwards an allowed request and audits its method, path and status, never a body', async () => {
    const r = await call({ method: 'GET', path: '/ISAPI/System/deviceInfo' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe(200);
    expect(r.body.body).toContain(fleet.devices[1]!.serial);
    const put = await call({ method: 'PUT', path: '/ISAPI/System/deviceInfo', body: '<DeviceInfo><deviceName>Via ISAPI</deviceName></DeviceInfo>' });
    expect(put.status).toBe(200);
    expect(fleet.devices[1]!.state.deviceName).toBe('Via ISAPI');
    const rows = await audits(id, 'device.isapi');
    expect(rows.slice(-2).map((x) => x.details)).toEqual([
      expect.objectContaining({ method: 'GET', path: '/ISAPI/System/deviceInfo', status: 200 }),
      expect.objectContaining({ method: 'PUT', path: '/ISAPI/System/deviceInfo', status: 200 }),
    ]);
    expect(JSON.stringify(rows)).not.toContain('Via ISAPI');
  });

  it.each([
    ['a path outside the allow-list', { method: 'GET', path: '/ISAPI/Security/users' }],
    ['a method outside the allow-list', { method: 'DELETE', path: '/ISAPI/System/deviceInfo' }],
    ['traversal', { method: 'GET', path: '/ISAPI/System/../Security/users' }],
    ['traversal under an allowed prefix', { method: 'GET', path: '/ISAPI/System/time/../../Security/users' }],
    ['percent-encoded traversal', { method: 'GET', path: '/ISAPI/System/time/%2e%2e/%2e%2e/Security/users' }],
    ['an encoded slash', { method: 'GET', path: '/ISAPI/System%2FdeviceInfo' }],
    ['a backslash', { method: 'GET', path: '/ISAPI/System\\..\\Security/users' }],
    ['a doubled slash', { method: 'GET', path: '//ISAPI/System/deviceInfo' }],
    ['a prefix that is not a whole segment', { method: 'GET', path: '/ISAPI/System/deviceInfoX' }],
    ['an absolute URL', { method: 'GET', path: 'http://127.0.0.1/ISAPI/System/deviceInfo' }],
    ['a query smuggling a path', { method: 'GET', path: '/ISAPI/System/deviceInfo?x=/../Security' }],
    ['a lower-case method', { method: 'get', path: '/ISAPI/System/deviceInfo' }],
  ])('refuses %s (ISAPI_REQUEST_NOT_ALLOWED, audited)', async (_what, body) => {
    const before = (await audits(id, 'device.isapi')).length;
    const r = await call(body);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('ISAPI_REQUEST_NOT_ALLOWED');
    const rows = await audits(id, 'device.isapi');
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)!.outcome).toBe('failure');
  });

  it('refuses an oversize body (ISAPI_BODY_TOO_LARGE)', async () => {
    const r = await call({ method: 'PUT', path: '/ISAPI/System/time', body: `<Time>${'x'.repeat(70_000)}</Time>` });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('ISAPI_BODY_TOO_LARGE');
  });

  it('refuses an installer who is not an installer admin', async () => {
    const r = await call({ method: 'GET', path: '/ISAPI/System/deviceInfo' }, installer);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });
});
