/**
 * Site invitations (handing a site over to its customer) and the owner's authorizations of the
 * installer company (migration 0014, decision 0015).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { SitePermission } from '../db/schema';

export interface SiteInvitationRecord {
  id: string;
  siteId: string;
  companyId: string;
  email: string;
  createdBy: string | null;
  expiresAt: Date;
  acceptedAt: Date | null;
  cancelledAt: Date | null;
  acceptedBy: string | null;
  createdAt: Date;
}

/** An invitation found by its link's token, with the names the invitee is shown. */
export interface SiteInvitationByToken extends SiteInvitationRecord {
  siteName: string;
  companyName: string;
}

export interface SiteAuthorizationRecord {
  id: string;
  siteId: string;
  companyId: string;
  grantedBy: string | null;
  permissions: SitePermission[];
  expiresAt: Date | null;
  createdAt: Date;
}

const INVITATION_COLUMNS = [
  'i.id', 'i.site_id as siteId', 'i.company_id as companyId', 'i.email', 'i.created_by as createdBy', 'i.expires_at as expiresAt',
  'i.accepted_at as acceptedAt', 'i.cancelled_at as cancelledAt', 'i.accepted_by as acceptedBy', 'i.created_at as createdAt',
] as const;

export class SiteCustodyRepository {
  constructor(private readonly db: Executor) {}

  async createInvitation(i: { siteId: string; companyId: string; email: string; tokenHash: string; createdBy: string; expiresAt: Date; now: Date }): Promise<string> {
    const r = await this.db
      .insertInto('site_invitations')
      .values({ site_id: i.siteId, company_id: i.companyId, email: i.email, token_hash: i.tokenHash, created_by: i.createdBy, expires_at: i.expiresAt, created_at: i.now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  /** Invitations of the site neither accepted nor cancelled (expired ones too), newest first. */
  async openInvitations(siteId: string): Promise<SiteInvitationRecord[]> {
    return this.db.selectFrom('site_invitations as i').select(INVITATION_COLUMNS).where('i.site_id', '=', siteId).where('i.accepted_at', 'is', null).where('i.cancelled_at', 'is', null).orderBy('i.created_at', 'desc').orderBy('i.id').execute();
  }

  async findOpenInvitation(siteId: string, id: string): Promise<SiteInvitationRecord | undefined> {
    return this.db.selectFrom('site_invitations as i').select(INVITATION_COLUMNS).where('i.site_id', '=', siteId).where('i.id', '=', id).where('i.accepted_at', 'is', null).where('i.cancelled_at', 'is', null).forUpdate().executeTakeFirst();
  }

  async findByTokenHash(tokenHash: string, forUpdate: boolean): Promise<SiteInvitationByToken | undefined> {
    let q = this.db
      .selectFrom('site_invitations as i')
      .innerJoin('sites as s', 's.id', 'i.site_id')
      .innerJoin('companies as c', 'c.id', 'i.company_id')
      .select([...INVITATION_COLUMNS, 's.name as siteName', 'c.name as companyName'])
      .where('i.token_hash', '=', tokenHash);
    if (forUpdate) q = q.forUpdate('i');
    return q.executeTakeFirst();
  }

  /** Ends every open invitation of the site (a newer one replaces them, or the site was handed over). */
  async cancelOpen(siteId: string, now: Date): Promise<number> {
    const r = await this.db.updateTable('site_invitations').set({ cancelled_at: now }).where('site_id', '=', siteId).where('accepted_at', 'is', null).where('cancelled_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async cancel(id: string, now: Date): Promise<void> {
    await this.db.updateTable('site_invitations').set({ cancelled_at: now }).where('id', '=', id).execute();
  }

  async markAccepted(id: string, userId: string, now: Date): Promise<boolean> {
    const r = await this.db.updateTable('site_invitations').set({ accepted_at: now, accepted_by: userId }).where('id', '=', id).where('accepted_at', 'is', null).where('cancelled_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The site's live authorization: not revoked, and permanent or not expired yet (database time). */
  async liveAuthorization(siteId: string): Promise<SiteAuthorizationRecord | undefined> {
    return this.db
      .selectFrom('site_authorizations as a')
      .select(['a.id', 'a.site_id as siteId', 'a.company_id as companyId', 'a.granted_by as grantedBy', 'a.permissions', 'a.expires_at as expiresAt', 'a.created_at as createdAt'])
      .where('a.site_id', '=', siteId)
      .where('a.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('a.expires_at', 'is', null), eb('a.expires_at', '>', sql<Date>`now()`)]))
      .executeTakeFirst();
  }

  /** Ends the site's current grant (live or lapsed, not yet revoked); true when there was a live one. */
  async revoke(siteId: string, now: Date): Promise<boolean> {
    const live = await this.liveAuthorization(siteId);
    await this.db.updateTable('site_authorizations').set({ revoked_at: now }).where('site_id', '=', siteId).where('revoked_at', 'is', null).execute();
    return live !== undefined;
  }

  async grant(a: { siteId: string; companyId: string; grantedBy: string; permissions: SitePermission[]; expiresAt: Date | null; now: Date }): Promise<void> {
    await this.revoke(a.siteId, a.now);
    await this.db
      .insertInto('site_authorizations')
      .values({ site_id: a.siteId, company_id: a.companyId, granted_by: a.grantedBy, permissions: JSON.stringify(a.permissions), expires_at: a.expiresAt, created_at: a.now })
      .execute();
  }

  /** The company's people who manage the site (when it is theirs to manage): admins, manage-all installers, installers assigned to it. */
  async staffFor(siteId: string, companyId: string): Promise<Array<{ id: string; name: string; email: string; role: string; permission: string | null }>> {
    return this.db
      .selectFrom('users as u')
      .select(['u.id', 'u.name', 'u.email', 'u.role', 'u.permission'])
      .where('u.company_id', '=', companyId)
      .where('u.disabled', '=', false)
      .where((eb) => eb.or([
        eb('u.role', '=', 'installer_admin'),
        eb('u.permission', '=', 'manage_all'),
        eb.exists(eb.selectFrom('site_installers as si').select('si.site_id').whereRef('si.user_id', '=', 'u.id').where('si.site_id', '=', siteId)),
      ]))
      .orderBy('u.name')
      .execute();
  }
}
