import type { Executor } from '../db/executor';

export interface PasswordResetRecord {
  id: string;
  userId: string;
  email: string;
  expiresAt: Date;
  usedAt: Date | null;
}

/** One-time password reset links (an installer admin resets an installer's password). */
export class PasswordResetRepository {
  constructor(private readonly db: Executor) {}

  /** A new link for the user; their earlier unused links stop working. */
  async create(r: { userId: string; tokenHash: string; createdBy: string; expiresAt: Date; now: Date }): Promise<void> {
    await this.db.deleteFrom('password_resets').where('user_id', '=', r.userId).where('used_at', 'is', null).execute();
    await this.db.insertInto('password_resets').values({ user_id: r.userId, token_hash: r.tokenHash, created_by: r.createdBy, expires_at: r.expiresAt, created_at: r.now }).execute();
  }

  async findByTokenHash(tokenHash: string, forUpdate: boolean): Promise<PasswordResetRecord | undefined> {
    let q = this.db
      .selectFrom('password_resets as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select(['p.id', 'p.user_id as userId', 'u.email', 'p.expires_at as expiresAt', 'p.used_at as usedAt'])
      .where('p.token_hash', '=', tokenHash);
    if (forUpdate) q = q.forUpdate('p');
    return q.executeTakeFirst();
  }

  async markUsed(id: string, now: Date): Promise<boolean> {
    const r = await this.db.updateTable('password_resets').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
