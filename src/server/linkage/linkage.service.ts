/**
 * Linkage rules (issue 15): the rules' CRUD per site (validity derived on every read), and the
 * linkage consumer of the domain-event outbox with its own cursor (`outbox_cursors`, consumer
 * 'linkage'). Each batch of events is matched to the rules and the cursor advanced in one
 * transaction; a matching rule that is valid (linkageRuleGate, src/server/health/health-policy.ts)
 * and whose conditions hold fires once per (rule, event): the firing row, its notifications and its
 * webhook deliveries are written in that transaction (a crash repeats the batch, the unique firing
 * makes the repeat a no-op). Device actions run after the commit: each pending firing is claimed
 * (a lease), its target re-checked (same site, the gate) and its result written to the firing log.
 */
import { AppError, isAppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { Repos, UnitOfWork } from '../db/unit-of-work';
import { companyOf, type Actor } from '../auth/actor';
import { DOMAIN_EVENT_TYPES, type DeviceHealthChangedPayload } from '../events/domain-events';
import { linkageRuleGate, type LinkageValidity } from '../health/health-policy';
import { requireSiteAccess } from '../sites/site-access';
import { recipientsOf, type ExceptionRule } from '../exceptions/exception-rules';
import type { ActionResult, LinkageDevice, LinkageFiring } from './linkage.repository';
import { conditionsHold, definitionProblems, LINKAGE_TEMPLATES, matchRule, ruleDevices, subjectText, triggersFromHealthChange, type LinkageAction, type LinkageRule, type LinkageRuleDefinition, type LinkageTrigger } from './linkage-rules';
import type { RunDeviceAction } from './linkage-device-actions';

export const LINKAGE_CONSUMER = 'linkage';
const BATCH = 200;
const CONSUMED = [DOMAIN_EVENT_TYPES.deviceHealthChanged];
const CLAIM_MS = 60_000;

export type LinkageRuleView = LinkageRule & { validity: LinkageValidity };

export class LinkageService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly runDeviceAction: RunDeviceAction,
    /** Queues the webhook deliveries just written (after commit; a lost call is caught by the webhook sweep). */
    private readonly deliveriesQueued: (ids: string[]) => void = () => undefined,
  ) {}

  // ---- the consumer ----

  /** Handles every event after the cursor, then runs the device actions of pending firings; returns how many events. */
  async processPending(): Promise<number> {
    let handled = 0;
    for (;;) {
      const queued: string[] = [];
      const n = await this.uow.tx(async (repos) => {
        const cursor = await repos.events.lockCursor(LINKAGE_CONSUMER);
        const events = await repos.events.takeAfter(cursor, BATCH, CONSUMED);
        if (events.length === 0) return 0;
        for (const e of events) await this.#handle(repos, e, queued);
        const last = events[events.length - 1]!;
        await repos.events.advanceCursor(LINKAGE_CONSUMER, last.txId, last.id, this.clock.now());
        return events.length;
      });
      if (queued.length > 0) this.deliveriesQueued(queued);
      handled += n;
      if (n < BATCH) break;
    }
    await this.runPending();
    return handled;
  }

  async #handle(repos: Repos, e: { id: string; companyId: string | null; payload: Record<string, unknown> }, queued: string[]): Promise<void> {
    const p = e.payload as unknown as DeviceHealthChangedPayload;
    if (typeof p.deviceId !== 'string' || !p.new || !e.companyId) return;
    const triggers = triggersFromHealthChange(p.old, p.new);
    if (triggers.length === 0) return;
    const rules = (await repos.linkage.rulesForSource(p.deviceId)).filter((r) => r.companyId === e.companyId);
    if (rules.length === 0) return;
    const now = this.clock.now();
    for (const rule of rules) {
      const trigger = matchRule(rule, p.deviceId, triggers);
      if (!trigger) continue;
      const devices = await repos.linkage.devices(ruleDevices(rule).map((x) => x.deviceId));
      // The one gate: an invalid rule (a device gone, moved, monitoring off, firmware) never fires.
      if (!validityOf(rule, devices).valid) continue;
      const site = (await repos.exceptions.sites([rule.siteId])).get(rule.siteId);
      if (!conditionsHold(rule.conditions, now, site?.timeZone ?? 'UTC')) continue;
      const actions: ActionResult[] = rule.actions.map((a) => ({ ...a, status: a.kind === 'device' ? 'pending' : 'ok', detail: null }));
      const hasDevice = actions.some((a) => a.kind === 'device');
      const firing = await repos.linkage.insertFiring({ ruleId: rule.id, companyId: rule.companyId, siteId: rule.siteId, eventId: e.id, eventType: trigger.type, subject: subjectText(trigger.subject), actions, state: hasDevice ? 'pending' : 'done', now });
      if (!firing) continue; // fired for this event already (a repeated batch)
      const source = devices.get(rule.sourceDeviceId)!;
      for (const a of actions) {
        if (a.kind === 'notify') a.detail = await this.#notify(repos, rule, a, firing, source, trigger, site?.name ?? 'the site', now);
        else if (a.kind === 'webhook') a.detail = await this.#webhook(repos, rule, a, firing, source, trigger, site?.name ?? null, queued);
      }
      await repos.linkage.recordActions(firing.id, actions);
    }
  }

  async #notify(repos: Repos, rule: LinkageRule, a: Extract<LinkageAction, { kind: 'notify' }>, firing: LinkageFiring, source: LinkageDevice, t: LinkageTrigger, siteName: string, now: Date): Promise<string> {
    const people = await repos.exceptions.people(rule.companyId, rule.siteId);
    const asRule: ExceptionRule = { id: rule.id, siteId: rule.siteId, types: [t.type], recipients: a.recipients, schedule: null, enabled: true };
    const to = recipientsOf([asRule], t.type, now, 'UTC', people);
    await repos.notifications.insert(to.map((userId) => ({
      companyId: rule.companyId, userId, sourceEventId: null, kind: 'linkage.fired', severity: 'warning',
      title: `${rule.name}: ${source.name} at ${siteName}`,
      body: `${source.name} (${source.serial}) at ${siteName}: ${t.message}`,
      link: `/linkage-rules?siteId=${rule.siteId}&rule=${rule.id}`,
      data: { siteId: rule.siteId, ruleId: rule.id, firingId: firing.id, deviceId: source.id, eventType: t.type, subject: subjectText(t.subject) },
    })));
    return `${to.length} recipient${to.length === 1 ? '' : 's'}`;
  }

  async #webhook(repos: Repos, rule: LinkageRule, a: Extract<LinkageAction, { kind: 'webhook' }>, firing: LinkageFiring, source: LinkageDevice, t: LinkageTrigger, siteName: string | null, queued: string[]): Promise<string> {
    const endpoints = (await repos.webhooks.endpoints(rule.companyId)).filter((w) => w.enabled && a.endpointIds.includes(w.id));
    const payload = {
      event: 'linkage.fired', firingId: firing.id, ruleId: rule.id, ruleName: rule.name, siteId: rule.siteId, siteName, deviceId: source.id, serial: source.serial,
      eventType: t.type, subject: subjectText(t.subject) || null, message: t.message, firedAt: firing.firedAt.toISOString(),
    };
    const ids = await repos.webhooks.enqueue(endpoints.map((w) => ({ endpointId: w.id, eventKey: `linkage:${firing.id}`, eventType: 'linkage.fired', payload })));
    queued.push(...ids);
    return `${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'}`;
  }

  /** Runs the device actions of pending firings (claimed for a lease: a node that dies leaves them to the next run). */
  async runPending(): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.uow.read.linkage.claimPending(now, new Date(now.getTime() + CLAIM_MS), 20);
      if (claimed.length === 0) return ran;
      for (const f of claimed) {
        await this.#runDeviceActions(f);
        ran++;
      }
    }
  }

  async #runDeviceActions(f: LinkageFiring): Promise<void> {
    const actions = f.actions.map((a) => ({ ...a }));
    for (const a of actions) {
      if (a.kind !== 'device' || a.status !== 'pending') continue;
      // Checked again at fire: the target is still on the rule's site and passes the gate.
      const devices = await this.uow.read.linkage.devices([a.deviceId]);
      const v = linkageRuleGate(f.siteId, [{ role: 'target', deviceId: a.deviceId, device: devices.get(a.deviceId) }]);
      if (!v.valid) {
        a.status = 'skipped';
        a.detail = v.reasons.map((r) => r.message).join(' ');
        continue;
      }
      try {
        await this.runDeviceAction({ deviceId: a.deviceId, operation: a.operation, channel: a.channel, output: a.output });
        a.status = 'ok';
        a.detail = null;
      } catch (err) {
        a.status = 'failed';
        a.detail = isAppError(err) ? `${err.code}: ${err.message}` : 'The device action failed.';
      }
    }
    await this.uow.read.linkage.complete(f.id, actions, this.clock.now());
  }

  // ---- rules (routes) ----

  async templates(actor: Actor, siteId: string) {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_devices');
    return LINKAGE_TEMPLATES;
  }

  async listRules(actor: Actor, siteId: string): Promise<LinkageRuleView[]> {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_devices');
    const rules = await this.uow.read.linkage.rulesOfSite(siteId);
    const devices = await this.uow.read.linkage.devices(rules.flatMap((r) => ruleDevices(r).map((x) => x.deviceId)));
    return rules.map((r) => ({ ...r, validity: validityOf(r, devices) }));
  }

  async getRule(actor: Actor, siteId: string, id: string): Promise<LinkageRuleView> {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_devices');
    const rule = await this.uow.read.linkage.findRule(id);
    if (!rule || rule.siteId !== siteId) throw new AppError('LINKAGE_RULE_NOT_FOUND');
    const devices = await this.uow.read.linkage.devices(ruleDevices(rule).map((x) => x.deviceId));
    return { ...rule, validity: validityOf(rule, devices) };
  }

  async createRule(actor: Actor, siteId: string, input: LinkageRuleDefinition): Promise<LinkageRuleView> {
    const companyId = companyOf(actor);
    return this.uow.tx(async (repos) => {
      await requireSiteAccess(actor, siteId, repos.sites, false, 'configure_device');
      const devices = await this.#checkDefinition(repos, companyId, siteId, input);
      const rule = await repos.linkage.createRule({ ...input, companyId, siteId, createdBy: actor.id, now: this.clock.now() });
      await repos.audit.record({ companyId, actorId: actor.id, actorEmail: actor.email, action: 'linkage_rule.create', targetType: 'linkage_rule', targetId: rule.id, outcome: 'success', details: auditDetails(rule) });
      return { ...rule, validity: validityOf(rule, devices) };
    });
  }

  async updateRule(actor: Actor, siteId: string, id: string, input: LinkageRuleDefinition): Promise<LinkageRuleView> {
    const companyId = companyOf(actor);
    return this.uow.tx(async (repos) => {
      await requireSiteAccess(actor, siteId, repos.sites, false, 'configure_device');
      const old = await repos.linkage.findRule(id);
      if (!old || old.siteId !== siteId) throw new AppError('LINKAGE_RULE_NOT_FOUND');
      const devices = await this.#checkDefinition(repos, companyId, siteId, input);
      const rule = await repos.linkage.updateRule(id, { ...input, now: this.clock.now() });
      await repos.audit.record({ companyId, actorId: actor.id, actorEmail: actor.email, action: 'linkage_rule.update', targetType: 'linkage_rule', targetId: id, outcome: 'success', details: { old: auditDetails(old), new: auditDetails(rule) } });
      return { ...rule, validity: validityOf(rule, devices) };
    });
  }

  async deleteRule(actor: Actor, siteId: string, id: string): Promise<void> {
    const companyId = companyOf(actor);
    await this.uow.tx(async (repos) => {
      await requireSiteAccess(actor, siteId, repos.sites, false, 'configure_device');
      const rule = await repos.linkage.findRule(id);
      if (!rule || rule.siteId !== siteId) throw new AppError('LINKAGE_RULE_NOT_FOUND');
      await repos.linkage.deleteRule(id);
      await repos.audit.record({ companyId, actorId: actor.id, actorEmail: actor.email, action: 'linkage_rule.delete', targetType: 'linkage_rule', targetId: id, outcome: 'success', details: auditDetails(rule) });
    });
  }

  async firings(actor: Actor, siteId: string, id: string, page: number, pageSize: number): Promise<{ items: LinkageFiring[]; total: number; page: number; pageSize: number }> {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_devices');
    const rule = await this.uow.read.linkage.findRule(id);
    if (!rule || rule.siteId !== siteId) throw new AppError('LINKAGE_RULE_NOT_FOUND');
    return { ...(await this.uow.read.linkage.firings(id, page, pageSize)), page, pageSize };
  }

  /**
   * At save: the template exists, every device the rule names is a device of this site (of the
   * company), the definition holds together, and each webhook endpoint is the company's. Monitoring
   * and firmware are not refused here: the rule is saved and shown invalid with the reason.
   */
  async #checkDefinition(repos: Repos, companyId: string, siteId: string, def: LinkageRuleDefinition): Promise<Map<string, LinkageDevice>> {
    if (def.template !== null && !LINKAGE_TEMPLATES.some((t) => t.id === def.template)) throw new AppError('LINKAGE_TEMPLATE_UNKNOWN', undefined, { details: { template: def.template } });
    const named = ruleDevices(def);
    const devices = await repos.linkage.devices(named.map((x) => x.deviceId));
    for (const { role, deviceId } of named) {
      const d = devices.get(deviceId);
      if (!d || d.companyId !== companyId || d.siteId !== siteId) {
        throw new AppError('LINKAGE_DEVICE_NOT_ON_SITE', role === 'source' ? "The source device is not a device of this rule's site." : "A device action may act only on another device of the rule's site.", { details: { role, deviceId } });
      }
    }
    const problems = definitionProblems(def, devices);
    const endpointIds = def.actions.flatMap((a) => (a.kind === 'webhook' ? a.endpointIds : []));
    if (endpointIds.length > 0) {
      const own = new Set((await repos.webhooks.endpoints(companyId)).map((w) => w.id));
      for (const id of endpointIds) if (!own.has(id)) problems.push(`No webhook endpoint ${id} in your company.`);
    }
    if (problems.length > 0) throw new AppError('LINKAGE_RULE_INVALID', problems[0], { details: { problems } });
    return devices;
  }
}

/** A rule's validity from the devices it names (the health policy's linkage gate). */
export function validityOf(rule: Pick<LinkageRule, 'siteId' | 'sourceDeviceId' | 'actions'>, devices: ReadonlyMap<string, LinkageDevice>): LinkageValidity {
  return linkageRuleGate(rule.siteId, ruleDevices(rule).map((x) => ({ ...x, device: devices.get(x.deviceId) })));
}

function auditDetails(r: LinkageRule): Record<string, unknown> {
  return { siteId: r.siteId, name: r.name, template: r.template, eventType: r.eventType, sourceDeviceId: r.sourceDeviceId, sourceChannel: r.sourceChannel, sourceZone: r.sourceZone, actions: r.actions, enabled: r.enabled };
}
