/**
 * Crash and resume: the server is killed (SIGKILL) in the middle of a bulk add, started again on
 * the same database, and finishes the batch without losing or doubling a device.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../src/emulator';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually } from '../helpers/fleet';
import { TEST_PASSWORD } from '../helpers/factories';
import { startServer, startServerWithAdmin, testServerEnv } from '../helpers/server-process';
import { freePort, HttpSession } from '../helpers/http-session';

const DEVICES = 16;

let fleet: Fleet | undefined;
let server: ChildProcess | undefined;
let dataDir: string | undefined;
let testDb: TestDatabase | undefined;

afterAll(async () => {
  server?.kill('SIGKILL');
  await fleet?.close();
  await testDb?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('crash and resume', () => {
  it('a server killed mid-bulk finishes the batch after restart: nothing lost, nothing doubled', async () => {
    fleet = await startFleet({ count: DEVICES, specs: Array.from({ length: DEVICES }, () => ({ type: 'camera' as const })), sadpPort: false });
    // Slow, staggered devices so that the kill lands in the middle of the batch.
    for (const [i, d] of fleet.devices.entries()) await fleet.applyFaults(d.serial, { latencyMs: 100 + i * 150 });
    testDb = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sk-crash-'));
    const port = await freePort();
    const env = testServerEnv({ port, dataDir, databaseUrl: testDb.url, name: 'crash' }, { ONBOARDING_RETRY_SECONDS: '1' });
    const first = await startServerWithAdmin(env, { companyName: 'Crash Co', email: 'crash@example.test', password: TEST_PASSWORD });
    server = first.proc.child;
    const { base, api } = first;
    const site = (await api.call('POST', '/api/sites', { name: 'Crash site' })).body;
    const text = encodeDeviceListQr(
      fleet.devices.map((d, i) => {
        const x = fleet!.describe(d);
        return { name: `cam-${i}`, host: x.host, port: x.httpPort, user: x.adminUser!, password: x.adminPassword! };
      }),
    );
    const scan = await api.call('POST', `/api/sites/${site.id}/scans`, { text });
    expect(scan.status).toBe(201);
    const add = await api.call('POST', `/api/scans/${scan.body.scanId}/add`, { candidateIds: scan.body.candidates.map((c: { id: string }) => c.id), idempotencyKey: 'crash-batch-1' });
    expect(add.status).toBe(202);
    const batchId = add.body.batchId as string;

    // Kill it as soon as the first devices are in, with others still running or queued.
    const snapshot = await eventually(async () => {
      const b = await api.call('GET', `/api/batches/${batchId}`);
      return (b.body.counts.added ?? 0) >= 1 ? b.body : undefined;
    }, 'first device added', 60_000);
    server.kill('SIGKILL');
    await new Promise((r) => server!.once('exit', r));
    const before = await fetch(`${base}/healthz`).catch(() => null);
    expect(before).toBeNull();

    const second = await startServer(env);
    server = second.child;
    const api2 = new HttpSession(base);
    await api2.call('POST', '/api/auth/login', { email: 'crash@example.test', password: TEST_PASSWORD });
    expect(snapshot.counts.added, 'the kill landed mid-batch').toBeLessThan(DEVICES);
    const done = await eventually(async () => {
      const b = await api2.call('GET', `/api/batches/${batchId}`);
      return b.body.done ? b.body : undefined;
    }, 'batch finished after restart', 90_000);
    expect(done.counts).toEqual({ added: DEVICES });
    const devices = await api2.call('GET', `/api/sites/${site.id}/devices?pageSize=200`);
    expect(devices.body.total).toBe(DEVICES);
    expect(new Set(devices.body.items.map((d: { serial: string }) => d.serial)).size).toBe(DEVICES);
    // Submitting the same batch again changes nothing.
    const again = await api2.call('POST', `/api/scans/${scan.body.scanId}/add`, { candidateIds: scan.body.candidates.map((c: { id: string }) => c.id), idempotencyKey: 'crash-batch-1' });
    expect(again.body).toEqual({ batchId, created: false });
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    server = undefined;
  }, 240_000);
});
