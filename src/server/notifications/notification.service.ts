/**
 * The notifier: turns domain events (the outbox written in the same transaction as the change)
 * into in-app notifications for the users concerned. Dispatch is idempotent and safe on several
 * nodes at once: events are taken with SKIP LOCKED, notifications are unique per (event, user),
 * and an event is marked handled in the same transaction as its notifications.
 * Also each user's inbox: only ever their own notifications.
 */
import { AppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Actor, RequestMeta } from '../auth/actor';
import type { NotificationRow } from './notification.repository';
import { notificationsFor } from './rules';

const BATCH = 200;

export interface NotificationPreferences {
  /** Exceptions, storm alerts and recoveries e-mailed (when SMTP is set up); in-app notifications go regardless. */
  emailAlerts: boolean;
}

export class NotificationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Handle every event not yet handled; returns how many notifications were created. */
  async dispatchPending(): Promise<number> {
    let created = 0;
    for (;;) {
      const r = await this.uow.tx(async (repos) => {
        const events = await repos.events.takeUnnotified(BATCH);
        if (events.length === 0) return { events: 0, created: 0 };
        const siteIds = [...new Set(events.map((e) => e.payload.siteId).filter((s): s is string => typeof s === 'string'))];
        const sites = await repos.sites.names(siteIds);
        const all = events.flatMap((e) => notificationsFor(e, { siteName: (id) => sites.get(id) }).map((n) => ({ ...n, sourceEventId: e.id })));
        // A recipient removed since the event (or not in the event's company) gets nothing.
        const ok = await repos.users.stillInCompany(all);
        const n = await repos.notifications.insert(all.filter((x) => ok.has(`${x.userId}/${x.companyId}`)));
        await repos.events.markNotified(events.map((e) => e.id), this.clock.now());
        return { events: events.length, created: n };
      });
      created += r.created;
      if (r.events < BATCH) return created;
    }
  }

  async list(userId: string, o: { unreadOnly: boolean; page: number; pageSize: number }): Promise<{ items: NotificationRow[]; total: number; unread: number; page: number; pageSize: number }> {
    return { ...(await this.uow.read.notifications.list(userId, o)), page: o.page, pageSize: o.pageSize };
  }

  /** Your notification preferences: alert e-mails on or off (in-app notifications always). */
  async preferences(userId: string): Promise<NotificationPreferences> {
    return { emailAlerts: await this.uow.read.users.emailAlerts(userId) };
  }

  /** Sets your own preferences (audited: who turned alert e-mails off is worth knowing). */
  async setPreferences(actor: Actor, next: NotificationPreferences, meta: RequestMeta): Promise<NotificationPreferences> {
    await this.uow.tx(async (r) => {
      const before = await r.users.emailAlerts(actor.id);
      await r.users.setEmailAlerts(actor.id, next.emailAlerts);
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'notification_preferences.update', targetType: 'user', targetId: actor.id, outcome: 'success',
        details: { old: { emailAlerts: before }, new: next }, correlationId: meta.correlationId,
      });
    });
    return this.preferences(actor.id);
  }

  async counts(userId: string): Promise<{ total: number; unread: number }> {
    return this.uow.read.notifications.counts(userId);
  }

  /** Someone else's notification is NOTIFICATION_NOT_FOUND, like one that does not exist. */
  async markRead(userId: string, id: string): Promise<void> {
    if (!(await this.uow.read.notifications.markRead(userId, id, this.clock.now()))) throw new AppError('NOTIFICATION_NOT_FOUND');
  }

  /** How many were unread. */
  async markAllRead(userId: string): Promise<number> {
    return this.uow.read.notifications.markAllRead(userId, this.clock.now());
  }
}
