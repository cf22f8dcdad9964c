import type { Executor } from '../db/executor';

export interface SiteAgentRecord {
  id: string;
  siteId: string;
  name: string;
  enrolExpiresAt: Date | null;
  enrolledAt: Date | null;
  version: string | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  revokedAt: Date | null;
}

const COLUMNS = [
  'id', 'site_id as siteId', 'name', 'enrol_expires_at as enrolExpiresAt', 'enrolled_at as enrolledAt', 'version', 'last_seen_at as lastSeenAt', 'created_at as createdAt', 'revoked_at as revokedAt',
] as const;

/** Site agents (migration 0008): enrolments, sealed keys, revocation. */
export class SiteAgentRepository {
  constructor(private readonly db: Executor) {}

  async create(a: { id: string; siteId: string; name: string; enrolKeyHash: string; enrolExpiresAt: Date; createdBy: string; now: Date }): Promise<SiteAgentRecord> {
    await this.db
      .insertInto('site_agents')
      .values({ id: a.id, site_id: a.siteId, name: a.name, enrol_key_hash: a.enrolKeyHash, enrol_expires_at: a.enrolExpiresAt, created_by: a.createdBy, created_at: a.now })
      .execute();
    return (await this.find(a.id))!;
  }

  async find(id: string): Promise<SiteAgentRecord | undefined> {
    return this.db.selectFrom('site_agents').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  /** The site's agents that are not revoked, newest first. */
  async listBySite(siteId: string): Promise<SiteAgentRecord[]> {
    return this.db.selectFrom('site_agents').select(COLUMNS).where('site_id', '=', siteId).where('revoked_at', 'is', null).orderBy('created_at', 'desc').orderBy('id').execute();
  }

  /** An enrolled, unrevoked agent: its sealed key and site. */
  async findKey(id: string): Promise<{ siteId: string; keySealed: string; enrolledAt: Date | null } | undefined> {
    const r = await this.db
      .selectFrom('site_agents')
      .select(['site_id as siteId', 'key_sealed as keySealed', 'enrolled_at as enrolledAt'])
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('key_sealed', 'is not', null)
      .executeTakeFirst();
    return r?.keySealed ? { siteId: r.siteId, keySealed: r.keySealed, enrolledAt: r.enrolledAt } : undefined;
  }

  /** An open enrolment (not used, not expired, not revoked): its enrolment key hash. */
  async findEnrolment(id: string, now: Date): Promise<{ enrolKeyHash: string } | undefined> {
    const r = await this.db
      .selectFrom('site_agents')
      .select('enrol_key_hash as enrolKeyHash')
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('key_sealed', 'is', null)
      .where('enrol_expires_at', '>', now)
      .executeTakeFirst();
    return r?.enrolKeyHash ? { enrolKeyHash: r.enrolKeyHash } : undefined;
  }

  /** Uses up the enrolment and stores the issued key, in one statement: of two racing enrolments one wins. */
  async completeEnrolment(id: string, keySealed: string, version: string, now: Date): Promise<{ siteId: string } | undefined> {
    return this.db
      .updateTable('site_agents')
      .set({ enrol_key_hash: null, enrol_expires_at: null, key_sealed: keySealed, enrolled_at: now, version, last_seen_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('key_sealed', 'is', null)
      .where('enrol_key_hash', 'is not', null)
      .where('enrol_expires_at', '>', now)
      .returning('site_id as siteId')
      .executeTakeFirst();
  }

  async seen(id: string, now: Date, version?: string): Promise<void> {
    await this.db
      .updateTable('site_agents')
      .set({ last_seen_at: now, ...(version !== undefined ? { version } : {}) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Revoked for good: the key and any open enrolment are wiped. */
  async revoke(id: string, by: string, now: Date): Promise<void> {
    await this.db
      .updateTable('site_agents')
      .set({ revoked_at: now, revoked_by: by, key_sealed: null, enrol_key_hash: null, enrol_expires_at: null })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
