/**
 * Exception rules, the exceptions raised (with what became of their delivery), and site storms.
 * The exception consumer writes here in the transaction that advances its outbox cursor.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { ExceptionRule, Recipients, Schedule } from './exception-rules';

export interface ExceptionRuleRecord extends ExceptionRule {
  companyId: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ExceptionRecord {
  id: string;
  companyId: string;
  siteId: string;
  deviceId: string;
  type: string;
  subject: string;
  severity: string;
  message: string;
  sourceEventId: string;
  raisedAt: Date;
  delivery: string;
}

export type NewException = Omit<ExceptionRecord, 'id'> & { heldUntil: Date | null };

export interface ExceptionDevice {
  id: string;
  companyId: string;
  siteId: string;
  name: string;
  serial: string;
  healthMonitoring: boolean;
}

const RULE_COLUMNS = ['id', 'company_id as companyId', 'site_id as siteId', 'name', 'types', 'recipients', 'schedule', 'enabled', 'created_at as createdAt', 'updated_at as updatedAt'] as const;
const EXC_COLUMNS = ['id', 'company_id as companyId', 'site_id as siteId', 'device_id as deviceId', 'type', 'subject', 'severity', 'message', 'source_event_id as sourceEventId', 'raised_at as raisedAt', 'delivery'] as const;

export class ExceptionRepository {
  constructor(private readonly db: Executor) {}

  async rules(companyId: string): Promise<ExceptionRuleRecord[]> {
    const rows = await this.db.selectFrom('exception_rules').select(RULE_COLUMNS).where('company_id', '=', companyId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ ...r, id: String(r.id) }));
  }

  async findRule(id: string): Promise<ExceptionRuleRecord | undefined> {
    return this.db.selectFrom('exception_rules').select(RULE_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  async createRule(r: { companyId: string; siteId: string | null; name: string; types: string[]; recipients: Recipients; schedule: Schedule | null; enabled: boolean; now: Date }): Promise<ExceptionRuleRecord> {
    return this.db
      .insertInto('exception_rules')
      .values({ company_id: r.companyId, site_id: r.siteId, name: r.name, types: JSON.stringify(r.types), recipients: JSON.stringify(r.recipients), schedule: JSON.stringify(r.schedule), enabled: r.enabled, created_at: r.now, updated_at: r.now })
      .returning(RULE_COLUMNS)
      .executeTakeFirstOrThrow();
  }

  async updateRule(id: string, r: { name: string; types: string[]; recipients: Recipients; schedule: Schedule | null; enabled: boolean; now: Date }): Promise<ExceptionRuleRecord> {
    return this.db
      .updateTable('exception_rules')
      .set({ name: r.name, types: JSON.stringify(r.types), recipients: JSON.stringify(r.recipients), schedule: JSON.stringify(r.schedule), enabled: r.enabled, updated_at: r.now })
      .where('id', '=', id)
      .returning(RULE_COLUMNS)
      .executeTakeFirstOrThrow();
  }

  async deleteRule(id: string): Promise<void> {
    await this.db.deleteFrom('exception_rules').where('id', '=', id).execute();
  }

  async devices(ids: string[]): Promise<Map<string, ExceptionDevice>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('devices')
      .select(['id', 'company_id as companyId', 'site_id as siteId', 'name', 'serial', 'health_monitoring as healthMonitoring'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  async sites(ids: string[]): Promise<Map<string, { name: string; timeZone: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('sites').select(['id', 'name', 'time_zone as timeZone']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, { name: r.name, timeZone: r.timeZone }]));
  }

  /** Who may be told about a site: its company's installer admins and the installers who manage it (enabled accounts). */
  async people(companyId: string, siteId: string): Promise<{ installerAdmins: string[]; siteInstallers: string[] }> {
    const rows = await this.db
      .selectFrom('users as u')
      .select(['u.id', 'u.role', 'u.permission', sql<boolean>`exists (select 1 from site_installers si where si.site_id = ${siteId} and si.user_id = u.id)`.as('assigned')])
      .where('u.company_id', '=', companyId)
      .where('u.disabled', '=', false)
      .where('u.role', 'in', ['installer_admin', 'installer'])
      .execute();
    return {
      installerAdmins: rows.filter((r) => r.role === 'installer_admin').map((r) => r.id),
      siteInstallers: rows.filter((r) => r.role === 'installer' && (r.permission === 'manage_all' || r.assigned)).map((r) => r.id),
    };
  }

  /** Inserts each exception once (per event, device, type, subject); returns the new ones. */
  async insert(rows: NewException[]): Promise<ExceptionRecord[]> {
    if (rows.length === 0) return [];
    return this.db
      .insertInto('device_exceptions')
      .values(rows.map((e) => ({
        company_id: e.companyId, site_id: e.siteId, device_id: e.deviceId, type: e.type, subject: e.subject, severity: e.severity, message: e.message,
        source_event_id: e.sourceEventId, raised_at: e.raisedAt, delivery: e.delivery, held_until: e.heldUntil,
      })))
      .onConflict((oc) => oc.constraint('device_exceptions_once').doNothing())
      .returning(EXC_COLUMNS)
      .execute();
  }

  /** A device's offline exceptions still held (storm window): damped when it is back within the window. */
  async dampHeldOffline(deviceId: string): Promise<number> {
    const r = await this.db.updateTable('device_exceptions').set({ delivery: 'damped', held_until: null }).where('device_id', '=', deviceId).where('delivery', '=', 'held').returning('id').execute();
    return r.length;
  }

  /** Whether the device's latest offline exception went out with a storm's grouped alert (not one by one). */
  async lastOfflineGrouped(deviceId: string): Promise<boolean> {
    const r = await this.db.selectFrom('device_exceptions').select('delivery').where('device_id', '=', deviceId).where('type', '=', 'offline').orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r?.delivery === 'grouped';
  }

  /** Sites with a held exception whose window has ended. */
  async sitesWithHeldDue(now: Date): Promise<string[]> {
    const rows = await this.db.selectFrom('device_exceptions').select('site_id').distinct().where('delivery', '=', 'held').where('held_until', '<=', now).execute();
    return rows.map((r) => r.site_id);
  }

  /** Every held exception of a site (the ones still in their window go with the group). */
  async heldForSite(siteId: string): Promise<ExceptionRecord[]> {
    return this.db.selectFrom('device_exceptions').select(EXC_COLUMNS).where('site_id', '=', siteId).where('delivery', '=', 'held').orderBy('raised_at').forUpdate().execute();
  }

  async setDelivery(ids: string[], delivery: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('device_exceptions').set({ delivery, held_until: null }).where('id', 'in', ids).execute();
  }

  async openStorm(siteId: string): Promise<{ id: string; startedAt: Date; offlineCount: number; deviceCount: number; companyId: string } | undefined> {
    return this.db
      .selectFrom('site_storms')
      .select(['id', 'started_at as startedAt', 'offline_count as offlineCount', 'device_count as deviceCount', 'company_id as companyId'])
      .where('site_id', '=', siteId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
  }

  async openStormSites(): Promise<Array<{ id: string; siteId: string; companyId: string; deviceCount: number }>> {
    return this.db.selectFrom('site_storms').select(['id', 'site_id as siteId', 'company_id as companyId', 'device_count as deviceCount']).where('ended_at', 'is', null).execute();
  }

  async startStorm(s: { siteId: string; companyId: string; at: Date; offlineCount: number; deviceCount: number }): Promise<string> {
    const r = await this.db
      .insertInto('site_storms')
      .values({ site_id: s.siteId, company_id: s.companyId, started_at: s.at, offline_count: s.offlineCount, device_count: s.deviceCount })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async endStorm(id: string, at: Date): Promise<boolean> {
    const r = await this.db.updateTable('site_storms').set({ ended_at: at }).where('id', '=', id).where('ended_at', 'is', null).returning('id').execute();
    return r.length > 0;
  }

  /** A site's monitored devices that are offline now, and all its devices. */
  async siteCounts(siteId: string): Promise<{ offline: number; total: number }> {
    const r = await this.db
      .selectFrom('devices as d')
      .leftJoin('device_health as h', 'h.device_id', 'd.id')
      .select([sql<string>`count(*)`.as('total'), sql<string>`count(*) filter (where h.state = 'offline' and d.health_monitoring)`.as('offline')])
      .where('d.site_id', '=', siteId)
      .executeTakeFirstOrThrow();
    return { offline: Number(r.offline), total: Number(r.total) };
  }

  async list(f: { companyId: string; siteIds?: string[] | undefined; deviceId?: string | undefined; page: number; pageSize: number }): Promise<{ items: Array<ExceptionRecord & { siteName: string; deviceName: string }>; total: number }> {
    let q = this.db.selectFrom('device_exceptions as e').innerJoin('sites as s', 's.id', 'e.site_id').innerJoin('devices as d', 'd.id', 'e.device_id').where('e.company_id', '=', f.companyId);
    if (f.siteIds) q = f.siteIds.length === 0 ? q.where(sql<boolean>`false`) : q.where('e.site_id', 'in', f.siteIds);
    if (f.deviceId) q = q.where('e.device_id', '=', f.deviceId);
    const [items, count] = await Promise.all([
      q
        .select(['e.id', 'e.company_id as companyId', 'e.site_id as siteId', 'e.device_id as deviceId', 'e.type', 'e.subject', 'e.severity', 'e.message', 'e.source_event_id as sourceEventId', 'e.raised_at as raisedAt', 'e.delivery', 's.name as siteName', 'd.name as deviceName'])
        .orderBy('e.raised_at', 'desc')
        .orderBy('e.id')
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize)
        .execute(),
      q.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: items.map((i) => ({ ...i, sourceEventId: String(i.sourceEventId) })), total: Number(count.n) };
  }
}
