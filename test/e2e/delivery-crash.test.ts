/**
 * The server killed during delivery (issue 15): an HDD fault on an emulated NVR raises an exception
 * told in-app and to a signed webhook; the server is killed (SIGKILL) while the webhook request is
 * open at the endpoint, started again on the same database, and then: the webhook is delivered (the
 * same delivery id, answered once), one exception, one in-app notification — nothing lost, nothing
 * doubled.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../src/emulator';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyWebhook } from '../../src/server/webhooks/webhook-signature';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually } from '../helpers/fleet';
import { TEST_PASSWORD } from '../helpers/factories';
import { startServer, startServerWithAdmin, testServerEnv } from '../helpers/server-process';
import { freePort, HttpSession } from '../helpers/http-session';

let fleet: Fleet | undefined;
let server: ChildProcess | undefined;
let dataDir: string | undefined;
let testDb: TestDatabase | undefined;
let hookServer: http.Server | undefined;

/** Requests the endpoint got: the first is held open (never answered) until the server is killed. */
const requests: Array<{ delivery: string; body: string; signature: string; answered: boolean }> = [];
let holdFirst = true;
const held: http.ServerResponse[] = [];

afterAll(async () => {
  server?.kill('SIGKILL');
  for (const r of held) r.destroy();
  await new Promise<void>((r) => (hookServer ? hookServer.close(() => r()) : r()));
  await fleet?.close();
  await testDb?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the server killed during delivery', () => {
  it('delivers the webhook after the restart, once; one exception, one in-app notification', async () => {
    hookServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const entry = { delivery: String(req.headers[DELIVERY_HEADER] ?? ''), body, signature: String(req.headers[SIGNATURE_HEADER] ?? ''), answered: false };
        requests.push(entry);
        if (holdFirst) {
          holdFirst = false;
          held.push(res);
          return;
        }
        entry.answered = true;
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => hookServer!.listen(0, '127.0.0.1', () => r()));
    const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks`;

    fleet = await startFleet({ count: 1, specs: [{ type: 'nvr' as const }], sadpPort: false });
    const nvr = fleet.devices[0]!;
    testDb = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sk-delivery-crash-'));
    const port = await freePort();
    const env = testServerEnv({ port, dataDir, databaseUrl: testDb.url, name: 'dcrash' }, {
      WEBHOOK_ALLOWED_RANGES: '127.0.0.0/8',
      WEBHOOK_TIMEOUT_SECONDS: '2',
      WEBHOOK_RETRY_BASE_SECONDS: '1',
      HEALTH_POLL_SECONDS: '1',
      HEALTH_OFFLINE_GRACE_SECONDS: '2',
      EXCEPTIONS_POLL_MS: '200',
      ONBOARDING_RETRY_SECONDS: '1',
    });
    const first = await startServerWithAdmin(env, { companyName: 'Crash Co', email: 'dcrash@example.test', password: TEST_PASSWORD });
    server = first.proc.child;
    const { base, api } = first;
    const site = (await api.call('POST', '/api/sites', { name: 'Depot' })).body;
    const hook = await api.call('POST', '/api/webhooks', { name: 'NOC', url: hookUrl, types: ['hdd_error'] });
    expect(hook.status).toBe(201);
    const secret = hook.body.secret as string;

    // The NVR added by address (a one-device list code), then its health collected once.
    const x = fleet.describe(nvr);
    const scan = await api.call('POST', `/api/sites/${site.id}/scans`, { text: encodeDeviceListQr([{ name: 'Depot NVR', host: x.host, port: x.httpPort, user: x.adminUser!, password: x.adminPassword! }]) });
    expect(scan.status).toBe(201);
    const add = await api.call('POST', `/api/scans/${scan.body.scanId}/add`, { candidateIds: scan.body.candidates.map((c: { id: string }) => c.id), idempotencyKey: 'dcrash-1' });
    expect(add.status).toBe(202);
    const deviceId = await eventually(async () => {
      const list = await api.call('GET', `/api/sites/${site.id}/devices`);
      return list.body.items?.[0]?.id as string | undefined;
    }, 'the NVR added', 60_000);
    await eventually(async () => (await api.call('GET', `/api/devices/${deviceId}/health`)).body.state === 'healthy', 'health collected', 60_000);

    // The fault: the webhook request arrives and is held open; the server dies mid-delivery.
    await fleet.applyFaults(nvr.serial, { hdd: 'failed', hddId: 1 });
    await eventually(() => requests.length === 1, 'the webhook request open at the endpoint', 60_000);
    const inAppBefore: Array<{ kind: string; id: string }> = await eventually(async () => {
      const n = await api.call('GET', '/api/notifications');
      const items = (n.body.items as Array<{ kind: string; id: string }>).filter((i) => i.kind === 'exception.hdd_error');
      return items.length === 1 ? items : undefined;
    }, 'the in-app notification');
    server.kill('SIGKILL');
    await new Promise((r) => server!.once('exit', r));
    for (const r of held.splice(0)) r.destroy();

    const second = await startServer(env);
    server = second.child;
    const api2 = new HttpSession(base);
    expect((await api2.call('POST', '/api/auth/login', { email: 'dcrash@example.test', password: TEST_PASSWORD })).status).toBe(200);
    const log = await eventually(async () => {
      const r = await api2.call('GET', `/api/webhooks/${hook.body.endpoint.id}/deliveries`);
      return r.body.items?.[0]?.status === 'delivered' ? r.body : undefined;
    }, 'the webhook delivered after the restart', 90_000);
    expect(log.total).toBe(1);
    // The same delivery (its id is the receiver's key to drop a repeat), answered exactly once.
    expect(requests.map((r) => r.delivery)).toEqual([log.items[0].id, log.items[0].id]);
    expect(requests.filter((r) => r.answered)).toHaveLength(1);
    const got = requests.find((r) => r.answered)!;
    expect(verifyWebhook(secret, got.body, got.signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'exception.raised', data: { type: 'hdd_error', deviceId } });

    // Nothing doubled by the restart: the exception and the in-app notification once. The health
    // poller of the new process has read the device (its fault) again before these are counted.
    await eventually(async () => {
      const h = await api2.call('GET', `/api/devices/${deviceId}/health`);
      return h.body.state === 'fault' && new Date(h.body.collectedAt as string).getTime() > Date.now() - 5_000;
    }, 'health read again by the restarted server', 60_000);
    const exceptions = await api2.call('GET', `/api/exceptions?siteId=${site.id as string}`);
    expect((exceptions.body.items as Array<{ type: string; deviceId: string }>).filter((e) => e.type === 'hdd_error' && e.deviceId === deviceId)).toHaveLength(1);
    const inApp = await api2.call('GET', '/api/notifications');
    expect((inApp.body.items as Array<{ kind: string; id: string }>).filter((i) => i.kind === 'exception.hdd_error').map((i) => i.id)).toEqual(inAppBefore.map((i) => i.id));
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    server = undefined;
  }, 300_000);
});
