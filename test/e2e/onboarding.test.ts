import { createServer } from 'node:http';
/**
 * Adding devices by scanning, end to end: real platform (PGlite or DATABASE_URL, embedded broker or
 * MQTT_URL), the emulator fleet over real sockets, the server's own site agent for the LAN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildInstaller, buildOtherCompany, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import type { ApiClient } from '../helpers/api';
import { eventually, startFleetFor } from '../helpers/fleet';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let dev: Record<'ready' | 'fresh' | 'cloudOff' | 'offline' | 'wrongCode' | 'nvr' | 'dupe' | 'axpro' | 'listA' | 'listB', VirtualDevice>;

beforeAll(async () => {
  p = await startTestPlatform();
  company = await setupCompany(p.app, p.setupToken);
  fleet = await startFleetFor(p, [
    { type: 'camera' },
    { type: 'camera', activated: false },
    { type: 'camera', cloudEnabled: false },
    { type: 'camera', powered: false },
    { type: 'camera' },
    { type: 'nvr', channels: 8, hdds: 2 },
    { type: 'camera' },
    { type: 'axpro' },
    { type: 'camera', cloudEnabled: false },
    { type: 'camera', cloudEnabled: false },
  ]);
  const [ready, fresh, cloudOff, offline, wrongCode, nvr, dupe, axpro, listA, listB] = fleet.devices;
  dev = { ready: ready!, fresh: fresh!, cloudOff: cloudOff!, offline: offline!, wrongCode: wrongCode!, nvr: nvr!, dupe: dupe!, axpro: axpro!, listA: listA!, listB: listB! };
  // Cloud-enabled devices connect to the gateway on their own.
  for (const d of [ready, wrongCode, nvr, dupe, axpro]) {
    await eventually(() => p.inDeviceCloud(d!.serial), `${d!.serial} online in the device cloud`);
  }
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

const label = (d: VirtualDevice) => fleet.describe(d).label;

async function scan(client: ApiClient, siteId: string, text: string) {
  const r = await client.post(`/api/sites/${siteId}/scans`, { text });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { scanId: string; classified: Record<string, unknown>; candidates: Array<Record<string, any>> };
}

async function addAndWait(client: ApiClient, scanId: string, candidateIds: string[], extra: Record<string, string> = {}, key = `k-${Math.random()}`) {
  const r = await client.post(`/api/scans/${scanId}/add`, { candidateIds, idempotencyKey: key, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const batchId = r.body.batchId as string;
  const done = await eventually(async () => {
    const b = await client.get(`/api/batches/${batchId}`);
    return b.body.settled ? b.body : undefined;
  }, `batch ${batchId} settled`, 60_000);
  return { batchId, batch: done as { items: Array<Record<string, any>>; counts: Record<string, number>; done: boolean } };
}

/** The audit rows of one action on a device, found by its serial (the target of steps taken before it is added). */
async function deviceAudit(serial: string, action: string): Promise<Array<Record<string, any>>> {
  const r = await company.admin.get(`/api/audit?action=${action}&targetId=${encodeURIComponent(serial)}`);
  expect(r.status).toBe(200);
  return r.body.items;
}

describe('scan a device label', () => {
  it('online, activated, registered → added at once with serial + verification code, health monitoring on', async () => {
    const site = await buildSite(company);
    const s = await scan(company.admin, site.id, label(dev.ready));
    expect(s.classified.kind).toBe('label');
    expect(s.candidates).toHaveLength(1);
    expect(s.candidates[0]).toMatchObject({ reachableVia: 'cloud', online: true, activated: true, cloudEnabled: true, nextAction: 'add', alreadyAdded: null });
    expect(s.candidates[0]!.firmware.compatible).toBe(true);
    const { batch } = await addAndWait(company.admin, s.scanId, [s.candidates[0]!.id]);
    expect(batch.items[0]).toMatchObject({ state: 'added', error: null });
    const devices = await company.admin.get(`/api/sites/${site.id}/devices`);
    expect(devices.body.items).toHaveLength(1);
    expect(devices.body.items[0]).toMatchObject({ serial: dev.ready.serial, addedVia: 'cloud', healthMonitoring: true, type: 'camera', status: 'online' });
    // Scanning it again: reported as already on this site, not re-added.
    const again = await scan(company.admin, site.id, label(dev.ready));
    expect(again.candidates[0]).toMatchObject({ alreadyAdded: 'this_site', nextAction: 'none' });
    const audit = await company.admin.get(`/api/audit?action=device.add&targetId=${devices.body.items[0].id}`);
    expect(audit.body.total).toBe(1);

    // Its status follows the device cloud: offline when it drops off, online when it is back.
    const id = devices.body.items[0].id as string;
    const statusIs = (want: string) => async () => ((await company.admin.get(`/api/devices/${id}`)).body.status === want ? true : undefined);
    await fleet.applyFaults(dev.ready.serial, { power: 'off' });
    await eventually(statusIs('offline'), 'device shown offline after power off');
    expect((await company.admin.get(`/api/sites/${site.id}/devices?status=offline`)).body.items.map((d: { id: string }) => d.id)).toEqual([id]);
    await fleet.applyFaults(dev.ready.serial, { power: 'on' });
    await eventually(statusIs('online'), 'device shown online again');
  });

  it('a wrong verification code is refused with VERIFICATION_CODE_INVALID and adds nothing', async () => {
    const site = await buildSite(company);
    const wrong = label(dev.wrongCode).replace(dev.wrongCode.verificationCode, 'ZZZZZZ');
    const s = await scan(company.admin, site.id, wrong);
    const { batch } = await addAndWait(company.admin, s.scanId, [s.candidates[0]!.id]);
    expect(batch.items[0]).toMatchObject({ state: 'failed' });
    expect(batch.items[0]!.error.code).toBe('VERIFICATION_CODE_INVALID');
    expect(batch.items[0]!.error.hint).toMatch(/label/i);
    expect((await company.admin.get(`/api/sites/${site.id}/devices`)).body.total).toBe(0);
  });

  it('not activated → activation with the chosen admin password, DHCP on, then added', async () => {
    const site = await buildSite(company);
    const s = await scan(company.admin, site.id, label(dev.fresh));
    expect(s.candidates[0]).toMatchObject({ reachableVia: 'lan', activated: false, nextAction: 'activate' });
    const risky = await company.admin.post(`/api/scans/${s.scanId}/add`, { candidateIds: [s.candidates[0]!.id], idempotencyKey: 'risky-key-1', adminPassword: 'password' });
    expect(risky.status).toBe(422);
    expect(risky.body.error.code).toBe('DEVICE_PASSWORD_RISKY');
    const { batch } = await addAndWait(company.admin, s.scanId, [s.candidates[0]!.id], { adminPassword: 'Install3r-Pass', verificationCode: 'NEWCODE1' });
    expect(batch.items[0], JSON.stringify(batch.items[0])).toMatchObject({ state: 'added' });
    expect(dev.fresh.activated).toBe(true);
    expect(dev.fresh.state.network.addressingType).toBe('dynamic');
    const d = (await company.admin.get(`/api/sites/${site.id}/devices`)).body.items[0];
    expect(d.serial).toBe(dev.fresh.serial);
    // The activation is audited on its own (by serial: the device had no id yet), without the password.
    const rows = await deviceAudit(dev.fresh.serial, 'device.activate');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: company.adminId, targetType: 'device', outcome: 'success', details: { serial: dev.fresh.serial, siteId: site.id }, target: { exists: true, link: `/devices/${d.id}` } });
    expect(JSON.stringify(rows[0])).not.toMatch(/Install3r-Pass|NEWCODE1/);
  });

  it('cloud service off → enabled with the chosen verification code, registration awaited, then added', async () => {
    const site = await buildSite(company);
    const s = await scan(company.admin, site.id, label(dev.cloudOff));
    expect(s.candidates[0]).toMatchObject({ reachableVia: 'lan', activated: true, cloudEnabled: false, nextAction: 'enable_cloud' });
    const desc = fleet.describe(dev.cloudOff);
    const bad = await company.admin.post(`/api/scans/${s.scanId}/add`, { candidateIds: [s.candidates[0]!.id], idempotencyKey: 'vc-rules', verificationCode: 'ab' });
    expect(bad.body.error.code).toBe('VERIFICATION_CODE_RULES');
    const { batch } = await addAndWait(company.admin, s.scanId, [s.candidates[0]!.id], { verificationCode: 'CLOUD123', devicePassword: desc.adminPassword! });
    expect(batch.items[0], JSON.stringify(batch.items[0])).toMatchObject({ state: 'added' });
    expect(dev.cloudOff.cloudEnabled).toBe(true);
    expect(dev.cloudOff.verificationCode).toBe('CLOUD123');
    const d = (await company.admin.get(`/api/sites/${site.id}/devices`)).body.items[0];
    expect(d.addedVia).toBe('cloud');
    // Enabling the cloud service is audited on its own, without the code or the device password.
    const rows = await deviceAudit(dev.cloudOff.serial, 'device.cloud.enable');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: company.adminId, targetType: 'device', outcome: 'success', details: { serial: dev.cloudOff.serial, siteId: site.id }, target: { exists: true, link: `/devices/${d.id}` } });
    expect(JSON.stringify(rows[0])).not.toContain('CLOUD123');
    expect(JSON.stringify(rows[0])).not.toContain(desc.adminPassword!);
  });

  it('offline → guidance, pending, and added by itself when the device comes online', async () => {
    const site = await buildSite(company);
    const s = await scan(company.admin, site.id, label(dev.offline));
    expect(s.candidates[0]).toMatchObject({ online: false, nextAction: 'connect_to_network' });
    expect(s.candidates[0]!.guidance.join(' ')).toMatch(/Wi-Fi/);
    const { batchId, batch } = await addAndWait(company.admin, s.scanId, [s.candidates[0]!.id]);
    expect(batch.items[0]).toMatchObject({ state: 'pending', step: 'waiting_online' });
    expect(batch.done).toBe(false);
    await fleet.applyFaults(dev.offline.serial, { power: 'on' });
    const after = await eventually(async () => {
      const b = await company.admin.get(`/api/batches/${batchId}`);
      return b.body.items[0].state === 'added' ? b.body : undefined;
    }, 'pending device added after coming online', 60_000);
    expect(after.done).toBe(true);
    const ev = await p.app.platform.database.db.selectFrom('domain_events').selectAll().where('type', '=', 'device.added').execute();
    expect(ev.some((e) => e.payload.wasPending === true)).toBe(true);
    // The installer who started the add is told, even if they left the progress page long ago.
    const note = await eventually(async () => {
      const n = await company.admin.get('/api/notifications?unreadOnly=true');
      return n.body.items.find((x: { data: { batchId?: string } }) => x.data.batchId === batchId);
    }, 'notification for the device that came online');
    expect(note).toMatchObject({ kind: 'device.online_added', severity: 'success', link: `/devices/${after.items[0].deviceId}` });
    expect(note.body).toContain(site.name);
  });
});

describe('serial-only and unsupported codes', () => {
  it('a serial-only code asks for the verification code (manual add, prefilled serial)', async () => {
    const site = await buildSite(company);
    const s = await scan(company.admin, site.id, dev.nvr.shortSerial);
    expect(s.classified.kind).toBe('serial');
    expect(s.candidates[0]).toMatchObject({ serial: dev.nvr.serial, nextAction: 'enter_verification_code' });
    const { batch } = await addAndWait(company.admin, s.scanId, [s.candidates[0]!.id]);
    expect(batch.items[0]!.state).toBe('needs_action');
    expect(batch.items[0]!.error.code).toBe('VERIFICATION_CODE_REQUIRED');
    const ok = await addAndWait(company.admin, s.scanId, [s.candidates[0]!.id], { verificationCode: dev.nvr.verificationCode });
    expect(ok.batch.items[0]!.state).toBe('added');
  });

  it('a Wi-Fi QR is refused with QR_UNRECOGNIZED and a hint', async () => {
    const site = await buildSite(company);
    const r = await company.admin.post(`/api/sites/${site.id}/scans`, { text: 'WIFI:S:home;T:WPA;P:secret;;' });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('QR_UNRECOGNIZED');
    expect(r.body.error.hint).toMatch(/Wi-Fi/);
  });
});

describe('multi-device code', () => {
  it('mixed list: online added by IP, wrong credentials failed, unreachable failed at once (not pending), duplicate reported — each with its own result', async () => {
    const site = await buildSite(company);
    // The duplicate is already on this site.
    const pre = await scan(company.admin, site.id, label(dev.dupe));
    await addAndWait(company.admin, pre.scanId, [pre.candidates[0]!.id]);
    const a = fleet.describe(dev.listA);
    const b = fleet.describe(dev.listB);
    const d = fleet.describe(dev.dupe);
    const text = encodeDeviceListQr(
      [
        { name: 'Gate', host: a.host, port: a.httpPort, user: a.adminUser!, password: a.adminPassword! },
        { name: 'Yard', host: b.host, port: b.httpPort, user: b.adminUser!, password: 'Wrong-pass9' },
        { name: 'Shed', host: '127.0.0.1', port: 9, user: 'admin', password: 'Whatever1' },
        { name: 'Dupe', host: d.host, port: d.httpPort, user: d.adminUser!, password: d.adminPassword! },
      ],
      { password: 'Qr-pass1', timestamp: Math.floor(Date.now() / 1000) },
    );
    const locked = await company.admin.post(`/api/sites/${site.id}/scans`, { text });
    expect(locked.status).toBe(422);
    expect(locked.body.error.code).toBe('QR_PASSWORD_REQUIRED');
    const wrongPw = await company.admin.post(`/api/sites/${site.id}/scans`, { text, qrPassword: 'nope' });
    expect(wrongPw.body.error.code).toBe('QR_PASSWORD_WRONG');

    const s = (await company.admin.post(`/api/sites/${site.id}/scans`, { text, qrPassword: 'Qr-pass1' })).body;
    expect(s.candidates.map((c: { nextAction: string }) => c.nextAction)).toEqual(['add', 'enter_password', 'none', 'none']);
    expect(s.candidates[1].error.code).toBe('DEVICE_AUTH_FAILED');
    expect(s.candidates[2].error.code).toBe('DEVICE_UNREACHABLE');
    expect(s.candidates[3].alreadyAdded).toBe('this_site');
    expect(JSON.stringify(s)).not.toContain(a.adminPassword);

    const { batch } = await addAndWait(company.admin, s.scanId, s.candidates.map((c: { id: string }) => c.id));
    const byName = Object.fromEntries(batch.items.map((it) => [s.candidates.find((c: { id: string }) => c.id === it.candidateId).name, it]));
    expect(byName.Gate!.state).toBe('added');
    expect(byName.Yard!.state).toBe('failed');
    expect(byName.Yard!.error.code).toBe('DEVICE_AUTH_FAILED');
    expect(byName.Shed!).toMatchObject({ state: 'failed', pendingUntil: null, error: { code: 'DEVICE_UNREACHABLE' } });
    expect(byName.Dupe!.state).toBe('already_added');
    const list = await company.admin.get(`/api/sites/${site.id}/devices`);
    expect(list.body.items.map((x: { serial: string }) => x.serial).sort()).toEqual([dev.listA.serial, dev.dupe.serial].sort());
    const gate = list.body.items.find((x: { serial: string }) => x.serial === dev.listA.serial);
    expect(gate).toMatchObject({ addedVia: 'direct', host: a.host, port: a.httpPort });
    // Credentials are stored sealed, never in clear.
    const row = await p.app.platform.database.db.selectFrom('devices').select('credentials_sealed').where('id', '=', gate.id).executeTakeFirstOrThrow();
    expect(row.credentials_sealed).not.toContain(a.adminPassword);
    expect(JSON.stringify(list.body)).not.toContain(a.adminPassword);
  });
});

describe('where the server connects (#12)', () => {
  it('a host carrying a port, path or user name is refused per device, and nothing is contacted', async () => {
    const site = await buildSite(company);
    const seen: string[] = [];
    const trap = createServer((req, res) => {
      seen.push(String(req.url));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    const port = (trap.address() as { port: number }).port;
    const a = fleet.describe(dev.listB); // not added by the tests before this one
    try {
      const text = encodeDeviceListQr([
        { name: 'Injected', host: `[::ffff:127.0.0.1]:${port}/injected-path?x=`, port: 80, user: 'admin', password: 'Whatever1' },
        { name: 'User info', host: `admin@127.0.0.1:${port}`, port, user: 'admin', password: 'Whatever1' },
        { name: 'Good', host: a.host, port: a.httpPort, user: a.adminUser!, password: a.adminPassword! },
      ]);
      const s = await scan(company.admin, site.id, text);
      expect(s.candidates.map((c) => [c.nextAction, c.error?.code ?? null])).toEqual([
        ['none', 'DEVICE_HOST_INVALID'],
        ['none', 'DEVICE_HOST_INVALID'],
        ['add', null],
      ]);
      expect(seen).toEqual([]);
    } finally {
      await new Promise<void>((r) => trap.close(() => r()));
    }
  });

  it('one code may not name more devices than SCAN_MAX_DEVICES (default 256): refused before anything is probed', async () => {
    const site = await buildSite(company);
    let connections = 0;
    const trap = createServer((_req, res) => res.writeHead(404).end());
    trap.on('connection', () => connections++);
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    const port = (trap.address() as { port: number }).port;
    try {
      const devices = Array.from({ length: 257 }, (_, i) => ({ name: `D${i}`, host: '127.0.0.1', port, user: 'admin', password: 'Whatever1' }));
      const r = await company.admin.post(`/api/sites/${site.id}/scans`, { text: encodeDeviceListQr(devices) });
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'SCAN_TOO_MANY_DEVICES', details: { devices: 257, max: 256 } });
      const ok = await company.admin.post(`/api/sites/${site.id}/scans`, { text: encodeDeviceListQr(devices.slice(0, 2)) });
      expect(ok.status).toBe(201);
      expect(connections).toBeGreaterThan(0); // the same trap does see probes of an allowed code
    } finally {
      await new Promise<void>((r) => trap.close(() => r()));
    }
  });
});

describe('durability and concurrency', () => {
  it('the same add submitted twice (idempotency key) adds each device once', async () => {
    const site = await buildSite(company);
    const s = await scan(company.admin, site.id, label(dev.axpro));
    const body = { candidateIds: [s.candidates[0]!.id], idempotencyKey: 'same-key-twice' };
    const [r1, r2] = await Promise.all([company.admin.post(`/api/scans/${s.scanId}/add`, body), company.admin.post(`/api/scans/${s.scanId}/add`, body)]);
    expect(r1.body.batchId).toBe(r2.body.batchId);
    await eventually(async () => (await company.admin.get(`/api/batches/${r1.body.batchId}`)).body.done, 'batch done');
    const list = await company.admin.get(`/api/sites/${site.id}/devices`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].type).toBe('axpro');
  });

  it('two installers adding the same device at once: exactly one wins, the other is told where it is', async () => {
    const siteA = await buildSite(company);
    const siteB = await buildSite(company);
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const serialOnly = dev.nvr.shortSerial;
    // Free the NVR from the earlier test first.
    const existing = (await company.admin.get(`/api/devices?search=${dev.nvr.serial}`)).body.items[0];
    if (existing) await company.admin.delete(`/api/devices/${existing.id}`);
    const [sa, sb] = await Promise.all([scan(company.admin, siteA.id, serialOnly), scan(inst.client, siteB.id, serialOnly)]);
    const code = { verificationCode: dev.nvr.verificationCode };
    const [ra, rb] = await Promise.all([
      addAndWait(company.admin, sa.scanId, [sa.candidates[0]!.id], code),
      addAndWait(inst.client, sb.scanId, [sb.candidates[0]!.id], code),
    ]);
    const states = [ra.batch.items[0]!.state, rb.batch.items[0]!.state].sort();
    expect(states).toEqual(['added', 'failed']);
    const loser = [ra, rb].find((x) => x.batch.items[0]!.state === 'failed')!;
    expect(loser.batch.items[0]!.error.code).toBe('DEVICE_ON_OTHER_SITE');
    const all = await company.admin.get(`/api/devices?search=${dev.nvr.serial}`);
    expect(all.body.total).toBe(1);
  });

  it('a device bound to another company is reported as bound elsewhere, with how to release it', async () => {
    const other = await buildOtherCompany(p.app);
    const otherSite = (await other.admin.post('/api/sites', { name: 'Elsewhere' })).body;
    // dev.ready is on a site of the first company (added here unless an earlier test did).
    const mine = await buildSite(company);
    const first = await scan(company.admin, mine.id, label(dev.ready));
    if (first.candidates[0]!.alreadyAdded === null) await addAndWait(company.admin, first.scanId, [first.candidates[0]!.id]);
    const s = await scan(other.admin, otherSite.id, label(dev.ready));
    expect(s.candidates[0]).toMatchObject({ alreadyAdded: 'elsewhere', nextAction: 'none' });
    expect(JSON.stringify(s)).not.toContain(company.companyId);
    // Nothing about the device beyond what its label says: no type, firmware, address or online state (#12).
    expect(s.candidates[0]).toMatchObject({ type: null, host: null, port: null, online: false, reachableVia: null, firmware: { version: null } });
    const { batch } = await addAndWait(other.admin, s.scanId, [s.candidates[0]!.id]);
    expect(batch.items[0]!.state).toBe('failed');
    expect(batch.items[0]!.error.code).toBe('DEVICE_BOUND_ELSEWHERE');
    expect(batch.items[0]!.error.hint).toMatch(/delete the device|factory settings/i);
  });

  it('an installer not assigned to the site cannot scan for it', async () => {
    const site = await buildSite(company);
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    const r = await inst.client.post(`/api/sites/${site.id}/scans`, { text: label(dev.ready) });
    expect(r.status).toBe(403);
    expect(r.body.error.hint).toMatch(/assign/i);
  });
});

describe('scan a photo', () => {
  it('decodes an uploaded label photo on the server and probes the device', async () => {
    const site = await buildSite(company);
    const { labelPng } = await import('../../src/emulator');
    const png = await labelPng(dev.ready.state);
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'label.png');
    const res = await p.app.inject({
      method: 'POST',
      url: `/api/sites/${site.id}/scans`,
      headers: { cookie: company.admin.cookie!, 'x-csrf-token': company.admin.csrfToken! },
      payload: form,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().candidates[0].serial).toBe(dev.ready.serial);
  });

  it('a photo without a QR code gets QR_NOT_FOUND; an oversize upload gets 413', async () => {
    const site = await buildSite(company);
    const sharp = (await import('sharp')).default;
    const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#888' } }).png().toBuffer();
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(blank)], { type: 'image/png' }), 'blank.png');
    const headers = { cookie: company.admin.cookie!, 'x-csrf-token': company.admin.csrfToken! };
    const r = await p.app.inject({ method: 'POST', url: `/api/sites/${site.id}/scans`, headers, payload: form });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('QR_NOT_FOUND');
    const big = new FormData();
    big.append('image', new Blob([new Uint8Array(p.config.uploadLimitBytes + 1024)], { type: 'image/png' }), 'big.png');
    const r2 = await p.app.inject({ method: 'POST', url: `/api/sites/${site.id}/scans`, headers, payload: big });
    expect(r2.statusCode).toBe(413);
    expect(r2.json().error.code).toBe('BODY_TOO_LARGE');
  });
});
