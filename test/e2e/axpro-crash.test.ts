/**
 * The server killed (SIGKILL) in the middle of an AX Pro reconcile, started again on the same
 * database: the accounts it was making are all made, none twice, and Sitekeeper's record matches the
 * panel (issue 17). The panel is slow so that the kill lands between its adds.
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
import { startServer, startServerWithAdmin, testServerEnv } from '../helpers/server-process';
import { freePort, HttpSession } from '../helpers/http-session';

const PW = 'Vq7#mZ2pLw9!xR';
const INSTALLERS = 6;

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

describe('AX Pro reconcile: crash and resume', () => {
  it('a server killed between panel adds finishes them after restart: nothing lost, nothing doubled', async () => {
    fleet = await startFleet({ count: 1, specs: [{ type: 'axpro', cloudEnabled: false }], sadpPort: false });
    const panel = fleet.devices[0]!;
    const desc = fleet.describe(panel);
    testDb = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sk-axcrash-'));
    const port = await freePort();
    const env = testServerEnv({ port, dataDir, databaseUrl: testDb.url, name: 'axcrash' }, {
      ONBOARDING_RETRY_SECONDS: '1',
      // After the restart the periodic reconcile picks the panel up again (the killed job's retry would wait for its expiry).
      AXPRO_RECONCILE_SECONDS: '2',
      // The panel is added by address with its admin password only (identity unproven): this test is
      // about crash safety, so the operator's opt-in to send login passwords to such panels is on.
      AXPRO_TRUST_UNPROVEN_PANELS: 'true',
    });
    const first = await startServerWithAdmin(env, { companyName: 'Crash Co', email: 'axcrash@example.test', password: PW });
    server = first.proc.child;
    const { base, api } = first;
    const emails: string[] = ['axcrash@example.test'];
    for (let i = 0; i < INSTALLERS; i++) {
      const email = `inst${i}@example.test`;
      const inv = await api.call('POST', '/api/installers/invitations', { email, name: `Installer ${i}`, permission: 'manage_all' });
      const t = new URL(inv.body.inviteUrl as string).searchParams.get('token')!;
      expect((await new HttpSession(base).call('POST', `/api/invitations/${t}/accept`, { name: `Installer ${i}`, password: PW })).status).toBe(201);
      emails.push(email);
    }
    const site = (await api.call('POST', '/api/sites', { name: 'Crash site' })).body;
    const scan = await api.call('POST', `/api/sites/${site.id}/scans`, { text: encodeDeviceListQr([{ name: 'panel', host: desc.host, port: desc.httpPort, user: desc.adminUser!, password: desc.adminPassword! }]) });
    expect(scan.status).toBe(201);
    const add = await api.call('POST', `/api/scans/${scan.body.scanId}/add`, { candidateIds: scan.body.candidates.map((c: { id: string }) => c.id), idempotencyKey: 'axcrash-1' });
    expect(add.status).toBe(202);
    const deviceId = await eventually(async () => {
      const b = await api.call('GET', `/api/batches/${add.body.batchId}`);
      return b.body.done ? (b.body.items?.[0]?.deviceId as string | undefined) ?? (await api.call('GET', `/api/sites/${site.id}/devices`)).body.items[0]?.id : undefined;
    }, 'panel added', 60_000);
    const accounts = async (s: HttpSession) => (await s.call('GET', `/api/devices/${deviceId}/panel-accounts`)).body as { items: Array<{ state: string; panelUserName: string; panelUserId: number | null }> };
    await eventually(async () => (await accounts(api)).items.filter((a) => a.state === 'password_needed').length === emails.length, 'every account waits for a sign-in', 60_000);

    // Slow panel, then every user signs in: the reconcile adds the accounts one by one.
    await fleet.applyFaults(panel.serial, { latencyMs: 400 });
    for (const email of emails) expect((await new HttpSession(base).call('POST', '/api/auth/login', { email, password: PW })).status).toBe(200);
    const ours = () => panel.state.users.filter((u) => u.userName.startsWith('sk-'));
    await eventually(() => ours().length >= 2, 'the first accounts on the panel', 60_000);
    server.kill('SIGKILL');
    await new Promise((r) => server!.once('exit', r));
    const madeBeforeKill = ours().length;
    expect(madeBeforeKill, 'the kill landed mid-reconcile').toBeLessThan(emails.length);

    const second = await startServer(env);
    server = second.child;
    const api2 = new HttpSession(base);
    expect((await api2.call('POST', '/api/auth/login', { email: emails[0], password: PW })).status).toBe(200);
    const done = await eventually(async () => {
      const a = await accounts(api2);
      return a.items.length === emails.length && a.items.every((x) => x.state === 'present') ? a : undefined;
    }, 'every account made after the restart', 90_000);
    // One panel user per account, none twice, and the record names the panel's own ids.
    const names = ours().map((u) => u.userName);
    expect(names).toHaveLength(emails.length);
    expect(new Set(names).size).toBe(emails.length);
    for (const a of done.items) expect(panel.state.users.find((u) => u.id === a.panelUserId)?.userName).toBe(a.panelUserName);
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    server = undefined;
  }, 300_000);
});
