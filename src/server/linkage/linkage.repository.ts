/**
 * Linkage rules and their firing log. The linkage consumer writes firings in the transaction that
 * advances its outbox cursor (once per rule and event: `linkage_firings_once`); device actions are
 * claimed (a lease) and completed after that transaction commits.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { StoredFirmwareVerdict } from '../devices/firmware-verdict';
import type { LinkageAction, LinkageConditions, LinkageEventType, LinkageRule, LinkageRuleDefinition } from './linkage-rules';

export interface LinkageDevice {
  id: string;
  companyId: string;
  siteId: string;
  name: string;
  serial: string;
  type: string;
  healthMonitoring: boolean;
  firmwareVerdict: StoredFirmwareVerdict | null;
}

/** One action of a firing and what became of it. */
export type ActionResult = LinkageAction & { status: 'pending' | 'ok' | 'failed' | 'skipped'; detail: string | null };

export interface LinkageFiring {
  id: string;
  ruleId: string;
  companyId: string;
  siteId: string;
  eventId: string;
  eventType: string;
  subject: string;
  actions: ActionResult[];
  state: 'pending' | 'done';
  firedAt: Date;
  completedAt: Date | null;
}

const RULE = [
  'id', 'company_id as companyId', 'site_id as siteId', 'name', 'template', 'event_type as eventType', 'source_device_id as sourceDeviceId', 'source_channel as sourceChannel',
  'source_zone as sourceZone', 'conditions', 'actions', 'enabled', 'created_by as createdBy', 'created_at as createdAt', 'updated_at as updatedAt',
] as const;
const FIRING = ['id', 'rule_id as ruleId', 'company_id as companyId', 'site_id as siteId', 'event_id as eventId', 'event_type as eventType', 'subject', 'actions', 'state', 'fired_at as firedAt', 'completed_at as completedAt'] as const;

type RuleRow = Omit<LinkageRule, 'eventType' | 'conditions' | 'actions'> & { eventType: string; conditions: Record<string, unknown>; actions: Array<Record<string, unknown>> };
const toRule = (r: RuleRow): LinkageRule => ({ ...r, eventType: r.eventType as LinkageEventType, conditions: r.conditions as LinkageConditions, actions: r.actions as unknown as LinkageAction[] });
type FiringRow = Omit<LinkageFiring, 'actions' | 'state' | 'eventId'> & { eventId: string | number; actions: Array<Record<string, unknown>>; state: string };
const toFiring = (r: FiringRow): LinkageFiring => ({ ...r, eventId: String(r.eventId), actions: r.actions as unknown as ActionResult[], state: r.state === 'done' ? 'done' : 'pending' });

export class LinkageRepository {
  constructor(private readonly db: Executor) {}

  async rulesOfSite(siteId: string): Promise<LinkageRule[]> {
    const rows = await this.db.selectFrom('linkage_rules').select(RULE).where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toRule);
  }

  async findRule(id: string): Promise<LinkageRule | undefined> {
    const r = await this.db.selectFrom('linkage_rules').select(RULE).where('id', '=', id).executeTakeFirst();
    return r && toRule(r);
  }

  /** The enabled rules listening to a device's events. */
  async rulesForSource(deviceId: string): Promise<LinkageRule[]> {
    const rows = await this.db.selectFrom('linkage_rules').select(RULE).where('source_device_id', '=', deviceId).where('enabled', '=', true).orderBy('created_at').orderBy('id').execute();
    return rows.map(toRule);
  }

  async createRule(r: LinkageRuleDefinition & { companyId: string; siteId: string; createdBy: string | null; now: Date }): Promise<LinkageRule> {
    const row = await this.db
      .insertInto('linkage_rules')
      .values({
        company_id: r.companyId, site_id: r.siteId, name: r.name, template: r.template, event_type: r.eventType, source_device_id: r.sourceDeviceId, source_channel: r.sourceChannel,
        source_zone: r.sourceZone, conditions: JSON.stringify(r.conditions), actions: JSON.stringify(r.actions), enabled: r.enabled, created_by: r.createdBy, created_at: r.now, updated_at: r.now,
      })
      .returning(RULE)
      .executeTakeFirstOrThrow();
    return toRule(row);
  }

  async updateRule(id: string, r: LinkageRuleDefinition & { now: Date }): Promise<LinkageRule> {
    const row = await this.db
      .updateTable('linkage_rules')
      .set({
        name: r.name, template: r.template, event_type: r.eventType, source_device_id: r.sourceDeviceId, source_channel: r.sourceChannel, source_zone: r.sourceZone,
        conditions: JSON.stringify(r.conditions), actions: JSON.stringify(r.actions), enabled: r.enabled, updated_at: r.now,
      })
      .where('id', '=', id)
      .returning(RULE)
      .executeTakeFirstOrThrow();
    return toRule(row);
  }

  async deleteRule(id: string): Promise<void> {
    await this.db.deleteFrom('linkage_rules').where('id', '=', id).execute();
  }

  async devices(ids: string[]): Promise<Map<string, LinkageDevice>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('devices')
      .select(['id', 'company_id as companyId', 'site_id as siteId', 'name', 'serial', 'type', 'health_monitoring as healthMonitoring', 'firmware_verdict as firmwareVerdict'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, { ...r, firmwareVerdict: (r.firmwareVerdict ?? null) as StoredFirmwareVerdict | null }]));
  }

  /** Writes a firing unless the rule already fired for the event; returns it only when new. */
  /** Retention: firings done before `before` (the outbox cursor passed their events long ago). Returns rows deleted. */
  async trimFinished(before: Date): Promise<number> {
    const r = await this.db.deleteFrom('linkage_firings').where('state', '=', 'done').where('fired_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async insertFiring(f: { ruleId: string; companyId: string; siteId: string; eventId: string; eventType: string; subject: string; actions: ActionResult[]; state: 'pending' | 'done'; now: Date }): Promise<LinkageFiring | undefined> {
    const row = await this.db
      .insertInto('linkage_firings')
      .values({
        rule_id: f.ruleId, company_id: f.companyId, site_id: f.siteId, event_id: f.eventId, event_type: f.eventType, subject: f.subject, actions: JSON.stringify(f.actions), state: f.state,
        fired_at: f.now, completed_at: f.state === 'done' ? f.now : null,
      })
      .onConflict((oc) => oc.constraint('linkage_firings_once').doNothing())
      .returning(FIRING)
      .executeTakeFirst();
    return row && toFiring(row);
  }

  /** The actions of a firing with what became of them so far. */
  async recordActions(id: string, actions: ActionResult[]): Promise<void> {
    await this.db.updateTable('linkage_firings').set({ actions: JSON.stringify(actions) }).where('id', '=', id).execute();
  }

  /** Claims pending firings (device actions not yet run, or whose runner's lease ended) until `leaseUntil`. */
  async claimPending(now: Date, leaseUntil: Date, limit: number): Promise<LinkageFiring[]> {
    const rows = await this.db
      .updateTable('linkage_firings')
      .set({ claimed_until: leaseUntil })
      .where('id', 'in', (eb) =>
        eb.selectFrom('linkage_firings').select('id').where('state', '=', 'pending').where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)])).orderBy('fired_at').limit(limit).forUpdate().skipLocked())
      .returning(FIRING)
      .execute();
    return rows.map(toFiring);
  }

  async complete(id: string, actions: ActionResult[], now: Date): Promise<void> {
    await this.db.updateTable('linkage_firings').set({ actions: JSON.stringify(actions), state: 'done', completed_at: now, claimed_until: null }).where('id', '=', id).execute();
  }

  async firings(ruleId: string, page: number, pageSize: number): Promise<{ items: LinkageFiring[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.db.selectFrom('linkage_firings').select(FIRING).where('rule_id', '=', ruleId).orderBy('fired_at', 'desc').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
      this.db.selectFrom('linkage_firings').select(sql<string>`count(*)`.as('n')).where('rule_id', '=', ruleId).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toFiring), total: Number(count.n) };
  }
}
