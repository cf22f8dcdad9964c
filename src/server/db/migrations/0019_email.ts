import { sql, type Kysely } from 'kysely';

// E-mail through SMTP (issues 15 and 17, src/server/email, docs/decisions/0019-email-delivery.md):
// one row per e-mail to send — the outbox of the `email.send` job and the delivery log at once.
// - dedupe_key: unique, so that one exception (or storm notice, or invitation link) is e-mailed to
//   one recipient once, whichever consumer run writes it.
// - body_sealed: the text sealed with the platform's SecretBox, bound to the row's id (an
//   invitation's body carries its one-time link; no body is kept in the clear).
// - ref_id: what the e-mail is about (a site invitation): cancelling it cancels an e-mail not sent yet.
// - state: pending, sending (claimed until next_attempt_at), retrying, sent, failed, cancelled.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('company_id', 'uuid', (c) => c.references('companies.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text')
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_sealed', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('email_deliveries_once', ['dedupe_key'])
    .execute();
  await db.schema.createIndex('email_deliveries_company_idx').on('email_deliveries').columns(['company_id', 'created_at']).execute();
  await db.schema.createIndex('email_deliveries_ref_idx').on('email_deliveries').column('ref_id').execute();
  await sql`create index email_deliveries_due_idx on email_deliveries (next_attempt_at) where state in ('pending', 'retrying', 'sending')`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_deliveries').execute();
}
