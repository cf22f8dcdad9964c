import { sql, type Kysely } from 'kysely';

// Exceptions, storm control and signed webhooks (issue 15, src/server/exceptions, src/server/webhooks;
// docs/decisions/0012-exceptions-and-delivery.md):
// - domain_events.tx_id: the writing transaction's id, so that a consumer with its own cursor reads
//   only events whose transaction can no longer commit behind it (xid below the snapshot's xmin).
// - outbox_cursors: one cursor per outbox consumer ((tx_id, id) of the last event handled),
//   advanced in the transaction that handles the events. `notified_at` stays the notifier's.
// - exception_rules: per site (or the company default, site_id null): types, recipients, schedule.
// - device_exceptions: each exception raised (one per event, device, type and subject), with what
//   happened to its delivery (held for storm control, delivered, grouped, damped, outside schedule).
// - site_storms: one open storm per site at most (the grouped alert was sent; recovery pending).
// - webhook_endpoints / webhook_deliveries: per company endpoints (secret sealed), one delivery
//   per (endpoint, event key), its attempts and outcome (the delivery log).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table domain_events add column tx_id xid8 not null default pg_current_xact_id()`.execute(db);
  await sql`create index domain_events_tx_idx on domain_events (tx_id, id)`.execute(db);
  await db.schema
    .createTable('outbox_cursors')
    .addColumn('consumer', 'text', (c) => c.primaryKey())
    .addColumn('tx_id', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('event_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The exception consumer starts at the end of the outbox: the history of a database that ran
  // 0011 is not raised as a flood of exceptions on the first start (every existing event got this
  // transaction's id above).
  await sql`insert into outbox_cursors (consumer, tx_id, event_id) select 'exceptions', pg_current_xact_id()::text, coalesce(max(id), 0) from domain_events`.execute(db);
  await db.schema
    .createTable('exception_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('company_id', 'uuid', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('site_id', 'uuid', (c) => c.references('sites.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('types', 'jsonb', (c) => c.notNull())
    .addColumn('recipients', 'jsonb', (c) => c.notNull())
    .addColumn('schedule', 'jsonb')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('exception_rules_company_idx').on('exception_rules').columns(['company_id', 'site_id']).execute();
  await db.schema
    .createTable('device_exceptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('company_id', 'uuid', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('source_event_id', 'bigint', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivery', 'text', (c) => c.notNull())
    .addColumn('held_until', 'timestamptz')
    .addUniqueConstraint('device_exceptions_once', ['source_event_id', 'device_id', 'type', 'subject'])
    .execute();
  await db.schema.createIndex('device_exceptions_site_idx').on('device_exceptions').columns(['site_id', 'raised_at']).execute();
  await sql`create index device_exceptions_held_idx on device_exceptions (held_until) where delivery = 'held'`.execute(db);
  await db.schema
    .createTable('site_storms')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('company_id', 'uuid', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('offline_count', 'integer', (c) => c.notNull())
    .addColumn('device_count', 'integer', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await sql`create unique index site_storms_open on site_storms (site_id) where ended_at is null`.execute(db);
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('company_id', 'uuid', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('types', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('endpoint_id', 'uuid', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('webhook_deliveries_once', ['endpoint_id', 'event_key'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_endpoint_idx').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['webhook_deliveries', 'webhook_endpoints', 'site_storms', 'device_exceptions', 'exception_rules', 'outbox_cursors']) await db.schema.dropTable(t).ifExists().execute();
  await sql`alter table domain_events drop column if exists tx_id`.execute(db);
}
