/**
 * The firmware verdict enforced (issue 16) against the emulator over real sockets: the verdict is
 * stored on the device row from the version a poll (direct) or the device cloud (tunnel) reads;
 * firmware the catalogue refuses blocks health monitoring with FIRMWARE_INCOMPATIBLE and the version
 * to upgrade to (a state on the device page, not an error); changing the emulator's firmware back
 * restores it with no other action. A row computed with an older catalogue is re-checked at start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, insertFleetDevice, startFleetFor } from '../helpers/fleet';
import { bindCloudDevice } from '../helpers/cloud-binding';
import { FirmwareVerdictService } from '../../src/server/devices/firmware-verdict.service';
import { CATALOGUE } from '../../src/server/devices/firmware-catalogue';
import type { UnitOfWork } from '../../src/server/db/unit-of-work';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;

beforeAll(async () => {
  p = await startTestPlatform({ config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 4 } });
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company)).id;
  fleet = await startFleetFor(p, [{ type: 'nvr', cloudEnabled: false }, { type: 'camera' }]);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

/** A device row as an old release left it: no firmware version or verdict yet. */
const insertDevice = (d: VirtualDevice, via: 'direct' | 'cloud') => insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, d, via, { firmwareCompatible: null });

interface DeviceBody { firmwareVersion: string; firmwareCompatible: boolean | null; firmwareVerdict: { compatible: boolean; upgradeTo: string | null; reason: string | null; catalogueVersion: string; features: Array<{ feature: string; compatible: boolean }> } | null }
const device = async (id: string) => (await company.admin.get(`/api/devices/${id}`)).body as DeviceBody;
const waitDevice = (id: string, what: string, ok: (d: DeviceBody) => boolean) =>
  eventually(async () => {
    const d = await device(id);
    return ok(d) ? d : undefined;
  }, what);

async function blockedThenRestored(d: VirtualDevice, id: string): Promise<void> {
  const original = d.firmwareVersion;
  const first = await waitDevice(id, 'verdict from the first poll', (x) => x.firmwareVersion === original && x.firmwareVerdict !== null);
  expect(first.firmwareVerdict).toMatchObject({ compatible: true, upgradeTo: null, catalogueVersion: CATALOGUE.version });
  await eventually(async () => (await company.admin.get(`/api/devices/${id}/health`)).body.snapshot != null, 'health collected');

  await fleet.applyFaults(d.serial, { firmwareIncompatible: true });
  const blocked = await waitDevice(id, 'incompatible verdict', (x) => x.firmwareVerdict?.compatible === false);
  expect(blocked.firmwareVersion).toBe('V1.0.0');
  expect(blocked.firmwareCompatible).toBe(false);
  expect(blocked.firmwareVerdict!.upgradeTo).toMatch(/^V\d/);
  expect(blocked.firmwareVerdict!.reason).toContain('V1.0.0');
  expect(blocked.firmwareVerdict!.features.find((f) => f.feature === 'health_monitoring')).toMatchObject({ compatible: false });
  const h = await company.admin.get(`/api/devices/${id}/health`);
  expect(h.status).toBe(409);
  expect(h.body.error).toMatchObject({ code: 'FIRMWARE_INCOMPATIBLE', details: { feature: 'health_monitoring', upgradeTo: blocked.firmwareVerdict!.upgradeTo } });
  expect(h.body.error.hint).toContain(blocked.firmwareVerdict!.upgradeTo!);
  const events = await p.app.platform.database.db.selectFrom('domain_events').select('payload').where('type', '=', 'device.firmware_changed').execute();
  expect(events.some((e) => (e.payload as { deviceId: string; new: string }).deviceId === id && (e.payload as { new: string }).new === 'V1.0.0')).toBe(true);

  // "Upgrade": the device reports a compatible firmware again; nothing else is done.
  const upgradedAt = Date.now();
  await fleet.applyFaults(d.serial, { firmwareIncompatible: false });
  await waitDevice(id, 'compatible again', (x) => x.firmwareVersion === original && x.firmwareVerdict?.compatible === true);
  await eventually(async () => {
    const r = await company.admin.get(`/api/devices/${id}/health`);
    return r.status === 200 && r.body.collectedAt && new Date(r.body.collectedAt as string).getTime() >= upgradedAt - 1000;
  }, 'health collected again after the upgrade');
}

describe('firmware verdict', () => {
  it('direct NVR: incompatible firmware blocks health monitoring; upgrading restores it', async () => {
    const nvr = fleet.devices[0]!;
    await blockedThenRestored(nvr, await insertDevice(nvr, 'direct'));
  });

  it('cloud camera: the same over the device cloud', async () => {
    const cam = fleet.devices[1]!;
    await eventually(() => p.inDeviceCloud(cam.serial), 'camera in the device cloud');
    await bindCloudDevice(p.app.platform.gateway, cam.serial, fleet.describe(cam).verificationCode);
    await blockedThenRestored(cam, await insertDevice(cam, 'cloud'));
  });

  it('switching monitoring on is refused while the firmware is incompatible', async () => {
    const nvr = fleet.devices[0]!;
    const id = (await p.app.platform.database.db.selectFrom('devices').select('id').where('serial', '=', nvr.serial).executeTakeFirstOrThrow()).id;
    expect((await company.admin.put(`/api/devices/${id}/health-monitoring`, { enabled: false })).status).toBe(200);
    await fleet.applyFaults(nvr.serial, { firmwareIncompatible: true });
    // Monitoring off: only status polls, which still read the version.
    await waitDevice(id, 'incompatible verdict', (x) => x.firmwareVerdict?.compatible === false);
    const on = await company.admin.put(`/api/devices/${id}/health-monitoring`, { enabled: true });
    expect(on.status).toBe(409);
    expect(on.body.error.code).toBe('FIRMWARE_INCOMPATIBLE');
    await fleet.applyFaults(nvr.serial, { firmwareIncompatible: false });
    await waitDevice(id, 'compatible again', (x) => x.firmwareVerdict?.compatible === true);
    expect((await company.admin.put(`/api/devices/${id}/health-monitoring`, { enabled: true })).status).toBe(200);
  });

  it('a verdict from an older catalogue version is re-checked (as at start-up)', async () => {
    const nvr = fleet.devices[0]!;
    const db = p.app.platform.database.db;
    await db.updateTable('devices').set({ firmware_catalogue: '2000.1.1', firmware_verdict: null }).where('serial', '=', nvr.serial).execute();
    const n = await new FirmwareVerdictService(p.app.platform.uow).recheckStale();
    expect(n).toBeGreaterThanOrEqual(1);
    const row = await db.selectFrom('devices').select(['firmware_catalogue', 'firmware_verdict']).where('serial', '=', nvr.serial).executeTakeFirstOrThrow();
    expect(row.firmware_catalogue).toBe(CATALOGUE.version);
    expect(row.firmware_verdict).toMatchObject({ compatible: true, catalogueVersion: CATALOGUE.version });
    expect(await new FirmwareVerdictService(p.app.platform.uow).recheckStale()).toBe(0);
  });

  it('the start-up re-check never writes back a version an upgrade stored after it read the row', async () => {
    const nvr = fleet.devices[0]!;
    const db = p.app.platform.database.db;
    const before = await db.selectFrom('devices').select(['id', 'firmware_version']).where('serial', '=', nvr.serial).executeTakeFirstOrThrow();
    await db.updateTable('devices').set({ firmware_catalogue: null }).where('id', '=', before.id).execute();
    const uow = p.app.platform.uow;
    const devices = uow.read.devices;
    // The re-check reads its batch; an upgrade is read back (and stored) before it writes.
    const racing: UnitOfWork = {
      tx: (fn) => uow.tx(fn),
      read: {
        ...uow.read,
        devices: Object.assign(Object.create(devices) as typeof devices, {
          staleVerdicts: async (...a: Parameters<typeof devices.staleVerdicts>) => {
            const rows = await devices.staleVerdicts(...a);
            if (rows.some((r) => r.id === before.id)) await new FirmwareVerdictService(uow).reported(nvr.serial, 'V9.9.9', 'firmware_upgrade');
            return rows;
          },
        }),
      },
    };
    await new FirmwareVerdictService(racing).recheckStale();
    const after = await db.selectFrom('devices').select(['firmware_version', 'firmware_catalogue']).where('id', '=', before.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ firmware_version: 'V9.9.9', firmware_catalogue: CATALOGUE.version });
    await new FirmwareVerdictService(uow).reported(nvr.serial, before.firmware_version, 'firmware_upgrade');
  });
});
