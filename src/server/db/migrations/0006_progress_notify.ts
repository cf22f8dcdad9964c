import { sql, type Kysely } from 'kysely';

// Progress streams learn of changes from one LISTEN connection per node (issue 13,
// src/server/onboarding/progress-signals.ts). Triggers, not calls in each writer, send the
// NOTIFY: they run in the writer's transaction (NOTIFY is delivered on commit, never for a
// rollback), no writer can forget one, and the WHEN clause keeps lease heartbeats (same state and
// step) quiet.
// - sk_onboarding_progress: the scan id of an onboarding item that was added or whose state, step,
//   error, device or wait changed (streams are keyed by scan: a retry in a later batch of the same
//   scan changes the first batch's view).
// - sk_access_changed: the user id whose session, API token or site assignment was deleted, or
//   whose account was disabled, changed role or permission, or deleted: their streams check access
//   again at once.
// PGlite over pglite-socket does not deliver NOTIFY to another connection; the embedded database
// polls instead (see progress-signals.ts), and these triggers cost it nothing but the NOTIFY.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The embedded poller (and the retries of a batch) find a scan's batches by scan.
  await db.schema.createIndex('onboarding_batches_scan_idx').on('onboarding_batches').column('scan_id').execute();
  await sql`
    create function sk_notify_item_progress() returns trigger language plpgsql as $$
    begin
      perform pg_notify('sk_onboarding_progress', b.scan_id::text) from onboarding_batches b where b.id = new.batch_id;
      return null;
    end $$`.execute(db);
  await sql`create trigger onboarding_items_progress_insert after insert on onboarding_items for each row execute function sk_notify_item_progress()`.execute(db);
  await sql`
    create trigger onboarding_items_progress_update after update on onboarding_items for each row
    when (old.state is distinct from new.state or old.step is distinct from new.step or old.error_code is distinct from new.error_code
          or old.device_id is distinct from new.device_id or old.pending_until is distinct from new.pending_until)
    execute function sk_notify_item_progress()`.execute(db);

  // The argument names the column holding the user id (to_jsonb reads it from any table's row).
  await sql`
    create function sk_notify_access_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('sk_access_changed', to_jsonb(old) ->> tg_argv[0]);
      return null;
    end $$`.execute(db);
  await sql`create trigger sessions_access_changed after delete on sessions for each row execute function sk_notify_access_changed('user_id')`.execute(db);
  await sql`create trigger api_tokens_access_changed after delete on api_tokens for each row execute function sk_notify_access_changed('user_id')`.execute(db);
  await sql`create trigger site_installers_access_changed after delete on site_installers for each row execute function sk_notify_access_changed('user_id')`.execute(db);
  await sql`
    create trigger users_access_changed after update of disabled, role, permission or delete on users for each row
    execute function sk_notify_access_changed('id')`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const [trigger, table] of [
    ['onboarding_items_progress_insert', 'onboarding_items'], ['onboarding_items_progress_update', 'onboarding_items'],
    ['sessions_access_changed', 'sessions'], ['api_tokens_access_changed', 'api_tokens'], ['site_installers_access_changed', 'site_installers'], ['users_access_changed', 'users'],
  ] as const) {
    await sql`drop trigger if exists ${sql.raw(trigger)} on ${sql.raw(table)}`.execute(db);
  }
  await sql`drop function if exists sk_notify_access_changed()`.execute(db);
  await sql`drop function if exists sk_notify_item_progress()`.execute(db);
  await db.schema.dropIndex('onboarding_batches_scan_idx').ifExists().execute();
}
