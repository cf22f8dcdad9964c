/**
 * The GatewayStore contract: one suite, run against every implementation — the in-memory store the
 * gateway tests use and the PostgreSQL one the platform uses (on the test database: embedded
 * PGlite, or a fresh database on DATABASE_URL). The gateway relies on exactly what is written here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { openDatabase, type DatabaseHandle } from '../../src/server/db/database';
import { migrateToLatest } from '../../src/server/db/migrate';
import { PgGatewayStore } from '../../src/server/gateway/gateway.repository';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import type { DeviceRegistration, GatewayStore } from '../../src/server/gateway/gateway.types';
import { SecretBox } from '../../src/server/security/secret-box';
import { sql } from 'kysely';

const box = new SecretBox('11'.repeat(32));

/** What the suite reads back besides the interface: the presence a store holds for a serial. */
interface Subject {
  store: GatewayStore;
  presence(serial: string): Promise<{ online: boolean; at: Date; firmware: string | null } | undefined>;
  /** PostgreSQL only: the database, for what that store does beyond the contract. */
  db?: DatabaseHandle['db'];
  close(): Promise<void>;
}

const implementations: [string, () => Promise<Subject>][] = [
  [
    'in memory',
    async () => {
      const store = new MemoryGatewayStore();
      return {
        store,
        presence: async (serial) => {
          const p = store.presence.get(serial);
          return p && { online: p.online, at: p.since, firmware: p.firmware ?? null };
        },
        close: async () => undefined,
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const testDb: TestDatabase = await createTestDatabase();
      let handle: DatabaseHandle | undefined;
      try {
        handle = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://', poolMax: 2 });
        await migrateToLatest(handle.db);
      } catch (err) {
        await handle?.close();
        await testDb.drop();
        throw err;
      }
      const { db } = handle;
      return {
        db,
        store: new PgGatewayStore(db, box),
        presence: async (serial) => db.selectFrom('device_presence').select(['online', 'at', 'firmware']).where('serial', '=', serial).executeTakeFirst(),
        close: async () => {
          await handle.close();
          await testDb.drop();
        },
      };
    },
  ],
];

const t0 = new Date('2026-01-01T00:00:00.000Z');
const later = (s: number) => new Date(t0.getTime() + s * 1000);

function registration(serial: string, over: Partial<DeviceRegistration> = {}): DeviceRegistration {
  return { serial, keyHex: 'ab'.repeat(32), legacy: false, model: 'DS-2CD2143G2-I', type: 'camera', firmware: 'V5.7.3', registeredAt: t0, updatedAt: t0, ...over };
}

describe.each(implementations)('GatewayStore contract: %s', (name, open) => {
  let s: Subject;
  beforeAll(async () => {
    s = await open();
  });
  afterAll(async () => s?.close());

  it('knows no registration for a serial never registered', async () => {
    expect(await s.store.getRegistration('NEVER-SEEN-0001')).toBeNull();
  });

  it('gives back a registration as stored, field for field', async () => {
    const reg = registration('REG-0001', { registeredAt: later(1), updatedAt: later(2) });
    await s.store.upsertRegistration(reg);
    expect(await s.store.getRegistration('REG-0001')).toEqual(reg);
  });

  it('replaces key, model, type, firmware and updatedAt on a second upsert, keeping when it was first registered', async () => {
    await s.store.upsertRegistration(registration('REG-0002'));
    const next = registration('REG-0002', { keyHex: 'cd'.repeat(32), model: 'DS-7608NI-K2', type: 'nvr', firmware: 'V4.1.0', registeredAt: later(60), updatedAt: later(60) });
    await s.store.upsertRegistration(next);
    expect(await s.store.getRegistration('REG-0002')).toEqual({ ...next, registeredAt: t0 });
  });

  it('keeps registrations apart by serial, case included', async () => {
    await s.store.upsertRegistration(registration('REG-0003-a', { model: 'A' }));
    await s.store.upsertRegistration(registration('REG-0003-A', { model: 'B' }));
    expect((await s.store.getRegistration('REG-0003-a'))?.model).toBe('A');
    expect((await s.store.getRegistration('REG-0003-A'))?.model).toBe('B');
  });

  it('hands out copies: changing a registration read does not change the store', async () => {
    await s.store.upsertRegistration(registration('REG-0004'));
    const read = await s.store.getRegistration('REG-0004');
    read!.keyHex = 'ff'.repeat(32);
    expect((await s.store.getRegistration('REG-0004'))?.keyHex).toBe('ab'.repeat(32));
  });

  it('forgets a binding (the installer reset), and says whether there was one', async () => {
    await s.store.upsertRegistration(registration('DEL-0001'));
    expect(await s.store.deleteRegistration('DEL-0001')).toBe(true);
    expect(await s.store.getRegistration('DEL-0001')).toBeNull();
    expect(await s.store.deleteRegistration('DEL-0001')).toBe(false);
  });

  it('keeps the legacy mark of a key derived from the code until an issued key replaces it', async () => {
    await s.store.upsertRegistration(registration('LEG-0001', { legacy: true }));
    expect((await s.store.getRegistration('LEG-0001'))?.legacy).toBe(true);
    await s.store.upsertRegistration(registration('LEG-0001', { keyHex: 'cd'.repeat(32), legacy: false }));
    expect(await s.store.getRegistration('LEG-0001')).toMatchObject({ keyHex: 'cd'.repeat(32), legacy: false });
  });

  it('applies a batch of presence changes, registered or not, and an empty batch is a no-op', async () => {
    await s.store.upsertRegistration(registration('PRES-0001'));
    await s.store.applyPresence([]);
    await s.store.applyPresence([
      { serial: 'PRES-0001', online: true, at: later(1) },
      { serial: 'PRES-0002', online: false, at: later(2) },
    ]);
    expect(await s.presence('PRES-0001')).toEqual({ online: true, at: later(1), firmware: null });
    expect(await s.presence('PRES-0002')).toEqual({ online: false, at: later(2), firmware: null });
    expect(await s.presence('PRES-NONE')).toBeUndefined();
  });

  it('a later batch replaces the presence of a serial; firmware reported once is kept until reported again', async () => {
    await s.store.applyPresence([{ serial: 'PRES-0003', online: true, at: later(1), firmware: 'V5.7.3' }]);
    await s.store.applyPresence([{ serial: 'PRES-0003', online: false, at: later(5) }]);
    expect(await s.presence('PRES-0003')).toEqual({ online: false, at: later(5), firmware: 'V5.7.3' });
    await s.store.applyPresence([{ serial: 'PRES-0003', online: true, at: later(9), firmware: 'V5.8.0' }]);
    expect(await s.presence('PRES-0003')).toEqual({ online: true, at: later(9), firmware: 'V5.8.0' });
  });

  it('presence does not change the registration', async () => {
    const reg = registration('PRES-0004');
    await s.store.upsertRegistration(reg);
    await s.store.applyPresence([{ serial: 'PRES-0004', online: true, at: later(3), firmware: 'V9.9.9' }]);
    expect(await s.store.getRegistration('PRES-0004')).toEqual(reg);
  });

  it('takes a large batch in one call', async () => {
    const batch = Array.from({ length: 500 }, (_, i) => ({ serial: `BULK-${String(i).padStart(4, '0')}`, online: i % 2 === 0, at: later(i) }));
    await s.store.applyPresence(batch);
    expect(await s.presence('BULK-0000')).toMatchObject({ online: true, at: later(0) });
    expect(await s.presence('BULK-0499')).toMatchObject({ online: false, at: later(499) });
  });

  it('lists the serials whose stored presence is online, and only those', async () => {
    await s.store.applyPresence([
      { serial: 'ONL-0001', online: true, at: later(1) },
      { serial: 'ONL-0002', online: false, at: later(1) },
      { serial: 'ONL-0003', online: true, at: later(1) },
    ]);
    await s.store.applyPresence([{ serial: 'ONL-0003', online: false, at: later(2) }]);
    const online = (await s.store.onlineSerials()).filter((serial) => serial.startsWith('ONL-'));
    expect(online).toEqual(['ONL-0001']);
  });

  // Beyond the contract: on PostgreSQL the key is sealed at rest, and keys migration 0007 left in the clear get sealed.
  it.runIf(name === 'PostgreSQL')('stores device keys sealed, never in the clear', async () => {
    const db = s.db!;
    await s.store.upsertRegistration(registration('SEAL-0001', { keyHex: 'ef'.repeat(32) }));
    const row = await db.selectFrom('cloud_registrations').selectAll().where('serial', '=', 'SEAL-0001').executeTakeFirstOrThrow();
    expect(row.key_hex).toBeNull();
    expect(row.key_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('ef'.repeat(32));
    expect(box.open(row.key_sealed!, 'cloud-key:SEAL-0001')).toBe('ef'.repeat(32));
    // A legacy row as migration 0007 leaves it: the derived key in key_hex, marked legacy.
    await sql`insert into cloud_registrations (serial, key_hex, key_legacy, model, type, firmware, registered_at, updated_at)
      values ('SEAL-0002', ${'12'.repeat(32)}, true, 'M', 'camera', 'V1', now(), now())`.execute(db);
    expect(await s.store.getRegistration('SEAL-0002')).toMatchObject({ keyHex: '12'.repeat(32), legacy: true });
    expect(await (s.store as PgGatewayStore).sealPlaintextKeys()).toBeGreaterThanOrEqual(1);
    expect(await (s.store as PgGatewayStore).sealPlaintextKeys()).toBe(0);
    const sealed = await db.selectFrom('cloud_registrations').selectAll().where('serial', '=', 'SEAL-0002').executeTakeFirstOrThrow();
    expect(sealed.key_hex).toBeNull();
    expect(await s.store.getRegistration('SEAL-0002')).toMatchObject({ keyHex: '12'.repeat(32), legacy: true });
  });

  // Beyond the contract: on PostgreSQL, devices added through the cloud follow their presence in the same flush.
  it.runIf(name === 'PostgreSQL')('sets the status of devices added through the cloud, and only theirs', async () => {
    const db = s.db!;
    const company = await db.insertInto('companies').values({ name: 'Gateway store test' }).returning('id').executeTakeFirstOrThrow();
    const site = await db.insertInto('sites').values({ company_id: company.id, name: 'Site', address: '', time_zone: 'UTC', updated_at: t0 }).returning('id').executeTakeFirstOrThrow();
    const device = (serial: string, addedVia: 'cloud' | 'direct') => ({
      company_id: company.id, site_id: site.id, serial, name: serial, type: 'camera', model: 'DS-2CD', added_via: addedVia, status: 'offline',
    });
    await db.insertInto('devices').values([device('DEV-CLOUD-0001', 'cloud'), device('DEV-DIRECT-0001', 'direct')]).execute();
    await s.store.applyPresence([{ serial: 'DEV-CLOUD-0001', online: true, at: later(1) }, { serial: 'DEV-DIRECT-0001', online: true, at: later(1) }]);
    const rows = await db.selectFrom('devices').select(['serial', 'status']).where('site_id', '=', site.id).orderBy('serial').execute();
    expect(rows).toEqual([{ serial: 'DEV-CLOUD-0001', status: 'online' }, { serial: 'DEV-DIRECT-0001', status: 'offline' }]);
  });
});
