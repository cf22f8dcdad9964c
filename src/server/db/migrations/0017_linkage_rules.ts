import { sql, type Kysely } from 'kysely';

// Linkage rules (issue 15, src/server/linkage; docs/decisions/0017-linkage-rules.md):
// - linkage_rules: per site, an event type on a source device (optionally one channel or zone),
//   conditions and actions (notify, webhook, a device action on another device of the site). The
//   device ids carry no foreign key: a rule whose device is deleted is kept (shown invalid).
//   Validity is never stored: it is derived from the devices each time (health-policy.ts).
// - linkage_firings: each firing, once per (rule, event), with each action and its result. Device
//   actions run after the consumer's transaction commits: `state` pending until they ran,
//   `claimed_until` the lease of the node running them.
// - the consumer's outbox cursor starts at the end of the outbox (history is not replayed).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('linkage_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('company_id', 'uuid', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('template', 'text')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('source_device_id', 'uuid', (c) => c.notNull())
    .addColumn('source_channel', 'integer')
    .addColumn('source_zone', 'integer')
    .addColumn('conditions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('actions', 'jsonb', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('linkage_rules_site_idx').on('linkage_rules').columns(['site_id', 'created_at']).execute();
  await db.schema.createIndex('linkage_rules_source_idx').on('linkage_rules').columns(['source_device_id', 'event_type']).execute();
  await db.schema
    .createTable('linkage_firings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('rule_id', 'uuid', (c) => c.notNull().references('linkage_rules.id').onDelete('cascade'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('site_id', 'uuid', (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('actions', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('fired_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addUniqueConstraint('linkage_firings_once', ['rule_id', 'event_id'])
    .execute();
  await db.schema.createIndex('linkage_firings_rule_idx').on('linkage_firings').columns(['rule_id', 'fired_at']).execute();
  await sql`create index linkage_firings_pending_idx on linkage_firings (fired_at) where state = 'pending'`.execute(db);
  await sql`insert into outbox_cursors (consumer, tx_id, event_id) select 'linkage', pg_current_xact_id()::text, coalesce(max(id), 0) from domain_events on conflict (consumer) do nothing`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('linkage_firings').ifExists().execute();
  await db.schema.dropTable('linkage_rules').ifExists().execute();
  await sql`delete from outbox_cursors where consumer = 'linkage'`.execute(db);
}
