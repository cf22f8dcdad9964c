/**
 * Migrations run at start on either backend. The list is explicit (no directory scan) so that
 * bundling or a moved working directory cannot lose one.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001_foundation';
import * as m0002 from './migrations/0002_devices_onboarding';
import * as m0003 from './migrations/0003_notifications';
import * as m0004 from './migrations/0004_device_serial_tail';
import * as m0005 from './migrations/0005_auth_hardening';
import * as m0006 from './migrations/0006_progress_notify';
import * as m0007 from './migrations/0007_issued_device_keys';
import * as m0008 from './migrations/0008_site_agents';
import * as m0009 from './migrations/0009_device_claims';
import * as m0010 from './migrations/0010_device_read_path';
import * as m0011 from './migrations/0011_health';
import * as m0012 from './migrations/0012_exceptions';
import * as m0013 from './migrations/0013_device_options';
import * as m0014 from './migrations/0014_site_custody';
import * as m0015 from './migrations/0015_axpro_accounts';
import * as m0016 from './migrations/0016_firmware_verdict';
import * as m0017 from './migrations/0017_linkage_rules';
import * as m0018 from './migrations/0018_firmware_campaigns';
import * as m0019 from './migrations/0019_email';
import * as m0020 from './migrations/0020_axpro_identity_unproven';
import * as m0021 from './migrations/0021_user_email_alerts';
import * as m0022 from './migrations/0022_firmware_package_delete';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_devices_onboarding': m0002,
  '0003_notifications': m0003,
  '0004_device_serial_tail': m0004,
  '0005_auth_hardening': m0005,
  '0006_progress_notify': m0006,
  '0007_issued_device_keys': m0007,
  '0008_site_agents': m0008,
  '0009_device_claims': m0009,
  '0010_device_read_path': m0010,
  '0011_health': m0011,
  '0012_exceptions': m0012,
  '0013_device_options': m0013,
  '0014_site_custody': m0014,
  '0015_axpro_accounts': m0015,
  '0016_firmware_verdict': m0016,
  '0017_linkage_rules': m0017,
  '0018_firmware_campaigns': m0018,
  '0019_email': m0019,
  '0020_axpro_identity_unproven': m0020,
  '0021_user_email_alerts': m0021,
  '0022_firmware_package_delete': m0022,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrate up (or down) to the named migration: for tests of one migration's backfill. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider: new StaticProvider() }).migrateTo(name);
  if (error) throw new Error(`Database migration to ${name} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, { cause: error });
}
