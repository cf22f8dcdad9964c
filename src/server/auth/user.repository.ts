import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { Permission, Role } from '../db/schema';

export interface UserRecord {
  id: string;
  companyId: string | null;
  companyName: string | null;
  email: string;
  name: string;
  role: Role;
  permission: Permission | null;
  passwordHash: string;
  disabled: boolean;
  createdAt: Date;
}

/** Users with their company's name, as UserRecord: the one user query sessions and API tokens extend. */
export function selectUsers(db: Executor) {
  return db
    .selectFrom('users as u')
    .leftJoin('companies as c', 'c.id', 'u.company_id')
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

/** Accounts: the users of each company (their sessions, tokens and invitations have repositories of their own). */
export class UserRepository {
  constructor(private readonly db: Executor) {}

  async countUsers(): Promise<number> {
    const r = await this.db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    return r.n;
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return selectUsers(this.db).where(sql`lower(u.email)`, '=', email.toLowerCase()).executeTakeFirst();
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    return selectUsers(this.db).where('u.id', '=', id).executeTakeFirst();
  }

  /** Whether the user wants alert e-mails (exceptions, storms); in-app notifications go regardless. */
  async emailAlerts(id: string): Promise<boolean> {
    const r = await this.db.selectFrom('users').select('email_alerts').where('id', '=', id).executeTakeFirst();
    return r?.email_alerts ?? false;
  }

  async setEmailAlerts(id: string, on: boolean): Promise<void> {
    await this.db.updateTable('users').set({ email_alerts: on }).where('id', '=', id).execute();
  }

  async emailTaken(email: string): Promise<boolean> {
    const r = await this.db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
    return r !== undefined;
  }

  async createUser(u: { companyId: string | null; email: string; name: string; role: Role; permission: Permission | null; passwordHash: string }): Promise<string> {
    const r = await this.db
      .insertInto('users')
      .values({ company_id: u.companyId, email: u.email, name: u.name, role: u.role, permission: u.permission, password_hash: u.passwordHash })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async listInstallers(companyId: string): Promise<UserRecord[]> {
    return selectUsers(this.db).where('u.company_id', '=', companyId).where('u.role', '=', 'installer').orderBy('u.name').execute();
  }

  /** Of these users, the ones that still exist in this company (`userId/companyId` keys; an event may outlive its recipient). */
  async stillInCompany(pairs: Array<{ userId: string; companyId: string }>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = await this.db.selectFrom('users').select(['id', 'company_id as companyId']).where('id', 'in', [...new Set(pairs.map((p) => p.userId))]).execute();
    const ok = new Set(rows.map((r) => `${r.id}/${r.companyId}`));
    return new Set(pairs.filter((p) => ok.has(`${p.userId}/${p.companyId}`)).map((p) => `${p.userId}/${p.companyId}`));
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

  /** Counts a failed sign-in on the account, for its owner to hear of at the next sign-in. */
  async recordFailedLogin(id: string): Promise<void> {
    await this.db.updateTable('users').set({ failed_logins: sql`failed_logins + 1` }).where('id', '=', id).execute();
  }

  /** The failed sign-ins since the last successful one, starting the count again. */
  async takeFailedLogins(id: string): Promise<number> {
    const r = await this.db
      .updateTable('users as u')
      .from('users as old')
      .set({ failed_logins: 0 })
      .whereRef('u.id', '=', 'old.id')
      .where('u.id', '=', id)
      .returning('old.failed_logins as failed')
      .executeTakeFirst();
    return r?.failed ?? 0;
  }

  /** Locks the user's row until the transaction ends (serialises per-user checks such as the token cap). */
  async lockUser(userId: string): Promise<void> {
    await this.db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst();
  }
}
