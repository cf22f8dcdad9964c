/**
 * Firmware campaigns over the device cloud and through a site agent (issue 16; the direct transport
 * is test/e2e/firmware-campaign.test.ts): a 3 MiB package — far over any per-message size a
 * chunked upload would use, small enough for CI — sent through the MQTT tunnel to a cloud device and
 * to a LAN device behind the platform's (embedded) site agent, the new version read back from both.
 * And the transports' own cap (one tunnel message per request, MAX_TUNNEL_BODY_BYTES): a package
 * over it is refused per device when a campaign is created, and a device whose run meets it fails
 * at once with the limit — without 64 MiB ever being sent (the checks read the package's size).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet } from '../../src/emulator';
import { buildFirmwarePackage } from '../../src/protocol/isapi/firmware-package';
import { MAX_TUNNEL_BODY_BYTES } from '../../src/protocol/tunnel/envelope';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, insertFleetDevice, startFleetFor } from '../helpers/fleet';
import { bindCloudDevice } from '../helpers/cloud-binding';
import type { ApiClient } from '../helpers/api';

const MODEL = 'DS-2CD2143G2-I';
const MIB = 1024 * 1024;

let p: TestPlatform;
let company: TestCompany;
let admin: ApiClient;
let fleet: Fleet;
let siteId: string;
const ids = { cloud: '', agent: '', direct: '' };

function multipart(content: Buffer): { payload: Buffer; contentType: string } {
  const boundary = `----sk${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="package"; filename="fw.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(content: Buffer): Promise<string> {
  const m = multipart(content);
  const r = await admin.request('POST', '/api/firmware/packages', m.payload, { 'content-type': m.contentType });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

beforeAll(async () => {
  p = await startTestPlatform({
    config: {
      firmwareMaxBytes: 8 * MIB, firmwareSiteConcurrency: 3, firmwarePaceSeconds: 0, firmwarePollMs: 100, firmwareLeaseSeconds: 15, firmwareRebootTimeoutSeconds: 20,
      // Health polls read firmware versions too: kept out of the way (this is about the campaign's own read-back).
      healthPollSeconds: 3600,
    },
  });
  company = await setupCompany(p.app, p.setupToken);
  admin = company.admin;
  siteId = (await buildSite(company)).id;
  fleet = await startFleetFor(p, [{ type: 'camera', model: MODEL }, { type: 'camera', model: MODEL, cloudEnabled: false }, { type: 'camera', model: MODEL, cloudEnabled: false }], { upgradeMs: 400, rebootMs: 200 });
  const [cloud, lan, direct] = fleet.devices;
  await bindCloudDevice(p.app.platform.gateway, cloud!.serial, fleet.describe(cloud!).verificationCode);
  const at = { companyId: company.companyId, siteId };
  ids.cloud = await insertFleetDevice(p, fleet, at, cloud!, 'cloud');
  ids.agent = await insertFleetDevice(p, fleet, at, lan!, 'agent');
  ids.direct = await insertFleetDevice(p, fleet, at, direct!, 'direct');
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

const campaignDone = (id: string) =>
  eventually(async () => {
    const v = await admin.get(`/api/firmware/campaigns/${id}`);
    return v.body.done ? (v.body as { counts: Record<string, number>; devices: Array<{ deviceId: string; state: string; firmwareVersion: string; attempts: number; reason: { code: string; message: string } | null }> }) : undefined;
  }, `campaign ${id} done`, 60_000);

describe('firmware campaigns over the device cloud and a site agent', () => {
  it('upgrades a cloud device and a device behind the site agent with a 3 MiB package: the new version read back from each', async () => {
    const content = buildFirmwarePackage({ models: [MODEL], version: 'V5.9.1', build: '261205', payload: randomBytes(3 * MIB) });
    const packageId = await upload(content);
    const c = await admin.post('/api/firmware/campaigns', { packageId, deviceIds: [ids.cloud, ids.agent] });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const done = await campaignDone(c.body.id as string);
    expect(done.counts, JSON.stringify(done.devices)).toEqual({ succeeded: 2 });
    for (const d of done.devices) expect(d).toMatchObject({ state: 'succeeded', firmwareVersion: 'V5.9.1', reason: null });
    // Read back from the devices themselves, and stored on their rows.
    expect(fleet.devices.slice(0, 2).map((d) => d.firmwareVersion)).toEqual(['V5.9.1', 'V5.9.1']);
    expect(fleet.devices[2]!.firmwareVersion).not.toBe('V5.9.1');
    const rows = await p.app.platform.database.db.selectFrom('devices').select(['id', 'firmware_version']).where('id', 'in', [ids.cloud, ids.agent]).execute();
    expect(rows.map((r) => r.firmware_version)).toEqual(['V5.9.1', 'V5.9.1']);
  }, 90_000);

  it('a package over the tunnels\' cap: refused per device at creation (cloud and agent, not direct); a run that meets it fails at once with the limit', async () => {
    const packageId = await upload(buildFirmwarePackage({ models: [MODEL], version: 'V5.9.2', build: '261206', payloadSize: 1024 }));
    // The checks read the package's size, never its bytes: this one says it is one byte over the cap.
    const oversize = MAX_TUNNEL_BODY_BYTES + 1;
    await p.app.platform.database.db.updateTable('firmware_packages').set({ size: oversize }).where('id', '=', packageId).execute();
    const versionsBefore = fleet.devices.map((d) => d.firmwareVersion);
    // The cloud device rebooted into its new firmware just before: its row says online again once
    // the gateway's presence batch is written (a campaign refuses a device whose row says offline).
    await eventually(async () => (await admin.get(`/api/devices/${ids.cloud}`)).body.status === 'online', 'the cloud device\'s row online again', 15_000);

    const r = await admin.post('/api/firmware/campaigns', { packageId, deviceIds: [ids.cloud, ids.agent, ids.direct] });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('FIRMWARE_CAMPAIGN_REFUSED');
    expect(r.body.error.details.devices, JSON.stringify(r.body.error.details.devices)).toEqual(
      (['cloud', 'agent'] as const).map((transport) => ({
        deviceId: ids[transport],
        code: 'FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT',
        message: expect.stringContaining(`(${MAX_TUNNEL_BODY_BYTES / MIB} MiB)`),
        details: { transport, maxBytes: MAX_TUNNEL_BODY_BYTES, packageBytes: oversize },
      })),
    );
    expect(await p.app.platform.database.db.selectFrom('firmware_campaigns').select('id').where('package_id', '=', packageId).execute()).toEqual([]);

    // A campaign already holding such a device (created before its transport changed, or before
    // this check existed): its run fails it on the first attempt, before anything is sent.
    const campaignId = crypto.randomUUID();
    await p.app.platform.uow.tx((tx) => tx.firmware.createCampaign({ id: campaignId, companyId: company.companyId, packageId, createdBy: company.adminId }, [{ deviceId: ids.agent, siteId, fromVersion: 'V5.9.1' }]));
    // The sweep (ONBOARDING_RETRY_SECONDS) queues it.
    const done = await campaignDone(campaignId);
    expect(done.devices).toEqual([expect.objectContaining({ state: 'failed', attempts: 1, reason: { code: 'FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT', message: expect.stringContaining('the site agent carries') } })]);
    expect(fleet.devices.map((d) => d.firmwareVersion)).toEqual(versionsBefore);
  }, 60_000);
});
