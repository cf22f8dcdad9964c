/**
 * E-mail through SMTP (decision 0019). Senders (the exception consumer, site invitations) write
 * e-mails with `enqueue` in their own transaction — nothing when SMTP is not configured — and
 * queue one `email.send` job per e-mail after commit. Each attempt claims its row first (two
 * workers never send one e-mail at once), sends it, and records the outcome; a temporary failure
 * queues the next attempt after a doubling backoff until `maxAttempts`, a permanent one (SMTP 5xx)
 * fails it at once. The sweep queues rows whose job was lost. Delivery is at least once: a node
 * dying after the SMTP server accepted the message and before the row is marked sent leads to one
 * resend with the same Message-ID (the only window; see the decision).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { Repos, UnitOfWork } from '../db/unit-of-work';
import { companyOf, type Actor } from '../auth/actor';
import type { SecretBox } from '../security/secret-box';
import type { EmailDeliveryRecord, NewEmailRow } from './email.repository';
import { fromAddress, isMailAddress, MailSendError, type Mailer } from './mailer';

export interface EmailSettings {
  /** SMTP_FROM (a plain address or `Name <address>`). */
  from: string;
  maxAttempts: number;
  retryBaseMs: number;
  /** How long one attempt's claim lasts (longer than an SMTP conversation may take). */
  claimMs: number;
}

/** One e-mail to write: `key` makes it once-only (per recipient and what it is about). */
export interface MailItem {
  key: string;
  kind: 'exception' | 'storm' | 'storm_recovered' | 'site_invitation' | 'test';
  companyId: string | null;
  userId: string | null;
  to: string;
  subject: string;
  text: string;
  /** What the e-mail is about (a site invitation id): cancelling it cancels the e-mail not sent yet. */
  refId?: string;
}

/** Largest subject and body written (longer ones are cut, with a note). */
export const MAX_SUBJECT = 200;
export const MAX_BODY = 32 * 1024;

const sealLabel = (id: string) => `email:${id}`;

export function capText(s: string, max: number, note = ''): string {
  return s.length <= max ? s : `${s.slice(0, max - note.length - 1)}…${note}`;
}

export class EmailService {
  readonly #messageDomain: string;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly secrets: Pick<SecretBox, 'seal' | 'open'>,
    /** Null: SMTP_URL is not set — e-mail is off (nothing is written or sent). */
    private readonly mailer: Mailer | null,
    private readonly settings: EmailSettings,
    /** Queues an attempt of an e-mail (now, or after `delaySeconds`). */
    private readonly queue: (deliveryId: string, delaySeconds: number) => Promise<unknown>,
  ) {
    this.#messageDomain = fromAddress(settings.from)?.split('@')[1] ?? 'sitekeeper.invalid';
  }

  get configured(): boolean {
    return this.mailer !== null;
  }

  status(): { configured: boolean; from: string | null } {
    return { configured: this.configured, from: this.configured ? this.settings.from : null };
  }

  /**
   * Writes e-mails in the caller's transaction (each key once; bodies sealed; an invalid address is
   * logged as failed, never sent). Returns the ids to queue after commit; none when e-mail is off.
   */
  async enqueue(repos: Repos, items: MailItem[]): Promise<string[]> {
    if (!this.mailer || items.length === 0) return [];
    const rows: NewEmailRow[] = items.map((m) => {
      const id = randomUUID();
      const to = m.to.trim();
      const ok = isMailAddress(to);
      return {
        id, companyId: m.companyId, userId: m.userId, kind: m.kind, dedupeKey: m.key, refId: m.refId ?? null,
        recipient: capText(to, 254), subject: capText(m.subject.replace(/[\r\n]+/g, ' '), MAX_SUBJECT),
        bodySealed: this.secrets.seal(capText(m.text, MAX_BODY, ' (cut)'), sealLabel(id)),
        state: ok ? 'pending' : 'failed', lastError: ok ? null : 'not a valid e-mail address',
      };
    });
    return repos.email.enqueue(rows);
  }

  /** Queues attempts of e-mails just committed (a lost call is caught by the sweep). */
  queueNow(ids: string[]): void {
    for (const id of ids) void this.queue(id, 0).catch(() => undefined);
  }

  /** Cancels the e-mails about `refId` not sent yet (in the caller's transaction). */
  async cancelFor(repos: Repos, refId: string): Promise<void> {
    await repos.email.cancelRef(refId);
  }

  /** One attempt of an e-mail (the `email.send` job): claim, send, record; a failure queues the next attempt. */
  async attempt(deliveryId: string): Promise<void> {
    if (!this.mailer) return;
    const now = this.clock.now();
    const repo = this.uow.read.email;
    const d = await repo.claim(deliveryId, now, new Date(now.getTime() + this.settings.claimMs));
    if (!d) return;
    const attempts = d.attempts + 1;
    // An invitation cancelled, replaced, accepted or expired since: its e-mail is no longer sent.
    if (d.kind === 'site_invitation' && d.refId && !(await repo.invitationOpen(d.refId, now))) {
      await repo.recordAttempt(d.id, { state: 'cancelled', attempts: d.attempts, error: 'the invitation ended before it was sent', nextAttemptAt: null, sentAt: null });
      return;
    }
    let error: string | null = null;
    let permanent = false;
    try {
      const text = this.secrets.open(d.bodySealed, sealLabel(d.id));
      await this.mailer.send({ from: this.settings.from, to: d.recipient, subject: d.subject, text, messageId: `<${d.id}@${this.#messageDomain}>` });
    } catch (err) {
      permanent = err instanceof MailSendError ? err.permanent : true;
      error = err instanceof Error ? err.message.slice(0, 1000) : String(err);
    }
    const at = this.clock.now();
    if (error === null) {
      await repo.recordAttempt(d.id, { state: 'sent', attempts, error: null, nextAttemptAt: null, sentAt: at });
      return;
    }
    if (permanent || attempts >= this.settings.maxAttempts) {
      await repo.recordAttempt(d.id, { state: 'failed', attempts, error, nextAttemptAt: null, sentAt: null });
      return;
    }
    const delayMs = Math.min(3_600_000, this.settings.retryBaseMs * 2 ** (attempts - 1));
    await repo.recordAttempt(d.id, { state: 'retrying', attempts, error, nextAttemptAt: new Date(at.getTime() + delayMs), sentAt: null });
    await this.queue(d.id, Math.ceil(delayMs / 1000));
  }

  /** Safety net: queues e-mails that are due but whose job was lost (crash between commit and queue, or mid-attempt). */
  async sweep(): Promise<number> {
    if (!this.mailer) return 0;
    const due = await this.uow.read.email.due(this.clock.now(), 500);
    for (const id of due) await this.queue(id, 0);
    return due.length;
  }

  /** The company's e-mail delivery log, newest first (installer admins). */
  async deliveries(actor: Actor, page: number, pageSize: number): Promise<{ items: EmailDeliveryRecord[]; total: number; page: number; pageSize: number }> {
    requireAdmin(actor);
    return { ...(await this.uow.read.email.list({ companyId: companyOf(actor), page, pageSize })), page, pageSize };
  }

  /** Sends a test e-mail to the signed-in admin (queued like any other; answers its log entry). */
  async sendTest(actor: Actor): Promise<EmailDeliveryRecord> {
    requireAdmin(actor);
    if (!this.mailer) throw new AppError('EMAIL_NOT_CONFIGURED');
    const companyId = companyOf(actor);
    const ids = await this.uow.tx(async (repos) => {
      const queued = await this.enqueue(repos, [{
        key: `test:${randomUUID()}`, kind: 'test', companyId, userId: actor.id, to: actor.email,
        subject: 'Sitekeeper: test e-mail', text: `This is a test e-mail from Sitekeeper, sent at ${this.clock.now().toISOString()} at the request of ${actor.email}.\n\nIf you can read it, e-mail delivery works.`,
      }]);
      await repos.audit.record({ companyId, actorId: actor.id, actorEmail: actor.email, action: 'email.test', targetType: 'user', targetId: actor.id, outcome: 'success', details: {} });
      return queued;
    });
    this.queueNow(ids);
    const row = ids[0] ? await this.uow.read.email.find(ids[0]) : undefined;
    if (!row) throw new AppError('VALIDATION_FAILED', 'Your account\'s e-mail address cannot receive e-mail.');
    return row;
  }
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN', 'Only installer admins see and test e-mail delivery.');
}
