/**
 * Health monitoring against the emulator over real sockets (issue 15): the poller reads direct,
 * cloud and AX Pro devices; an HDD fault shows as fault with its reason; a direct device powered off
 * is offline after the (short) grace period and online again after power on; monitoring off hides
 * health (HEALTH_MONITORING_OFF) and stops collection, on again collects afresh. Each step waits
 * for its explicit outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, insertFleetDevice, startFleetFor } from '../helpers/fleet';
import { bindCloudDevice } from '../helpers/cloud-binding';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;

interface Health {
  state: string;
  reasons: Array<{ code: string; severity: string; subject?: { kind: string; id: number } }>;
  snapshot: { storage: unknown; channels: unknown; alarm: unknown } | null;
  collectedAt: string | null;
  history: Array<{ state: string }>;
}

beforeAll(async () => {
  p = await startTestPlatform({ config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 4 } });
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company)).id;
  fleet = await startFleetFor(p, [
    { type: 'nvr', cloudEnabled: false },
    { type: 'axpro', cloudEnabled: false },
    { type: 'camera' },
  ]);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

/** A device row as onboarding leaves it (direct: address and sealed credentials; cloud: serial). */
const insertDevice = (d: VirtualDevice, via: 'direct' | 'cloud') => insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, d, via);

const health = async (id: string) => company.admin.get(`/api/devices/${id}/health`);
const waitHealth = (id: string, what: string, ok: (h: Health) => boolean) =>
  eventually(async () => {
    const r = await health(id);
    return r.status === 200 && ok(r.body as Health) ? (r.body as Health) : undefined;
  }, what);

describe('health of a direct NVR', () => {
  let nvr: VirtualDevice;
  let id: string;

  beforeAll(async () => {
    nvr = fleet.devices[0]!;
    id = await insertDevice(nvr, 'direct');
  });

  it('is collected over ISAPI and healthy with disks and channels', async () => {
    const h = await waitHealth(id, 'first snapshot', (x) => x.snapshot !== null);
    expect(h.state).toBe('healthy');
    expect(h.snapshot!.storage).toMatchObject({ disks: expect.arrayContaining([expect.objectContaining({ id: 1, status: 'ok' })]) });
    expect(Array.isArray(h.snapshot!.channels)).toBe(true);
  });

  it('an HDD fault shows as fault with its reason, and one device.health_changed event in the outbox', async () => {
    await fleet.applyFaults(nvr.serial, { hdd: 'failed', hddId: 1 });
    const h = await waitHealth(id, 'HDD fault', (x) => x.state === 'fault');
    expect(h.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'hdd_abnormal', severity: 'fault', subject: { kind: 'disk', id: 1 } })]));
    expect(h.history[0]!.state).toBe('fault');
    const events = await p.app.platform.database.db.selectFrom('domain_events').select(['type', 'payload']).where('type', '=', 'device.health_changed').execute();
    const mine = events.filter((e) => (e.payload as { deviceId: string }).deviceId === id && (e.payload as { new: { state: string } }).new.state === 'fault');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload).toMatchObject({ old: { state: 'healthy' }, new: { state: 'fault', reasons: expect.arrayContaining([expect.objectContaining({ code: 'hdd_abnormal' })]) } });
    // The site summary puts it first.
    const site = await company.admin.get(`/api/sites/${siteId}/health`);
    expect(site.status).toBe(200);
    expect(site.body.devices[0]).toMatchObject({ deviceId: id, state: 'fault' });
  });

  it('powered off: offline after the grace period (status and health); powered on: online again', async () => {
    await fleet.applyFaults(nvr.serial, { power: 'off' });
    const off = await waitHealth(id, 'offline after grace', (x) => x.state === 'offline');
    expect(off.reasons[0]!.code).toBe('offline');
    expect((await company.admin.get(`/api/devices/${id}`)).body.status).toBe('offline');
    await fleet.applyFaults(nvr.serial, { power: 'on' });
    const back = await waitHealth(id, 'back online', (x) => x.state !== 'offline' && x.state !== 'unknown');
    expect(back.state).toBe('fault'); // the disk is still failed
    await eventually(async () => (await company.admin.get(`/api/devices/${id}`)).body.status === 'online', 'status online');
  });

  it('monitoring off: health hidden with HEALTH_MONITORING_OFF and not collected; on again: collected afresh', async () => {
    const off = await company.admin.put(`/api/devices/${id}/health-monitoring`, { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ deviceId: id, healthMonitoring: false });
    const r = await health(id);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('HEALTH_MONITORING_OFF');
    // The poller keeps polling the device's status, without collecting health: wait for two such polls.
    const poller = p.app.platform.healthPoller;
    const before = poller.stats(id).polls;
    await eventually(() => poller.stats(id).polls >= before + 2 && poller.stats(id).lastKind === 'status', 'two status-only polls');
    expect(await p.app.platform.database.db.selectFrom('device_health').selectAll().where('device_id', '=', id).execute()).toEqual([]);
    expect((await health(id)).status).toBe(409);
    const site = await company.admin.get(`/api/sites/${siteId}/health`);
    expect(site.body.devices.find((d: { deviceId: string }) => d.deviceId === id)).toMatchObject({ healthMonitoring: false, state: null, reasons: [] });
    const audit = await company.admin.get('/api/audit');
    expect(audit.body.items.some((a: { action: string; targetId: string }) => a.action === 'device.health_monitoring' && a.targetId === id)).toBe(true);

    const switchedOn = Date.now();
    expect((await company.admin.put(`/api/devices/${id}/health-monitoring`, { enabled: true })).status).toBe(200);
    const fresh = await waitHealth(id, 'collected afresh', (x) => x.collectedAt !== null && new Date(x.collectedAt).getTime() >= switchedOn - 1000 && x.state === 'fault');
    expect(fresh.reasons.map((x) => x.code)).toContain('hdd_abnormal');
    // History from before the switch is not shown with the new period.
    expect(fresh.history.every((e) => e.state !== 'offline')).toBe(true);
    await fleet.applyFaults(nvr.serial, { hdd: 'ok', hddId: 1 });
    await waitHealth(id, 'healthy again', (x) => x.state === 'healthy');
  });
});

it('an AX Pro hub added directly: zone fault and mains lost are reasons', async () => {
  const hub = fleet.devices[1]!;
  const id = await insertDevice(hub, 'direct');
  await waitHealth(id, 'hub snapshot', (x) => x.snapshot?.alarm != null);
  await fleet.applyFaults(hub.serial, { zone: { id: 1, status: 'fault' }, mains: 'off' });
  const h = await waitHealth(id, 'zone fault', (x) => x.reasons.some((r) => r.code === 'zone_fault'));
  expect(h.state).toBe('fault');
  expect(h.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'zone_fault', subject: { kind: 'zone', id: 1 } }), expect.objectContaining({ code: 'mains_lost', severity: 'warning' })]));
});

it('a cloud device: health collected through the device cloud', async () => {
  const cam = fleet.devices[2]!;
  await eventually(() => p.inDeviceCloud(cam.serial), 'camera in the device cloud');
  // Bound as the add binds it (the device proves its code; the gateway issues its key).
  await bindCloudDevice(p.app.platform.gateway, cam.serial, fleet.describe(cam).verificationCode);
  const id = await insertDevice(cam, 'cloud');
  const h = await waitHealth(id, 'cloud snapshot', (x) => x.snapshot !== null);
  expect(h.snapshot!.channels).not.toBeNull();
  expect(['healthy', 'warning']).toContain(h.state);
});
