import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { Permission, Role } from '../db/schema';

export interface UserRecord {
  id: string;
  companyId: string;
  companyName: string;
  email: string;
  name: string;
  role: Role;
  permission: Permission | null;
  passwordHash: string;
  disabled: boolean;
  createdAt: Date;
}

export interface InvitationRecord {
  id: string;
  companyId: string;
  companyName: string;
  email: string;
  name: string;
  role: Role;
  permission: Permission | null;
  expiresAt: Date;
  acceptedAt: Date | null;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** How stale `api_tokens.last_used_at` may get before a use writes it again. */
export const API_TOKEN_TOUCH_MS = 60_000;

export class UserRepository {
  constructor(private readonly db: Executor) {}

  private baseUser() {
    return this.db
      .selectFrom('users as u')
      .innerJoin('companies as c', 'c.id', 'u.company_id')
      .select([
        'u.id',
        'u.company_id as companyId',
        'c.name as companyName',
        'u.email',
        'u.name',
        'u.role',
        'u.permission',
        'u.password_hash as passwordHash',
        'u.disabled',
        'u.created_at as createdAt',
      ]);
  }

  async countUsers(): Promise<number> {
    const r = await this.db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    return r.n;
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return this.baseUser().where(sql`lower(u.email)`, '=', email.toLowerCase()).executeTakeFirst();
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    return this.baseUser().where('u.id', '=', id).executeTakeFirst();
  }

  async emailTaken(email: string): Promise<boolean> {
    const r = await this.db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
    return r !== undefined;
  }

  async createCompany(name: string): Promise<string> {
    const r = await this.db.insertInto('companies').values({ name }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async createUser(u: { companyId: string; email: string; name: string; role: Role; permission: Permission | null; passwordHash: string }): Promise<string> {
    const r = await this.db
      .insertInto('users')
      .values({ company_id: u.companyId, email: u.email, name: u.name, role: u.role, permission: u.permission, password_hash: u.passwordHash })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async listInstallers(companyId: string): Promise<UserRecord[]> {
    return this.baseUser().where('u.company_id', '=', companyId).where('u.role', '=', 'installer').orderBy('u.name').execute();
  }

  async updateInstaller(id: string, patch: { permission?: Permission; disabled?: boolean }): Promise<void> {
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
  }

  async deleteUser(id: string): Promise<void> {
    await this.db.deleteFrom('users').where('id', '=', id).execute();
  }

  async setPassword(id: string, passwordHash: string, at: Date): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, password_changed_at: at }).where('id', '=', id).execute();
  }

  // Sessions
  async createSession(s: { id: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
    await this.db.insertInto('sessions').values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt }).execute();
  }

  async findSession(id: string, now: Date): Promise<{ user: UserRecord; csrfToken: string } | undefined> {
    const s = await this.db.selectFrom('sessions').select(['user_id', 'csrf_token']).where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
    if (!s) return undefined;
    const user = await this.findById(s.user_id);
    return user ? { user, csrfToken: s.csrf_token } : undefined;
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteSessionsOfUser(userId: string, exceptId?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) q = q.where('id', '<>', exceptId);
    await q.execute();
  }

  // API tokens
  async createApiToken(t: { userId: string; name: string; tokenHash: string }): Promise<string> {
    const r = await this.db.insertInto('api_tokens').values({ user_id: t.userId, name: t.name, token_hash: t.tokenHash }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  /**
   * The owner of a token, in one read. `last_used_at` is written at most once a minute per token,
   * so a busy script does not turn every request into a write.
   */
  async findByApiToken(tokenHash: string, now: Date): Promise<UserRecord | undefined> {
    const row = await this.baseUser()
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
  async listApiTokens(userId: string): Promise<ApiTokenRecord[]> {
    return this.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'created_at as createdAt', 'last_used_at as lastUsedAt'])
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  async countApiTokens(userId: string): Promise<number> {
    const r = await this.db.selectFrom('api_tokens').select(sql<number>`count(*)::int`.as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    return r.n;
  }

  /** Locks the user's row until the transaction ends (serialises per-user checks such as the token cap). */
  async lockUser(userId: string): Promise<void> {
    await this.db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst();
  }

  /** Deletes one of the user's own tokens; undefined when there is no such token of theirs. */
  async deleteApiToken(id: string, userId: string): Promise<{ name: string } | undefined> {
    return this.db.deleteFrom('api_tokens').where('id', '=', id).where('user_id', '=', userId).returning('name').executeTakeFirst();
  }

  // Login throttling (per e-mail, whether or not the account exists)
  async throttleState(email: string): Promise<{ failed: number; lockedUntil: Date | null } | undefined> {
    const r = await this.db.selectFrom('login_throttle').select(['failed', 'locked_until']).where('email', '=', email.toLowerCase()).executeTakeFirst();
    return r ? { failed: r.failed, lockedUntil: r.locked_until } : undefined;
  }

  async recordFailedLogin(email: string, now: Date, maxAttempts: number, lockUntil: Date): Promise<{ failed: number; lockedUntil: Date | null }> {
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

  async clearThrottle(email: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('email', '=', email.toLowerCase()).execute();
  }

  // Invitations
  async createInvitation(i: { companyId: string; email: string; name: string; role: Role; permission: Permission | null; tokenHash: string; createdBy: string; expiresAt: Date }): Promise<string> {
    const r = await this.db
      .insertInto('invitations')
      .values({ company_id: i.companyId, email: i.email, name: i.name, role: i.role, permission: i.permission, token_hash: i.tokenHash, created_by: i.createdBy, expires_at: i.expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async findInvitationByTokenHash(tokenHash: string, forUpdate = false): Promise<InvitationRecord | undefined> {
    let q = this.db
      .selectFrom('invitations as i')
      .innerJoin('companies as c', 'c.id', 'i.company_id')
      .select(['i.id', 'i.company_id as companyId', 'c.name as companyName', 'i.email', 'i.name', 'i.role', 'i.permission', 'i.expires_at as expiresAt', 'i.accepted_at as acceptedAt'])
      .where('i.token_hash', '=', tokenHash);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async markInvitationAccepted(id: string, at: Date): Promise<boolean> {
    const r = await this.db.updateTable('invitations').set({ accepted_at: at }).where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // Secrets waiting to reach devices

  async putPendingSecret(userId: string, purpose: string, ciphertext: string): Promise<void> {
    await this.db
      .insertInto('pending_secrets')
      .values({ user_id: userId, purpose, ciphertext })
      .onConflict((oc) => oc.columns(['user_id', 'purpose']).doUpdateSet({ ciphertext, created_at: sql`now()` }))
      .execute();
  }

  // Settings
  async getSetting(key: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }

  async deleteSetting(key: string): Promise<void> {
    await this.db.deleteFrom('settings').where('key', '=', key).execute();
  }
}
