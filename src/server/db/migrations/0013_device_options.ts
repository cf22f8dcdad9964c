import type { Kysely } from 'kysely';

// Device options (issue 16): `type_chosen` is true once an installer picked the device's type
// (a device whose type was not recognised). Such a type stays editable; a type the device
// reported itself is not.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').addColumn('type_chosen', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('type_chosen').execute();
}
