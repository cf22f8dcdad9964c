/**
 * Where the server connects (#12), attacked through the real HTTP API: a scanned code names the
 * addresses, the platform probes them. Two platforms: one with the default connect policy (no
 * allow-list: loopback refused, as in production) and one with the loopback allow-list the other
 * tests use (a lab). Every address the attacker controls is a loopback listener that counts what
 * reaches it; outcomes are awaited explicitly (the scan's answer, the batch settling).
 *
 * Nothing here sends traffic off the machine: the link-local and metadata addresses are refused by
 * the policy before any socket is opened (that refusal is what the tests check).
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import type { Fleet } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

/** A loopback listener that is not a device, counting connections. */
interface Trap {
  port: number;
  connections: number;
  close(): Promise<void>;
}
type TrapKind = 'http_404' | 'http_html' | 'not_http' | 'silent';

async function trap(kind: TrapKind): Promise<Trap> {
  const sockets = new Set<net.Socket>();
  const t = { port: 0, connections: 0, close: async () => undefined as void };
  const server = net.createServer((s) => {
    t.connections++;
    sockets.add(s);
    s.on('error', () => undefined).on('close', () => sockets.delete(s));
    s.once('data', () => {
      if (kind === 'http_404') s.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      if (kind === 'http_html') s.end('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 14\r\nconnection: close\r\n\r\n<html>hi</html');
      if (kind === 'not_http') s.end('SSH-2.0-OpenSSH_9.2\r\n');
      // silent: holds the connection and never answers (a filtered port, as far as timing goes)
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.port = (server.address() as net.AddressInfo).port;
  t.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return t;
}

/** Ports nothing listens on (bound for a moment, then closed). */
/**
 * Loopback ports where nothing listens and nothing will: below 1024, which a port-0 bind (every
 * other test's listener, running in parallel) is never given; each checked to refuse a connection.
 */
async function closedPorts(n: number): Promise<number[]> {
  const refuses = (port: number) =>
    new Promise<boolean>((resolve) => {
      const c = net.connect({ host: '127.0.0.1', port });
      c.once('connect', () => {
        c.destroy();
        resolve(false);
      });
      c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
  const ports: number[] = [];
  for (let port = 1023; port > 0 && ports.length < n; port--) if (await refuses(port)) ports.push(port);
  if (ports.length < n) throw new Error(`only ${ports.length} closed ports below 1024 on loopback`);
  return ports;
}

const portOf = (url: string) => Number(new URL(url).port);

/** What a candidate tells the user, without what the user typed (name, host, port) or its id. */
function answer(c: Record<string, unknown>) {
  const { id: _id, name: _name, host: _host, port: _port, ...rest } = c;
  return rest;
}

type Candidate = Record<string, any>;

async function scanCode(company: TestCompany, siteId: string, devices: Array<{ name?: string; host: string; port: number }>): Promise<{ scanId: string; candidates: Candidate[] }> {
  const text = encodeDeviceListQr(devices.map((d, i) => ({ name: d.name ?? `D${i}`, host: d.host, port: d.port, user: 'admin', password: 'Whatever1' })));
  const r = await company.admin.post(`/api/sites/${siteId}/scans`, { text });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function addAndSettle(company: TestCompany, scanId: string, candidateIds: string[]) {
  const r = await company.admin.post(`/api/scans/${scanId}/add`, { candidateIds, idempotencyKey: `k-${Math.random()}` });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const batchId = r.body.batchId as string;
  return eventually(async () => {
    const b = await company.admin.get(`/api/batches/${batchId}`);
    return b.body.settled ? (b.body as { items: Candidate[]; counts: Record<string, number> }) : undefined;
  }, `batch ${batchId} settled`, 60_000);
}

// Short device timeout: every unreachable answer waits for it (the floor), 200 of them 64 at a time.
const FAST = { deviceTimeoutMs: 1500 };

describe('default policy (no allow-list): the server reaches nothing on its own host', () => {
  let p: TestPlatform;
  let company: TestCompany;
  const traps: Trap[] = [];
  beforeAll(async () => {
    p = await startTestPlatform({ listen: true, config: { ...FAST, deviceAllowedRanges: [] } });
    company = await setupCompany(p.app, p.setupToken);
  });
  afterAll(async () => {
    for (const t of traps) await t.close();
    await p?.close();
  });

  it('SSRF to loopback, link-local / cloud metadata, unspecified, localhost and the platform\'s own ports: one identical answer, nothing reached', async () => {
    const site = await buildSite(company);
    const web = await trap('http_404');
    traps.push(web);
    let ownHttpConnections = 0;
    p.app.server.on('connection', () => ownHttpConnections++);
    const targets = [
      { name: 'loopback', host: '127.0.0.1', port: web.port },
      { name: 'loopback, IPv4-mapped', host: '::ffff:127.0.0.1', port: web.port },
      { name: 'loopback, other address', host: '127.0.0.2', port: web.port },
      { name: 'localhost', host: 'localhost', port: web.port },
      { name: 'IPv6 loopback', host: '::1', port: web.port },
      { name: 'metadata', host: '169.254.169.254', port: 80 },
      { name: 'metadata, IPv4-mapped', host: '::ffff:169.254.169.254', port: 80 },
      { name: 'link-local v6', host: 'fe80::1', port: 80 },
      { name: 'unspecified', host: '0.0.0.0', port: web.port },
      { name: 'multicast', host: '224.0.0.1', port: 80 },
      { name: 'own HTTP', host: '127.0.0.1', port: portOf(p.baseUrl) },
      { name: 'own broker', host: '127.0.0.1', port: portOf(p.app.platform.mqttUrl) },
    ];
    const s = await scanCode(company, site.id, targets);
    const first = answer(s.candidates[0]!);
    expect(first).toMatchObject({ reachableVia: 'direct', online: false, nextAction: 'none', error: { code: 'DEVICE_UNREACHABLE' } });
    for (const c of s.candidates) expect(answer(c), c.name).toEqual(first);
    expect(web.connections).toBe(0);
    expect(ownHttpConnections).toBe(0);
  });

  it('path injection in the host (`[::ffff:127.0.0.1]:port/injected-path?x=`) is refused as an address, and nothing is contacted', async () => {
    const site = await buildSite(company);
    const web = await trap('http_404');
    traps.push(web);
    const s = await scanCode(company, site.id, [
      { host: `[::ffff:127.0.0.1]:${web.port}/injected-path?x=`, port: 80 },
      { host: `admin@127.0.0.1:${web.port}`, port: web.port },
      { host: `127.0.0.1/injected-path?x=`, port: web.port },
    ]);
    expect(s.candidates.map((c) => c.error?.code)).toEqual(['DEVICE_HOST_INVALID', 'DEVICE_HOST_INVALID', 'DEVICE_HOST_INVALID']);
    expect(web.connections).toBe(0);
  });

  it('a 200-device code against 200 loopback ports: 200 identical answers, and not one connection', async () => {
    const site = await buildSite(company);
    const kinds: TrapKind[] = ['http_404', 'http_html', 'not_http', 'silent'];
    const listeners = await Promise.all(Array.from({ length: 40 }, (_, i) => trap(kinds[i % kinds.length]!)));
    traps.push(...listeners);
    const closed = await closedPorts(160);
    const ports = [...listeners.map((t) => t.port), ...closed];
    const s = await scanCode(company, site.id, ports.map((port, i) => ({ host: i % 2 ? '127.0.0.1' : '::ffff:127.0.0.1', port })));
    expect(s.candidates).toHaveLength(200);
    const first = answer(s.candidates[0]!);
    expect(first).toMatchObject({ error: { code: 'DEVICE_UNREACHABLE' } });
    for (const c of s.candidates) expect(answer(c)).toEqual(first);
    expect(listeners.map((t) => t.connections)).toEqual(listeners.map(() => 0));
  });

  it('an unreachable address added anyway fails at once with the guidance: not pending, and still nothing reached', async () => {
    const site = await buildSite(company);
    const web = await trap('http_404');
    traps.push(web);
    const [closed] = await closedPorts(1);
    const s = await scanCode(company, site.id, [
      { name: 'Refused', host: '127.0.0.1', port: web.port },
      { name: 'Closed', host: '127.0.0.1', port: closed! },
    ]);
    const batch = await addAndSettle(company, s.scanId, s.candidates.map((c) => c.id));
    for (const item of batch.items) {
      expect(item).toMatchObject({ state: 'failed', step: 'probing', pendingUntil: null, error: { code: 'DEVICE_UNREACHABLE' } });
      expect(item.error.hint).toMatch(/site's agent/);
    }
    expect(batch.counts.pending ?? 0).toBe(0);
    expect(web.connections).toBe(0);
  });
  it('a real device on loopback is refused too; once the embedded agent serves it (the demo fleet), it is added by host and port through the agent', async () => {
    const fleet = await startFleetFor(p, [{ type: 'camera' }]);
    try {
      const site = await buildSite(company);
      const d = fleet.describe(fleet.devices[0]!);
      const code = encodeDeviceListQr([{ name: 'Demo camera', host: d.host, port: d.httpPort, user: d.adminUser!, password: d.adminPassword! }]);
      const refused = (await company.admin.post(`/api/sites/${site.id}/scans`, { text: code })).body;
      expect(refused.candidates[0]).toMatchObject({ online: false, error: { code: 'DEVICE_UNREACHABLE' } });

      // What src/start/demo-fleet.ts does for each demo device.
      p.app.platform.agentTargets.push({ address: d.host, port: d.httpPort });
      const s = (await company.admin.post(`/api/sites/${site.id}/scans`, { text: code })).body;
      expect(s.candidates[0]).toMatchObject({ reachableVia: 'direct', online: true, nextAction: 'add', serial: d.serial });
      const batch = await addAndSettle(company, s.scanId, [s.candidates[0].id]);
      expect(batch.items[0]).toMatchObject({ state: 'added' });
      const list = await company.admin.get(`/api/sites/${site.id}/devices`);
      expect(list.body.items[0]).toMatchObject({ serial: d.serial, addedVia: 'agent', host: d.host, port: d.httpPort });
    } finally {
      p.app.platform.agentTargets.length = 0;
      await fleet.close();
    }
  });
});

describe('loopback allowed (DEVICE_ALLOWED_RANGES=127.0.0.0/8,::1/128, a lab)', () => {
  let p: TestPlatform;
  let company: TestCompany;
  let fleet: Fleet;
  let proxy: TcpProxy | undefined;
  const traps: Trap[] = [];
  // The platform's log at debug level: where the cause behind each DEVICE_UNREACHABLE goes.
  const logLines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  beforeAll(async () => {
    p = await startTestPlatform({ listen: true, config: FAST, logger });
    company = await setupCompany(p.app, p.setupToken);
    fleet = await startFleetFor(p, [{ type: 'camera', activated: true, cloudEnabled: false }]);
  });
  afterAll(async () => {
    for (const t of traps) await t.close();
    await proxy?.close();
    await fleet?.close();
    await p?.close();
  });

  it('closed, filtered and not-a-device ports answer identically (they were reached); a device answers as a device', async () => {
    const site = await buildSite(company);
    const kinds: TrapKind[] = ['http_404', 'http_html', 'not_http', 'silent'];
    const listeners = await Promise.all(Array.from({ length: 40 }, (_, i) => trap(kinds[i % kinds.length]!)));
    traps.push(...listeners);
    const closed = await closedPorts(159);
    const d = fleet.describe(fleet.devices[0]!);
    const s = await scanCode(company, site.id, [...[...listeners.map((t) => t.port), ...closed].map((port) => ({ host: '127.0.0.1', port })), { name: 'Camera', host: d.host, port: d.httpPort }]);
    const unreachable = s.candidates.slice(0, 199);
    const first = answer(unreachable[0]!);
    expect(first).toMatchObject({ online: false, nextAction: 'none', error: { code: 'DEVICE_UNREACHABLE' } });
    for (const c of unreachable) expect(answer(c)).toEqual(first);
    // The listeners were really probed: the identical answers hide what listens, not a refusal.
    for (const t of listeners) expect(t.connections).toBeGreaterThan(0);
    // The causes differ, and only the debug log says which was which.
    const causes = new Set(logLines.filter((l) => l.msg === 'device address did not answer as a device' && l.level === 20).map((l) => l.cause));
    expect(causes.has('DEVICE_OFFLINE')).toBe(true); // closed
    expect([...causes].some((c) => c === 'DEVICE_UNSUPPORTED' || c === 'DEVICE_PROTOCOL_ERROR')).toBe(true); // not a device
    expect([...causes].some((c) => c === 'DEVICE_TIMEOUT' || c === 'deadline')).toBe(true); // silent
    expect(JSON.stringify(s)).not.toMatch(/DEVICE_OFFLINE|DEVICE_TIMEOUT|DEVICE_UNSUPPORTED|DEVICE_PROTOCOL_ERROR|ECONNREFUSED/);
    // A device with the wrong password did answer as a device: that answer stays its own.
    expect(s.candidates[199]).toMatchObject({ online: true, nextAction: 'enter_password', error: { code: 'DEVICE_AUTH_FAILED' } });
  });

  it('the platform\'s own ports stay refused on loopback even when loopback is allowed', async () => {
    const site = await buildSite(company);
    let ownHttpConnections = 0;
    p.app.server.on('connection', () => ownHttpConnections++);
    const [closed] = await closedPorts(1);
    const s = await scanCode(company, site.id, [
      { host: '127.0.0.1', port: closed! },
      { host: '127.0.0.1', port: portOf(p.baseUrl) },
      { host: '::1', port: portOf(p.baseUrl) },
      { host: '127.0.0.1', port: portOf(p.app.platform.mqttUrl) },
    ]);
    const first = answer(s.candidates[0]!);
    expect(first).toMatchObject({ error: { code: 'DEVICE_UNREACHABLE' } });
    for (const c of s.candidates) expect(answer(c)).toEqual(first);
    expect(ownHttpConnections).toBe(0);
  });

  it('a host name is resolved once and the checked address connected to (localhost → 127.0.0.1)', async () => {
    const site = await buildSite(company);
    const d = fleet.describe(fleet.devices[0]!);
    proxy = await startTcpProxy(d.host, d.httpPort); // the device behind 127.0.0.1
    const text = encodeDeviceListQr([{ name: 'By name', host: 'localhost', port: proxy.port, user: d.adminUser!, password: d.adminPassword! }]);
    const r = await company.admin.post(`/api/sites/${site.id}/scans`, { text });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.candidates[0]).toMatchObject({ host: 'localhost', online: true, nextAction: 'add', serial: d.serial, error: null });
  });
});
