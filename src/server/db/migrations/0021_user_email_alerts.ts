import type { Kysely } from 'kysely';

// Per-user opt-out of alert e-mails (issue 15): exceptions, storm alerts and recoveries are e-mailed
// to a user only while email_alerts is on (the default); in-app notifications are unaffected.
// Account e-mails (invitations, password resets) are not alerts and always go.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_alerts', 'boolean', (c) => c.notNull().defaultTo(true)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('email_alerts').execute();
}
