/**
 * Signed webhooks on the real platform (issue 15): an endpoint (a loopback HTTP server in this
 * test; loopback allowed explicitly by WEBHOOK_ALLOWED_RANGES) that fails twice receives the event
 * once after retries (pg-boss jobs with backoff), its signature verified with the secret returned
 * at creation; the delivery log shows the attempts; loopback is refused without the operator's
 * setting; "send test" delivers a signed webhook.test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePlatformWithCompany, startTestPlatform, type TestPlatform } from '../../../test/helpers/platform';
import { buildOtherCompany, buildSite, setupCompany, type TestCompany } from '../../../test/helpers/factories';
import { eventually } from '../../../test/helpers/wait';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { SIGNATURE_HEADER, DELIVERY_HEADER, verifyWebhook } from './webhook-signature';

let p: TestPlatform;
let company: TestCompany;
usePlatformWithCompany((fx) => ({ p, company } = fx), { config: { webhookAllowedRanges: ['127.0.0.0/8'], webhookRetryBaseSeconds: 1, exceptionsPollMs: 200 } });

interface Received { body: string; signature: string; delivery: string }
let server: http.Server;
let url: string;
const received: Received[] = [];
let failuresLeft = 2;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        res.statusCode = 503;
        res.end('busy');
        return;
      }
      received.push({ body, signature: String(req.headers[SIGNATURE_HEADER] ?? ''), delivery: String(req.headers[DELIVERY_HEADER] ?? '') });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => new Promise<void>((r) => server.close(() => r())));

describe('webhooks', () => {
  it('an endpoint that fails twice receives the exception once after retries, signed', async () => {
    const created = await company.admin.post('/api/webhooks', { name: 'NOC', url, types: ['hdd_error'] });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    const row = await p.app.platform.database.db.selectFrom('webhook_endpoints').select('secret_sealed').where('id', '=', created.body.endpoint.id).executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(secret); // sealed at rest

    const site = await buildSite(company, 'Dock');
    const dev = await p.app.platform.database.db
      .insertInto('devices')
      .values({ company_id: company.companyId, site_id: site.id, serial: 'DS-WEBHOOK0001', name: 'Dock NVR', type: 'nvr', model: 'DS-7608', added_via: 'direct', host: '127.0.0.1', port: 1, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    await p.app.platform.uow.tx((r) => r.events.append(company.companyId, DOMAIN_EVENT_TYPES.deviceHealthChanged, {
      deviceId: dev.id, siteId: site.id, serial: 'DS-WEBHOOK0001', old: { state: 'healthy', reasons: [] },
      new: { state: 'fault', reasons: [{ code: 'hdd_abnormal', severity: 'fault', message: 'HDD 1 is abnormal (error).', subject: { kind: 'disk', id: 1 } }, { code: 'video_loss', severity: 'fault', message: 'Channel 1: video loss.', subject: { kind: 'channel', id: 1 } }] },
      at: new Date().toISOString(),
    }));
    await eventually(() => received.length >= 1, 'the webhook delivered after two failures', 60_000);
    const log = await eventually(async () => {
      const r = await company.admin.get(`/api/webhooks/${created.body.endpoint.id}/deliveries`);
      return r.body.items?.[0]?.status === 'delivered' ? r.body : undefined;
    }, 'delivery log says delivered');
    expect(log.total).toBe(1); // video_loss is not in the endpoint's types
    expect(log.items[0]).toMatchObject({ eventType: 'exception.raised', attempts: 3, lastStatusCode: 204 });
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(verifyWebhook(secret, got.body, got.signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifyWebhook('whsec_wrong', got.body, got.signature, Math.floor(Date.now() / 1000))).toBe(false);
    expect(got.delivery).toBe(log.items[0].id);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'exception.raised', data: { type: 'hdd_error', deviceId: dev.id, siteName: 'Dock', serial: 'DS-WEBHOOK0001' } });
    // Running the consumer and the sweep again sends nothing more.
    await p.app.platform.exceptions.processPending();
    await p.app.platform.webhooks.sweep();
    expect((await company.admin.get(`/api/webhooks/${created.body.endpoint.id}/deliveries`)).body.total).toBe(1);
  });

  it('send test: one signed webhook.test, logged', async () => {
    const created = await company.admin.post('/api/webhooks', { name: 'Test', url });
    const before = received.length;
    const r = await company.admin.post(`/api/webhooks/${created.body.endpoint.id}/test`, {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ eventType: 'webhook.test', status: 'delivered', attempts: 1 });
    expect(received).toHaveLength(before + 1);
    expect(verifyWebhook(created.body.secret, received[before]!.body, received[before]!.signature, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it('a node dying mid-attempt: its claim runs out and the sweep delivers once; a live claim is never sent twice', async () => {
    const created = await company.admin.post('/api/webhooks', { name: 'Crash', url });
    const db = p.app.platform.database.db;
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);
    const [dead, live] = await Promise.all([
      db.insertInto('webhook_deliveries').values({ endpoint_id: created.body.endpoint.id, event_key: 'crash:dead', event_type: 'exception.raised', payload: JSON.stringify({ n: 'dead' }), status: 'sending', next_attempt_at: past }).returning('id').executeTakeFirstOrThrow(),
      db.insertInto('webhook_deliveries').values({ endpoint_id: created.body.endpoint.id, event_key: 'crash:live', event_type: 'exception.raised', payload: JSON.stringify({ n: 'live' }), status: 'sending', next_attempt_at: future }).returning('id').executeTakeFirstOrThrow(),
    ]);
    await p.app.platform.webhooks.sweep();
    await eventually(async () => (await db.selectFrom('webhook_deliveries').select('status').where('id', '=', dead.id).executeTakeFirstOrThrow()).status === 'delivered', 'the dead claim delivered');
    // Attempting the live claim (another node is sending it) does nothing.
    await p.app.platform.webhooks.attempt(live.id);
    expect(await db.selectFrom('webhook_deliveries').select(['status', 'attempts']).where('id', '=', live.id).executeTakeFirstOrThrow()).toEqual({ status: 'sending', attempts: 0 });
    await p.app.platform.webhooks.attempt(dead.id);
    expect(received.filter((r) => r.delivery === dead.id)).toHaveLength(1);
    expect(received.filter((r) => r.delivery === live.id)).toHaveLength(0);
  });

  it('another company cannot see or use the endpoint', async () => {
    const created = await company.admin.post('/api/webhooks', { name: 'Mine', url });
    const other = (await buildOtherCompany(p.app)).admin;
    const r = await other.get(`/api/webhooks/${created.body.endpoint.id}/deliveries`);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('WEBHOOK_NOT_FOUND');
  });
});

describe('webhook URLs follow the connect policy', () => {
  let strict: TestPlatform;
  let c: TestCompany;
  beforeAll(async () => {
    strict = await startTestPlatform();
    c = await setupCompany(strict.app, strict.setupToken);
  }, 120_000);
  afterAll(async () => strict?.close());

  it.each(['http://127.0.0.1:8080/x', 'http://169.254.169.254/latest', 'http://10.1.2.3/x', 'http://[::1]/x', 'ftp://example.com/x'])('%s is refused without WEBHOOK_ALLOWED_RANGES', async (u) => {
    const r = await c.admin.post('/api/webhooks', { name: 'x', url: u });
    expect([400, 422]).toContain(r.status);
    if (r.status === 422) expect(r.body.error.code).toBe('WEBHOOK_URL_REFUSED');
  });
});
