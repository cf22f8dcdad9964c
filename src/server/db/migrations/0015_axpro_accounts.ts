import { sql, type Kysely } from 'kysely';

// AX Pro panel accounts (issue 17, decision 0016): one row per panel user Sitekeeper made, or is
// about to make, for one of its users. The reconciler never touches a panel user that has no row
// here. No foreign keys to devices or users: a deleted device's or user's rows stay until the
// panel user is gone from the panel. `state`: creating (written before the add is sent: a crash
// then adopts the user of that name instead of adding it twice), present, password_needed,
// admin_password_needed, conflict, deleting. `password_pending`: the login password changed and
// the panel does not have the new one yet.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('axpro_accounts')
    .addColumn('device_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('panel_user_id', 'integer')
    .addColumn('panel_user_name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('password_pending', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('last_error_code', 'text')
    .addColumn('last_error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('axpro_accounts_pk', ['device_id', 'user_id'])
    .addCheckConstraint('axpro_accounts_state', sql`state in ('creating', 'present', 'password_needed', 'admin_password_needed', 'conflict', 'deleting')`)
    .execute();
  await db.schema.createIndex('axpro_accounts_user').on('axpro_accounts').column('user_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('axpro_accounts').execute();
}
