/**
 * The exception consumer of the domain-event outbox, with its own cursor (`outbox_cursors`,
 * consumer 'exceptions'; `notified_at` is the notifier's): each batch of events is handled and the
 * cursor advanced in one transaction, so a crash repeats the batch (inserts are idempotent) and
 * never skips or doubles an exception. Health changes of devices whose monitoring is on (the gate,
 * src/server/health/health-policy.ts) raise exceptions; each goes, by the site's rules, to its
 * recipients in-app (one notification per event and recipient), by e-mail when SMTP is configured
 * (one e-mail per event and recipient, decision 0019) and to the company's webhooks.
 * Offline exceptions are held for the storm window: back within it they are damped; many of one
 * site together give one grouped alert per recipient and, when the site is back, one recovery.
 * Also the rules' CRUD and the list of exceptions.
 */
import { AppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { Repos, UnitOfWork } from '../db/unit-of-work';
import { companyOf, type Actor } from '../auth/actor';
import type { NewNotification } from '../notifications/rules';
import { DOMAIN_EVENT_TYPES, type DeviceFirmwareUpgradeFailedPayload, type DeviceHealthChangedPayload } from '../events/domain-events';
import { monitoringGate } from '../health/health-policy';
import { requireSiteAccess, seesAllSites } from '../sites/site-access';
import type { ExceptionRecord, ExceptionRuleRecord, NewException } from './exception.repository';
import type { EmailService, MailItem } from '../email/email.service';
import { exceptionsFromHealthChange, recipientsOf, rulesForSite, stormDecision, stormRecovered, type ExceptionRule, type RaisedException, type Recipients, type Schedule } from './exception-rules';

export const EXCEPTIONS_CONSUMER = 'exceptions';
const BATCH = 200;
const CONSUMED = [DOMAIN_EVENT_TYPES.deviceHealthChanged, DOMAIN_EVENT_TYPES.deviceFirmwareUpgradeFailed];

export interface ExceptionSettings {
  /** How long an offline exception is held before it is sent (storm window; a device back within it is damped). */
  stormWindowMs: number;
  /** How many devices of a site offline together make a storm (one grouped alert). */
  stormMinDevices: number;
  /** The platform's address, for the links in e-mails (default: links relative to it are left as paths). */
  publicUrl?: string;
}

export interface RuleInput {
  siteId: string | null;
  name: string;
  types: string[];
  recipients: Recipients;
  schedule: Schedule | null;
  enabled: boolean;
}

/** Webhook deliveries and e-mails to queue after the transaction commits. */
interface Queued {
  hooks: string[];
  mails: string[];
}
const noneQueued = (): Queued => ({ hooks: [], mails: [] });

export class ExceptionService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly settings: ExceptionSettings,
    /** Queues the webhook deliveries just written (after commit; a lost call is caught by the webhook sweep). */
    private readonly deliveriesQueued: (ids: string[]) => void = () => undefined,
    /** Test hook: runs inside each batch's transaction after its work, before the cursor commits (a throw = a crash). */
    private readonly beforeCommit?: () => Promise<void>,
    /** E-mail (writes nothing when SMTP is not configured); queued after commit, a lost call is caught by its sweep. */
    private readonly mail?: Pick<EmailService, 'configured' | 'enqueue' | 'queueNow'>,
  ) {}

  #afterCommit(q: Queued): void {
    if (q.hooks.length > 0) this.deliveriesQueued(q.hooks);
    if (q.mails.length > 0) this.mail?.queueNow(q.mails);
  }

  /** E-mails to the recipients' addresses, written in the consumer's transaction (each key once). */
  async #mails(repos: Repos, queued: Queued, items: Array<Omit<MailItem, 'to'> & { userId: string }>): Promise<void> {
    if (!this.mail?.configured || items.length === 0) return;
    const addresses = await repos.email.addressesOf([...new Set(items.map((i) => i.userId))], { alerts: true });
    const list = items.flatMap((i) => {
      const a = addresses.get(i.userId);
      return a ? [{ ...i, to: a.email }] : [];
    });
    queued.mails.push(...(await this.mail.enqueue(repos, list)));
  }

  /** Every alert e-mail says how to stop them (in-app notifications stay). */
  #optOut(): string {
    return `To stop these e-mails (you keep the in-app notifications), turn off "E-mail me alerts" on ${this.#url('/notifications')}`;
  }

  #url(path: string): string {
    return `${this.settings.publicUrl ?? ''}${path}`;
  }

  /** Handles every event after the cursor, then the held exceptions whose window ended; returns how many events. */
  async processPending(): Promise<number> {
    let handled = 0;
    for (;;) {
      const queued = noneQueued();
      const n = await this.uow.tx(async (repos) => {
        const cursor = await repos.events.lockCursor(EXCEPTIONS_CONSUMER);
        const events = await repos.events.takeAfter(cursor, BATCH, CONSUMED);
        if (events.length === 0) return 0;
        for (const e of events) await this.#handle(repos, e, queued);
        await this.beforeCommit?.();
        const last = events[events.length - 1]!;
        await repos.events.advanceCursor(EXCEPTIONS_CONSUMER, last.txId, last.id, this.clock.now());
        return events.length;
      });
      this.#afterCommit(queued);
      handled += n;
      if (n < BATCH) break;
    }
    await this.flushHeld();
    return handled;
  }

  async #handle(repos: Repos, e: { id: string; companyId: string | null; type: string; payload: Record<string, unknown> }, queued: Queued): Promise<void> {
    const deviceId = typeof e.payload.deviceId === 'string' ? e.payload.deviceId : null;
    if (!deviceId || !e.companyId) return;
    const device = (await repos.exceptions.devices([deviceId])).get(deviceId);
    // The one gate: no exception is raised for a device whose monitoring is off (or that is gone).
    if (!device || device.companyId !== e.companyId || !monitoringGate(device, 'exceptions').allowed) return;
    const now = this.clock.now();
    let raised: RaisedException[];
    if (e.type === DOMAIN_EVENT_TYPES.deviceHealthChanged) {
      const p = e.payload as unknown as DeviceHealthChangedPayload;
      raised = exceptionsFromHealthChange(p.old, p.new);
    } else {
      const p = e.payload as unknown as DeviceFirmwareUpgradeFailedPayload;
      raised = [{ type: 'firmware_upgrade_failed', subject: '', severity: 'fault', message: p.message }];
    }
    if (raised.length === 0) return;
    const storm = await repos.exceptions.openStorm(device.siteId);
    const rows: NewException[] = [];
    for (const x of raised) {
      let delivery = 'deliver';
      let heldUntil: Date | null = null;
      if (x.type === 'offline') {
        if (storm) delivery = 'grouped';
        else {
          delivery = 'held';
          heldUntil = new Date(now.getTime() + this.settings.stormWindowMs);
        }
      } else if (x.type === 'back_online') {
        // Back within the window: neither is sent (flapping damped). In a storm: the recovery says it —
        // also when the storm was declared over before this event was read (its offline went out
        // grouped, never one by one, so its return is not announced one by one either).
        if ((await repos.exceptions.dampHeldOffline(device.id)) > 0) delivery = 'damped';
        else if (storm || (await repos.exceptions.lastOfflineGrouped(device.id))) delivery = 'grouped';
      }
      rows.push({ companyId: device.companyId, siteId: device.siteId, deviceId: device.id, type: x.type, subject: x.subject, severity: x.severity, message: x.message, sourceEventId: e.id, raisedAt: now, delivery, heldUntil });
    }
    const inserted = await repos.exceptions.insert(rows);
    await this.#deliver(repos, inserted.filter((x) => x.delivery === 'deliver'), queued);
  }

  /** Sends exceptions one by one: one in-app notification per (event, recipient), one webhook delivery per exception and endpoint. */
  async #deliver(repos: Repos, list: ExceptionRecord[], queued: Queued): Promise<void> {
    if (list.length === 0) return;
    const now = this.clock.now();
    const companyId = list[0]!.companyId;
    const rules = (await repos.exceptions.rules(companyId)) as ExceptionRule[];
    const siteIds = [...new Set(list.map((x) => x.siteId))];
    const sites = await repos.exceptions.sites(siteIds);
    const devices = await repos.exceptions.devices([...new Set(list.map((x) => x.deviceId))]);
    const byEventUser = new Map<string, { userId: string; eventId: string; items: ExceptionRecord[] }>();
    const delivered: string[] = [];
    const skipped: string[] = [];
    for (const x of list) {
      const site = sites.get(x.siteId);
      const people = await repos.exceptions.people(x.companyId, x.siteId);
      const to = recipientsOf(rulesForSite(rules, x.siteId), x.type, now, site?.timeZone ?? 'UTC', people);
      (to.length > 0 ? delivered : skipped).push(x.id);
      for (const userId of to) {
        const k = `${x.sourceEventId}/${userId}`;
        const g = byEventUser.get(k) ?? { userId, eventId: x.sourceEventId, items: [] };
        g.items.push(x);
        byEventUser.set(k, g);
      }
    }
    const notes: Array<NewNotification & { sourceEventId: string }> = [...byEventUser.values()].map((g) => {
      const first = g.items[0]!;
      const device = devices.get(first.deviceId);
      const site = sites.get(first.siteId)?.name ?? 'the site';
      const name = device ? `${device.name} (${device.serial})` : 'A device';
      const worst = g.items.some((i) => i.severity === 'fault') ? 'error' : g.items.some((i) => i.severity === 'warning') ? 'warning' : first.type === 'back_online' ? 'success' : 'info';
      return {
        companyId: first.companyId, userId: g.userId, sourceEventId: g.eventId,
        kind: `exception.${first.type}`, severity: worst,
        title: `${device?.name ?? 'A device'} at ${site}: ${g.items.map((i) => TITLES[i.type] ?? i.type).join(', ')}`,
        body: `${name} at ${site}: ${g.items.map((i) => i.message).join(' ')}`,
        link: `/devices/${first.deviceId}`,
        data: { siteId: first.siteId, deviceId: first.deviceId, exceptionIds: g.items.map((i) => i.id), types: g.items.map((i) => i.type) },
      };
    });
    await repos.notifications.insert(notes);
    // The same message by e-mail, once per (event, recipient).
    await this.#mails(repos, queued, notes.map((n) => ({
      key: `exception:${n.sourceEventId}:${n.userId}`, kind: 'exception', companyId: n.companyId, userId: n.userId,
      subject: `Sitekeeper: ${n.title}`, text: `${n.body}\n\n${this.#url(n.link ?? '/')}\n\nYou receive this because an exception rule of your company names you as a recipient. ${this.#optOut()}`,
    })));
    await repos.exceptions.setDelivery(delivered, 'delivered');
    await repos.exceptions.setDelivery(skipped, 'no_recipients');
    await this.#webhooks(repos, companyId, list.map((x) => ({
      key: `exception:${x.id}`, type: x.type, eventType: 'exception.raised',
      payload: { exceptionId: x.id, type: x.type, severity: x.severity, message: x.message, subject: x.subject || null, siteId: x.siteId, siteName: sites.get(x.siteId)?.name ?? null, deviceId: x.deviceId, serial: devices.get(x.deviceId)?.serial ?? null, raisedAt: x.raisedAt.toISOString() },
    })), queued);
  }

  async #webhooks(repos: Repos, companyId: string, items: Array<{ key: string; type: string; eventType: string; payload: Record<string, unknown> }>, queued: Queued): Promise<void> {
    const endpoints = (await repos.webhooks.endpoints(companyId)).filter((w) => w.enabled);
    const rows = endpoints.flatMap((w) => items.filter((i) => w.types.length === 0 || w.types.includes(i.type)).map((i) => ({ endpointId: w.id, eventKey: i.key, eventType: i.eventType, payload: { ...i.payload, event: i.eventType } })));
    queued.hooks.push(...(await repos.webhooks.enqueue(rows)));
  }

  /** Held offline exceptions whose window ended: grouped (storm), absorbed, or sent one by one; then recoveries. */
  async flushHeld(): Promise<void> {
    const now = this.clock.now();
    const queued = noneQueued();
    for (const siteId of await this.uow.read.exceptions.sitesWithHeldDue(now)) {
      await this.uow.tx(async (repos) => {
        const held = await repos.exceptions.heldForSite(siteId);
        if (held.length === 0) return;
        const storm = await repos.exceptions.openStorm(siteId);
        const decision = stormDecision({ stormOpen: storm !== undefined, heldOffline: held.length, minDevices: this.settings.stormMinDevices });
        if (decision === 'individual') {
          await repos.exceptions.setDelivery(held.map((h) => h.id), 'deliver');
          await this.#deliver(repos, held.map((h) => ({ ...h, delivery: 'deliver' })), queued);
          return;
        }
        await repos.exceptions.setDelivery(held.map((h) => h.id), 'grouped');
        if (decision === 'absorb') return;
        const counts = await repos.exceptions.siteCounts(siteId);
        const companyId = held[0]!.companyId;
        const stormId = await repos.exceptions.startStorm({ siteId, companyId, at: now, offlineCount: counts.offline, deviceCount: counts.total });
        await this.#siteNotice(repos, { stormId, siteId, companyId, kind: 'storm', offline: counts.offline, total: counts.total }, queued);
      });
    }
    for (const s of await this.uow.read.exceptions.openStormSites()) {
      await this.uow.tx(async (repos) => {
        const counts = await repos.exceptions.siteCounts(s.siteId);
        const heldLeft = (await repos.exceptions.heldForSite(s.siteId)).length;
        if (!stormRecovered({ stormOpen: true, offlineNow: counts.offline + heldLeft })) return;
        if (!(await repos.exceptions.endStorm(s.id, now))) return; // another node ended it
        await this.#siteNotice(repos, { stormId: s.id, siteId: s.siteId, companyId: s.companyId, kind: 'storm_recovered', offline: 0, total: counts.total }, queued);
      });
    }
    this.#afterCommit(queued);
  }

  /** One grouped alert (or recovery) per recipient of the site's offline (back-online) exceptions, and per webhook. */
  async #siteNotice(repos: Repos, n: { stormId: string; siteId: string; companyId: string; kind: 'storm' | 'storm_recovered'; offline: number; total: number }, queued: Queued): Promise<void> {
    const now = this.clock.now();
    const site = (await repos.exceptions.sites([n.siteId])).get(n.siteId);
    const rules = (await repos.exceptions.rules(n.companyId)) as ExceptionRule[];
    const people = await repos.exceptions.people(n.companyId, n.siteId);
    const type = n.kind === 'storm' ? 'offline' : 'back_online';
    const to = recipientsOf(rulesForSite(rules, n.siteId), type, now, site?.timeZone ?? 'UTC', people);
    const name = site?.name ?? 'A site';
    const title = n.kind === 'storm' ? `${name}: ${n.offline} of ${n.total} devices offline` : `${name}: devices back online`;
    const body = n.kind === 'storm'
      ? `${n.offline} of the ${n.total} devices of ${name} went offline together (a power or network outage at the site?). You will be told once when they are back.`
      : `The devices of ${name} that went offline are back online (${n.total} devices).`;
    await repos.notifications.insert(to.map((userId) => ({
      companyId: n.companyId, userId, sourceEventId: null, kind: `exception.${n.kind}`, severity: n.kind === 'storm' ? 'error' : 'success', title, body,
      link: `/sites/${n.siteId}/health`, data: { siteId: n.siteId, stormId: n.stormId, offline: n.offline, total: n.total },
    })));
    await this.#mails(repos, queued, to.map((userId) => ({
      key: `${n.kind}:${n.stormId}:${userId}`, kind: n.kind, companyId: n.companyId, userId,
      subject: `Sitekeeper: ${title}`, text: `${body}\n\n${this.#url(`/sites/${n.siteId}/health`)}\n\n${this.#optOut()}`,
    })));
    await this.#webhooks(repos, n.companyId, [{ key: `${n.kind}:${n.stormId}`, type, eventType: `site.${n.kind}`, payload: { stormId: n.stormId, siteId: n.siteId, siteName: name, offline: n.offline, total: n.total, at: now.toISOString() } }], queued);
  }

  // ---- rules and the exception list (routes) ----

  async listRules(actor: Actor): Promise<ExceptionRuleRecord[]> {
    const rules = await this.uow.read.exceptions.rules(companyOf(actor));
    if (seesAllSites(actor)) return rules;
    const visible = new Set<string>();
    for (const siteId of new Set(rules.flatMap((r) => (r.siteId ? [r.siteId] : [])))) {
      if (await this.uow.read.sites.isAssigned(siteId, actor.id)) visible.add(siteId);
    }
    return rules.filter((r) => r.siteId === null || visible.has(r.siteId));
  }

  async createRule(actor: Actor, input: RuleInput): Promise<ExceptionRuleRecord> {
    return this.uow.tx(async (repos) => {
      await this.#requireRuleScope(repos, actor, input.siteId);
      const rule = await repos.exceptions.createRule({ ...input, companyId: companyOf(actor), now: this.clock.now() });
      await repos.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'exception_rule.create', targetType: 'exception_rule', targetId: rule.id, outcome: 'success', details: { siteId: input.siteId, types: input.types } });
      return rule;
    });
  }

  async updateRule(actor: Actor, id: string, input: Omit<RuleInput, 'siteId'>): Promise<ExceptionRuleRecord> {
    return this.uow.tx(async (repos) => {
      const rule = await this.#ownRule(repos, actor, id);
      const updated = await repos.exceptions.updateRule(rule.id, { ...input, now: this.clock.now() });
      await repos.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'exception_rule.update', targetType: 'exception_rule', targetId: id, outcome: 'success', details: { types: input.types, enabled: input.enabled } });
      return updated;
    });
  }

  async deleteRule(actor: Actor, id: string): Promise<void> {
    await this.uow.tx(async (repos) => {
      const rule = await this.#ownRule(repos, actor, id);
      await repos.exceptions.deleteRule(rule.id);
      await repos.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'exception_rule.delete', targetType: 'exception_rule', targetId: id, outcome: 'success', details: {} });
    });
  }

  async #ownRule(repos: Repos, actor: Actor, id: string): Promise<ExceptionRuleRecord> {
    const rule = await repos.exceptions.findRule(id);
    if (!rule || rule.companyId !== actor.companyId) throw new AppError('EXCEPTION_RULE_NOT_FOUND');
    await this.#requireRuleScope(repos, actor, rule.siteId);
    return rule;
  }

  /** The company default: installer admins. A site's rules: installer admins and the installers who manage the site. */
  async #requireRuleScope(repos: Repos, actor: Actor, siteId: string | null): Promise<void> {
    if (siteId === null) {
      if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN', 'Only installer admins change the company default exception rules.');
      return;
    }
    await requireSiteAccess(actor, siteId, repos.sites, false, 'configure_device');
  }

  async listExceptions(actor: Actor, f: { siteId?: string | undefined; page: number; pageSize: number }): Promise<{ items: Awaited<ReturnType<Repos['exceptions']['list']>>['items']; total: number; page: number; pageSize: number }> {
    let siteIds: string[] | undefined;
    if (f.siteId) {
      await requireSiteAccess(actor, f.siteId, this.uow.read.sites, false, 'view_devices');
      siteIds = [f.siteId];
    } else if (actor.role === 'end_user') throw new AppError('FORBIDDEN');
    else if (!seesAllSites(actor)) siteIds = await this.uow.read.sites.assignedSiteIds(actor.id);
    const r = await this.uow.read.exceptions.list({ companyId: companyOf(actor), siteIds, page: f.page, pageSize: f.pageSize });
    return { ...r, page: f.page, pageSize: f.pageSize };
  }
}

const TITLES: Record<string, string> = {
  offline: 'offline', back_online: 'back online', hdd_error: 'disk error', hdd_full: 'disk full', hdd_unformatted: 'disk not formatted',
  hdd_smart_warning: 'S.M.A.R.T. warning', video_loss: 'video loss', recording_stopped: 'recording stopped', tamper: 'tamper',
  zone_fault: 'zone fault', low_battery: 'low battery', mains_lost: 'mains lost', firmware_upgrade_failed: 'firmware upgrade failed',
};
