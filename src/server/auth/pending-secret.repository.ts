import { sql } from 'kysely';
import type { Executor } from '../db/executor';

/**
 * Secrets waiting to reach devices (sealed by the caller), one per user and purpose: e.g. a new
 * password for the AX Pro account reconcile, which deletes it once applied.
 */
export class PendingSecretRepository {
  constructor(private readonly db: Executor) {}

  /** Stores the sealed secret, replacing an older one for the same user and purpose. */
  async put(userId: string, purpose: string, ciphertext: string): Promise<void> {
    await this.db
      .insertInto('pending_secrets')
      .values({ user_id: userId, purpose, ciphertext })
      .onConflict((oc) => oc.columns(['user_id', 'purpose']).doUpdateSet({ ciphertext, created_at: sql`now()` }))
      .execute();
  }
}
