/**
 * Guessing a device's verification code over HTTP (#12): every path that has the device check a
 * code — a label scan of a serial bound elsewhere, an add by label, a claim dispute — goes through
 * the same throttle (per serial, and per user and company across serials). Many codes for one
 * serial end in 429 VERIFICATION_CODE_THROTTLED with Retry-After on each path; the right code is
 * never what ends it. (The cloud-binding reset checks no code: it is an installer's action on a
 * device of their own, audited.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { encodeLabelQr, tryParseLabel } from '../../src/protocol/qr/label';
import type { ApiClient } from '../helpers/api';
import { buildOtherCompany, buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';

let p: TestPlatform;
let owner: TestCompany;
let attacker: TestCompany;
let fleet: Fleet;
let dev: Record<'scanned' | 'added' | 'disputed', VirtualDevice>;
/** Serials for guesses across devices (a few wrong codes each, below any one serial's delay). */
let spread: VirtualDevice[];

beforeAll(async () => {
  p = await startTestPlatform();
  owner = await setupCompany(p.app, p.setupToken);
  attacker = await buildOtherCompany(p.app);
  fleet = await startFleetFor(p, Array.from({ length: 7 }, () => ({ type: 'camera' as const })));
  const [scanned, added, disputed, ...rest] = fleet.devices as [VirtualDevice, VirtualDevice, VirtualDevice, ...VirtualDevice[]];
  dev = { scanned, added, disputed };
  spread = rest;
  for (const d of fleet.devices) await eventually(() => p.inDeviceCloud(d.serial), `${d.serial} in the device cloud`);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

/** The device's label with another code in it. */
function labelWith(d: VirtualDevice, code: string): string {
  const l = tryParseLabel(fleet.describe(d).label)!;
  return encodeLabelQr({ ...l, verificationCode: code });
}

const wrong = (i: number) => `WRONG${String.fromCharCode(65 + i)}`;

/** Sends guesses until one is refused with 429; the refusal must carry Retry-After and the throttle's code. */
async function guessUntilThrottled(guess: (i: number) => Promise<{ status: number; headers: Record<string, unknown>; body: any }>): Promise<number> {
  for (let i = 0; i < 12; i++) {
    const r = await guess(i);
    if (r.status === 429) {
      expect(r.body.error.code).toBe('VERIFICATION_CODE_THROTTLED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(r.headers['retry-after'])).toBe(r.body.error.details.retryAfterSeconds);
      return i;
    }
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
  }
  throw new Error('twelve wrong codes were never throttled');
}

async function scan(client: ApiClient, siteId: string, text: string) {
  return client.post(`/api/sites/${siteId}/scans`, { text });
}

describe('verification-code guessing over HTTP is throttled on every path', () => {
  it('label scans of a serial bound elsewhere (the code decides what the scan reveals)', async () => {
    // The owner adds it by its label (code proven: a strong claim).
    const own = await buildSite(owner);
    const s = await scan(owner.admin, own.id, fleet.describe(dev.scanned).label);
    const add = await owner.admin.post(`/api/scans/${s.body.scanId}/add`, { candidateIds: [s.body.candidates[0].id], idempotencyKey: 'owner-add-scanned' });
    expect(add.status, JSON.stringify(add.body)).toBe(202);
    await eventually(async () => (await owner.admin.get(`/api/batches/${add.body.batchId}`)).body.items[0].state === 'added', 'owner added it', 60_000);
    const site = await buildSite(attacker);
    const tries = await guessUntilThrottled((i) => scan(attacker.admin, site.id, labelWith(dev.scanned, wrong(i))));
    expect(tries).toBeGreaterThanOrEqual(3);
  });

  it('adds by label: refused at once (429) while the serial is throttled, not queued to fail later', async () => {
    const site = await buildSite(attacker);
    const tries = await guessUntilThrottled(async (i) => {
      const s = await scan(attacker.admin, site.id, labelWith(dev.added, wrong(i)));
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      const r = await attacker.admin.post(`/api/scans/${s.body.scanId}/add`, { candidateIds: [s.body.candidates[0].id], idempotencyKey: `guess-key-${i}` });
      expect([202, 429], JSON.stringify(r.body)).toContain(r.status);
      if (r.status !== 202) return r;
      const batch = await eventually(async () => {
        const b = await attacker.admin.get(`/api/batches/${r.body.batchId}`);
        return b.body.settled ? b.body : undefined;
      }, 'guess settled', 60_000);
      expect(batch.items[0], JSON.stringify(batch.items[0])).toMatchObject({ state: 'failed', error: { code: 'VERIFICATION_CODE_INVALID' } });
      return r;
    });
    expect(tries).toBeGreaterThanOrEqual(3);
    // Nothing was bound to the attacker meanwhile.
    expect(p.app.platform.gateway.pendingDevice(dev.added.serial)).not.toBeNull();
  }, 120_000);

  it('claim disputes', async () => {
    const tries = await guessUntilThrottled((i) => attacker.admin.post('/api/devices/claims/dispute', { serial: dev.disputed.serial, verificationCode: wrong(i) }));
    expect(tries).toBeGreaterThanOrEqual(3);
  });

  it("across serials: one user's wrong codes are capped too (a few free per serial is not a few on every serial)", async () => {
    let refused: { status: number; headers: Record<string, unknown>; body: any } | undefined;
    for (let i = 0; i < spread.length * 2 && !refused; i++) {
      const r = await attacker.admin.post('/api/devices/claims/dispute', { serial: spread[i % spread.length]!.serial, verificationCode: wrong(i) });
      if (r.status === 429) refused = r;
      else expect(r.body.error.code).toBe('VERIFICATION_CODE_INVALID');
    }
    expect(refused?.body.error).toMatchObject({ code: 'VERIFICATION_CODE_THROTTLED', details: { scope: expect.stringMatching(/^(user|company)$/) } });
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    // The owner (another company, another user) is not held back by the attacker's guesses.
    expect(() => p.app.platform.gateway.checkCodeGuesser({ userId: owner.adminId, companyId: owner.companyId })).not.toThrow();
  });
});
