import { sql, type Kysely } from 'kysely';

// Site agents enrolled per site (issue 12, decision 0002 "Site agents"). Replaces agent_tokens:
// those held a long-lived token's hash that the agent then sent in clear in its hello; no route
// created them and an agent of the old protocol cannot speak the new one, so they are dropped,
// not carried over.
// - enrol_key_hash: agentEnrolKey(one-time token), hex, while the enrolment is open (null once used);
// - key_sealed: the long-term key the platform issued at enrolment, sealed with the SecretBox;
// - revoked_at: a revoked agent is refused by the broker and the hubs at once.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('site_agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enrol_key_hash', 'text', (c) => c.unique())
    .addColumn('enrol_expires_at', 'timestamptz')
    .addColumn('key_sealed', 'text')
    .addColumn('enrolled_at', 'timestamptz')
    .addColumn('version', 'text')
    .addColumn('last_seen_at', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('site_agents_site_idx').on('site_agents').column('site_id').execute();
  await db.schema.dropTable('agent_tokens').ifExists().execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('site_agents').ifExists().execute();
  await db.schema
    .createTable('agent_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('site_id', 'uuid', (c) => c.references('sites.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
