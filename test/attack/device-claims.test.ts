/**
 * Claims need proof (issue 12, decision 0005), attacked through the HTTP API with the emulator:
 * - a fake host answering ISAPI with another company's serial claims it by direct add (admin
 *   credentials of the fake host only); the rightful owner then adds the real device by its label
 *   (serial + verification code, checked against the device's own cloud registration) and wins;
 * - a serial bound in another company answers exactly like a serial nobody has, in scans and adds;
 * - a company releases its claim so that another can add the device;
 * - an installer admin disputes a claim made without proof; other roles cannot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import { startFleet, type Fleet, type VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildEndUser, buildInstaller, buildOtherCompany, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import type { ApiClient } from '../helpers/api';
import { eventually, startFleetFor } from '../helpers/fleet';

let p: TestPlatform;
/** The rightful owner of the real devices. */
let owner: TestCompany;
/** Runs the fake host. */
let attacker: TestCompany;
/** A third, unrelated company. */
let third: TestCompany;
let fleet: Fleet;
/** Fake hosts: emulated devices that answer ISAPI with the real devices' serials, never in the device cloud or on SADP. */
let fakes: Fleet;
let dev: Record<'victim' | 'released' | 'disputed' | 'bound' | 'weaklyBound', VirtualDevice>;

beforeAll(async () => {
  p = await startTestPlatform();
  owner = await setupCompany(p.app, p.setupToken);
  attacker = await buildOtherCompany(p.app);
  third = await buildOtherCompany(p.app);
  fleet = await startFleetFor(p, [{ type: 'camera' }, { type: 'camera' }, { type: 'camera' }, { type: 'camera' }, { type: 'camera' }]);
  const [victim, released, disputed, bound, weaklyBound] = fleet.devices;
  dev = { victim: victim!, released: released!, disputed: disputed!, bound: bound!, weaklyBound: weaklyBound! };
  fakes = await startFleet({
    count: 3,
    specs: [
      { type: 'camera', serial: victim!.serial, cloudEnabled: false },
      { type: 'camera', serial: disputed!.serial, cloudEnabled: false },
      { type: 'camera', serial: weaklyBound!.serial, cloudEnabled: false },
    ],
    sadpPort: false,
    device: { rebootMs: 300 },
  });
  for (const d of fleet.devices) await eventually(() => p.inDeviceCloud(d.serial), `${d.serial} online in the device cloud`);
}, 120_000);

afterAll(async () => {
  await fakes?.close();
  await fleet?.close();
  await p?.close();
});

const label = (d: VirtualDevice) => fleet.describe(d).label;

async function scan(client: ApiClient, siteId: string, text: string) {
  const r = await client.post(`/api/sites/${siteId}/scans`, { text });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { scanId: string; classified: Record<string, unknown>; candidates: Array<Record<string, any>> };
}

async function addAndWait(client: ApiClient, scanId: string, candidateIds: string[], key = `k-${Math.random()}`) {
  const r = await client.post(`/api/scans/${scanId}/add`, { candidateIds, idempotencyKey: key });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const batchId = r.body.batchId as string;
  const batch = await eventually(async () => {
    const b = await client.get(`/api/batches/${batchId}`);
    return b.body.settled ? b.body : undefined;
  }, `batch ${batchId} settled`, 60_000);
  return { batchId, batch: batch as { items: Array<Record<string, any>> } & Record<string, unknown> };
}

/** A fake host answering with `serial`, added by address with its own admin credentials. */
async function claimWithFakeHost(company: TestCompany, serial: string) {
  const fake = fakes.get(serial)!;
  const d = fakes.describe(fake);
  const site = await buildSite(company);
  const s = await scan(company.admin, site.id, encodeDeviceListQr([{ name: 'Fake', host: d.host, port: d.httpPort, user: d.adminUser!, password: d.adminPassword! }]));
  expect(s.candidates[0]).toMatchObject({ serial, reachableVia: 'direct', nextAction: 'add', alreadyAdded: null });
  const { batch } = await addAndWait(company.admin, s.scanId, [s.candidates[0]!.id]);
  expect(batch.items[0], JSON.stringify(batch.items[0])).toMatchObject({ state: 'added' });
  const device = (await company.admin.get(`/api/devices/${batch.items[0]!.deviceId}`)).body;
  expect(device).toMatchObject({ serial, addedVia: 'direct', claimProof: 'credentials' });
  return device as { id: string; siteId: string };
}

async function auditOf(company: TestCompany, action: string): Promise<Array<Record<string, any>>> {
  const r = await company.admin.get(`/api/audit?action=${encodeURIComponent(action)}`);
  expect(r.status).toBe(200);
  return r.body.items;
}

/** Nothing that names the company that proved the device (its id, its name, its users). */
function namesNobody(x: unknown, who: TestCompany) {
  const s = JSON.stringify(x);
  expect(s).not.toContain(who.companyId);
  expect(s).not.toContain(who.adminId);
  expect(s).not.toContain(who.adminEmail);
  expect(s).not.toContain('Acme Security');
}

describe('a fake host claims a serial with credentials; the rightful owner proves it with the code', () => {
  it('the owner adds the real device by its label: the weak claim is released, audited and notified without naming the owner', async () => {
    const fakeClaim = await claimWithFakeHost(attacker, dev.victim.serial);

    const site = await buildSite(owner);
    const s = await scan(owner.admin, site.id, label(dev.victim));
    // The code proves the device is in the owner's hands: shown as it is, ready to add.
    expect(s.candidates[0]).toMatchObject({ reachableVia: 'cloud', online: true, nextAction: 'add', alreadyAdded: null });
    const { batch } = await addAndWait(owner.admin, s.scanId, [s.candidates[0]!.id]);
    expect(batch.items[0], JSON.stringify(batch.items[0])).toMatchObject({ state: 'added', error: null });
    const mine = (await owner.admin.get(`/api/devices/${batch.items[0]!.deviceId}`)).body;
    expect(mine).toMatchObject({ serial: dev.victim.serial, addedVia: 'cloud', claimProof: 'code' });
    const added = (await auditOf(owner, 'device.add')).find((a) => a.targetId === mine.id);
    expect(added?.details).toMatchObject({ claimProof: 'code', replacedWeakClaim: true });

    // The fake host's claim is gone from the attacker's company…
    expect((await attacker.admin.get(`/api/devices/${fakeClaim.id}`)).status).toBe(404);
    expect((await attacker.admin.get(`/api/sites/${fakeClaim.siteId}/devices`)).body.total).toBe(0);
    // …audited there, and its installer told, without a word about who proved it.
    const lost = (await auditOf(attacker, 'device.claim_lost')).filter((a) => a.targetId === fakeClaim.id);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ actorId: null, outcome: 'success', details: { serial: dev.victim.serial, claimProof: 'credentials', reason: 'proven_elsewhere', provenWith: 'code' } });
    namesNobody(lost, owner);
    const note = await eventually(async () => {
      const n = await attacker.admin.get('/api/notifications');
      return (n.body.items as Array<Record<string, any>>).find((x) => x.kind === 'device.claim_lost');
    }, 'claim_lost notification for the weak holder', 30_000);
    expect(note).toMatchObject({ severity: 'warning' });
    expect(note.body).toContain(dev.victim.serial);
    namesNobody(note, owner);

    // A fake host cannot take it back: a weak claim never moves a strong one.
    const site2 = await buildSite(attacker);
    const d = fakes.describe(fakes.get(dev.victim.serial)!);
    const again = await scan(attacker.admin, site2.id, encodeDeviceListQr([{ name: 'Fake', host: d.host, port: d.httpPort, user: d.adminUser!, password: d.adminPassword! }]));
    const retry = await addAndWait(attacker.admin, again.scanId, [again.candidates[0]!.id]);
    expect(retry.batch.items[0]).toMatchObject({ state: 'failed' });
    expect(retry.batch.items[0]!.error.code).toBe('DEVICE_BOUND_ELSEWHERE');
    expect((await owner.admin.get(`/api/devices/${mine.id}`)).status).toBe(200);
  });
});

describe('a serial bound in another company answers exactly like a serial nobody has', () => {
  /** The answer with ids, timestamps and the two serials put to placeholders: everything else must be equal, byte for byte. */
  function normalized(x: unknown, serials: string[]): string {
    let s = JSON.stringify(x, (k, v: unknown) => (k === 'id' || k.endsWith('Id') || k.endsWith('At') || k === 'pendingUntil' ? (v === null ? null : '<id>') : v));
    for (const serial of serials) s = s.split(serial).join('<serial>');
    return s;
  }

  it.each(['bound', 'weaklyBound'] as const)('held %s: in scans and adds, for a bare serial and for a label with a wrong code', async (which) => {
    const d = dev[which];
    if (which === 'bound') {
      // Held with the code (strong).
      const ownSite = await buildSite(owner);
      const s = await scan(owner.admin, ownSite.id, label(d));
      expect((await addAndWait(owner.admin, s.scanId, [s.candidates[0]!.id])).batch.items[0]).toMatchObject({ state: 'added' });
    } else {
      // Held by a fake host's credentials (weak).
      await claimWithFakeHost(attacker, d.serial);
    }
    const holder = which === 'bound' ? owner : attacker;
    const short = d.serial.slice(-9);
    const unknownShort = short.startsWith('Q') ? `R${short.slice(1)}` : `Q${short.slice(1)}`;
    const site = await buildSite(third);
    const serials = [d.serial, short, unknownShort];

    const wrongCode = (text: string) => text.replace(fleet.describe(d).verificationCode, 'ZZZZZZ');
    const cases: Array<[string, string, string]> = [
      ['bare serial', short, unknownShort],
      ['label with a wrong code', wrongCode(label(d)), wrongCode(label(d)).replace(short, unknownShort)],
    ];
    for (const [what, boundText, unknownText] of cases) {
      const bound = await scan(third.admin, site.id, boundText);
      const unknown = await scan(third.admin, site.id, unknownText);
      expect(normalized(bound, serials), `${what}: scan`).toBe(normalized(unknown, serials));
      expect(bound.candidates[0]).toMatchObject({ alreadyAdded: null, nextAction: 'connect_to_network', online: false, model: unknown.candidates[0]!.model });

      const a = await addAndWait(third.admin, bound.scanId, [bound.candidates[0]!.id]);
      const b = await addAndWait(third.admin, unknown.scanId, [unknown.candidates[0]!.id]);
      expect(normalized(a.batch, serials), `${what}: add`).toBe(normalized(b.batch, serials));
      expect(a.batch.items[0]).toMatchObject({ state: 'pending' });
      expect(a.batch.items[0]!.error.code).toBe('DEVICE_OFFLINE');
      // Nobody's company is named anywhere.
      namesNobody([bound, a.batch], holder);
    }
  });
});

describe('release', () => {
  it('an installer admin releases the claim (audited, event); another company can then add the device', async () => {
    const mineSite = await buildSite(owner);
    const s = await scan(owner.admin, mineSite.id, label(dev.released));
    const { batch } = await addAndWait(owner.admin, s.scanId, [s.candidates[0]!.id]);
    expect(batch.items[0]).toMatchObject({ state: 'added' });
    const id = batch.items[0]!.deviceId as string;

    // Held with the code: a third company with the label is told it is bound elsewhere (it proved
    // the code, so that says nothing it could not know) and cannot add it.
    const theirSite = await buildSite(third);
    const blocked = await scan(third.admin, theirSite.id, label(dev.released));
    expect(blocked.candidates[0]).toMatchObject({ alreadyAdded: 'elsewhere', nextAction: 'none', type: null, host: null, online: false, reachableVia: null, firmware: { version: null } });
    namesNobody(blocked, owner);

    // Not an installer admin: refused. Another company's admin: the device does not exist for them.
    const installer = await buildInstaller(p.app, owner, 'manage_all');
    expect((await installer.client.post(`/api/devices/${id}/release`)).status).toBe(403);
    const endUser = await buildEndUser(p.app, owner);
    expect((await endUser.client.post(`/api/devices/${id}/release`)).status).toBe(403);
    expect((await third.admin.post(`/api/devices/${id}/release`)).status).toBe(404);
    expect((await owner.admin.get(`/api/devices/${id}`)).status).toBe(200);

    const r = await owner.admin.post(`/api/devices/${id}/release`);
    expect(r.status).toBe(204);
    expect((await owner.admin.get(`/api/devices/${id}`)).status).toBe(404);
    const audit = (await auditOf(owner, 'device.release')).filter((a) => a.targetId === id);
    expect(audit).toHaveLength(1);
    // Released like a delete: the device cloud's binding goes too (the device registers again for
    // whoever adds it next), and the `device.deleted` event lets the AX Pro reconcile clean up.
    expect(audit[0]).toMatchObject({ actorId: owner.adminId, outcome: 'success', details: { serial: dev.released.serial, claimProof: 'code', cloudReleased: true } });
    const events = await p.app.platform.database.db.selectFrom('domain_events').select(['type', 'payload', 'company_id']).where('type', 'in', ['device.released', 'device.deleted']).execute();
    expect(events.filter((e) => e.type === 'device.released').map((e) => e.payload)).toContainEqual(expect.objectContaining({ deviceId: id, serial: dev.released.serial, releasedBy: owner.adminId }));
    expect(events.filter((e) => e.type === 'device.deleted').map((e) => e.payload)).toContainEqual(expect.objectContaining({ deviceId: id, serial: dev.released.serial, cloudReleased: true }));

    const now = await scan(third.admin, theirSite.id, label(dev.released));
    expect(now.candidates[0]).toMatchObject({ alreadyAdded: null, nextAction: 'add' });
    const theirs = await addAndWait(third.admin, now.scanId, [now.candidates[0]!.id]);
    expect(theirs.batch.items[0]).toMatchObject({ state: 'added' });
  });
});

describe('dispute a claim made without proof', () => {
  it('per role; a wrong code and an unknown serial answer alike; the right code releases the weak claim, audited on both sides', async () => {
    const fakeClaim = await claimWithFakeHost(attacker, dev.disputed.serial);
    const code = fleet.describe(dev.disputed).verificationCode;
    const body = { serial: dev.disputed.serial.slice(-9), verificationCode: code };

    const installer = await buildInstaller(p.app, owner, 'manage_all');
    const endUser = await buildEndUser(p.app, owner);
    expect((await installer.client.post('/api/devices/claims/dispute', body)).status).toBe(403);
    expect((await endUser.client.post('/api/devices/claims/dispute', body)).status).toBe(403);
    expect((await attacker.admin.get(`/api/devices/${fakeClaim.id}`)).status).toBe(200);

    const strip = (r: { status: number; body: any }) => JSON.stringify({ status: r.status, body: { ...r.body, error: { ...r.body.error, correlationId: undefined } } });
    const wrong = await owner.admin.post('/api/devices/claims/dispute', { ...body, verificationCode: 'ZZZZZZ' });
    const unknown = await owner.admin.post('/api/devices/claims/dispute', { serial: 'Q00000001', verificationCode: code });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('VERIFICATION_CODE_INVALID');
    expect(strip(wrong)).toBe(strip(unknown));
    expect((await attacker.admin.get(`/api/devices/${fakeClaim.id}`)).status).toBe(200);

    const won = await owner.admin.post('/api/devices/claims/dispute', body);
    expect(won.status, JSON.stringify(won.body)).toBe(200);
    expect(won.body).toEqual({ serial: dev.disputed.serial, outcome: 'released' });
    expect((await attacker.admin.get(`/api/devices/${fakeClaim.id}`)).status).toBe(404);
    const lost = (await auditOf(attacker, 'device.claim_lost')).filter((a) => a.targetId === fakeClaim.id);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.details).toMatchObject({ reason: 'disputed', claimProof: 'credentials' });
    namesNobody(lost, owner);
    const disputes = await auditOf(owner, 'device.claim.dispute');
    expect(disputes.map((a) => [a.outcome, a.details.outcome ?? a.details.reason])).toEqual(expect.arrayContaining([['failure', 'code_not_proven'], ['success', 'released']]));
    namesNobody(disputes, attacker);
    expect(JSON.stringify(disputes)).not.toContain(code);
    await eventually(async () => {
      const n = await attacker.admin.get('/api/notifications');
      return (n.body.items as Array<Record<string, any>>).some((x) => x.kind === 'device.claim_lost' && x.data?.reason === 'disputed');
    }, 'claim_lost (disputed) notification', 30_000);

    expect((await owner.admin.post('/api/devices/claims/dispute', body)).body.outcome).toBe('not_claimed');
    const site = await buildSite(owner);
    const s = await scan(owner.admin, site.id, label(dev.disputed));
    const { batch } = await addAndWait(owner.admin, s.scanId, [s.candidates[0]!.id]);
    expect(batch.items[0]).toMatchObject({ state: 'added' });
    expect((await owner.admin.post('/api/devices/claims/dispute', body)).body.outcome).toBe('yours');
    // Held with the code now: another company's admin with the same code cannot dispute it away.
    expect((await third.admin.post('/api/devices/claims/dispute', body)).body.outcome).toBe('claim_proven');
    expect((await owner.admin.get(`/api/devices/${batch.items[0]!.deviceId}`)).status).toBe(200);
  });
});
