import type { Kysely } from 'kysely';

// Firmware verdict on the device row (issue 16): the catalogue's verdict for the device's model and
// firmware (per feature, with its reason and the version to upgrade to) and the catalogue version it
// was computed with. A null or older catalogue version is re-checked at start-up.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('devices')
    .addColumn('firmware_verdict', 'jsonb')
    .addColumn('firmware_catalogue', 'text')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('firmware_verdict').dropColumn('firmware_catalogue').execute();
}
