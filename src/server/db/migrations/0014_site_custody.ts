import { sql, type Kysely } from 'kysely';

// Site custody (issue 17, decision 0015): a site is handed over to its customer (an end user), who
// then authorizes the installer company when service is needed.
// - End users belong to no installer company: `users.company_id` is null exactly for them. E-mail
//   stays unique across the platform (one account signs in with one address), so one end-user
//   account can be the customer of sites of several companies.
// - `sites.handover_state` and `sites.owner_user_id` say who holds the site.
// - `site_invitations` hand a site over (a link and QR code; resend makes a new token, the old one dies).
// - `site_authorizations` are the owner's grants to the installer company; at most one live row per site.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users alter column company_id drop not null`.execute(db);
  await sql`update users set company_id = null where role = 'end_user'`.execute(db);
  await sql`alter table users add constraint users_company_by_role check ((role = 'end_user') = (company_id is null))`.execute(db);

  await db.schema
    .alterTable('sites')
    .addColumn('handover_state', 'text', (c) => c.notNull().defaultTo('not_handed_over').check(sql`handover_state in ('not_handed_over','invitation_sent','handed_over')`))
    .execute();
  await db.schema.alterTable('sites').addColumn('owner_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null')).execute();
  await db.schema.createIndex('sites_owner_idx').on('sites').column('owner_user_id').execute();

  await db.schema
    .createTable('site_invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('company_id', 'uuid', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('accepted_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('site_invitations_site_idx').on('site_invitations').column('site_id').execute();

  await db.schema
    .createTable('site_authorizations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('company_id', 'uuid', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('granted_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('permissions', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One grant at a time: a change revokes the old row and writes a new one (history kept).
  await sql`create unique index site_authorizations_live_idx on site_authorizations (site_id) where revoked_at is null`.execute(db);

  // An installer admin resets an installer's password: a one-time link (token stored hashed).
  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('password_resets').execute();
  await db.schema.dropTable('site_authorizations').execute();
  await db.schema.dropTable('site_invitations').execute();
  await db.schema.alterTable('sites').dropColumn('owner_user_id').execute();
  await db.schema.alterTable('sites').dropColumn('handover_state').execute();
  await sql`alter table users drop constraint users_company_by_role`.execute(db);
  await sql`delete from users where company_id is null`.execute(db);
  await sql`alter table users alter column company_id set not null`.execute(db);
}
