import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../db/executor';
import type { DeviceDto } from './device.schema';
import { RECOGNISED_TYPES } from './device-types';
import type { StoredFirmwareVerdict } from './firmware-verdict';
import { customerOwnedSites } from '../sites/site.repository';

/** A device row with its site's name: the API's device (DeviceSchema) and the company it belongs to. */
export type DeviceRecord = DeviceDto & { companyId: string };

export interface DeviceFilter {
  companyId: string;
  siteId?: string;
  /** Only devices on sites assigned to this installer. */
  assignedTo?: string;
  search?: string;
  status?: string;
  page: number;
  pageSize: number;
}

/** A page of a device list; `totalEstimated` when the total is an estimate (a broad search: "about"). */
export interface DevicePage {
  items: DeviceRecord[];
  total: number;
  totalEstimated: boolean;
}

/** A search counts its matches exactly up to this many; beyond, the total is an estimate. */
export const SEARCH_COUNT_CAP = 1000;
const ESTIMATE_SAMPLE = 2000;
/** From this offset on, the page walks ids first (below it the plain query plans faster than the walk saves). */
const ID_WALK_FROM = 1000;

/**
 * name, serial or model contains `search`, any case (`%`, `_` and `\\` match themselves): one `like`
 * on the generated search_text column (migration 0010), which its trigram index serves. Control
 * characters are dropped from the term: search_text joins the fields with one.
 */
function searchMatch(search: string) {
  const pattern = `%${[...search].filter((c) => c >= ' ').join('').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`(d.search_text like lower(${pattern}))`;
}

export class DeviceRepository {
  constructor(private readonly db: Executor) {}

  private base() {
    return this.db
      .selectFrom('devices as d')
      .innerJoin('sites as s', 's.id', 'd.site_id')
      .select([
        'd.id', 'd.company_id as companyId', 'd.site_id as siteId', 's.name as siteName', 'd.serial', 'd.name', 'd.type', 'd.model',
        'd.firmware_version as firmwareVersion', 'd.firmware_compatible as firmwareCompatible', 'd.added_via as addedVia', 'd.claim_proof as claimProof', 'd.host', 'd.port',
        'd.health_monitoring as healthMonitoring', 'd.status', 'd.created_at as createdAt', 'd.updated_at as updatedAt',
        'd.firmware_verdict as firmwareVerdict',
        sql<boolean>`(d.credentials_sealed is null)`.as('adminPasswordNeeded'),
        sql<boolean>`(d.type_chosen or d.type not in (${sql.join(RECOGNISED_TYPES.map((t) => sql.lit(t)))}))`.as('typeEditable'),
      ]);
  }

  async find(id: string): Promise<DeviceRecord | undefined> {
    return this.base().where('d.id', '=', id).executeTakeFirst();
  }

  /** The device with its sealed secrets (only for the few places that open them). */
  async findWithSecrets(id: string): Promise<(DeviceRecord & { credentialsSealed: string | null; verificationCodeSealed: string | null }) | undefined> {
    return this.base().select(['d.credentials_sealed as credentialsSealed', 'd.verification_code_sealed as verificationCodeSealed']).where('d.id', '=', id).executeTakeFirst();
  }

  /**
   * One page of devices in `name, id` order and the list's total, in one round trip. Without a
   * search the total is exact and cheap: a sum over the maintained per-site, per-status counts
   * (device_counts, migration 0010), never a count(*) over the devices. With a search the matches
   * are counted up to SEARCH_COUNT_CAP; beyond it the total is an estimate (`totalEstimated`: the
   * UI says "about"), from a sample of the list's devices (see estimateMatches).
   */
  async list(f: DeviceFilter): Promise<DevicePage> {
    const page = this.pageQuery(f);
    const total = f.search
      ? sql<number>`(select count(*)::int from (${this.filtered(this.db.selectFrom('devices as d').select(sql<number>`1`.as('one')), f).limit(SEARCH_COUNT_CAP + 1)}) as m)`
      : sql<number>`(${this.countsOf(f)})`;
    const rows = await this.db
      .with('p', () => page)
      .selectFrom(sql<{ total: number }>`(select ${total} as total)`.as('t'))
      .leftJoin('p', (j) => j.onTrue())
      .selectAll('p')
      .select('t.total')
      .orderBy('p.name')
      .orderBy('p.id')
      .execute();
    const counted = rows[0]?.total ?? 0;
    const items = rows.filter((r) => r.id !== null).map(({ total: _t, ...d }) => d as DeviceRecord);
    if (f.search && counted > SEARCH_COUNT_CAP) return { items, total: await this.estimateMatches(f), totalEstimated: true };
    return { items, total: counted, totalEstimated: false };
  }

  /**
   * The page's rows: the offset is walked on ids alone (an index-only scan of the list's index,
   * no row read for the rows skipped), then only the page's rows are read, with their site's name.
   */
  private pageQuery(f: DeviceFilter) {
    const offset = (f.page - 1) * f.pageSize;
    if (offset < ID_WALK_FROM) return this.filtered(this.base(), f).orderBy('d.name').orderBy('d.id').limit(f.pageSize).offset(offset);
    const ids = this.filtered(this.db.selectFrom('devices as d').select('d.id'), f).orderBy('d.name').orderBy('d.id').limit(f.pageSize).offset((f.page - 1) * f.pageSize);
    return this.base().where('d.id', 'in', ids).orderBy('d.name').orderBy('d.id');
  }

  /** The list's filters (company, site, assignment, status, search) on a query over `devices as d`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private filtered<Q extends SelectQueryBuilder<any, any, unknown>>(q: Q, f: DeviceFilter): Q {
    // Kysely's builder types do not follow a generic through `where`; the filters only name `d`.
    // A site's list names only the site (its company checked once, on the site row), so the
    // planner has one index family to choose from: the site's, not the company's.
    const siteId = f.siteId;
    let w = siteId
      ? // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (q as any).where('d.site_id', '=', this.db.selectFrom('sites as s2').select('s2.id').where('s2.id', '=', siteId).where('s2.company_id', '=', f.companyId))
      : // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (q as any).where('d.company_id', '=', f.companyId);
    if (!siteId) w = w.where('d.site_id', 'not in', customerOwnedSites(this.db, f.companyId));
    if (f.assignedTo) w = w.where('d.site_id', 'in', this.assignedSites(f.assignedTo));
    if (f.status) w = w.where('d.status', '=', f.status);
    if (f.search) w = w.where(searchMatch(f.search));
    return w as Q;
  }

  private assignedSites(userId: string) {
    return this.db.selectFrom('site_installers as si').select('si.site_id').where('si.user_id', '=', userId);
  }

  /** The maintained count of the list's devices without its search: a sum over device_counts rows. */
  private countsOf(f: DeviceFilter) {
    let q = this.db.selectFrom('device_counts as c').select(sql<number>`coalesce(sum(c.n), 0)::int`.as('n')).where('c.company_id', '=', f.companyId);
    if (f.siteId) q = q.where('c.site_id', '=', f.siteId);
    else q = q.where('c.site_id', 'not in', customerOwnedSites(this.db, f.companyId));
    if (f.assignedTo) q = q.where('c.site_id', 'in', this.assignedSites(f.assignedTo));
    if (f.status) q = q.where('c.status', '=', f.status);
    return q;
  }

  /**
   * About how many devices match a broad search (more than SEARCH_COUNT_CAP): the share of matches
   * in a sample of ESTIMATE_SAMPLE of the list's devices (in storage order, not the list's order,
   * so names that sort together do not skew it), times the list's maintained count. Never below
   * the cap that was exceeded.
   */
  private async estimateMatches(f: DeviceFilter): Promise<number> {
    const { search: _s, ...scope } = f;
    const sample = this.filtered(this.db.selectFrom('devices as d').select('d.search_text'), scope).limit(ESTIMATE_SAMPLE);
    const r = await this.db
      .selectFrom(sample.as('d'))
      .select([sql<number>`count(*)::int`.as('n'), sql<number>`(count(*) filter (where ${searchMatch(f.search ?? '')}))::int`.as('m'), sql<number>`(${this.countsOf(scope)})`.as('all')])
      .executeTakeFirstOrThrow();
    if (r.n === 0) return SEARCH_COUNT_CAP + 1;
    return Math.max(SEARCH_COUNT_CAP + 1, Math.round((r.all * r.m) / r.n));
  }

  /** The plan of one list page's query (a test checks which indexes it uses). */
  async explainList(f: DeviceFilter): Promise<string> {
    const rows = await this.pageQuery(f).explain();
    return rows.map((r) => Object.values(r).join(' ')).join('\n');
  }

  /** How many devices each of these sites has, in one grouped query (sites without any are absent). */
  async countBySite(siteIds: string[]): Promise<Map<string, number>> {
    if (siteIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('devices').select(['site_id', sql<number>`count(*)::int`.as('n')]).where('site_id', 'in', siteIds).groupBy('site_id').execute();
    return new Map(rows.map((r) => [r.site_id, r.n]));
  }

  /** An installer's choice of type (a device whose type was not recognised): stays editable. */
  async setType(id: string, type: string): Promise<void> {
    await this.db.updateTable('devices').set({ type, type_chosen: true, updated_at: sql`now()` }).where('id', '=', id).execute();
  }

  /** New connection details checked against the device (issue 16's "edit device information"). */
  async updateConnection(id: string, c: { name: string; host: string; port: number; addedVia: 'direct' | 'agent'; credentialsSealed: string }): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ name: c.name, host: c.host, port: c.port, added_via: c.addedVia, credentials_sealed: c.credentialsSealed, status: 'online', updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * The firmware a device reported and the catalogue's verdict for it (null while the version is
   * unknown), with the catalogue version used. firmware_compatible follows the verdict.
   */
  async setFirmware(id: string, firmwareVersion: string, verdict: StoredFirmwareVerdict | null, catalogueVersion: string): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ firmware_version: firmwareVersion, firmware_verdict: verdict ? JSON.stringify(verdict) : null, firmware_compatible: verdict ? verdict.compatible : null, firmware_catalogue: catalogueVersion, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * setFirmware for a writer that read the stored version earlier (a health poll, the start-up
   * re-check): written only while the row still holds `storedVersion`, so a version another writer
   * stored meanwhile (an upgrade read back) is never overwritten with an older read. True when written.
   */
  async setFirmwareIfStill(id: string, storedVersion: string, firmwareVersion: string, verdict: StoredFirmwareVerdict | null, catalogueVersion: string): Promise<boolean> {
    const r = await this.db
      .updateTable('devices')
      .set({ firmware_version: firmwareVersion, firmware_verdict: verdict ? JSON.stringify(verdict) : null, firmware_compatible: verdict ? verdict.compatible : null, firmware_catalogue: catalogueVersion, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('firmware_version', '=', storedVersion)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Devices whose verdict was computed with another (older) catalogue version, or never: a batch to re-check (ids after `afterId`). */
  async staleVerdicts(catalogueVersion: string, limit: number, afterId?: string): Promise<Array<{ id: string; model: string; firmwareVersion: string }>> {
    let q = this.db
      .selectFrom('devices')
      .select(['id', 'model', 'firmware_version as firmwareVersion'])
      .where((eb) => eb.or([eb('firmware_catalogue', 'is', null), eb('firmware_catalogue', '!=', catalogueVersion)]));
    if (afterId !== undefined) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  /** The devices with this serial (one, unless the serial was re-added elsewhere) and the firmware stored for them. */
  async firmwareBySerials(serials: readonly string[]): Promise<Array<{ id: string; serial: string; companyId: string; siteId: string; model: string; firmwareVersion: string }>> {
    if (serials.length === 0) return [];
    return this.db.selectFrom('devices').select(['id', 'serial', 'company_id as companyId', 'site_id as siteId', 'model', 'firmware_version as firmwareVersion']).where('serial', 'in', serials).execute();
  }

  /** The admin password (sealed credentials) of a device added without one (issue 16's "admin password needed"). */
  async setCredentials(id: string, credentialsSealed: string): Promise<void> {
    await this.db.updateTable('devices').set({ credentials_sealed: credentialsSealed, updated_at: sql`now()` }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('devices').where('id', '=', id).execute();
  }
}
