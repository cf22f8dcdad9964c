import type { Executor } from '../db/executor';
import { selectUsers, type UserRecord } from './user.repository';

/** Browser sessions, stored by the hash of the cookie token. */
export class SessionRepository {
  constructor(private readonly db: Executor) {}

  async create(s: { id: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
    await this.db.insertInto('sessions').values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt }).execute();
  }

  /** An unexpired session with its user. */
  async find(id: string, now: Date): Promise<{ user: UserRecord; csrfToken: string } | undefined> {
    const s = await this.db.selectFrom('sessions').select(['user_id', 'csrf_token']).where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
    if (!s) return undefined;
    const user = await selectUsers(this.db).where('u.id', '=', s.user_id).executeTakeFirst();
    return user ? { user, csrfToken: s.csrf_token } : undefined;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Ends a user's sessions, but for `exceptId` (the one making the request) when given. */
  async deleteOfUser(userId: string, exceptId?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) q = q.where('id', '<>', exceptId);
    await q.execute();
  }
}
