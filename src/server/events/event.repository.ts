/**
 * The one writer and reader of `domain_events` (the outbox). Writers append in the transaction of
 * the change the event describes (pass the transaction's executor); consumers take unhandled
 * events with SKIP LOCKED so that two nodes never take the same one.
 */
import type { Executor } from '../db/executor';
import type { DomainEventPayloads, DomainEventType } from './domain-events';

export interface StoredDomainEvent {
  id: string;
  companyId: string | null;
  type: string;
  payload: Record<string, unknown>;
}

export class EventRepository {
  constructor(private readonly db: Executor) {}

  async append<T extends DomainEventType>(companyId: string | null, type: T, payload: DomainEventPayloads[T]): Promise<void> {
    await this.db.insertInto('domain_events').values({ company_id: companyId, type, payload: JSON.stringify(payload) }).execute();
  }

  /** The oldest events the notifier has not handled, locked until the caller's transaction ends. */
  async takeUnnotified(limit: number): Promise<StoredDomainEvent[]> {
    const rows = await this.db
      .selectFrom('domain_events')
      .select(['id', 'company_id as companyId', 'type', 'payload'])
      .where('notified_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((r) => ({ ...r, id: String(r.id) }));
  }

  async markNotified(eventIds: string[], now: Date): Promise<void> {
    if (eventIds.length === 0) return;
    await this.db.updateTable('domain_events').set({ notified_at: now }).where('id', 'in', eventIds.map(Number)).execute();
  }
}
