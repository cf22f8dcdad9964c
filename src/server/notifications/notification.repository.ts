import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { NewNotification, NotificationContent } from './rules';

export interface NotificationRow extends NotificationContent {
  id: string;
  createdAt: Date;
  readAt: Date | null;
}

export class NotificationRepository {
  constructor(private readonly db: Executor) {}

  async siteNames(siteIds: string[]): Promise<Map<string, string>> {
    if (siteIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('sites').select(['id', 'name']).where('id', 'in', siteIds).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Of these users, the ones that still exist in this company (an event may outlive its recipient). */
  async activeRecipients(pairs: Array<{ userId: string; companyId: string }>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = await this.db.selectFrom('users').select(['id', 'company_id as companyId']).where('id', 'in', [...new Set(pairs.map((p) => p.userId))]).execute();
    const ok = new Set(rows.map((r) => `${r.id}/${r.companyId}`));
    return new Set(pairs.filter((p) => ok.has(`${p.userId}/${p.companyId}`)).map((p) => `${p.userId}/${p.companyId}`));
  }

  /** Inserts each notification once per (event, user); returns how many were new. */
  async insert(rows: Array<NewNotification & { sourceEventId: string }>): Promise<number> {
    if (rows.length === 0) return 0;
    const out = await this.db
      .insertInto('notifications')
      .values(rows.map((n) => ({
        company_id: n.companyId, user_id: n.userId, kind: n.kind, severity: n.severity, title: n.title, body: n.body, link: n.link,
        data: JSON.stringify(n.data), source_event_id: n.sourceEventId,
      })))
      .onConflict((oc) => oc.columns(['source_event_id', 'user_id']).doNothing())
      .returning('id')
      .execute();
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
