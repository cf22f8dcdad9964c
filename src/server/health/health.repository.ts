/**
 * All SQL of health monitoring: what the poller polls, the current health of each device, its
 * history, the poller's lease, and the per-device switch. The poller's results are written in
 * batches: one statement per kind of change for a whole round, never one per device and heartbeat.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { StoredFirmwareVerdict } from '../devices/firmware-verdict';
import type { DeviceReachFields } from '../devices/device-reach';
import { customerOwnedSites } from '../sites/site.repository';
import type { CompanyHealthRow, HealthReason, HealthSnapshot, HealthState } from './health-summary';

/** A device as the poller sees it. */
export interface PollTarget extends DeviceReachFields {
  id: string;
  healthMonitoring: boolean;
  model: string;
  /** The firmware version last stored and its catalogue verdict (issue 16): a poll that reads another version re-checks it. */
  firmwareVersion: string;
  firmwareVerdict: StoredFirmwareVerdict | null;
  /** devices.status: online / offline / unknown (cloud devices: kept by the gateway). */
  status: string;
}

export interface StoredHealth {
  deviceId: string;
  state: HealthState;
  reasons: HealthReason[];
  snapshot: HealthSnapshot | null;
  collectedAt: Date | null;
  lastSeenAt: Date | null;
  monitoringSince: Date;
  updatedAt: Date;
}

export interface HealthWrite {
  deviceId: string;
  state: HealthState;
  reasons: HealthReason[];
  /** Undefined: keep the stored snapshot (it is replaced, with collected_at, only by a new one). */
  snapshot?: HealthSnapshot | undefined;
  lastSeenAt: Date | null;
  /** When the poll that produced this started: a row whose monitoring began later is not overwritten. */
  polledAt: Date;
}

export interface HistoryEntry {
  at: Date;
  state: HealthState;
  reasons: HealthReason[];
}

export interface SiteHealthRow {
  deviceId: string;
  name: string;
  serial: string;
  type: string;
  addedVia: string;
  healthMonitoring: boolean;
  state: HealthState | null;
  reasons: HealthReason[];
  updatedAt: Date | null;
}

type Row = { device_id: string; state: string; reasons: unknown[]; snapshot: Record<string, unknown> | null; collected_at: Date | null; last_seen_at: Date | null; monitoring_since: Date; updated_at: Date };

const toStored = (r: Row): StoredHealth => ({
  deviceId: r.device_id,
  state: r.state as HealthState,
  reasons: r.reasons as HealthReason[],
  snapshot: r.snapshot as HealthSnapshot | null,
  collectedAt: r.collected_at,
  lastSeenAt: r.last_seen_at,
  monitoringSince: r.monitoring_since,
  updatedAt: r.updated_at,
});

export class HealthRepository {
  constructor(private readonly db: Executor) {}

  /** Every device the poller looks after: direct and agent devices (status and health), cloud devices with monitoring on (health). */
  async pollTargets(): Promise<PollTarget[]> {
    return this.db
      .selectFrom('devices')
      .select([
        'id', 'company_id as companyId', 'site_id as siteId', 'serial', 'type', 'added_via as addedVia', 'host', 'port', 'credentials_sealed as credentialsSealed',
        'health_monitoring as healthMonitoring', 'status', 'model', 'firmware_version as firmwareVersion', 'firmware_verdict as firmwareVerdict',
      ])
      .where((eb) => eb.or([eb('added_via', '!=', 'cloud'), eb('health_monitoring', '=', true)]))
      .orderBy('id')
      .execute();
  }

  async current(deviceIds: string[], forUpdate = false): Promise<Map<string, StoredHealth>> {
    if (deviceIds.length === 0) return new Map();
    let q = this.db.selectFrom('device_health').selectAll().where('device_id', 'in', deviceIds);
    if (forUpdate) q = q.forUpdate();
    const rows = await q.execute();
    return new Map(rows.map((r) => [r.device_id, toStored(r as Row)]));
  }

  async find(deviceId: string): Promise<StoredHealth | undefined> {
    return (await this.current([deviceId])).get(deviceId);
  }

  /** Whether each device's monitoring is on now, with its firmware verdict (read in the writer's transaction). */
  async monitoring(deviceIds: string[]): Promise<Map<string, { healthMonitoring: boolean; firmwareVerdict: StoredFirmwareVerdict | null }>> {
    if (deviceIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('devices').select(['id', 'health_monitoring', 'firmware_verdict']).where('id', 'in', deviceIds).execute();
    return new Map(rows.map((r) => [r.id, { healthMonitoring: r.health_monitoring, firmwareVerdict: r.firmware_verdict }]));
  }

  /** The switch of one device, its row locked until the transaction ends (two toggles never interleave). */
  async monitoringForUpdate(deviceId: string): Promise<boolean | undefined> {
    const r = await this.db.selectFrom('devices').select('health_monitoring').where('id', '=', deviceId).forUpdate().executeTakeFirst();
    return r?.health_monitoring;
  }

  /** devices.status of direct and agent devices, one statement for the batch. */
  async setStatuses(changes: Array<{ deviceId: string; status: 'online' | 'offline' }>, now: Date): Promise<void> {
    if (changes.length === 0) return;
    const values = sql.join(changes.map((c) => sql`(${c.deviceId}::uuid, ${c.status})`));
    await sql`update devices d set status = v.status, updated_at = ${now}
      from (values ${values}) as v(id, status) where d.id = v.id and d.added_via <> 'cloud' and d.status <> v.status`.execute(this.db);
  }

  /**
   * Upserts current health for a batch (one statement). Only for devices whose monitoring is on,
   * and never over a row whose monitoring began after the poll started (switched off and on again
   * meanwhile: that row waits for a fresh collection).
   */
  async upsert(writes: HealthWrite[], now: Date): Promise<void> {
    if (writes.length === 0) return;
    const values = sql.join(
      writes.map(
        (w) => sql`(${w.deviceId}::uuid, ${w.state}, ${JSON.stringify(w.reasons)}::jsonb, ${w.snapshot === undefined ? null : JSON.stringify(w.snapshot)}::jsonb,
          ${w.snapshot === undefined ? null : w.polledAt}::timestamptz, ${w.lastSeenAt}::timestamptz, ${w.polledAt}::timestamptz)`,
      ),
    );
    // A write carries a new snapshot exactly when it has collected_at; otherwise the stored one stays.
    await sql`insert into device_health (device_id, state, reasons, snapshot, collected_at, last_seen_at, monitoring_since, updated_at)
      select v.id, v.state, v.reasons, v.snapshot, v.collected_at, v.last_seen_at, v.polled_at, ${now}::timestamptz
      from (values ${values}) as v(id, state, reasons, snapshot, collected_at, last_seen_at, polled_at)
      join devices d on d.id = v.id and d.health_monitoring
      on conflict (device_id) do update set
        state = excluded.state,
        reasons = excluded.reasons,
        snapshot = case when excluded.collected_at is null then device_health.snapshot else excluded.snapshot end,
        collected_at = coalesce(excluded.collected_at, device_health.collected_at),
        last_seen_at = coalesce(excluded.last_seen_at, device_health.last_seen_at),
        updated_at = excluded.updated_at
      where device_health.monitoring_since <= excluded.monitoring_since`.execute(this.db);
  }

  /** Last seen, for devices whose health did not change (one statement, at most every half grace per device). */
  async touchSeen(items: Array<{ deviceId: string; at: Date }>): Promise<void> {
    if (items.length === 0) return;
    const values = sql.join(items.map((i) => sql`(${i.deviceId}::uuid, ${i.at}::timestamptz)`));
    await sql`update device_health h set last_seen_at = v.at from (values ${values}) as v(id, at) where h.device_id = v.id and (h.last_seen_at is null or h.last_seen_at < v.at)`.execute(this.db);
  }

  async appendHistory(entries: Array<{ deviceId: string } & HistoryEntry>): Promise<void> {
    if (entries.length === 0) return;
    await this.db
      .insertInto('device_health_history')
      .values(entries.map((e) => ({ device_id: e.deviceId, at: e.at, state: e.state, reasons: JSON.stringify(e.reasons) })))
      .execute();
  }

  async history(deviceId: string, limit: number): Promise<HistoryEntry[]> {
    const rows = await this.db.selectFrom('device_health_history').select(['at', 'state', 'reasons']).where('device_id', '=', deviceId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ at: r.at, state: r.state as HealthState, reasons: r.reasons as HealthReason[] }));
  }

  /** The switch: on starts a fresh row (unknown until collected); off discards current health (never stale data). */
  async setMonitoring(deviceId: string, enabled: boolean, now: Date): Promise<void> {
    await this.db.updateTable('devices').set({ health_monitoring: enabled, updated_at: now }).where('id', '=', deviceId).execute();
    await this.db.deleteFrom('device_health').where('device_id', '=', deviceId).execute();
    if (enabled) {
      await this.db
        .insertInto('device_health')
        .values({ device_id: deviceId, state: 'unknown', reasons: JSON.stringify([]), snapshot: null, collected_at: null, last_seen_at: null, monitoring_since: now, updated_at: now })
        .execute();
    }
  }

  /** Per device of the company's sites (only those assigned to `assignedTo` when given) its state; a site without devices once with deviceId null. */
  async companyHealth(companyId: string, assignedTo?: string): Promise<CompanyHealthRow[]> {
    let q = this.db
      .selectFrom('sites as s')
      .leftJoin('devices as d', 'd.site_id', 's.id')
      .leftJoin('device_health as h', 'h.device_id', 'd.id')
      .select(['s.id as siteId', 's.name as siteName', 'd.id as deviceId', 'd.health_monitoring', 'h.state'])
      .where('s.company_id', '=', companyId)
      .where('s.id', 'not in', customerOwnedSites(this.db, companyId));
    if (assignedTo) {
      const uid = assignedTo;
      q = q.where((eb) => eb.exists(eb.selectFrom('site_installers as si').select('si.site_id').whereRef('si.site_id', '=', 's.id').where('si.user_id', '=', uid)));
    }
    const rows = await q.execute();
    return rows.map((r) => ({
      siteId: r.siteId,
      siteName: r.siteName,
      deviceId: r.deviceId,
      // As siteHealth: monitoring on without a row yet is unknown; off is null.
      state: r.deviceId === null || !r.health_monitoring ? null : ((r.state as HealthState | null) ?? 'unknown'),
    }));
  }

  async siteHealth(siteId: string): Promise<SiteHealthRow[]> {
    const rows = await this.db
      .selectFrom('devices as d')
      .leftJoin('device_health as h', 'h.device_id', 'd.id')
      .select(['d.id', 'd.name', 'd.serial', 'd.type', 'd.added_via', 'd.health_monitoring', 'h.state', 'h.reasons', 'h.updated_at'])
      .where('d.site_id', '=', siteId)
      .execute();
    return rows.map((r) => ({
      deviceId: r.id,
      name: r.name,
      serial: r.serial,
      type: r.type,
      addedVia: r.added_via,
      healthMonitoring: r.health_monitoring,
      // Monitoring on without a row yet: unknown (never collected).
      state: r.health_monitoring ? ((r.state as HealthState | null) ?? 'unknown') : null,
      reasons: r.health_monitoring ? ((r.reasons as HealthReason[] | null) ?? []) : [],
      updatedAt: r.health_monitoring ? r.updated_at : null,
    }));
  }

  /** Takes or renews the poller lease; true when `holder` holds it until `until`. */
  async acquireLease(name: string, holder: string, now: Date, until: Date): Promise<boolean> {
    const r = await sql<{ holder: string }>`insert into health_poller_lease (name, holder, lease_until) values (${name}, ${holder}, ${until})
      on conflict (name) do update set holder = excluded.holder, lease_until = excluded.lease_until
      where health_poller_lease.holder = excluded.holder or health_poller_lease.lease_until < ${now}
      returning holder`.execute(this.db);
    return r.rows[0]?.holder === holder;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('health_poller_lease').where('name', '=', name).where('holder', '=', holder).execute();
  }

  /** Retention: history older than `before`, and beyond `perDevice` rows of one device. Returns rows deleted. */
  async trimHistory(before: Date, perDevice: number): Promise<number> {
    const old = await this.db.deleteFrom('device_health_history').where('at', '<', before).executeTakeFirst();
    const over = await sql`delete from device_health_history where id in (
      select id from (select id, row_number() over (partition by device_id order by at desc, id desc) as n from device_health_history) ranked where n > ${perDevice})`.execute(this.db);
    return Number(old.numDeletedRows) + Number(over.numAffectedRows ?? 0);
  }
}
