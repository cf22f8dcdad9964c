import type { Executor } from '../db/executor';
import type { Permission } from '../db/schema';

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
 * The installer admin's view of invitations: list, renew (new link), cancel. Creating and accepting
 * them (by token) stays with the accounts in UserRepository.
 */
export class InvitationRepository {
  constructor(private readonly db: Executor) {}

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
