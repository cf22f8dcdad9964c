/**
 * `npm start`'s demo fleet under the default connect policy (no allow-list): its devices live on
 * loopback, which the server refuses, yet adding one by host and port works because
 * src/start/demo-fleet.ts has the embedded agent serve exactly their address:port pairs. And its
 * page stays on one port (DEMO_FLEET_PORT) from start to start, so a bookmark keeps working.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import { startDemoFleet } from '../../src/start/demo-fleet';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { freePort } from '../helpers/http-session';
import { eventually } from '../helpers/wait';

let p: TestPlatform;
let company: TestCompany;
let demo: Awaited<ReturnType<typeof startDemoFleet>>;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sk-demo-reach-'));
  p = await startTestPlatform({ config: { deviceAllowedRanges: [] } });
  company = await setupCompany(p.app, p.setupToken);
  demo = await startDemoFleet({ ...p.config, dataDir, demoFleetCount: 3, demoFleetPort: 0 }, p.app.platform);
});
afterAll(async () => {
  await demo?.fleet.close();
  await p?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('demo fleet by address (default policy)', () => {
  it('a demo device is added by host:port through the embedded agent; any other loopback port gets DEVICE_UNREACHABLE', async () => {
    const site = await buildSite(company);
    const d = demo.fleet.devices.map((x) => demo.fleet.describe(x)).find((x) => x.activated && x.online && x.httpPort > 0 && x.adminPassword)!;
    expect(d, 'an activated demo device with an HTTP port').toBeDefined();
    const text = encodeDeviceListQr([
      { name: 'Demo', host: d.host, port: d.httpPort, user: d.adminUser!, password: d.adminPassword! },
      { name: 'Next port', host: d.host, port: d.httpPort + 1000, user: d.adminUser!, password: d.adminPassword! },
    ]);
    const s = (await company.admin.post(`/api/sites/${site.id}/scans`, { text })).body;
    expect(s.candidates[0]).toMatchObject({ online: true, nextAction: 'add', serial: d.serial });
    expect(s.candidates[1]).toMatchObject({ online: false, error: { code: 'DEVICE_UNREACHABLE' } });
    const r = await company.admin.post(`/api/scans/${s.scanId}/add`, { candidateIds: [s.candidates[0].id], idempotencyKey: `k-${Math.random()}` });
    expect(r.status).toBe(202);
    await eventually(async () => ((await company.admin.get(`/api/batches/${r.body.batchId}`)).body.settled ? true : undefined), 'batch settled', 60_000);
    const list = await company.admin.get(`/api/sites/${site.id}/devices`);
    expect(list.body.items).toEqual([expect.objectContaining({ serial: d.serial, addedVia: 'agent', host: d.host, port: d.httpPort })]);
  });
});

describe('demo fleet page port (DEMO_FLEET_PORT)', () => {
  it('comes back on the same port with the same devices after a restart; a taken port moves to a free one and says so', async () => {
    const port = await freePort();
    const dirs = await Promise.all([1, 2].map((i) => mkdtemp(path.join(os.tmpdir(), `sk-demo-port-${i}-`))));
    const config = { ...p.config, dataDir: dirs[0]!, demoFleetCount: 1, demoFleetPort: port };
    const portOf = (d: Awaited<ReturnType<typeof startDemoFleet>>): number => Number(new URL(d.fleet.controlUrl).port);
    try {
      const first = await startDemoFleet(config, p.app.platform);
      const serials = first.fleet.devices.map((d) => d.serial);
      try {
        expect(portOf(first)).toBe(port);
        expect(first.note).toBeUndefined();
        // Another start while the port is held (a second instance): a free port, and the note says why.
        const other = await startDemoFleet({ ...config, dataDir: dirs[1]! }, p.app.platform);
        try {
          expect(portOf(other)).not.toBe(port);
          expect(other.note).toBe(`port ${port} was taken (DEMO_FLEET_PORT)`);
        } finally {
          await other.fleet.close();
        }
      } finally {
        await first.fleet.close();
      }
      const again = await startDemoFleet(config, p.app.platform);
      try {
        expect(portOf(again)).toBe(port);
        expect(again.fleet.devices.map((d) => d.serial)).toEqual(serials);
      } finally {
        await again.fleet.close();
      }
    } finally {
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    }
  });
});
