/**
 * Exceptions end to end against the emulator's fault switchboard (issue 15): the poller sees an
 * HDD failure on a direct NVR, the exception consumer raises it once and tells each recipient once
 * in-app and each webhook endpoint once (a loopback HTTP server, signature verified); with health
 * monitoring off, a new fault raises nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildInstaller, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/server/webhooks/webhook-signature';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;
let server: http.Server;
const hooks: Array<{ body: string; signature: string }> = [];

beforeAll(async () => {
  p = await startTestPlatform({ config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 4, exceptionsPollMs: 200, webhookAllowedRanges: ['127.0.0.0/8'], webhookRetryBaseSeconds: 1 } });
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company, 'Harbour')).id;
  fleet = await startFleetFor(p, [{ type: 'nvr', cloudEnabled: false, hdds: 2 }]);
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ body, signature: String(req.headers[SIGNATURE_HEADER] ?? '') });
      res.statusCode = 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function insertDirect(d: VirtualDevice): Promise<string> {
  const desc = fleet.describe(d);
  const creds = p.app.platform.secrets.seal(JSON.stringify({ user: desc.adminUser, password: desc.adminPassword }), `device:${desc.serial}`);
  const r = await p.app.platform.database.db
    .insertInto('devices')
    .values({
      company_id: company.companyId, site_id: siteId, serial: desc.serial, name: 'Harbour NVR', type: desc.type, model: desc.model,
      added_via: 'direct', host: desc.host, port: desc.httpPort, credentials_sealed: creds, verification_code_sealed: null, added_by: null, firmware_compatible: true, status: 'online',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const exceptionsOf = async (deviceId: string) => p.app.platform.database.db.selectFrom('device_exceptions').select(['type', 'subject', 'delivery']).where('device_id', '=', deviceId).orderBy('raised_at').execute();
const inbox = async (userId: string, kind: string) => p.app.platform.database.db.selectFrom('notifications').select(['title', 'body']).where('user_id', '=', userId).where('kind', '=', kind).execute();

describe('an HDD failure on an emulated NVR', () => {
  let nvr: VirtualDevice;
  let id: string;
  let recipients: string[];
  let secret: string;

  beforeAll(async () => {
    nvr = fleet.devices[0]!;
    const installer = await buildInstaller(p.app, company, 'manage_all');
    recipients = [company.adminId, installer.id];
    const hook = await company.admin.post('/api/webhooks', { name: 'NOC', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in` });
    expect(hook.status).toBe(201);
    secret = hook.body.secret;
    id = await insertDirect(nvr);
    await eventually(async () => (await company.admin.get(`/api/devices/${id}/health`)).body.state === 'healthy', 'healthy first');
  });

  it('raises exactly one exception, to each recipient in-app and to the webhook, once', async () => {
    await fleet.applyFaults(nvr.serial, { hdd: 'failed', hddId: 1 });
    for (const u of recipients) await eventually(async () => (await inbox(u, 'exception.hdd_error')).length === 1, `in-app for ${u}`);
    await eventually(() => hooks.some((h) => h.body.includes('hdd_error')), 'webhook received');
    // Later polls (the fault stays) and further consumer runs add nothing.
    const poller = p.app.platform.healthPoller;
    const before = poller.stats(id).polls;
    await eventually(() => poller.stats(id).polls >= before + 2, 'two more polls');
    await p.app.platform.exceptions.processPending();
    await p.app.platform.webhooks.sweep();
    expect(await exceptionsOf(id)).toEqual([{ type: 'hdd_error', subject: 'disk:1', delivery: 'delivered' }]);
    for (const u of recipients) expect(await inbox(u, 'exception.hdd_error')).toHaveLength(1);
    const received = hooks.filter((h) => h.body.includes('hdd_error'));
    expect(received).toHaveLength(1);
    expect(verifyWebhook(secret, received[0]!.body, received[0]!.signature, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it('with monitoring off, a new fault raises nothing', async () => {
    expect((await company.admin.put(`/api/devices/${id}/health-monitoring`, { enabled: false })).status).toBe(200);
    await fleet.applyFaults(nvr.serial, { hdd: 'failed', hddId: 2 });
    const poller = p.app.platform.healthPoller;
    const before = poller.stats(id).polls;
    await eventually(() => poller.stats(id).polls >= before + 2 && poller.stats(id).lastKind === 'status', 'two status-only polls');
    await p.app.platform.exceptions.processPending();
    expect(await exceptionsOf(id)).toEqual([{ type: 'hdd_error', subject: 'disk:1', delivery: 'delivered' }]);
    for (const u of recipients) expect(await inbox(u, 'exception.hdd_error')).toHaveLength(1);
  });
});
