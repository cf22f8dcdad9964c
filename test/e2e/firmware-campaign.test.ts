import { request as httpRequest } from 'node:http';
/**
 * Firmware upgrade campaigns end to end (issue 16) against emulated devices over the direct
 * transport: a package uploaded (refused when it does not parse or is too large), campaigns refused
 * per device (health monitoring off, offline, package for another model), live progress over SSE,
 * and a 20-device campaign on two sites — two devices failing on their own (`upgradeFailsAt`) — with
 * the server restarted in the middle on the same database: it ends with 18 devices upgraded (the
 * new version read back from each) and 2 reported failed with the device's reason.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../src/emulator';
import { buildFirmwarePackage } from '../../src/protocol/isapi/firmware-package';
import { readSse, type SseEvent } from '../../src/cli/sse';
import { buildApp } from '../../src/server/app';
import { loadConfig, type Config } from '../../src/server/config';
import type { App } from '../../src/server/http/types';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ApiClient } from '../helpers/api';
import { buildSite, setupCompany, signIn, type TestCompany } from '../helpers/factories';
import { eventually } from '../helpers/wait';

const MODEL = 'DS-2CD2143G2-I';
const CAMPAIGN = 20;
const SSE_DEVICES = 2;
const NEW_VERSION = 'V5.8.0';

let db: TestDatabase | undefined;
/** The embedded database's directory (kept across the restart), when not on DATABASE_URL. */
let dataDir: string | undefined;
let fleet: Fleet | undefined;
let app: App | undefined;
let config: Readonly<Config>;
let company: TestCompany;
let admin: ApiClient;
const sites: string[] = [];

async function start(): Promise<App> {
  const a = await buildApp(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  await a.listen({ host: '127.0.0.1', port: 0 });
  return a;
}

function multipart(field: string, fileName: string, content: Buffer): { payload: Buffer; contentType: string } {
  const boundary = `----sk${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(client: ApiClient, content: Buffer, field = 'package') {
  const m = multipart(field, 'fw.bin', content);
  return client.request('POST', '/api/firmware/packages', m.payload, { 'content-type': m.contentType });
}

async function addDevice(siteId: string, i: number, opts: { healthMonitoring?: boolean; status?: string } = {}): Promise<string> {
  const d = fleet!.devices[i]!;
  const x = fleet!.describe(d);
  const r = await app!.platform.database.db
    .insertInto('devices')
    .values({
      company_id: company.companyId, site_id: siteId, serial: x.serial, name: `cam-${i}`, type: x.type, model: x.model, added_via: 'direct', host: x.host, port: x.httpPort,
      credentials_sealed: app!.platform.secrets.seal(JSON.stringify({ user: x.adminUser, password: x.adminPassword }), `device:${x.serial}`),
      verification_code_sealed: null, added_by: null, firmware_compatible: true, firmware_version: d.firmwareVersion, status: opts.status ?? 'online', health_monitoring: opts.healthMonitoring ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  if (!db.url) dataDir = await mkdtemp(path.join(os.tmpdir(), 'sk-fw-'));
  const specs = [
    ...Array.from({ length: CAMPAIGN + SSE_DEVICES + 2 }, () => ({ type: 'camera' as const, model: MODEL })),
    { type: 'nvr' as const, model: 'DS-7608NI-K2' },
  ];
  fleet = await startFleet({ count: specs.length, specs, sadpPort: false, mix: false, device: { rebootMs: 200, upgradeMs: 400 } });
  config = Object.freeze({
    ...loadConfig({
      DATA_DIR: dataDir ?? 'memory://',
      ...(db.url ? { DATABASE_URL: db.url } : {}),
      EMBEDDED_PG_PORT: '0',
      ...(process.env.MQTT_URL ? { MQTT_URL: process.env.MQTT_URL } : {}),
      SECRET_KEY: randomBytes(32).toString('hex'),
      EMBEDDED_MQTT_PORT: '0',
      MQTT_TOPIC_PREFIX: `sk-fw-${randomBytes(4).toString('hex')}/`,
      LOG_LEVEL: 'silent',
      DEMO_FLEET: 'false',
      SADP_TARGETS: 'none',
      DEVICE_TIMEOUT_MS: '2000',
      DEVICE_ALLOWED_RANGES: '127.0.0.0/8,::1/128',
      ONBOARDING_RETRY_SECONDS: '1',
      FIRMWARE_MAX_BYTES: '65536',
      FIRMWARE_SITE_CONCURRENCY: '4',
      FIRMWARE_PACE_SECONDS: '0',
      FIRMWARE_LEASE_SECONDS: '15',
      FIRMWARE_POLL_MS: '100',
      FIRMWARE_REBOOT_TIMEOUT_SECONDS: '20',
      PROGRESS_POLL_MS: '100',
      // Health polls read firmware versions too: kept out of the way (this is about the campaign's own read-back).
      HEALTH_POLL_SECONDS: '3600',
    }),
  });
  app = await start();
  company = await setupCompany(app, (await app.platform.auth.issueSetupToken()) ?? '');
  admin = company.admin;
  sites.push((await buildSite(company)).id, (await buildSite(company)).id);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await fleet?.close();
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const pkg = () => buildFirmwarePackage({ models: [MODEL], version: NEW_VERSION, build: '261204', payloadSize: 512 });

describe('firmware packages and campaigns', () => {
  let packageId: string;

  it('uploads a package once by its hash; refuses one that does not parse, is too large, or comes in another field', async () => {
    const first = await upload(admin, pkg());
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ models: [MODEL], version: NEW_VERSION, created: true, size: pkg().length });
    const again = await upload(admin, pkg());
    expect(again.body).toMatchObject({ id: first.body.id, created: false });
    packageId = first.body.id;

    const corrupt = pkg();
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    expect((await upload(admin, corrupt)).body.error.code).toBe('FIRMWARE_PACKAGE_INVALID');
    expect((await upload(admin, Buffer.from('not a package'))).body.error.code).toBe('FIRMWARE_PACKAGE_INVALID');
    const big = await upload(admin, buildFirmwarePackage({ models: [MODEL], version: NEW_VERSION, payloadSize: 70_000 }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('FIRMWARE_PACKAGE_TOO_LARGE');
    expect((await upload(admin, pkg(), 'image')).body.error.code).toBe('UPLOAD_FIELD_UNKNOWN');
    const list = await admin.get('/api/firmware/packages');
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([packageId]);
  });

  it('takes one upload per user at a time (packages are read into memory): of two sent together, one gets 429', async () => {
    const m = multipart('package', 'fw.bin', pkg());
    const headers = { 'content-type': m.contentType, 'content-length': String(m.payload.length), cookie: admin.cookie ?? '', 'x-csrf-token': admin.csrfToken ?? '' };
    const port = (app!.server.address() as { port: number }).port;
    // Two uploads of one user, each sending part of its body and waiting: whichever reaches the
    // server second is refused at once, the other keeps its place until its body has arrived.
    const send = () => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/firmware/packages', headers });
      const answer = new Promise<{ req: typeof req; status: number; retryAfter: string | undefined; body: string }>((resolve) => {
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ req, status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }));
        });
        req.on('error', () => undefined); // the refused one's connection is closed
      });
      req.write(m.payload.subarray(0, 200));
      return { req, answer };
    };
    const a = send();
    const b = send();
    const refused = await Promise.race([a.answer, b.answer]);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('30');
    expect(JSON.parse(refused.body).error).toMatchObject({ code: 'RATE_LIMITED', details: { scope: 'user' } });
    const taken = refused.req === a.req ? b : a;
    taken.req.end(m.payload.subarray(200));
    expect((await taken.answer).status).toBe(201);
    // Its place is given back: the next upload is taken.
    expect((await upload(admin, pkg())).status).toBe(201);
  });

  it('refuses a campaign per device: health monitoring off, offline, package for another model — nothing started', async () => {
    const off = await addDevice(sites[0]!, CAMPAIGN + SSE_DEVICES, { healthMonitoring: false });
    const offline = await addDevice(sites[0]!, CAMPAIGN + SSE_DEVICES + 1, { status: 'offline' });
    const nvr = await addDevice(sites[0]!, CAMPAIGN + SSE_DEVICES + 2);
    const r = await admin.post('/api/firmware/campaigns', { packageId, deviceIds: [off, offline, nvr] });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('FIRMWARE_CAMPAIGN_REFUSED');
    const codes = Object.fromEntries(r.body.error.details.devices.map((d: { deviceId: string; code: string }) => [d.deviceId, d.code]));
    expect(codes).toEqual({ [off]: 'HEALTH_MONITORING_OFF', [offline]: 'DEVICE_OFFLINE', [nvr]: 'FIRMWARE_PACKAGE_WRONG_MODEL' });
    expect(await app!.platform.database.db.selectFrom('firmware_campaigns').select('id').execute()).toEqual([]);
  });

  it("streams a campaign's progress over SSE until every device is done", async () => {
    const ids = [];
    for (let i = CAMPAIGN; i < CAMPAIGN + SSE_DEVICES; i++) ids.push(await addDevice(sites[1]!, i));
    const c = await admin.post('/api/firmware/campaigns', { packageId, deviceIds: ids });
    expect(c.status).toBe(201);
    const res = await fetch(`http://127.0.0.1:${(app!.server.address() as { port: number }).port}/api/firmware/campaigns/${c.body.id}/events`, { headers: { cookie: admin.cookie! } });
    expect(res.status).toBe(200);
    const events: SseEvent[] = [];
    for await (const e of readSse(res.body!)) {
      events.push(e);
      if (e.event === 'end') break;
    }
    const devices = events.filter((e) => e.event === 'device').map((e) => JSON.parse(e.data) as { state: string; percent: number });
    expect(devices.some((d) => d.state === 'installing' && d.percent > 0 && d.percent < 100), 'a percent between 0 and 100 was streamed').toBe(true);
    expect(devices.filter((d) => d.state === 'succeeded'), JSON.stringify(events)).toHaveLength(SSE_DEVICES);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ reason: 'done' });
  });

  it('a 20-device campaign with two devices failing and a restart in the middle: 18 upgraded, 2 reported with the device reason', async () => {
    const failing = new Set([3, 14]);
    for (const i of failing) await fleet!.applyFaults(fleet!.devices[i]!.serial, { upgradeFailsAt: 40 });
    const ids: string[] = [];
    for (let i = 0; i < CAMPAIGN; i++) ids.push(await addDevice(sites[i % 2]!, i));
    const c = await admin.post('/api/firmware/campaigns', { packageId, deviceIds: ids });
    expect(c.status).toBe(201);
    const campaignId = c.body.id as string;
    expect(c.body.devices).toHaveLength(CAMPAIGN);

    // Restart once some devices are through and others still wait or run.
    const mid = await eventually(async () => {
      const v = await admin.get(`/api/firmware/campaigns/${campaignId}`);
      return (v.body.counts.succeeded ?? 0) >= 2 ? v.body : undefined;
    }, 'first devices upgraded', 30_000);
    expect(mid.done, 'the restart lands mid-campaign').toBe(false);
    // The package cannot be deleted while the campaign sends it.
    const inUse = await admin.delete(`/api/firmware/packages/${packageId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('FIRMWARE_PACKAGE_IN_USE');
    await app!.close();
    app = await start();
    admin = await signIn(app, company.adminEmail);

    let last: unknown;
    const done = await eventually(async () => {
      const v = await admin.get(`/api/firmware/campaigns/${campaignId}`);
      last = v.body;
      return v.body.done ? v.body : undefined;
    }, 'campaign done after the restart', 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)}: ${JSON.stringify(last)}`);
    });
    expect(done.counts, JSON.stringify(done.devices.filter((d: { state: string }) => d.state === 'failed'))).toEqual({ succeeded: CAMPAIGN - 2, failed: 2 });
    for (const [i, d] of done.devices.entries()) {
      if (failing.has(i)) {
        expect(d.state).toBe('failed');
        expect(d.reason).toMatchObject({ code: 'DEVICE_UPGRADE_FAILED', message: expect.stringContaining('40') });
        // The device keeps its old firmware and stays usable.
        expect(fleet!.devices[i]!.firmwareVersion).not.toBe(NEW_VERSION);
      } else {
        expect(d.state).toBe('succeeded');
        expect(fleet!.devices[i]!.firmwareVersion).toBe(NEW_VERSION);
        expect(d.firmwareVersion).toBe(NEW_VERSION);
      }
    }
    // The device rows carry the version read back, with a firmware_changed event each.
    const changed = await app.platform.database.db.selectFrom('domain_events').select('payload').where('type', '=', 'device.firmware_changed').execute();
    const upgraded = changed.map((e) => e.payload as { deviceId: string; new: string; source: string }).filter((e) => ids.includes(e.deviceId) && e.new === NEW_VERSION && e.source === 'firmware_upgrade');
    expect(new Set(upgraded.map((e) => e.deviceId)).size).toBe(CAMPAIGN - 2);
    const audit = await admin.get('/api/audit?action=firmware.campaign.create');
    expect(JSON.stringify(audit.body)).toContain(campaignId);
  }, 120_000);

  it('deletes a package once its campaigns are done: bytes gone, campaigns still shown, no new campaign; the same file again brings it back', async () => {
    const db = app!.platform.database.db;
    const del = await admin.delete(`/api/firmware/packages/${packageId}`);
    expect(del.status).toBe(204);
    expect((await admin.get('/api/firmware/packages')).body.items).toEqual([]);
    expect(await db.selectFrom('firmware_packages').select(['content', 'deleted_at']).where('id', '=', packageId).executeTakeFirstOrThrow()).toMatchObject({ content: null, deleted_at: expect.any(Date) });
    const campaigns = await admin.get('/api/firmware/campaigns');
    expect(campaigns.body.items.length).toBeGreaterThan(0);
    expect((await admin.get(`/api/firmware/campaigns/${campaigns.body.items[0].id as string}`)).body.package).toMatchObject({ version: NEW_VERSION });
    const anyDevice = await db.selectFrom('devices').select('id').where('company_id', '=', company.companyId).executeTakeFirstOrThrow();
    const again = await admin.post('/api/firmware/campaigns', { packageId, deviceIds: [anyDevice.id] });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('FIRMWARE_PACKAGE_NOT_FOUND');
    expect((await admin.delete(`/api/firmware/packages/${packageId}`)).status).toBe(404);
    const audit = await admin.get('/api/audit?action=firmware.package.delete');
    expect(JSON.stringify(audit.body)).toContain(packageId);

    const back = await upload(admin, pkg());
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ id: packageId, created: true });
    expect((await admin.get('/api/firmware/packages')).body.items.map((p: { id: string }) => p.id)).toEqual([packageId]);
  });
});
