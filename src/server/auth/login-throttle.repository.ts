import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import { THROTTLE_FORGET_MS, type ThrottleState } from './login-throttle';

/** Failed sign-ins per key (`ip:…`, `account:…`; see login-throttle.ts), whether or not the account exists. */
export class LoginThrottleRepository {
  constructor(private readonly db: Executor) {}

  async states(keys: string[]): Promise<Map<string, ThrottleState>> {
    const rows = await this.db.selectFrom('login_throttle').select(['key', 'failed', 'updated_at']).where('key', 'in', keys).execute();
    return new Map(rows.map((r) => [r.key, { failed: r.failed, lastFailureAt: new Date(r.updated_at) }]));
  }

  /** Counts one failure on each key; a count idle for THROTTLE_FORGET_MS starts again at 1. */
  async recordFailure(keys: string[], now: Date): Promise<void> {
    const forgetBefore = new Date(now.getTime() - THROTTLE_FORGET_MS);
    for (const key of keys) {
      await this.db
        .insertInto('login_throttle')
        .values({ key, failed: 1, updated_at: now })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failed: sql`case when login_throttle.updated_at < ${forgetBefore} then 1 else login_throttle.failed + 1 end`,
            updated_at: now,
          }),
        )
        .execute();
    }
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
  }
}
