/**
 * E-mails to send through SMTP, one row each (migration 0019): the outbox of the `email.send` job
 * and the delivery log. A row is claimed before each attempt (two workers never send one e-mail at
 * once; a claim left by a node that died runs out and the sweep queues the row again).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';

export type EmailState = 'pending' | 'sending' | 'retrying' | 'sent' | 'failed' | 'cancelled';

export interface EmailDeliveryRecord {
  id: string;
  companyId: string | null;
  userId: string | null;
  kind: string;
  refId: string | null;
  recipient: string;
  subject: string;
  state: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
}

export interface NewEmailRow {
  id: string;
  companyId: string | null;
  userId: string | null;
  kind: string;
  dedupeKey: string;
  refId: string | null;
  recipient: string;
  subject: string;
  bodySealed: string;
  /** 'pending', or 'failed' with lastError when the address is refused before any attempt. */
  state: 'pending' | 'failed';
  lastError: string | null;
}

const COLUMNS = ['id', 'company_id as companyId', 'user_id as userId', 'kind', 'ref_id as refId', 'recipient', 'subject', 'state', 'attempts', 'last_error as lastError', 'next_attempt_at as nextAttemptAt', 'sent_at as sentAt', 'created_at as createdAt'] as const;
const OPEN: EmailState[] = ['pending', 'retrying', 'sending'];

export class EmailRepository {
  constructor(private readonly db: Executor) {}

  /** Inserts each e-mail once (by its dedupe key): a second write of the same key adds nothing. Returns the new pending ids. */
  async enqueue(rows: NewEmailRow[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const out = await this.db
      .insertInto('email_deliveries')
      .values(rows.map((r) => ({
        id: r.id, company_id: r.companyId, user_id: r.userId, kind: r.kind, dedupe_key: r.dedupeKey, ref_id: r.refId,
        recipient: r.recipient, subject: r.subject, body_sealed: r.bodySealed, state: r.state, last_error: r.lastError,
      })))
      .onConflict((oc) => oc.constraint('email_deliveries_once').doNothing())
      .returning(['id', 'state'])
      .execute();
    return out.filter((r) => r.state === 'pending').map((r) => r.id);
  }

  /** Claims an e-mail for one attempt until `leaseUntil`, only when it is due; undefined: not due, sent, failed or cancelled. */
  async claim(id: string, now: Date, leaseUntil: Date): Promise<(EmailDeliveryRecord & { bodySealed: string }) | undefined> {
    return this.db
      .updateTable('email_deliveries')
      .set({ state: 'sending', next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('state', 'in', OPEN)
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
      .returning([...COLUMNS, 'body_sealed as bodySealed'])
      .executeTakeFirst();
  }

  async recordAttempt(id: string, a: { state: 'sent' | 'retrying' | 'failed' | 'cancelled'; attempts: number; error: string | null; nextAttemptAt: Date | null; sentAt: Date | null }): Promise<void> {
    await this.db
      .updateTable('email_deliveries')
      .set({ state: a.state, attempts: a.attempts, last_error: a.error, next_attempt_at: a.nextAttemptAt, sent_at: a.sentAt })
      .where('id', '=', id)
      .execute();
  }

  /** Cancels the e-mails about `refId` not sent yet (and not being sent: an attempt in flight finishes). */
  async cancelRef(refId: string): Promise<number> {
    const r = await this.db
      .updateTable('email_deliveries')
      .set({ state: 'cancelled', next_attempt_at: null, last_error: 'cancelled before it was sent' })
      .where('ref_id', '=', refId)
      .where('state', 'in', ['pending', 'retrying'])
      .returning('id')
      .execute();
    return r.length;
  }

  /** E-mails due now (never attempted, a retry whose time came, or a claim that ran out). */
  async due(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('email_deliveries')
      .select('id')
      .where('state', 'in', OPEN)
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async list(f: { companyId: string; page: number; pageSize: number }): Promise<{ items: EmailDeliveryRecord[]; total: number }> {
    const [items, n] = await Promise.all([
      this.db.selectFrom('email_deliveries').select(COLUMNS).where('company_id', '=', f.companyId).orderBy('created_at', 'desc').orderBy('id').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
      this.db.selectFrom('email_deliveries').select(sql<string>`count(*)`.as('n')).where('company_id', '=', f.companyId).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(n.n) };
  }

  async find(id: string): Promise<EmailDeliveryRecord | undefined> {
    return this.db.selectFrom('email_deliveries').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  /** Addresses of enabled accounts, by user id (recipients of exceptions). */
  /** Retention: finished e-mails (sent, failed, cancelled) written before `before`. Returns rows deleted. */
  async trimFinished(before: Date): Promise<number> {
    const r = await this.db.deleteFrom('email_deliveries').where('state', 'in', ['sent', 'failed', 'cancelled']).where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async addressesOf(userIds: string[], opts: { alerts?: boolean } = {}): Promise<Map<string, { email: string; name: string }>> {
    if (userIds.length === 0) return new Map();
    let q = this.db.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', userIds).where('disabled', '=', false);
    // Alert e-mails only to those who want them (their in-app notification goes regardless).
    if (opts.alerts) q = q.where('email_alerts', '=', true);
    const rows = await q.execute();
    return new Map(rows.map((r) => [r.id, { email: r.email, name: r.name }]));
  }

  /** Whether a site invitation still waits for its customer (open, not expired): its e-mail is still wanted. */
  async invitationOpen(id: string, now: Date): Promise<boolean> {
    const r = await this.db.selectFrom('site_invitations').select('id').where('id', '=', id).where('accepted_at', 'is', null).where('cancelled_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
    return r !== undefined;
  }
}
