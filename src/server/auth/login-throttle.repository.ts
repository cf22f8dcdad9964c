import { sql } from 'kysely';
import type { Executor } from '../db/executor';

/** Failed sign-ins per e-mail address, whether or not the account exists. */
export class LoginThrottleRepository {
  constructor(private readonly db: Executor) {}

  async state(email: string): Promise<{ failed: number; lockedUntil: Date | null } | undefined> {
    const r = await this.db.selectFrom('login_throttle').select(['failed', 'locked_until']).where('email', '=', email.toLowerCase()).executeTakeFirst();
    return r ? { failed: r.failed, lockedUntil: r.locked_until } : undefined;
  }

  async recordFailure(email: string, now: Date, maxAttempts: number, lockUntil: Date): Promise<{ failed: number; lockedUntil: Date | null }> {
    const r = await this.db
      .insertInto('login_throttle')
      .values({ email: email.toLowerCase(), failed: 1, updated_at: now })
      .onConflict((oc) =>
        oc.column('email').doUpdateSet({
          // A lock that has run out starts a fresh count.
          failed: sql`case when login_throttle.locked_until is not null and login_throttle.locked_until <= ${now} then 1 else login_throttle.failed + 1 end`,
          updated_at: now,
        }),
      )
      .returning(['failed'])
      .executeTakeFirstOrThrow();
    let lockedUntil: Date | null = null;
    if (r.failed >= maxAttempts) {
      lockedUntil = lockUntil;
      await this.db.updateTable('login_throttle').set({ locked_until: lockUntil }).where('email', '=', email.toLowerCase()).execute();
    } else {
      await this.db.updateTable('login_throttle').set({ locked_until: null }).where('email', '=', email.toLowerCase()).execute();
    }
    return { failed: r.failed, lockedUntil };
  }

  async clear(email: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('email', '=', email.toLowerCase()).execute();
  }
}
