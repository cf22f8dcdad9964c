/**
 * Firmware packages (stored by content hash), campaigns and the per-device rows that carry each
 * upgrade's durable state (migration 0018). The runner claims a row with a lease under a per-site
 * advisory lock, so a site's slots and pacing hold across nodes.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/executor';

export const ACTIVE_STATES = ['uploading', 'installing', 'rebooting', 'verifying'] as const;
export const TERMINAL_STATES = ['succeeded', 'failed'] as const;
export type CampaignDeviceState = 'queued' | (typeof ACTIVE_STATES)[number] | (typeof TERMINAL_STATES)[number];

export interface PackageRecord {
  id: string;
  companyId: string;
  sha256: string;
  fileName: string;
  models: string[];
  version: string;
  build: string;
  size: number;
  uploadedBy: string | null;
  createdAt: Date;
  /** Deleted: its bytes are gone; the row stays as the record of what its campaigns sent. */
  deletedAt: Date | null;
}

export interface CampaignRecord {
  id: string;
  companyId: string;
  packageId: string;
  createdBy: string | null;
  createdAt: Date;
}

export interface CampaignDeviceRow {
  id: string;
  campaignId: string;
  deviceId: string;
  siteId: string;
  position: number;
  state: CampaignDeviceState;
  percent: number;
  stage: string;
  fromVersion: string | null;
  reasonCode: string | null;
  reasonMessage: string | null;
  attempts: number;
  leaseUntil: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

/** Why a claim did not take the row: it is done or held, its site is full, or paced (`waitMs`). */
export type ClaimResult = { claimed: CampaignDeviceRow; token: string } | { claimed: null; why: 'gone' | 'held' | 'site_full' } | { claimed: null; why: 'paced'; waitMs: number };

const PACKAGE_COLUMNS = ['id', 'company_id as companyId', 'sha256', 'file_name as fileName', 'models', 'version', 'build', 'size', 'uploaded_by as uploadedBy', 'created_at as createdAt', 'deleted_at as deletedAt'] as const;
const ROW_COLUMNS = [
  'id', 'campaign_id as campaignId', 'device_id as deviceId', 'site_id as siteId', 'position', 'state', 'percent', 'stage', 'from_version as fromVersion', 'reason_code as reasonCode',
  'reason_message as reasonMessage', 'attempts', 'lease_until as leaseUntil', 'started_at as startedAt', 'finished_at as finishedAt', 'updated_at as updatedAt',
] as const;

export class FirmwareRepository {
  constructor(private readonly db: Executor) {}

  // ---- packages ----------------------------------------------------------------------------------

  /** Stores a package once per company and hash; returns it and whether it was new. */
  async insertPackage(p: { companyId: string; sha256: string; fileName: string; models: string[]; version: string; build: string; content: Buffer; uploadedBy: string }): Promise<{ pkg: PackageRecord; created: boolean }> {
    const inserted = await this.db
      .insertInto('firmware_packages')
      .values({ company_id: p.companyId, sha256: p.sha256, file_name: p.fileName, models: JSON.stringify(p.models), version: p.version, build: p.build, size: p.content.length, content: p.content, uploaded_by: p.uploadedBy })
      .onConflict((oc) => oc.columns(['company_id', 'sha256']).doNothing())
      .returning(PACKAGE_COLUMNS)
      .executeTakeFirst();
    if (inserted) return { pkg: inserted as PackageRecord, created: true };
    // The same bytes uploaded again after the package was deleted: it is back.
    const restored = await this.db
      .updateTable('firmware_packages')
      .set({ content: p.content, deleted_at: null, file_name: p.fileName, uploaded_by: p.uploadedBy })
      .where('company_id', '=', p.companyId)
      .where('sha256', '=', p.sha256)
      .where('deleted_at', 'is not', null)
      .returning(PACKAGE_COLUMNS)
      .executeTakeFirst();
    if (restored) return { pkg: restored as PackageRecord, created: true };
    const existing = await this.db.selectFrom('firmware_packages').select(PACKAGE_COLUMNS).where('company_id', '=', p.companyId).where('sha256', '=', p.sha256).executeTakeFirstOrThrow();
    return { pkg: existing as PackageRecord, created: false };
  }

  async findPackage(id: string): Promise<PackageRecord | undefined> {
    return (await this.db.selectFrom('firmware_packages').select(PACKAGE_COLUMNS).where('id', '=', id).executeTakeFirst()) as PackageRecord | undefined;
  }

  async packageContent(id: string): Promise<Buffer | undefined> {
    return (await this.db.selectFrom('firmware_packages').select('content').where('id', '=', id).executeTakeFirst())?.content ?? undefined;
  }

  async listPackages(companyId: string): Promise<PackageRecord[]> {
    return (await this.db.selectFrom('firmware_packages').select(PACKAGE_COLUMNS).where('company_id', '=', companyId).where('deleted_at', 'is', null).orderBy('created_at', 'desc').limit(500).execute()) as PackageRecord[];
  }

  /**
   * Deletes a package's bytes (the row stays, deleted_at set) unless a campaign still sends it (a
   * device of one not finished). One statement, so a campaign started meanwhile either sees the
   * package or does not: 'deleted', 'in_use', or 'not_found' (none of the company's, or deleted already).
   */
  async deletePackage(id: string, companyId: string, now: Date): Promise<'deleted' | 'in_use' | 'not_found'> {
    const r = await this.db
      .updateTable('firmware_packages')
      .set({ content: null, deleted_at: now })
      .where('id', '=', id)
      .where('company_id', '=', companyId)
      .where('deleted_at', 'is', null)
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('firmware_campaign_devices as cd').innerJoin('firmware_campaigns as c', 'c.id', 'cd.campaign_id').select('cd.id').where('c.package_id', '=', id).where('cd.state', 'not in', ['succeeded', 'failed']))),
      )
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) > 0) return 'deleted';
    const pkg = await this.db.selectFrom('firmware_packages').select('id').where('id', '=', id).where('company_id', '=', companyId).where('deleted_at', 'is', null).executeTakeFirst();
    return pkg ? 'in_use' : 'not_found';
  }

  // ---- campaigns ---------------------------------------------------------------------------------

  async createCampaign(c: { id: string; companyId: string; packageId: string; createdBy: string }, devices: Array<{ deviceId: string; siteId: string; fromVersion: string }>): Promise<void> {
    await this.db.insertInto('firmware_campaigns').values({ id: c.id, company_id: c.companyId, package_id: c.packageId, created_by: c.createdBy }).execute();
    await this.db
      .insertInto('firmware_campaign_devices')
      .values(devices.map((d, i) => ({ campaign_id: c.id, device_id: d.deviceId, site_id: d.siteId, position: i, from_version: d.fromVersion })))
      .execute();
  }

  async findCampaign(id: string): Promise<CampaignRecord | undefined> {
    return this.db.selectFrom('firmware_campaigns').select(['id', 'company_id as companyId', 'package_id as packageId', 'created_by as createdBy', 'created_at as createdAt']).where('id', '=', id).executeTakeFirst();
  }

  async listCampaigns(companyId: string): Promise<CampaignRecord[]> {
    return this.db.selectFrom('firmware_campaigns').select(['id', 'company_id as companyId', 'package_id as packageId', 'created_by as createdBy', 'created_at as createdAt']).where('company_id', '=', companyId).orderBy('created_at', 'desc').limit(200).execute();
  }

  /** The campaign's devices in the order they were given, with each device's name and serial. */
  async campaignDevices(campaignId: string): Promise<Array<CampaignDeviceRow & { name: string; serial: string; model: string; firmwareVersion: string }>> {
    return (await this.db
      .selectFrom('firmware_campaign_devices as r')
      .innerJoin('devices as d', 'd.id', 'r.device_id')
      .select(ROW_COLUMNS.map((c) => `r.${c}` as const))
      .select(['d.name', 'd.serial', 'd.model', 'd.firmware_version as firmwareVersion'])
      .where('r.campaign_id', '=', campaignId)
      .orderBy('r.position')
      .execute()) as Array<CampaignDeviceRow & { name: string; serial: string; model: string; firmwareVersion: string }>;
  }

  /** Devices among these with an upgrade not finished in any campaign. */
  async devicesUpgrading(deviceIds: string[]): Promise<string[]> {
    if (deviceIds.length === 0) return [];
    const rows = await this.db.selectFrom('firmware_campaign_devices').select('device_id').where('device_id', 'in', deviceIds).where('state', 'not in', [...TERMINAL_STATES]).execute();
    return rows.map((r) => r.device_id);
  }

  /** A fingerprint per campaign of what its progress shows (the progress poller compares them). */
  async fingerprints(campaignIds: readonly string[]): Promise<Map<string, string>> {
    if (campaignIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('firmware_campaign_devices')
      .select(['campaign_id as id', sql<string>`count(*)::text || ':' || coalesce(max(updated_at)::text, '') || ':' || sum(percent)::text`.as('fp')])
      .where('campaign_id', 'in', [...campaignIds])
      .groupBy('campaign_id')
      .execute();
    return new Map(rows.map((r) => [r.id, r.fp]));
  }

  // ---- the runner --------------------------------------------------------------------------------

  async row(id: string): Promise<CampaignDeviceRow | undefined> {
    return (await this.db.selectFrom('firmware_campaign_devices').select(ROW_COLUMNS).where('id', '=', id).executeTakeFirst()) as CampaignDeviceRow | undefined;
  }

  /**
   * Takes the row for this node until `leaseUntil` unless it is finished, held by another node's
   * live lease, its site already runs `perSite` other upgrades, or the site's last upgrade started
   * less than `paceMs` ago (a row already started — resumed — is not paced). Run in a transaction:
   * the site's advisory lock makes the check and the claim one step across nodes.
   */
  async claim(id: string, now: Date, leaseUntil: Date, limits: { perSite: number; paceMs: number }): Promise<ClaimResult> {
    const row = await this.row(id);
    if (!row || (TERMINAL_STATES as readonly string[]).includes(row.state)) return { claimed: null, why: 'gone' };
    await sql`select pg_advisory_xact_lock(hashtext(${`firmware-site:${row.siteId}`}))`.execute(this.db);
    const fresh = await this.db.selectFrom('firmware_campaign_devices').select(ROW_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst() as CampaignDeviceRow | undefined;
    if (!fresh || (TERMINAL_STATES as readonly string[]).includes(fresh.state)) return { claimed: null, why: 'gone' };
    if (fresh.leaseUntil && fresh.leaseUntil.getTime() > now.getTime()) return { claimed: null, why: 'held' };
    if (fresh.state === 'queued') {
      const site = await this.db
        .selectFrom('firmware_campaign_devices')
        .select([sql<number>`count(*) filter (where state in ('uploading', 'installing', 'rebooting', 'verifying'))`.as('active'), sql<Date | null>`max(started_at)`.as('lastStart')])
        .where('site_id', '=', fresh.siteId)
        .where('id', '!=', id)
        .executeTakeFirstOrThrow();
      if (Number(site.active) >= limits.perSite) return { claimed: null, why: 'site_full' };
      const last = site.lastStart ? new Date(site.lastStart).getTime() : 0;
      const waitMs = last + limits.paceMs - now.getTime();
      if (limits.paceMs > 0 && waitMs > 0) return { claimed: null, why: 'paced', waitMs };
    }
    const token = randomUUID();
    const claimed = await this.db
      .updateTable('firmware_campaign_devices')
      .set({ lease_until: leaseUntil, lease_token: token, attempts: sql`attempts + 1`, started_at: sql`coalesce(started_at, ${now})`, updated_at: now })
      .where('id', '=', id)
      .returning(ROW_COLUMNS)
      .executeTakeFirstOrThrow();
    return { claimed: claimed as CampaignDeviceRow, token };
  }

  /** Progress of a claimed row (and its lease renewed), by its lease holder only: false when the lease was lost. */
  async progress(id: string, token: string, p: { state: CampaignDeviceState; percent: number; stage: string }, leaseUntil: Date, now: Date): Promise<boolean> {
    const r = await this.db.updateTable('firmware_campaign_devices').set({ state: p.state, percent: p.percent, stage: p.stage, lease_until: leaseUntil, updated_at: now }).where('id', '=', id).where('lease_token', '=', token).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async renewLease(id: string, token: string, leaseUntil: Date): Promise<void> {
    await this.db.updateTable('firmware_campaign_devices').set({ lease_until: leaseUntil }).where('id', '=', id).where('lease_token', '=', token).where('state', 'not in', [...TERMINAL_STATES]).execute();
  }

  /** Lets go of a row without finishing it (shutdown, retry later): the next run, on any node, continues it at once. */
  async release(id: string, token: string): Promise<void> {
    await this.db.updateTable('firmware_campaign_devices').set({ lease_until: null, lease_token: null }).where('id', '=', id).where('lease_token', '=', token).execute();
  }

  /** The outcome, by the lease holder only: false when the lease was lost (another run owns the row). */
  async finish(id: string, token: string, outcome: { state: 'succeeded' | 'failed'; percent: number; stage: string; reasonCode?: string; reasonMessage?: string }, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('firmware_campaign_devices')
      .set({ state: outcome.state, percent: outcome.percent, stage: outcome.stage, reason_code: outcome.reasonCode ?? null, reason_message: outcome.reasonMessage ?? null, lease_until: null, lease_token: null, finished_at: now, updated_at: now })
      .where('id', '=', id)
      .where('lease_token', '=', token)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * What should run now: unfinished rows not held by a live lease, resumed ones (already started)
   * first, then the queued ones in campaign and position order.
   */
  async runnable(now: Date, limit: number): Promise<Array<{ id: string; siteId: string; state: string }>> {
    return this.db
      .selectFrom('firmware_campaign_devices as r')
      .innerJoin('firmware_campaigns as c', 'c.id', 'r.campaign_id')
      .select(['r.id', 'r.site_id as siteId', 'r.state'])
      .where('r.state', 'not in', [...TERMINAL_STATES])
      .where((eb) => eb.or([eb('r.lease_until', 'is', null), eb('r.lease_until', '<', now)]))
      .orderBy(sql`case when r.state = 'queued' then 1 else 0 end`)
      .orderBy('c.created_at')
      .orderBy('r.position')
      .limit(limit)
      .execute();
  }
}
