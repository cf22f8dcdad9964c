import { sql, type Kysely } from 'kysely';

// Health monitoring foundation (issue 15, src/server/health):
// - device_health: the current health of a device whose monitoring is on (one row per device):
//   its summary (state, reasons), the last snapshot the poller collected, and when the device was
//   last seen. Deleted when monitoring is switched off (never stale data); `monitoring_since` stops
//   a poll that started before monitoring was switched on again from writing an old snapshot.
// - device_health_history: one row per change of a device's summary (not per poll), trimmed by the
//   health.retention job (HEALTH_HISTORY_DAYS and a cap per device).
// - health_poller_lease: the one node that polls (a lease renewed on every tick; see
//   src/server/health/health-poller.ts and docs/decisions/0011-health-monitoring.md).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('device_health')
    .addColumn('device_id', 'uuid', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('snapshot', 'jsonb')
    .addColumn('collected_at', 'timestamptz')
    .addColumn('last_seen_at', 'timestamptz')
    .addColumn('monitoring_since', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('device_health_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('device_health_history_device_idx').on('device_health_history').columns(['device_id', 'at']).execute();
  await db.schema.createIndex('device_health_history_at_idx').on('device_health_history').column('at').execute();
  await db.schema
    .createTable('health_poller_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'timestamptz', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['health_poller_lease', 'device_health_history', 'device_health']) await db.schema.dropTable(t).ifExists().execute();
}
