import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../database';
import { migrateTo, migrateToLatest } from '../migrate';

describe('migration 0009: devices.claim_proof backfilled from how each device was added (decision 0005)', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://', poolMax: 4 });
  });
  afterAll(async () => h?.close());

  it('cloud → code; agent add of a device this company activated → activation; other direct/agent with credentials → credentials; else none', async () => {
    await migrateTo(h.db, '0006_progress_notify');
    const company = (await sql<{ id: string }>`insert into companies (name) values ('A') returning id`.execute(h.db)).rows[0]!.id;
    const other = (await sql<{ id: string }>`insert into companies (name) values ('B') returning id`.execute(h.db)).rows[0]!.id;
    const site = (await sql<{ id: string }>`insert into sites (company_id, name) values (${company}, 'S') returning id`.execute(h.db)).rows[0]!.id;
    const add = async (serial: string, via: string, creds: string | null) =>
      sql`insert into devices (company_id, site_id, serial, name, type, model, added_via, credentials_sealed) values (${company}, ${site}, ${serial}, ${serial}, 'camera', 'M', ${via}, ${creds})`.execute(h.db);
    await add('DS-CLOUD-000000001', 'cloud', null);
    await add('DS-ACTIV-000000002', 'agent', 'sealed');
    await add('DS-AGENT-000000003', 'agent', 'sealed');
    await add('DS-DIRECT-00000004', 'direct', 'sealed');
    await add('DS-BARE-0000000005', 'direct', null);
    // Activation audited by short serial in this company; the same for another device, but in another company.
    await sql`insert into audit_log (company_id, action, target_type, target_id, outcome) values (${company}, 'device.activate', 'device', '000000002', 'success')`.execute(h.db);
    await sql`insert into audit_log (company_id, action, target_type, target_id, outcome) values (${other}, 'device.activate', 'device', '000000003', 'success')`.execute(h.db);

    await migrateToLatest(h.db);
    const rows = (await sql<{ serial: string; claim_proof: string }>`select serial, claim_proof from devices order by serial`.execute(h.db)).rows;
    expect(Object.fromEntries(rows.map((r) => [r.serial, r.claim_proof]))).toEqual({
      'DS-CLOUD-000000001': 'code',
      'DS-ACTIV-000000002': 'activation',
      'DS-AGENT-000000003': 'credentials',
      'DS-DIRECT-00000004': 'credentials',
      'DS-BARE-0000000005': 'none',
    });
    await expect(sql`update devices set claim_proof = 'guess'`.execute(h.db)).rejects.toThrow();
  });
});
