import { sql, type Kysely } from 'kysely';

// AX Pro panel accounts (decision 0016, "Identity of the panel"): a new state, identity_unproven —
// the account is wanted but the panel's identity is not proven (neither reached through the device
// cloud nor claimed with its verification code), so no login password is sent to it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('axpro_accounts').dropConstraint('axpro_accounts_state').execute();
  await db.schema
    .alterTable('axpro_accounts')
    .addCheckConstraint('axpro_accounts_state', sql`state in ('creating', 'present', 'password_needed', 'admin_password_needed', 'identity_unproven', 'conflict', 'deleting')`)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`update axpro_accounts set state = 'password_needed' where state = 'identity_unproven'`.execute(db);
  await db.schema.alterTable('axpro_accounts').dropConstraint('axpro_accounts_state').execute();
  await db.schema
    .alterTable('axpro_accounts')
    .addCheckConstraint('axpro_accounts_state', sql`state in ('creating', 'present', 'password_needed', 'admin_password_needed', 'conflict', 'deleting')`)
    .execute();
}
