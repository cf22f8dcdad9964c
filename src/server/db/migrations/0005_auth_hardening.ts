import { sql, type Kysely } from 'kysely';

// Issue 13. Sign-in failures are counted per key (`ip:…` and `account:…`) and answered with
// growing delays instead of a hard lock, so the table is keyed generically and loses its lock
// column; old counts are dropped. The new login password is no longer kept for the AX Pro
// account sync until that sync reads it (and deletes it once delivered): copies already kept go.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`delete from pending_secrets where purpose = 'axpro_password'`.execute(db);
  await sql`delete from login_throttle`.execute(db);
  await sql`alter table login_throttle rename column email to key`.execute(db);
  await sql`alter table login_throttle drop column locked_until`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from login_throttle`.execute(db);
  await sql`alter table login_throttle add column locked_until timestamptz`.execute(db);
  await sql`alter table login_throttle rename column key to email`.execute(db);
}
