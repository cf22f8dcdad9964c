import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, buildFirmwarePackage, INCOMPATIBLE_FIRMWARE, type Fleet, type VirtualDevice } from './index';
import { DigestClient, postFaults, rawRequest } from './testing';
import { parseChannelStatus, parseDeviceInfo, parseEzviz, parseHddList, parseSmartStatus, parseUpgradeStatus, parseActivateStatus, parseUserList, userXml, parseIpAddress } from '../protocol/isapi/models';
import { parseResponseStatus } from '../protocol/isapi/response-status';
import { sessionLoginHash, parseSessionLoginCap, sessionLoginXml } from '../protocol/isapi/session-login';
import { eventually } from '../../test/helpers/wait';

let fleet: Fleet;
let cam: VirtualDevice;
let nvr: VirtualDevice;
let hub: VirtualDevice;

function client(d: VirtualDevice): DigestClient {
  const admin = d.adminUser;
  if (!admin) throw new Error('no admin');
  return new DigestClient(`http://${d.host}:${d.httpPort}`, admin.userName, admin.password);
}

function events(d: VirtualDevice): { kind: string; [k: string]: unknown }[] {
  const seen: { kind: string; [k: string]: unknown }[] = [];
  d.on('status', (e: { kind: string }) => seen.push(e));
  return seen;
}

beforeAll(async () => {
  fleet = await startFleet({
    count: 0,
    specs: [{ type: 'camera' }, { type: 'nvr', channels: 8, hdds: 2 }, { type: 'axpro' }, { type: 'camera' }],
    device: { rebootMs: 150, upgradeMs: 400 },
  });
  [cam, nvr, hub] = fleet.devices as [VirtualDevice, VirtualDevice, VirtualDevice];
});
afterAll(() => fleet.close());

describe('fault switchboard, end to end over sockets', () => {
  it('power off refuses connections and drops the cloud link; power on brings both back', async () => {
    const d = fleet.devices[3] as VirtualDevice;
    const port = d.httpPort;
    let cloudEvents = 0;
    d.on('cloud-config', () => cloudEvents++);
    expect((await postFaults(fleet.controlUrl, d.shortSerial, { power: 'off' })).status).toBe(200);
    await expect(rawRequest(`http://127.0.0.1:${port}/SDK/activateStatus`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(d.cloudLinkUp).toBe(false);
    await expect(d.handleIsapi({ method: 'GET', path: '/SDK/activateStatus', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' })).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
    await postFaults(fleet.controlUrl, d.serial, { power: 'on' });
    expect(d.httpPort).toBe(port);
    expect((await rawRequest(`http://127.0.0.1:${port}/SDK/activateStatus`)).status).toBe(200);
    expect(d.cloudLinkUp).toBe(true);
    expect(cloudEvents).toBeGreaterThanOrEqual(2);
  });

  it('cloud link down only affects the cloud side', async () => {
    let fired = 0;
    cam.on('cloud-config', () => fired++);
    await postFaults(fleet.controlUrl, cam.serial, { cloudLink: 'down' });
    expect(cam.cloudLinkUp).toBe(false);
    expect(fired).toBe(1);
    expect((await client(cam).get('/ISAPI/System/deviceInfo')).status).toBe(200);
    await postFaults(fleet.controlUrl, cam.serial, { cloudLink: 'up' });
    expect(cam.cloudLinkUp).toBe(true);
  });

  it('LAN down refuses, LAN blackhole times out, the cloud path keeps working', async () => {
    const url = `http://${cam.host}:${cam.httpPort}/SDK/activateStatus`;
    await postFaults(fleet.controlUrl, cam.serial, { lan: 'down' });
    await expect(rawRequest(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await cam.handleIsapi({ method: 'GET', path: '/ISAPI/System/deviceInfo', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' })).status).toBe(200);
    await postFaults(fleet.controlUrl, cam.serial, { lan: 'blackhole' });
    await expect(rawRequest(url, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await postFaults(fleet.controlUrl, cam.serial, { lan: 'up' });
    expect((await rawRequest(url)).status).toBe(200);
  });

  it('added latency makes a client with a shorter timeout give up; connection resets reset', async () => {
    // Behaviour, not a stopwatch: a device slower than the caller's timeout is a timeout.
    await postFaults(fleet.controlUrl, cam.serial, { latencyMs: 5000 });
    await expect(rawRequest(`http://${cam.host}:${cam.httpPort}/SDK/activateStatus`, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await postFaults(fleet.controlUrl, cam.serial, { latencyMs: 0 });
    expect((await rawRequest(`http://${cam.host}:${cam.httpPort}/SDK/activateStatus`, { timeoutMs: 3000 })).status).toBe(200);
    await postFaults(fleet.controlUrl, cam.serial, { resetConnections: true });
    await expect(rawRequest(`http://${cam.host}:${cam.httpPort}/SDK/activateStatus`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await postFaults(fleet.controlUrl, cam.serial, { resetConnections: false });
    expect((await rawRequest(`http://${cam.host}:${cam.httpPort}/SDK/activateStatus`)).status).toBe(200);
  });

  it('HDD failure and S.M.A.R.T. warning show in storage and emit status events', async () => {
    const seen = events(nvr);
    const c = client(nvr);
    expect(parseHddList((await c.get('/ISAPI/ContentMgmt/Storage')).body).map((h) => h.status)).toEqual(['ok', 'ok']);
    await postFaults(fleet.controlUrl, nvr.serial, { hdd: 'failed', hddId: 1 });
    await postFaults(fleet.controlUrl, nvr.serial, { hdd: 'smartWarning', hddId: 2 });
    const hdds = parseHddList((await c.get('/ISAPI/ContentMgmt/Storage')).body);
    expect(hdds[0]).toMatchObject({ status: 'error', smartStatus: 'failed', freeSpace: 0 });
    expect(hdds[1]).toMatchObject({ status: 'ok', smartStatus: 'warning' });
    expect(parseSmartStatus((await c.get('/ISAPI/ContentMgmt/Storage/hdd/2/SMARTTest/status')).body).allEvaluation).toBe('warning');
    expect(seen.filter((e) => e.kind === 'hddStatus')).toHaveLength(2);
    await postFaults(fleet.controlUrl, nvr.serial, { hdd: 'ok', hddId: 1 });
  });

  it('video loss on a channel shows in channel status and stops recording there', async () => {
    const seen = events(nvr);
    await postFaults(fleet.controlUrl, nvr.serial, { videoLoss: 3 });
    const chs = parseChannelStatus((await client(nvr).get('/ISAPI/ContentMgmt/InputProxy/channels/status')).body);
    expect(chs).toHaveLength(8);
    expect(chs[2]).toMatchObject({ id: 3, videoLoss: true, chanDetectResult: 'videoloss', recording: false });
    expect(chs[0]).toMatchObject({ videoLoss: false, recording: true });
    expect(seen).toContainEqual(expect.objectContaining({ kind: 'videoLoss', channel: 3, active: true }));
    await postFaults(fleet.controlUrl, nvr.serial, { videoLoss: false });
    expect(parseChannelStatus((await client(nvr).get('/ISAPI/ContentMgmt/InputProxy/channels/status')).body)[2]?.videoLoss).toBe(false);
  });

  it('tamper and low battery on the AX Pro show in host status and emit events', async () => {
    const seen = events(hub);
    await postFaults(fleet.controlUrl, hub.serial, { tamper: true, lowBattery: true });
    const r = await hub.handleIsapi({ method: 'GET', path: '/ISAPI/SecurityCP/status/host?format=json', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
    const host = (JSON.parse(r.body.toString()) as { HostStatus: Record<string, unknown> }).HostStatus;
    expect(host).toMatchObject({ tamperEvident: true, lowBattery: true });
    expect(seen.map((e) => e.kind)).toEqual(expect.arrayContaining(['tamper', 'lowBattery']));
    await postFaults(fleet.controlUrl, hub.serial, { tamper: false, lowBattery: false });
  });

  it('rejects unknown or invalid faults with a typed error', async () => {
    const r = await postFaults(fleet.controlUrl, cam.serial, { melt: true });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await postFaults(fleet.controlUrl, 'NOPE', { power: 'off' })).status).toBe(404);
    expect((await postFaults(fleet.controlUrl, cam.serial, { lowBattery: true })).status).toBe(400);
  });

  it('firmware the platform considers incompatible is reported by deviceInfo', async () => {
    await postFaults(fleet.controlUrl, cam.serial, { firmwareIncompatible: true });
    expect(parseDeviceInfo((await client(cam).get('/ISAPI/System/deviceInfo')).body)).toMatchObject({ firmwareVersion: INCOMPATIBLE_FIRMWARE.version, firmwareReleasedDate: `build ${INCOMPATIBLE_FIRMWARE.build}` });
    await postFaults(fleet.controlUrl, cam.serial, { firmwareIncompatible: false });
    expect(parseDeviceInfo((await client(cam).get('/ISAPI/System/deviceInfo')).body).firmwareVersion).toBe('V5.7.3');
  });

  it('firmware upgrade: wrong model refused, good package progresses, reboots and reports the new version', async () => {
    const c = client(cam);
    const wrong = await c.put('/ISAPI/System/updateFirmware', buildFirmwarePackage({ models: ['DS-7608NI-K2'], version: 'V9.9.9' }), { 'content-type': 'application/octet-stream' });
    expect(parseResponseStatus(wrong.body)?.subStatusCode).toBe('devicePlatformMismatch');
    const garbage = await c.put('/ISAPI/System/updateFirmware', Buffer.from('not firmware'), { 'content-type': 'application/octet-stream' });
    expect(parseResponseStatus(garbage.body)?.subStatusCode).toBe('badUpgradePackage');
    const ok = await c.put('/ISAPI/System/updateFirmware', buildFirmwarePackage({ models: [cam.model], version: 'V5.7.15', build: '240101', payloadSize: 200_000 }), { 'content-type': 'application/octet-stream' });
    expect(parseResponseStatus(ok.body)?.statusCode).toBe(1);
    const percents: number[] = [];
    await eventually(async () => {
      const r = await c.get('/ISAPI/System/upgradeStatus').catch(() => null);
      if (r?.status === 200) percents.push(parseUpgradeStatus(r.body).percent);
      return !cam.powered;
    }, 'the camera rebooting into the new firmware', 5000, 20);
    expect(percents.some((p) => p > 0 && p < 100)).toBe(true);
    await eventually(() => cam.powered && cam.lanReachable, 'the camera back on its LAN address', 5000, 20);
    expect(parseDeviceInfo((await client(cam).get('/ISAPI/System/deviceInfo')).body)).toMatchObject({ firmwareVersion: 'V5.7.15', firmwareReleasedDate: 'build 240101' });
  });

  it('an upgrade failing half-way reports upgradeFailed and keeps the old version', async () => {
    const c = client(nvr);
    const before = nvr.firmwareVersion;
    await postFaults(fleet.controlUrl, nvr.serial, { upgradeFailsAt: 50 });
    const seen = events(nvr);
    await c.put('/ISAPI/System/updateFirmware', buildFirmwarePackage({ models: [nvr.model], version: 'V4.99.0' }), { 'content-type': 'application/octet-stream' });
    await eventually(() => seen.some((e) => e.kind === 'upgradeFailed'), 'an upgradeFailed event', 5000, 20);
    const st = await c.get('/ISAPI/System/upgradeStatus');
    expect(parseResponseStatus(st.body)).toMatchObject({ statusCode: 3, subStatusCode: 'upgradeFailed' });
    expect(nvr.firmwareVersion).toBe(before);
    await postFaults(fleet.controlUrl, nvr.serial, { upgradeFailsAt: null });
  });

  it('factory reset makes the device factory-new again (label code back, cloud off, not activated)', async () => {
    const d = fleet.devices[3] as VirtualDevice;
    const c = client(d);
    await c.put('/ISAPI/System/Network/EZVIZ', '<EZVIZ><enabled>true</enabled><verificationCode>NEWCODE1</verificationCode></EZVIZ>');
    expect(d.verificationCode).toBe('NEWCODE1');
    await postFaults(fleet.controlUrl, d.serial, { factoryReset: true });
    expect(parseActivateStatus((await rawRequest(`http://${d.host}:${d.httpPort}/SDK/activateStatus`)).body)).toBe(false);
    expect(d.cloudEnabled).toBe(false);
    expect(d.verificationCode).toBe(d.state.labelVerificationCode);
    expect(d.adminUser).toBeUndefined();
  });
});

describe('device features over sockets', () => {
  it('cloud service: bad code refused, enable emits cloud-config, registerStatus follows the connector', async () => {
    const c = client(nvr);
    const bad = await c.put('/ISAPI/System/Network/EZVIZ', '<EZVIZ version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><enabled>true</enabled><verificationCode>abc</verificationCode></EZVIZ>');
    expect(parseResponseStatus(bad.body)).toMatchObject({ subStatusCode: 'invalidEZVIZSecretKey', statusCode: 6 });
    let fired = 0;
    nvr.on('cloud-config', () => fired++);
    const r = await c.put('/ISAPI/System/Network/EZVIZ', '<EZVIZ><enabled>true</enabled><verificationCode>QWERTY</verificationCode></EZVIZ>');
    expect(parseResponseStatus(r.body)?.statusCode).toBe(1);
    expect(fired).toBe(1);
    expect(nvr.verificationCode).toBe('QWERTY');
    expect(parseEzviz((await c.get('/ISAPI/System/Network/EZVIZ')).body)).toMatchObject({ enabled: true, registerStatus: false });
    nvr.setCloudRegistered(true);
    expect(parseEzviz((await c.get('/ISAPI/System/Network/EZVIZ')).body)).toMatchObject({ enabled: true, registerStatus: true });
    await postFaults(fleet.controlUrl, nvr.serial, { cloudLink: 'down' });
    expect(parseEzviz((await c.get('/ISAPI/System/Network/EZVIZ')).body).registerStatus).toBe(false);
    await postFaults(fleet.controlUrl, nvr.serial, { cloudLink: 'up' });
  });

  it('DHCP: the NVR asks for a reboot, the setting sticks', async () => {
    const c = client(nvr);
    const r = await c.put('/ISAPI/System/Network/interfaces/1/ipAddress', '<IPAddress><ipVersion>v4</ipVersion><addressingType>dynamic</addressingType></IPAddress>');
    expect(r.status).toBe(200);
    expect(parseResponseStatus(r.body)).toMatchObject({ statusCode: 7, subStatusCode: 'rebootRequired' });
    expect(parseIpAddress((await c.get('/ISAPI/System/Network/interfaces/1/ipAddress')).body).addressingType).toBe('dynamic');
  });

  it('users: list, add (loginPassword required, policy applied), modify, delete', async () => {
    const c = client(nvr);
    const admin = nvr.adminUser;
    expect(parseUserList((await c.get('/ISAPI/Security/users')).body)).toEqual([{ id: 1, userName: 'admin', userLevel: 'Administrator' }]);
    const noLogin = await c.post('/ISAPI/Security/users', userXml({ userName: 'op1', password: 'Operat0r!', userLevel: 'Operator', loginPassword: 'nope' }));
    expect(parseResponseStatus(noLogin.body)?.subStatusCode).toBe('loginPasswordError');
    const risky = await c.post('/ISAPI/Security/users', userXml({ userName: 'op1', password: 'op1op1op1', userLevel: 'Operator', loginPassword: admin?.password ?? '' }));
    expect(parseResponseStatus(risky.body)?.subStatusCode).toBe('riskPassword');
    const add = await c.post('/ISAPI/Security/users', userXml({ userName: 'op1', password: 'Operat0r!', userLevel: 'Operator', loginPassword: admin?.password ?? '' }));
    expect(parseResponseStatus(add.body)).toMatchObject({ statusCode: 1, id: 2 });
    const mod = await c.put('/ISAPI/Security/users/2', userXml({ id: 2, userLevel: 'Viewer', loginPassword: admin?.password ?? '' }));
    expect(parseResponseStatus(mod.body)?.statusCode).toBe(1);
    expect(parseUserList((await c.get('/ISAPI/Security/users')).body)[1]).toEqual({ id: 2, userName: 'op1', userLevel: 'Viewer' });
    // One administrator: the admin (never another promoted, never the admin demoted or deleted).
    const promote = await c.put('/ISAPI/Security/users/2', userXml({ id: 2, userLevel: 'Administrator', loginPassword: admin?.password ?? '' }));
    expect(parseResponseStatus(promote.body)?.subStatusCode).toBe('invalidOperation');
    const demote = await c.put('/ISAPI/Security/users/1', userXml({ id: 1, userLevel: 'Viewer', loginPassword: admin?.password ?? '' }));
    expect(parseResponseStatus(demote.body)?.subStatusCode).toBe('invalidOperation');
    const dup = await c.post('/ISAPI/Security/users', userXml({ userName: 'op1', password: 'Operat0r!2', userLevel: 'Viewer', loginPassword: admin?.password ?? '' }));
    expect(parseResponseStatus(dup.body)?.subStatusCode).toBe('userAlreadyExist');
    const op = new DigestClient(`http://${nvr.host}:${nvr.httpPort}`, 'op1', 'Operat0r!');
    expect(parseResponseStatus((await op.get('/ISAPI/Security/users')).body)?.subStatusCode).toBe('invalidOperation');
    const del = await c.delete(`/ISAPI/Security/users/2?loginPassword=${encodeURIComponent(admin?.password ?? '')}`);
    expect(parseResponseStatus(del.body)?.statusCode).toBe(1);
    expect(parseUserList((await c.get('/ISAPI/Security/users')).body)).toHaveLength(1);
    const delAdmin = await c.delete(`/ISAPI/Security/users/1?loginPassword=${encodeURIComponent(admin?.password ?? '')}`);
    expect(parseResponseStatus(delAdmin.body)?.subStatusCode).toBe('invalidOperation');
  });

  it('AX Pro: session login as real panels, zones with status, arm/disarm and alarms, JSON users', async () => {
    const base = `http://${hub.host}:${hub.httpPort}`;
    const admin = hub.adminUser;
    if (!admin) throw new Error('no admin');
    const capRes = await rawRequest(`${base}/ISAPI/Security/sessionLogin/capabilities?username=${admin.userName}`);
    const cap = parseSessionLoginCap(capRes.body);
    const password = sessionLoginHash({ userName: admin.userName, password: admin.password, salt: cap.salt, salt2: cap.salt2, challenge: cap.challenge, iterations: cap.iterations });
    const login = await rawRequest(`${base}/ISAPI/Security/sessionLogin?timeStamp=${Date.now()}`, { method: 'POST', body: sessionLoginXml({ sessionID: cap.sessionID, password, userName: admin.userName }) });
    expect(login.status).toBe(200);
    const cookie = (login.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^WebSession_[0-9a-f]+=/);
    const get = (p: string) => rawRequest(base + p, { headers: { cookie } });
    const zones = JSON.parse((await get('/ISAPI/SecurityCP/status/zones?format=json')).text) as { ZoneList: { Zone: Record<string, unknown> }[] };
    expect(zones.ZoneList).toHaveLength(4);
    expect(zones.ZoneList[0]?.Zone).toMatchObject({ id: 0, status: 'online', magnetOpenStatus: false, bypassed: false });
    const seen = events(hub);
    expect((await rawRequest(`${base}/ISAPI/SecurityCP/control/arm/1?ways=away&format=json`, { method: 'PUT', headers: { cookie } })).status).toBe(200);
    await postFaults(fleet.controlUrl, hub.serial, { zone: { id: 0, status: 'open' } });
    expect(seen).toContainEqual(expect.objectContaining({ kind: 'alarm', zoneId: 0 }));
    const z0 = (JSON.parse((await get('/ISAPI/SecurityCP/status/zones?format=json')).text) as typeof zones).ZoneList[0]?.Zone;
    expect(z0).toMatchObject({ status: 'trigger', magnetOpenStatus: true, armed: true, alarm: true });
    await rawRequest(`${base}/ISAPI/SecurityCP/control/disarm/1?format=json`, { method: 'PUT', headers: { cookie } });
    await postFaults(fleet.controlUrl, hub.serial, { zone: { id: 1, status: 'bypass' } });
    const z1 = (JSON.parse((await get('/ISAPI/SecurityCP/status/zones?format=json')).text) as typeof zones).ZoneList[1]?.Zone;
    expect(z1).toMatchObject({ bypassed: true });
    // AX Pro accounts: installer / administrator / operator.
    const add = await rawRequest(`${base}/ISAPI/Security/users?format=json`, { method: 'POST', headers: { cookie }, body: JSON.stringify({ User: { userName: 'installer1', password: 'Inst4ller!', userLevel: 'installer', loginPassword: admin.password } }) });
    expect(JSON.parse(add.text)).toMatchObject({ statusCode: 1 });
    const users = JSON.parse((await get('/ISAPI/Security/users?format=json')).text) as { UserList: { User: { userLevel: string } }[] };
    expect(users.UserList.map((u) => u.User.userLevel)).toEqual(['administrator', 'installer']);
    // A wrong session hash counts as a failed login.
    const cap2 = parseSessionLoginCap((await rawRequest(`${base}/ISAPI/Security/sessionLogin/capabilities?username=admin`)).body);
    const bad = await rawRequest(`${base}/ISAPI/Security/sessionLogin`, { method: 'POST', body: sessionLoginXml({ sessionID: cap2.sessionID, password: 'f'.repeat(64), userName: 'admin' }) });
    expect(bad.status).toBe(401);
    expect(bad.text).toContain('<retryLoginTime>');
  });
});
