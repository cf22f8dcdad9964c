import { sql, type Kysely } from 'kysely';

// The device lists at 10,000 devices (issue 14, bench/readpath):
// - Sorts and filters: each list reads `order by name, id` within a site or a company, optionally
//   for one status. One index per shape, ending in (name, id), so a page is a walk of the index
//   with no sort; they replace the (site_id, name) and (company_id, name) indexes of 0002.
// - Page totals: a maintained count per site and status (device_counts), so the total of a list
//   without a search is a sum of a few rows instead of a count(*) over every device. Kept by a
//   constraint trigger deferred to commit: the counter row is locked for an instant at commit, not
//   for the rest of the writer's transaction (the onboarding jobs of one batch all add 'online'
//   devices to one site at once).
// - Search: name, serial and model in one generated, lower-cased column (search_text), matched
//   with `like '%…%'` through a pg_trgm GIN index. PostgreSQL ships
//   pg_trgm in contrib (trusted since 13: the database owner may create it); the embedded PGlite
//   loads its pg_trgm build (src/server/db/database.ts). Where the extension cannot be created the
//   search still works, by a scan, and this migration says nothing: the indexes are an optimisation.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index devices_site_name_idx on devices (site_id, name, id)`.execute(db);
  await sql`create index devices_company_name_idx on devices (company_id, name, id)`.execute(db);
  await sql`create index devices_site_status_name_idx on devices (site_id, status, name, id)`.execute(db);
  await sql`create index devices_company_status_name_idx on devices (company_id, status, name, id)`.execute(db);
  await sql`drop index if exists devices_site_idx`.execute(db);
  await sql`drop index if exists devices_company_idx`.execute(db);

  await sql`
    create table device_counts (
      site_id uuid not null references sites(id) on delete cascade,
      status text not null,
      company_id uuid not null references companies(id) on delete cascade,
      n integer not null,
      primary key (site_id, status)
    )`.execute(db);
  await sql`create index device_counts_company_idx on device_counts (company_id, status)`.execute(db);
  await sql`insert into device_counts (site_id, status, company_id, n) select site_id, status, company_id, count(*) from devices group by site_id, status, company_id`.execute(db);
  await sql`
    create function sk_device_counts() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        update device_counts set n = n - 1 where site_id = old.site_id and status = old.status;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into device_counts as c (site_id, status, company_id, n) values (new.site_id, new.status, new.company_id, 1)
          on conflict (site_id, status) do update set n = c.n + 1;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger devices_counts_insert_delete after insert or delete on devices
    deferrable initially deferred for each row execute function sk_device_counts()`.execute(db);
  await sql`
    create constraint trigger devices_counts_update after update of site_id, status, company_id on devices
    deferrable initially deferred for each row
    when (old.site_id is distinct from new.site_id or old.status is distinct from new.status or old.company_id is distinct from new.company_id)
    execute function sk_device_counts()`.execute(db);

  // What the search looks in: name, serial and model, lower-cased, joined by a control character
  // no search term contains (the repository strips them). One `like` on one column instead of
  // three `ilike`s: a table scan of it is several times cheaper, and one trigram index serves it.
  await sql`alter table devices add column search_text text generated always as (lower(name) || chr(31) || lower(serial) || chr(31) || lower(model)) stored`.execute(db);

  const available = await sql<{ ok: number }>`select 1 as ok from pg_available_extensions where name = 'pg_trgm'`.execute(db);
  if (available.rows.length === 0) return;
  await sql`savepoint sk_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
  } catch {
    await sql`rollback to savepoint sk_trgm`.execute(db);
    return;
  }
  await sql`create index devices_search_trgm_idx on devices using gin (search_text gin_trgm_ops)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists devices_search_trgm_idx`.execute(db);
  await sql`alter table devices drop column if exists search_text`.execute(db);
  await sql`drop trigger if exists devices_counts_update on devices`.execute(db);
  await sql`drop trigger if exists devices_counts_insert_delete on devices`.execute(db);
  await sql`drop function if exists sk_device_counts()`.execute(db);
  await sql`drop table if exists device_counts`.execute(db);
  await db.schema.createIndex('devices_site_idx').on('devices').columns(['site_id', 'name']).execute();
  await db.schema.createIndex('devices_company_idx').on('devices').columns(['company_id', 'name']).execute();
  await sql`drop index if exists devices_company_status_name_idx`.execute(db);
  await sql`drop index if exists devices_site_status_name_idx`.execute(db);
  await sql`drop index if exists devices_company_name_idx`.execute(db);
  await sql`drop index if exists devices_site_name_idx`.execute(db);
}
