import { sql, type Kysely } from 'kysely';

// Firmware upgrade campaigns (issue 16, decision 0018). `firmware_packages`: an uploaded package,
// stored in the database by its content hash (every node reaches it; one row per company and hash),
// with what its header says (models, version, build). `firmware_campaigns`: one package sent to a
// set of devices. `firmware_campaign_devices`: one row per device of a campaign, the durable state of
// its upgrade (queued, uploading, installing, rebooting, verifying, succeeded, failed) with its
// progress (percent, stage), the device's reason when it failed, the runs it took (attempts) and
// the lease of the run holding it (a crashed node's rows are taken over when it runs out; a run
// that lost its lease writes nothing more: every write names its lease token).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('firmware_packages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('company_id', 'uuid', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('models', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('build', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('uploaded_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('firmware_packages_hash', ['company_id', 'sha256'])
    .execute();
  await db.schema
    .createTable('firmware_campaigns')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('company_id', 'uuid', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('package_id', 'uuid', (c) => c.notNull().references('firmware_packages.id'))
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('firmware_campaign_devices')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('campaign_id', 'uuid', (c) => c.notNull().references('firmware_campaigns.id').onDelete('cascade'))
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('site_id', 'uuid', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('percent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stage', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('from_version', 'text')
    .addColumn('reason_code', 'text')
    .addColumn('reason_message', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('lease_token', 'uuid')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('firmware_campaign_devices_state', sql`state in ('queued', 'uploading', 'installing', 'rebooting', 'verifying', 'succeeded', 'failed')`)
    .addUniqueConstraint('firmware_campaign_devices_once', ['campaign_id', 'device_id'])
    .execute();
  // The runner's questions: what is unfinished (sweep), what runs on a site (its slots and pacing).
  await db.schema.createIndex('firmware_campaign_devices_open').on('firmware_campaign_devices').columns(['site_id', 'state']).where(sql.ref('state'), 'not in', ['succeeded', 'failed']).execute();
  await db.schema.createIndex('firmware_campaign_devices_campaign').on('firmware_campaign_devices').columns(['campaign_id', 'position']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('firmware_campaign_devices').execute();
  await db.schema.dropTable('firmware_campaigns').execute();
  await db.schema.dropTable('firmware_packages').execute();
}
