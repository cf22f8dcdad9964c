import { sql, type Kysely } from 'kysely';

// Firmware packages can be deleted (issue 16): the bytes go (packages are large and live in the
// database), the row stays as the record of what past campaigns sent (version, models, hash) with
// deleted_at set. Uploading the same bytes again brings the package back.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('firmware_packages').alterColumn('content', (c) => c.dropNotNull()).execute();
  await db.schema.alterTable('firmware_packages').addColumn('deleted_at', 'timestamptz').execute();
  await db.schema
    .alterTable('firmware_packages')
    .addCheckConstraint('firmware_packages_content', sql`(deleted_at is null) = (content is not null)`)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  // Deleted packages have no bytes to restore: their campaigns go with them.
  await sql`delete from firmware_campaigns where package_id in (select id from firmware_packages where deleted_at is not null)`.execute(db);
  await sql`delete from firmware_packages where deleted_at is not null`.execute(db);
  await db.schema.alterTable('firmware_packages').dropConstraint('firmware_packages_content').execute();
  await db.schema.alterTable('firmware_packages').dropColumn('deleted_at').execute();
  await db.schema.alterTable('firmware_packages').alterColumn('content', (c) => c.setNotNull()).execute();
}
