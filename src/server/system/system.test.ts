import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/helpers/platform';
import { startTcpProxy, type TcpProxy } from '../../../test/helpers/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database';
import { buildApp, StartupError } from '../app';
import { loadConfig } from '../config';
import { openDatabase, type DatabaseHandle } from '../db/database';
import { setupCompany } from '../../../test/helpers/factories';
import { eventually } from '../../../test/helpers/wait';
import { startServer } from '../../../test/helpers/server-process';

describe('health, readiness, metrics, docs, jobs', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
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
    const r = await p.app.inject('/metrics');
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.body).toContain('http_request_duration_seconds_bucket');
    expect(r.body).toContain('process_cpu_user_seconds_total');
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

  it('runs a job through the queue on this backend', async () => {
    const nonce = `n-${Date.now()}`;
    const id = await p.app.platform.jobs.send('system.ping', { nonce });
    expect(id).toBeTruthy();
    await eventually(async () => (await p.app.platform.uow.read.settings.get('jobs.last_ping')) === nonce, 'the job to run', 10_000);
  });
});

describe('database outage', () => {
  // The platform talks to its database through a proxy the test can cut.
  let dbHandle: DatabaseHandle | undefined;
  let testDb: TestDatabase;
  let proxy: TcpProxy;
  let p: TestPlatform;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    let target: URL;
    if (testDb.url) {
      target = new URL(testDb.url);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    } else {
      // The embedded database listens on a private unix socket: the proxy reaches it there.
      dbHandle = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
      target = new URL(dbHandle.url);
      proxy = await startTcpProxy(dbHandle.listening!);
    }
    const via = new URL(target.toString());
    via.hostname = '127.0.0.1';
    via.port = String(proxy.port);
    p = await startTestPlatform({ config: { databaseUrl: via.toString() } });
  });
  afterAll(async () => {
    await p?.close();
    await proxy?.close();
    await dbHandle?.close();
    await testDb?.drop();
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
