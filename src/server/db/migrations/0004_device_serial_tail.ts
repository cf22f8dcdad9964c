import { sql, type Kysely } from 'kysely';

// Labels and SADP often carry the 9-character short serial; devices store the full one. An index
// on the serial's last 9 characters turns "which device ends with this serial" from a scan of the
// whole table into an index lookup (OnboardingRepository.deviceBySerial, and the device-cloud
// registrations in PlatformDeviceReach.cloudStatus).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index devices_serial_tail_idx on devices (right(serial, 9))`.execute(db);
  await sql`create index cloud_registrations_serial_tail_idx on cloud_registrations (right(serial, 9))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists cloud_registrations_serial_tail_idx`.execute(db);
  await sql`drop index if exists devices_serial_tail_idx`.execute(db);
}
