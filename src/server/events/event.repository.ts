/**
 * The one writer and reader of `domain_events` (the outbox). Writers append in the transaction of
 * the change the event describes (pass the transaction's executor); consumers take unhandled
 * events with SKIP LOCKED so that two nodes never take the same one.
 */
import { sql } from 'kysely';
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

  /**
   * A consumer's cursor, locked until the caller's transaction ends (two nodes never run one
   * consumer at once; the second waits, then starts where the first stopped).
   */
  async lockCursor(consumer: string): Promise<OutboxCursor> {
    await this.db.insertInto('outbox_cursors').values({ consumer }).onConflict((oc) => oc.column('consumer').doNothing()).execute();
    const r = await this.db.selectFrom('outbox_cursors').select(['tx_id as txId', 'event_id as eventId']).where('consumer', '=', consumer).forUpdate().executeTakeFirstOrThrow();
    return { consumer, txId: String(r.txId), eventId: String(r.eventId) };
  }

  /**
   * The events after the cursor in (transaction id, id) order, only from transactions that can no
   * longer commit (below the snapshot's xmin): an event committed late by a long transaction is
   * never behind a cursor that already moved on (decision 0012).
   */
  async takeAfter(cursor: OutboxCursor, limit: number, types?: readonly string[]): Promise<Array<StoredDomainEvent & { txId: string }>> {
    let q = this.db
      .selectFrom('domain_events')
      .select(['id', 'company_id as companyId', 'type', 'payload', sql<string>`tx_id::text`.as('txId')])
      .where(sql<boolean>`(tx_id, id) > (${cursor.txId}::xid8, ${cursor.eventId}::bigint)`)
      .where(sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())`);
    if (types && types.length > 0) q = q.where('type', 'in', [...types]);
    const rows = await q.orderBy('tx_id').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ ...r, id: String(r.id) }));
  }

  async advanceCursor(consumer: string, txId: string, eventId: string, now: Date): Promise<void> {
    await this.db.updateTable('outbox_cursors').set({ tx_id: txId, event_id: eventId, updated_at: now }).where('consumer', '=', consumer).execute();
  }
}

export interface OutboxCursor {
  consumer: string;
  txId: string;
  eventId: string;
}
