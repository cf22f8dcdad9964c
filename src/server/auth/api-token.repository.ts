import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import { selectUsers, type UserRecord } from './user.repository';

export interface ApiTokenRecord {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** How stale `api_tokens.last_used_at` may get before a use writes it again. */
export const API_TOKEN_TOUCH_MS = 60_000;

/** API tokens for scripts, stored by hash. */
export class ApiTokenRepository {
  constructor(private readonly db: Executor) {}

  async create(t: { userId: string; name: string; tokenHash: string }): Promise<string> {
    const r = await this.db.insertInto('api_tokens').values({ user_id: t.userId, name: t.name, token_hash: t.tokenHash }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  /**
   * The owner of a token, in one read. `last_used_at` is written at most once a minute per token,
   * so a busy script does not turn every request into a write.
   */
  async findOwner(tokenHash: string, now: Date): Promise<UserRecord | undefined> {
    const row = await selectUsers(this.db)
      .innerJoin('api_tokens as t', 't.user_id', 'u.id')
      .select(['t.id as tokenId', 't.last_used_at as tokenLastUsedAt'])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const { tokenId, tokenLastUsedAt, ...user } = row;
    if (!tokenLastUsedAt || now.getTime() - new Date(tokenLastUsedAt).getTime() >= API_TOKEN_TOUCH_MS) {
      await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
    }
    return user;
  }

  /** A user's tokens, newest first (never the hash). */
  async list(userId: string): Promise<ApiTokenRecord[]> {
    return this.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'created_at as createdAt', 'last_used_at as lastUsedAt'])
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  async count(userId: string): Promise<number> {
    const r = await this.db.selectFrom('api_tokens').select(sql<number>`count(*)::int`.as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    return r.n;
  }

  /** Deletes one of the user's own tokens; undefined when there is no such token of theirs. */
  async delete(id: string, userId: string): Promise<{ name: string } | undefined> {
    return this.db.deleteFrom('api_tokens').where('id', '=', id).where('user_id', '=', userId).returning('name').executeTakeFirst();
  }

  /** Deletes all of a user's tokens; how many there were. */
  async deleteOfUser(userId: string): Promise<number> {
    const rows = await this.db.deleteFrom('api_tokens').where('user_id', '=', userId).returning('id').execute();
    return rows.length;
  }
}
