import { sql, type Kysely } from 'kysely';

// Device keys issued, not derived (issue 12, decision 0002). A key is random, issued by the
// platform after the device proved its verification code, and kept sealed (SecretBox) in
// key_sealed. Keys stored before were derived from serial + code: they are marked legacy here and
// replaced by an issued key at the device's next hello. A migration has no access to the server's
// secret key, so the legacy keys stay in key_hex only until the next start seals them
// (PgGatewayStore.sealPlaintextKeys, run before the device cloud starts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cloud_registrations alter column key_hex drop not null`.execute(db);
  await db.schema.alterTable('cloud_registrations').addColumn('key_sealed', 'text').execute();
  await db.schema.alterTable('cloud_registrations').addColumn('key_legacy', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await sql`update cloud_registrations set key_legacy = true`.execute(db);
  await sql`alter table cloud_registrations add constraint cloud_registrations_key_present check (key_hex is not null or key_sealed is not null)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  // Issued keys cannot be turned back into derived ones: those devices must register again.
  await sql`delete from cloud_registrations where key_hex is null`.execute(db);
  await sql`alter table cloud_registrations drop constraint if exists cloud_registrations_key_present`.execute(db);
  await db.schema.alterTable('cloud_registrations').dropColumn('key_legacy').execute();
  await db.schema.alterTable('cloud_registrations').dropColumn('key_sealed').execute();
  await sql`alter table cloud_registrations alter column key_hex set not null`.execute(db);
}
