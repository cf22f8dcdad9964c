import type { Executor } from '../db/executor';
import type { Permission, Role } from '../db/schema';
import type { UserRecord } from '../auth/user.repository';

/** An invitation found by its link's token: the account it will create, and whether it is still usable. */
export interface InvitationRecord extends Pick<UserRecord, 'email' | 'name' | 'role' | 'permission'> {
  id: string;
  companyId: string;
  companyName: string;
  expiresAt: Date;
  acceptedAt: Date | null;
}

/** An invitation nobody has accepted yet (expired ones included: they can be sent again). */
export interface PendingInvitation {
  id: string;
  companyId: string;
  email: string;
  name: string;
  permission: Permission;
  expiresAt: Date;
  createdAt: Date;
  invitedBy: { id: string; name: string; email: string } | null;
}

/**
 * Invitations: created by the installer admin, found and accepted by the invitee through the link's
 * token, and listed, renewed (new link) or cancelled while pending.
 */
export class InvitationRepository {
  constructor(private readonly db: Executor) {}

  async create(i: { companyId: string; email: string; name: string; role: Role; permission: Permission | null; tokenHash: string; createdBy: string; expiresAt: Date }): Promise<string> {
    const r = await this.db
      .insertInto('invitations')
      .values({ company_id: i.companyId, email: i.email, name: i.name, role: i.role, permission: i.permission, token_hash: i.tokenHash, created_by: i.createdBy, expires_at: i.expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async findByTokenHash(tokenHash: string, forUpdate = false): Promise<InvitationRecord | undefined> {
    let q = this.db
      .selectFrom('invitations as i')
      .innerJoin('companies as c', 'c.id', 'i.company_id')
      .select(['i.id', 'i.company_id as companyId', 'c.name as companyName', 'i.email', 'i.name', 'i.role', 'i.permission', 'i.expires_at as expiresAt', 'i.accepted_at as acceptedAt'])
      .where('i.token_hash', '=', tokenHash);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** False when it was accepted meanwhile (two accepts racing: one wins). */
  async markAccepted(id: string, at: Date): Promise<boolean> {
    const r = await this.db.updateTable('invitations').set({ accepted_at: at }).where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private pending() {
    return this.db
      .selectFrom('invitations as i')
      .leftJoin('users as u', 'u.id', 'i.created_by')
      .select(['i.id', 'i.company_id as companyId', 'i.email', 'i.name', 'i.permission', 'i.expires_at as expiresAt', 'i.created_at as createdAt', 'u.id as byId', 'u.name as byName', 'u.email as byEmail'])
      .where('i.accepted_at', 'is', null)
      .where('i.role', '=', 'installer');
  }

  async listPending(companyId: string): Promise<PendingInvitation[]> {
    const rows = await this.pending().where('i.company_id', '=', companyId).orderBy('i.created_at', 'desc').orderBy('i.id').execute();
    return rows.map(toPending);
  }

  /** A pending invitation of this company, locked for a change. */
  async findPendingForUpdate(id: string, companyId: string): Promise<PendingInvitation | undefined> {
    const r = await this.pending().where('i.id', '=', id).where('i.company_id', '=', companyId).forUpdate('i').executeTakeFirst();
    return r && toPending(r);
  }

  /** A new link: the old token stops working. */
  async renew(id: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.updateTable('invitations').set({ token_hash: tokenHash, expires_at: expiresAt }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('invitations').where('id', '=', id).execute();
  }
}

function toPending(r: { id: string; companyId: string; email: string; name: string; permission: Permission | null; expiresAt: Date; createdAt: Date; byId: string | null; byName: string | null; byEmail: string | null }): PendingInvitation {
  return {
    id: r.id,
    companyId: r.companyId,
    email: r.email,
    name: r.name,
    permission: r.permission ?? 'manage_assigned',
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    invitedBy: r.byId ? { id: r.byId, name: r.byName ?? '', email: r.byEmail ?? '' } : null,
  };
}
