/**
 * Remote configuration of video channel names and the recording overwrite setting (issue 16),
 * against the emulator over real sockets: round trips (read → change → read back, checked in the
 * emulated device's own state) on a camera over the device cloud and on an NVR directly, each
 * change audited with old and new values; an unknown channel and bad names refused with nothing
 * written; a camera without a memory card answers overwrite as not applicable (typed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { parseStorage } from '../../src/protocol/isapi/models';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { addCloudDeviceWithAdmin, insertFleetDevice, startFleetFor } from '../helpers/fleet';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;

beforeAll(async () => {
  p = await startTestPlatform();
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company)).id;
  fleet = await startFleetFor(p, [{ type: 'camera' }, { type: 'nvr', cloudEnabled: false }, { type: 'camera', sdCard: false, cloudEnabled: false }]);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

const audits = async (id: string) =>
  p.app.platform.database.db.selectFrom('audit_log').select(['outcome', 'details']).where('target_id', '=', id).where('action', '=', 'device.config.update').orderBy('id').execute();

/** What the device's own storage document says about overwrite (the one the health snapshot reads). */
async function storageOverwrite(d: VirtualDevice): Promise<boolean | undefined> {
  const res = await d.handleIsapi({ method: 'GET', path: '/ISAPI/ContentMgmt/Storage', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
  return parseStorage(res.body).overwrite;
}

/** Overwrite on → off → read back, on the device and in its storage document; returns nothing, audits are checked by the caller. */
async function overwriteRoundTrip(d: VirtualDevice, id: string, disks: number): Promise<void> {
  const admin = company.admin;
  const before = await admin.get(`/api/devices/${id}/config/recording`);
  expect(before.status).toBe(200);
  expect(before.body).toEqual({ applicable: true, overwrite: true, disks });
  const put = await admin.put(`/api/devices/${id}/config/recording`, { overwrite: false });
  expect(put.status).toBe(200);
  expect(put.body).toEqual({ applicable: true, overwrite: false, disks });
  expect(d.state.overwrite).toBe(false);
  expect(await storageOverwrite(d)).toBe(false);
  expect((await admin.get(`/api/devices/${id}/config/recording`)).body).toEqual({ applicable: true, overwrite: false, disks });
}

describe('a camera over the device cloud', () => {
  let cam: VirtualDevice;
  let id: string;

  beforeAll(async () => {
    cam = fleet.devices[0]!;
    id = await addCloudDeviceWithAdmin(p, fleet, { companyId: company.companyId, siteId }, cam, company.admin);
  });

  it('channel name and recording overwrite round trip, each change audited with old and new values', async () => {
    const admin = company.admin;
    const before = await admin.get(`/api/devices/${id}/config/channels`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ channels: [{ id: 1, name: cam.state.channels[0]!.name, source: 'video_input' }] });
    const oldName = cam.state.channels[0]!.name;

    const put = await admin.put(`/api/devices/${id}/config/channels/1`, { name: 'Front door' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ id: 1, name: 'Front door', source: 'video_input' });
    expect(cam.state.channels[0]!.name).toBe('Front door');
    expect((await admin.get(`/api/devices/${id}/config/channels`)).body.channels).toEqual([{ id: 1, name: 'Front door', source: 'video_input' }]);

    await overwriteRoundTrip(cam, id, 1);

    const rows = await audits(id);
    expect(rows.map((r) => r.outcome)).toEqual(['success', 'success']);
    expect(rows.map((r) => r.details)).toEqual([
      expect.objectContaining({ area: 'channels', old: { channelId: 1, source: 'video_input', name: oldName }, new: { channelId: 1, source: 'video_input', name: 'Front door' } }),
      expect.objectContaining({ area: 'recording', old: { overwrite: true }, new: { overwrite: false } }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(fleet.describe(cam).adminPassword);
  });
});

describe('an NVR reached directly', () => {
  let nvr: VirtualDevice;
  let id: string;

  beforeAll(async () => {
    nvr = fleet.devices[1]!;
    id = await insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, nvr, 'direct');
  });

  it('IP channel names and recording overwrite round trip, audited', async () => {
    const admin = company.admin;
    const before = await admin.get(`/api/devices/${id}/config/channels`);
    expect(before.status).toBe(200);
    expect(before.body.channels).toEqual(nvr.state.channels.map((c) => ({ id: c.id, name: c.name, source: 'ip_channel' })));
    const oldName = nvr.state.channels[2]!.name;

    const put = await admin.put(`/api/devices/${id}/config/channels/3`, { name: 'Back yard' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ id: 3, name: 'Back yard', source: 'ip_channel' });
    expect(nvr.state.channels.map((c) => c.name)).toEqual(before.body.channels.map((c: { id: number; name: string }) => (c.id === 3 ? 'Back yard' : c.name)));
    expect((await admin.get(`/api/devices/${id}/config/channels`)).body.channels[2]).toEqual({ id: 3, name: 'Back yard', source: 'ip_channel' });

    await overwriteRoundTrip(nvr, id, nvr.state.hdds.length);

    const rows = await audits(id);
    expect(rows.map((r) => r.details)).toEqual([
      expect.objectContaining({ area: 'channels', old: { channelId: 3, source: 'ip_channel', name: oldName }, new: { channelId: 3, source: 'ip_channel', name: 'Back yard' } }),
      expect.objectContaining({ area: 'recording', old: { overwrite: true }, new: { overwrite: false } }),
    ]);
  });

  it('an unknown channel and bad names are refused with nothing written', async () => {
    const admin = company.admin;
    const names = nvr.state.channels.map((c) => c.name);
    const overwrite = nvr.state.overwrite;
    const rowsBefore = (await audits(id)).length;

    const unknown = await admin.put(`/api/devices/${id}/config/channels/99`, { name: 'Nowhere' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'DEVICE_CHANNEL_NOT_FOUND', details: { channelId: 99 } });

    for (const name of ['', 'x'.repeat(33), 'a<b', 'Tom & Jerry', 'say "hi"', ' Gate', 'Gate\n2']) {
      const bad = await admin.put(`/api/devices/${id}/config/channels/1`, { name });
      expect(bad.status, JSON.stringify(name)).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
    const extra = await admin.put(`/api/devices/${id}/config/channels/1`, { name: 'Gate', password: 'x' });
    expect(extra.status).toBe(400);
    const notBool = await admin.put(`/api/devices/${id}/config/recording`, { overwrite: 'sometimes' });
    expect(notBool.status).toBe(400);

    expect(nvr.state.channels.map((c) => c.name)).toEqual(names);
    expect(nvr.state.overwrite).toBe(overwrite);
    expect((await audits(id)).length).toBe(rowsBefore);
  });
});

describe('a camera without a memory card', () => {
  it('answers overwrite as not applicable, and refuses a change with a typed error', async () => {
    const cam = fleet.devices[2]!;
    const id = await insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, cam, 'direct');
    const r = await company.admin.get(`/api/devices/${id}/config/recording`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ applicable: false, overwrite: null, disks: 0 });
    const put = await company.admin.put(`/api/devices/${id}/config/recording`, { overwrite: false });
    expect(put.status).toBe(409);
    expect(put.body.error.code).toBe('RECORDING_OVERWRITE_NOT_APPLICABLE');
    expect(cam.state.overwrite).toBe(true);
    expect(await audits(id)).toEqual([]);
  });
});
