import { spawn } from 'node:child_process';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/helpers/platform';
import type { TcpProxy } from '../../../test/helpers/tcp-proxy';
import { createTestDatabase, proxiedTestDatabase } from '../../../test/helpers/database';
import { buildApp, StartupError } from '../app';
import { loadConfig } from '../config';
import { setupCompany } from '../../../test/helpers/factories';
import { eventually } from '../../../test/helpers/wait';
import { startServer } from '../../../test/helpers/server-process';
import { errors } from '../http/errors';
import { systemRoutes } from './system.routes';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('health, readiness, metrics, docs, jobs', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ config: { metricsToken: METRICS_TOKEN } });
  });
  afterAll(async () => p?.close());

  it('/healthz and /readyz report up', async () => {
    expect((await p.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const r = await p.app.inject('/readyz');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ready', checks: { database: true, broker: true } });
  });

  it('/metrics exposes Prometheus metrics including request durations', async () => {
    await p.app.inject('/healthz');
    const r = await p.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.body).toContain('http_request_duration_seconds_bucket');
    expect(r.body).toContain('process_cpu_user_seconds_total');
  });

  it('/metrics refuses a signed-in admin without the metrics token', async () => {
    const company = await setupCompany(p.app, p.setupToken);
    const r = await company.admin.get('/metrics');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('METRICS_TOKEN_INVALID');
  });

  it('serves OpenAPI with response schemas for every /api route, and a docs page', async () => {
    const spec = (await p.app.inject('/docs/json')).json();
    const apiRoutes = p.app.routeTable.filter((r) => r.url.startsWith('/api'));
    for (const r of apiRoutes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      const op = spec.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.url} in OpenAPI`).toBeDefined();
      expect(Object.keys(op.responses ?? {}).length, `${r.method} ${r.url} responses`).toBeGreaterThan(0);
    }
    const page = await p.app.inject('/docs');
    expect([200, 302]).toContain(page.statusCode);
  });

  it('every response carries the security headers; /docs has its own policy, still without framing', async () => {
    const { APP_CSP_DIRECTIVES, DOCS_CSP } = await import('../http/security-headers');
    for (const url of ['/healthz', '/api/auth/me', '/api/no-such-route']) {
      const r = await p.app.inject(url);
      expect(r.headers['content-security-policy'], url).toContain(`script-src ${APP_CSP_DIRECTIVES['script-src'].join(' ')}`);
      expect(r.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(r.headers['x-frame-options'], url).toBe('DENY');
      // Served over plain HTTP (no proxy, http PUBLIC_URL): no HSTS.
      expect(r.headers['strict-transport-security'], url).toBeUndefined();
    }
    const docs = await p.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toBe(DOCS_CSP);
  });

  it('runs a job through the queue on this backend', async () => {
    const nonce = `n-${Date.now()}`;
    const id = await p.app.platform.jobs.send('system.ping', { nonce });
    expect(id).toBeTruthy();
    await eventually(async () => (await p.app.platform.uow.read.settings.get('jobs.last_ping')) === nonce, 'the job to run', 10_000);
  });
});

describe('database outage', () => {
  // The platform talks to its database through a proxy the test can cut.
  let db: Awaited<ReturnType<typeof proxiedTestDatabase>>;
  let proxy: TcpProxy;
  let p: TestPlatform;

  beforeAll(async () => {
    db = await proxiedTestDatabase();
    proxy = db.proxy;
    p = await startTestPlatform({ config: { databaseUrl: db.url } });
  });
  afterAll(async () => {
    await p?.close();
    await db?.close();
  });

  it('readiness fails and requests get 503 while it is down, and both recover when it returns', async () => {
    const company = await setupCompany(p.app, p.setupToken);
    await proxy.cut();
    const ready = await p.app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.database).toBe(false);
    const r = await company.admin.get('/api/sites');
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('SERVICE_UNAVAILABLE');

    await proxy.restore();
    await eventually(async () => (await p.app.inject('/readyz')).statusCode === 200, 'ready again', 10_000);
    expect((await company.admin.get('/api/sites')).status).toBe(200);
  });
});

describe('startup', () => {
  it('a database that is down at start gives a clear StartupError', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nope', EMBEDDED_MQTT_PORT: '0', LOG_LEVEL: 'silent' });
    await expect(buildApp(config)).rejects.toThrow(StartupError);
    await expect(buildApp(config)).rejects.toThrow(/Cannot open the PostgreSQL server at DATABASE_URL/);
  });

  it('`npm start` with a database that is down exits non-zero with the message', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/start/from-source.ts'], {
      env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nope', PORT: '0', EMBEDDED_MQTT_PORT: '0', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('Sitekeeper could not start');
    expect(stderr).toContain('DATABASE_URL');
  });

  it('SIGTERM shuts the server down cleanly (exit 0)', async () => {
    const testDb = await createTestDatabase();
    const server = await startServer({
      ...(testDb.url ? { DATABASE_URL: testDb.url } : { DATA_DIR: `/tmp/sk-sigterm-${process.pid}-${Date.now()}` }),
      PORT: '0',
      EMBEDDED_MQTT_PORT: '0',
      LOG_LEVEL: 'silent',
      DEMO_FLEET: 'false',
    });
    const { child } = server;
    expect(server.stdout()).toContain('First start: create the installer admin at');
    child.kill('SIGTERM');
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    expect({ ...exit, stderr: server.stderr().slice(-2000) }).toEqual({ code: 0, signal: null, stderr: '' });
    await testDb.drop();
  }, 150_000);
});

describe('/metrics protection (METRICS_TOKEN)', () => {
  async function appWith(metricsToken: string | undefined) {
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    await app.register(errors);
    const registry = new client.Registry();
    new client.Counter({ name: 'sitekeeper_test_total', help: 'a metric the test looks for', registers: [registry] }).inc();
    systemRoutes(app, { checks: [], registry, metricsToken });
    return app;
  }
  const get = async (metricsToken: string | undefined, authorization?: string) => (await appWith(metricsToken)).inject({ url: '/metrics', headers: authorization ? { authorization } : {} });

  it('unset: /metrics is not there (404), whatever is sent', async () => {
    for (const auth of [undefined, 'Bearer anything-at-all-here', `Bearer ${METRICS_TOKEN}`]) {
      const r = await get(undefined, auth);
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('NOT_FOUND');
      expect(r.body).not.toContain('sitekeeper_test_total');
    }
  });

  it('set: no Authorization header → 401 with WWW-Authenticate, no metrics', async () => {
    const r = await get(METRICS_TOKEN);
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(r.json().error.code).toBe('METRICS_TOKEN_INVALID');
    expect(r.body).not.toContain('sitekeeper_test_total');
  });

  it.each([
    ['a wrong token', 'Bearer metrics-token-0123456789abcdeX'],
    ['a prefix of the token', `Bearer ${METRICS_TOKEN.slice(0, -1)}`],
    ['the token with more after it', `Bearer ${METRICS_TOKEN}0`],
    ['the token as Basic credentials', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`],
    ['the token without the scheme', METRICS_TOKEN],
  ])('set: %s → 401', async (_what, authorization) => {
    const r = await get(METRICS_TOKEN, authorization);
    expect(r.statusCode).toBe(401);
    expect(r.body).not.toContain('sitekeeper_test_total');
  });

  it('set: the right bearer token → 200 with the metrics', async () => {
    const r = await get(METRICS_TOKEN, `Bearer ${METRICS_TOKEN}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('sitekeeper_test_total 1');
  });
});
