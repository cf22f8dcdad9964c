import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildSite, type TestCompany } from '../../../test/helpers/factories';
import { OnboardingRepository } from './onboarding.repository';

let p: TestPlatform;
let company: TestCompany;
let siteId: string;

usePlatformWithCompany((fx) => ({ p, company } = fx));
beforeAll(async () => {
  siteId = (await buildSite(company)).id;
});

async function addDevice(serial: string): Promise<string> {
  const r = await new OnboardingRepository(p.app.platform.database.db).insertDevice({
    companyId: company.companyId, siteId, serial, name: serial, type: 'camera', model: 'DS-2CD', firmwareVersion: 'V5.7.0', firmwareCompatible: true,
    addedVia: 'cloud', host: null, port: null, credentialsSealed: null, verificationCodeSealed: null, addedBy: null, status: 'online',
  });
  return r!;
}

describe('device by serial (full or the 9-character short serial of labels and SADP)', () => {
  it('finds a device by its full serial, by its short serial and case-insensitively; nothing else', async () => {
    const repo = new OnboardingRepository(p.app.platform.database.db);
    const id = await addDevice('DS-2CD2143G2-I20240101AAWRJ12345678');
    await addDevice('DS-2CD2143G2-I20240101AAWRJ99345678'); // same last 6, different last 9
    expect((await repo.deviceBySerial('DS-2CD2143G2-I20240101AAWRJ12345678'))?.id).toBe(id);
    expect((await repo.deviceBySerial('J12345678'))?.id).toBe(id);
    expect((await repo.deviceBySerial('j12345678'))?.id).toBe(id);
    expect((await repo.deviceBySerial('RJ12345678'))?.id).toBe(id); // longer than 9: still a suffix
    expect(await repo.deviceBySerial('X12345678')).toBeUndefined();
    expect(await repo.deviceBySerial('345678')).toBeUndefined(); // too short to be a short serial
    expect(await repo.deviceBySerial('J12345678')).toMatchObject({ id, siteId, companyId: company.companyId, serial: 'DS-2CD2143G2-I20240101AAWRJ12345678', claimProof: 'none' });
  });

  it('the lookup can use the index on the last 9 characters', async () => {
    const db = p.app.platform.database.db;
    const plan = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return new OnboardingRepository(trx).explainDeviceBySerial('J12345678');
    });
    expect(plan).toContain('devices_serial_tail_idx');
  });
});

describe('pending adds waiting for devices that come online (pendingItemIdsForSerials)', () => {
  it('matches full and short serials either way round, case-insensitively, for a whole batch of devices at once', async () => {
    const db = p.app.platform.database.db;
    const scan = await company.admin.post(`/api/sites/${siteId}/scans`, { text: 'DS-2CD2143G2-I20240101AAWRJ55500001' });
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    const candidateId = scan.body.candidates[0].id as string;
    const batch = await db.insertInto('onboarding_batches').values({ company_id: company.companyId, site_id: siteId, scan_id: scan.body.scanId as string, idempotency_key: `k-${Math.random()}`, created_by: null }).returning('id').executeTakeFirstOrThrow();
    const item = async (serial: string | null, state = 'pending') =>
      (await db.insertInto('onboarding_items').values({ batch_id: batch.id, candidate_id: candidateId, site_id: siteId, serial, state, secrets_sealed: null, error_code: null, error_message: null, error_hint: null, device_id: null, pending_until: null, lease_until: null }).returning('id').executeTakeFirstOrThrow()).id;
    const full = await item('DS-2CD2143G2-I20240101AAWRJ55500001'); // added by its full serial
    const short = await item('j55500002'); // added by the label's short serial
    const other = await item('DS-2CD2143G2-I20240101AAWRJ55500003');
    await item('DS-2CD2143G2-I20240101AAWRJ55500004', 'added'); // not pending
    await item(null); // no serial (an address-only add)
    const same9 = await item('DS-XXXXXXXXX-I20240101AAWRJ55500005');
    const repo = new OnboardingRepository(db);
    const online = ['J55500001', 'DS-2CD2143G2-I20240101AAWRJ55500002', 'DS-2CD2143G2-I20240101AAWRJ55500005', 'NOT-A-MATCH123'];
    expect((await repo.pendingItemIdsForSerials(online)).sort()).toEqual([full, short].sort());
    // Same last 9 characters but another full serial: not the same device.
    expect(await repo.pendingItemIdsForSerials(['DS-2CD2143G2-I20240101AAWRJ55500005'])).not.toContain(same9);
    expect(await repo.pendingItemIdsForSerials(['DS-XXXXXXXXX-I20240101AAWRJ55500005'])).toEqual([same9]);
    expect(await repo.pendingItemIdsForSerials(['dS-2cd2143g2-i20240101aawrj55500003'])).toEqual([other]);
    expect(await repo.pendingItemIdsForSerials([])).toEqual([]);
  });
});
