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
