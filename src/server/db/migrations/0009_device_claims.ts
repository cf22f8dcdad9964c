import { sql, type Kysely } from 'kysely';

// How a company proved its claim on a device's serial (issue 12, decision 0005):
// - 'code': the verification code was checked against the device's own cloud registration;
// - 'activation': we activated the factory-new device (we chose its admin password);
// - 'credentials': only the admin credentials of a host that answered with this serial (a fake
//   host can answer with any serial: weak);
// - 'none': nothing proven (rows from before this migration that fit no rule above).
// 'code' and 'activation' bind a serial exclusively; a weak claim yields to a strong one.
// Backfill: cloud adds always verified the code; an agent (LAN) add whose device this company
// activated (audited 'device.activate' by serial) is 'activation'; other direct and agent adds
// used credentials.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('devices')
    .addColumn('claim_proof', 'text', (c) => c.notNull().defaultTo('none').check(sql`claim_proof in ('code', 'activation', 'credentials', 'none')`))
    .execute();
  await sql`update devices set claim_proof = 'code' where added_via = 'cloud'`.execute(db);
  await sql`
    update devices d set claim_proof = 'activation'
    where d.added_via = 'agent' and exists (
      select 1 from audit_log a
      where a.company_id = d.company_id and a.action = 'device.activate' and a.target_type = 'device' and upper(a.target_id) = upper(right(d.serial, length(a.target_id)))
    )`.execute(db);
  await sql`update devices set claim_proof = 'credentials' where claim_proof = 'none' and added_via in ('direct', 'agent') and credentials_sealed is not null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('claim_proof').execute();
}
