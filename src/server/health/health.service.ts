/**
 * Health reads and the per-device Health Monitoring switch. Who may: installer admins and
 * installers who manage the device's site (requireSiteAccess); end users not (yet). What the switch
 * gates is decided in health-policy.ts only.
 */
import { AppError } from '../../errors/app-error';
import type { UnitOfWork } from '../db/unit-of-work';
import { companyOf, type Actor, type RequestMeta } from '../auth/actor';
import type { Clock } from '../lib/clock';
import { requireSiteAccess, seesAllSites } from '../sites/site-access';
import type { SiteOperation } from '../sites/site-policy';
import type { DeviceRecord } from '../devices/device.repository';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { requireMonitoring } from './health-policy';
import { requireFirmware } from '../devices/firmware-verdict';
import { summarizeCompany, summarizeSite, type CompanyHealthSummary, type HealthReason, type HealthSnapshot, type HealthState, type SiteHealthSummary } from './health-summary';
import type { HistoryEntry, SiteHealthRow } from './health.repository';

export interface DeviceHealthView {
  deviceId: string;
  state: HealthState;
  reasons: HealthReason[];
  snapshot: HealthSnapshot | null;
  /** When the snapshot was read (null: not yet since monitoring began). */
  collectedAt: Date | null;
  lastSeenAt: Date | null;
  /** When monitoring (last) began. */
  monitoringSince: Date | null;
  updatedAt: Date | null;
  /** Summary changes, newest first. */
  history: HistoryEntry[];
}

export interface HealthSettings {
  historyDays: number;
  /** History rows kept per device at most (a flapping device cannot fill the table). */
  historyPerDevice: number;
  /** Changes shown with a device's health. */
  recentHistory: number;
}

export class HealthService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly settings: HealthSettings,
  ) {}

  private async device(actor: Actor, id: string, op: SiteOperation = 'view_devices'): Promise<DeviceRecord> {
    const d = await this.uow.read.devices.find(id);
    if (!d || d.companyId !== actor.companyId) throw new AppError('DEVICE_NOT_FOUND_HERE');
    await requireSiteAccess(actor, d.siteId, this.uow.read.sites, false, op);
    return d;
  }

  /** Current health with reasons and recent changes; HEALTH_MONITORING_OFF while monitoring is off. */
  async deviceHealth(actor: Actor, id: string): Promise<DeviceHealthView> {
    const d = await this.device(actor, id);
    requireMonitoring(d, 'health_read');
    const h = await this.uow.read.health.find(id);
    const history = await this.uow.read.health.history(id, this.settings.recentHistory);
    if (!h) {
      return { deviceId: id, state: 'unknown', reasons: [{ code: 'not_collected', severity: 'info', message: 'No health data collected yet.' }], snapshot: null, collectedAt: null, lastSeenAt: null, monitoringSince: null, updatedAt: null, history };
    }
    const reasons = h.state === 'unknown' && h.reasons.length === 0 ? [{ code: 'not_collected' as const, severity: 'info' as const, message: 'No health data collected yet.' }] : h.reasons;
    // History from before monitoring last began belongs to another period: not shown with this one.
    return {
      deviceId: id, state: h.state, reasons, snapshot: h.snapshot, collectedAt: h.collectedAt, lastSeenAt: h.lastSeenAt, monitoringSince: h.monitoringSince, updatedAt: h.updatedAt,
      history: history.filter((e) => e.at >= h.monitoringSince),
    };
  }

  /** The company dashboard: every site the caller sees, sites with faults first, with counts by state. */
  async companyHealth(actor: Actor): Promise<CompanyHealthSummary> {
    if (actor.role === 'end_user') throw new AppError('FORBIDDEN');
    return summarizeCompany(await this.uow.read.health.companyHealth(companyOf(actor), seesAllSites(actor) ? undefined : actor.id));
  }

  /** Every device of the site, worst first, with counts by state (devices with monitoring off: state null). */
  async siteHealth(actor: Actor, siteId: string): Promise<SiteHealthSummary<SiteHealthRow> & { siteId: string }> {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_devices');
    const rows = await this.uow.read.health.siteHealth(siteId);
    return { siteId, ...summarizeSite(rows) };
  }

  /** The Health Monitoring switch (audited; an event tells rules and exceptions). Idempotent. */
  async setMonitoring(actor: Actor, id: string, enabled: boolean, meta: RequestMeta): Promise<{ deviceId: string; healthMonitoring: boolean }> {
    const d = await this.device(actor, id, 'configure_device');
    // Switching on needs a firmware the catalogue accepts for health monitoring (a device already
    // on keeps its switch: an upgrade restores its health with nothing else to do).
    if (enabled && !d.healthMonitoring) requireFirmware(d.firmwareVerdict, 'health_monitoring');
    const now = this.clock.now();
    await this.uow.tx(async (r) => {
      const current = await r.health.monitoringForUpdate(id);
      if (current === undefined) throw new AppError('DEVICE_NOT_FOUND_HERE');
      const changed = current !== enabled;
      if (changed) {
        await r.health.setMonitoring(id, enabled, now);
        await r.events.append(actor.companyId, DOMAIN_EVENT_TYPES.deviceHealthMonitoringChanged, { deviceId: id, siteId: d.siteId, serial: d.serial, enabled, byUserId: actor.id });
      }
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.health_monitoring', targetType: 'device', targetId: id, outcome: 'success',
        details: { serial: d.serial, siteId: d.siteId, enabled, changed }, correlationId: meta.correlationId,
      });
    });
    return { deviceId: id, healthMonitoring: enabled };
  }

  /** The retention job: history older than HEALTH_HISTORY_DAYS, and beyond the cap per device. */
  async trimHistory(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.settings.historyDays * 86_400_000);
    return this.uow.read.health.trimHistory(before, this.settings.historyPerDevice);
  }
}
