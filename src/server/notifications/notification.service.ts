/**
 * The notifier: turns domain events (the outbox written in the same transaction as the change)
 * into in-app notifications for the users concerned. Dispatch is idempotent and safe on several
 * nodes at once: events are taken with SKIP LOCKED, notifications are unique per (event, user),
 * and an event is marked handled in the same transaction as its notifications.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Clock } from '../lib/clock';
import { NotificationRepository } from './notification.repository';
import { EventRepository } from '../events/event.repository';
import { notificationsFor } from './rules';

const BATCH = 200;

export class NotificationService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  repo(): NotificationRepository {
    return new NotificationRepository(this.db);
  }

  /** Handle every event not yet handled; returns how many notifications were created. */
  async dispatchPending(): Promise<number> {
    let created = 0;
    for (;;) {
      const r = await this.db.transaction().execute(async (trx) => {
        const repo = new NotificationRepository(trx);
        const outbox = new EventRepository(trx);
        const events = await outbox.takeUnnotified(BATCH);
        if (events.length === 0) return { events: 0, created: 0 };
        const siteIds = [...new Set(events.map((e) => e.payload.siteId).filter((s): s is string => typeof s === 'string'))];
        const sites = await repo.siteNames(siteIds);
        const all = events.flatMap((e) => notificationsFor(e, { siteName: (id) => sites.get(id) }).map((n) => ({ ...n, sourceEventId: e.id })));
        // A recipient removed since the event (or not in the event's company) gets nothing.
        const ok = await repo.activeRecipients(all);
        const n = await repo.insert(all.filter((x) => ok.has(`${x.userId}/${x.companyId}`)));
        await outbox.markNotified(events.map((e) => e.id), this.clock.now());
        return { events: events.length, created: n };
      });
      created += r.created;
      if (r.events < BATCH) return created;
    }
  }
}
