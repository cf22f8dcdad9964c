import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { HandoverState, SitePermission } from '../db/schema';

export interface SiteRecord {
  id: string;
  companyId: string;
  name: string;
  address: string;
  timeZone: string;
  createdAt: Date;
  updatedAt: Date;
  handoverState: HandoverState;
  ownerUserId: string | null;
  /** The owner's live authorization's permissions (not revoked, not expired), or null. */
  authorizedPermissions: SitePermission[] | null;
}

export interface SiteListFilter {
  companyId: string;
  /** Only sites assigned to this installer (manage-assigned permission). */
  assignedTo?: string;
  search?: string;
  page: number;
  pageSize: number;
}

/** "Authorized" (decision 0015): a grant not revoked whose end, if any, is still ahead. */
const LIVE_PERMISSIONS = sql<SitePermission[] | null>`(select a.permissions from site_authorizations a where a.site_id = s.id and a.revoked_at is null and (a.expires_at is null or a.expires_at > now()))`;

const COLUMNS = [
  's.id', 's.company_id as companyId', 's.name', 's.address', 's.time_zone as timeZone', 's.created_at as createdAt', 's.updated_at as updatedAt',
  's.handover_state as handoverState', 's.owner_user_id as ownerUserId', LIVE_PERMISSIONS.as('authorizedPermissions'),
] as const;

/**
 * The company's sites handed over to their customer without an authorization in force (decision
 * 0015): their devices are the customer's, so company-wide lists (devices, health) leave them out.
 */
export function customerOwnedSites(db: Executor, companyId: string) {
  return db.selectFrom('sites as hs').select('hs.id').where('hs.company_id', '=', companyId).where('hs.handover_state', '=', 'handed_over')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('site_authorizations as a').select(sql<number>`1`.as('one')).whereRef('a.site_id', '=', 'hs.id').where('a.revoked_at', 'is', null)
      .where((e) => e.or([e('a.expires_at', 'is', null), e('a.expires_at', '>', sql<Date>`now()`)])))));
}

export class SiteRepository {
  constructor(private readonly db: Executor) {}

  async find(id: string): Promise<SiteRecord | undefined> {
    return this.db.selectFrom('sites as s').select(COLUMNS).where('s.id', '=', id).executeTakeFirst();
  }

  async findForUpdate(id: string): Promise<SiteRecord | undefined> {
    return this.db.selectFrom('sites as s').select(COLUMNS).where('s.id', '=', id).forUpdate().executeTakeFirst();
  }

  async list(f: SiteListFilter): Promise<{ items: SiteRecord[]; total: number }> {
    let q = this.db.selectFrom('sites as s').where('s.company_id', '=', f.companyId);
    if (f.assignedTo) {
      const uid = f.assignedTo;
      q = q.where((eb) => eb.exists(eb.selectFrom('site_installers as si').select('si.site_id').whereRef('si.site_id', '=', 's.id').where('si.user_id', '=', uid)));
    }
    if (f.search) {
      const pattern = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('s.name', 'ilike', pattern), eb('s.address', 'ilike', pattern)]));
    }
    const { total } = await q.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
    const items = await q
      .select(COLUMNS)
      .orderBy('s.name')
      .orderBy('s.id')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return { items, total };
  }

  /** The names of these sites, by id (missing ones are absent). */
  async names(siteIds: string[]): Promise<Map<string, string>> {
    if (siteIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('sites').select(['id', 'name']).where('id', 'in', siteIds).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async create(s: { companyId: string; name: string; address: string; timeZone: string; now: Date }): Promise<SiteRecord> {
    const r = await this.db
      .insertInto('sites')
      .values({ company_id: s.companyId, name: s.name, address: s.address, time_zone: s.timeZone, created_at: s.now, updated_at: s.now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.find(r.id))!;
  }

  async update(id: string, patch: { name?: string; address?: string; timeZone?: string }, now: Date): Promise<void> {
    await this.db
      .updateTable('sites')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.address !== undefined ? { address: patch.address } : {}),
        ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The sites an end user owns (every company's). */
  async ownedBy(userId: string): Promise<SiteRecord[]> {
    return this.db.selectFrom('sites as s').select(COLUMNS).where('s.owner_user_id', '=', userId).orderBy('s.name').orderBy('s.id').execute();
  }

  /** Sets the custody state; a handed-over site never goes back to an earlier state here (whatever raced). */
  async setHandoverState(id: string, state: HandoverState, ownerUserId: string | null | undefined, now: Date): Promise<void> {
    let q = this.db
      .updateTable('sites')
      .set({ handover_state: state, ...(ownerUserId !== undefined ? { owner_user_id: ownerUserId } : {}), updated_at: now })
      .where('id', '=', id);
    if (state !== 'handed_over') q = q.where('handover_state', '<>', 'handed_over');
    await q.execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sites').where('id', '=', id).execute();
  }

  async isAssigned(siteId: string, userId: string): Promise<boolean> {
    const r = await this.db.selectFrom('site_installers').select('site_id').where('site_id', '=', siteId).where('user_id', '=', userId).executeTakeFirst();
    return r !== undefined;
  }

  /** The sites an installer is assigned to. */
  async assignedSiteIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('site_installers').select('site_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.site_id);
  }

  async listInstallerIds(siteId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('site_installers').select('user_id').where('site_id', '=', siteId).execute();
    return rows.map((r) => r.user_id);
  }

  async setInstallers(siteId: string, userIds: string[]): Promise<void> {
    await this.db.deleteFrom('site_installers').where('site_id', '=', siteId).execute();
    if (userIds.length > 0) {
      await this.db.insertInto('site_installers').values(userIds.map((u) => ({ site_id: siteId, user_id: u }))).execute();
    }
  }
}
