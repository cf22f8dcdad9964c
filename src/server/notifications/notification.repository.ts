import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import { NOTIFICATIONS_CHANNEL } from '../onboarding/progress-signals';
import type { NewNotification, NotificationContent } from './rules';

export interface NotificationRow extends NotificationContent {
  id: string;
  createdAt: Date;
  readAt: Date | null;
}

/** The in-app notifications of each user (written by the dispatcher, read and marked by their owner). */
export class NotificationRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Inserts each notification once per (event, user); returns how many were new. Tells the live
   * notification streams of every node (NOTIFY, delivered when the writer's transaction commits).
   */
  async insert(rows: Array<NewNotification & { sourceEventId: string | null }>): Promise<number> {
    if (rows.length === 0) return 0;
    const out = await this.db
      .insertInto('notifications')
      .values(rows.map((n) => ({
        company_id: n.companyId, user_id: n.userId, kind: n.kind, severity: n.severity, title: n.title, body: n.body, link: n.link,
        data: JSON.stringify(n.data), source_event_id: n.sourceEventId,
      })))
      .onConflict((oc) => oc.columns(['source_event_id', 'user_id']).doNothing())
      .returning(['id', 'user_id'])
      .execute();
    const users = [...new Set(out.map((r) => r.user_id))];
    if (users.length > 0) await sql`select pg_notify(${NOTIFICATIONS_CHANNEL}, u) from unnest(${users}::text[]) as u`.execute(this.db);
    return out.length;
  }

  async list(userId: string, o: { unreadOnly: boolean; page: number; pageSize: number }): Promise<{ items: NotificationRow[]; total: number; unread: number }> {
    let q = this.db.selectFrom('notifications').where('user_id', '=', userId);
    if (o.unreadOnly) q = q.where('read_at', 'is', null);
    const [items, counts] = await Promise.all([
      q
        .select(['id', 'kind', 'severity', 'title', 'body', 'link', 'data', 'created_at as createdAt', 'read_at as readAt'])
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(o.pageSize)
        .offset((o.page - 1) * o.pageSize)
        .execute(),
      this.counts(userId),
    ]);
    return { items, total: o.unreadOnly ? counts.unread : counts.total, unread: counts.unread };
  }

  /** The user's notifications created at or after `since`, oldest first (what a live stream sends next). */
  async createdSince(userId: string, since: Date, limit: number): Promise<NotificationRow[]> {
    return this.db
      .selectFrom('notifications')
      .select(['id', 'kind', 'severity', 'title', 'body', 'link', 'data', 'created_at as createdAt', 'read_at as readAt'])
      .where('user_id', '=', userId)
      .where('created_at', '>=', since)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Per user, what changes when a notification is added (the embedded database's poller compares it). */
  async fingerprints(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('notifications')
      .select(['user_id', sql<string>`count(*)::text || '|' || coalesce(max(created_at)::text, '')`.as('fp')])
      .where('user_id', 'in', [...userIds])
      .groupBy('user_id')
      .execute();
    return new Map(rows.map((r) => [r.user_id, r.fp]));
  }

  async counts(userId: string): Promise<{ total: number; unread: number }> {
    const r = await this.db
      .selectFrom('notifications')
      .select([sql<string>`count(*)`.as('total'), sql<string>`count(*) filter (where read_at is null)`.as('unread')])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return { total: Number(r.total), unread: Number(r.unread) };
  }

  /** Marks one of the user's notifications read; false when it is not theirs or does not exist. */
  async markRead(userId: string, id: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('notifications')
      .set({ read_at: sql`coalesce(read_at, ${now})` })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  async markAllRead(userId: string, now: Date): Promise<number> {
    const r = await this.db.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
