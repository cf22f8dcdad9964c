/**
 * Turns a round of poll outcomes into writes, in one transaction: devices.status of direct and
 * agent devices, the current health (summary with reasons, snapshot) of monitored devices, a history
 * row and a `device.health_changed` event (the outbox) for each summary that changed. Writes only
 * what changed; "last seen" at most every `touchEveryMs` per device.
 */
import type { UnitOfWork } from '../db/unit-of-work';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import type { HealthWrite, PollTarget, StoredHealth } from './health.repository';
import { monitoringGate } from './health-policy';
import { verdictFor } from '../devices/firmware-verdict';
import { CATALOGUE } from '../devices/firmware-catalogue';
import { summarize, summaryKey, type HealthSnapshot, type HealthSummary } from './health-summary';

export interface PollOutcome {
  target: PollTarget;
  /** When the poll started. */
  polledAt: Date;
  /**
   * online: it answered; offline: unreachable for longer than the grace period (or, for cloud
   * devices, offline in the device cloud); pending: unreachable, still within the grace period;
   * no_agent: the site agent that reaches it is offline (its status is not known, never offline).
   */
  reachability: 'online' | 'offline' | 'pending' | 'no_agent';
  /** Collected while monitoring is on. */
  snapshot?: HealthSnapshot | undefined;
  /** The device refused the stored credentials. */
  authFailed?: boolean | undefined;
  /** The firmware version the device reported in this poll (deviceInfo). */
  firmwareVersion?: string | undefined;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class HealthRecorder {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly opts: { touchEveryMs: number; now: () => Date },
  ) {}

  async record(outcomes: PollOutcome[]): Promise<{ changed: number }> {
    if (outcomes.length === 0) return { changed: 0 };
    // The latest outcome of each device wins (a round may hold two polls of one device).
    const latest = new Map<string, PollOutcome>();
    for (const o of outcomes) {
      const cur = latest.get(o.target.id);
      if (!cur || cur.polledAt <= o.polledAt) latest.set(o.target.id, o);
    }
    const list = [...latest.values()];
    const now = this.opts.now();
    return this.uow.tx(async (r) => {
      const statuses = list.flatMap((o) =>
        o.target.addedVia !== 'cloud' && (o.reachability === 'online' || o.reachability === 'offline') && o.target.status !== o.reachability ? [{ deviceId: o.target.id, status: o.reachability }] : [],
      );
      await r.health.setStatuses(statuses, now);

      // A device that reports another firmware: store it with the catalogue's verdict (issue 16).
      for (const o of list) {
        if (!o.firmwareVersion || o.firmwareVersion === o.target.firmwareVersion) continue;
        const verdict = verdictFor(o.target.model, o.firmwareVersion);
        // Only over the version the poll started from: one read back by an upgrade meanwhile is newer.
        if (!(await r.devices.setFirmwareIfStill(o.target.id, o.target.firmwareVersion, o.firmwareVersion, verdict, CATALOGUE.version))) continue;
        await r.events.append(o.target.companyId, DOMAIN_EVENT_TYPES.deviceFirmwareChanged, {
          deviceId: o.target.id, siteId: o.target.siteId, serial: o.target.serial, old: o.target.firmwareVersion, new: o.firmwareVersion,
          compatible: verdict?.compatible ?? null, upgradeTo: verdict?.upgradeTo ?? null, source: 'poll',
        });
      }

      const ids = list.map((o) => o.target.id);
      const monitoring = await r.health.monitoring(ids);
      const stored = await r.health.current(ids, true);
      const writes: HealthWrite[] = [];
      const touches: Array<{ deviceId: string; at: Date }> = [];
      const history: Parameters<typeof r.health.appendHistory>[0] = [];
      let changed = 0;
      for (const o of list) {
        // The switch as it is now, not as it was when the poll started.
        if (!monitoringGate(monitoring.get(o.target.id) ?? { healthMonitoring: false }, 'health_collect').allowed) continue;
        if (o.reachability === 'pending') continue;
        const prev = stored.get(o.target.id);
        // A poll that started before monitoring was switched on again does not count.
        if (prev && prev.monitoringSince > o.polledAt) continue;
        const next = summarize({
          reachability: o.reachability === 'no_agent' ? 'unknown' : o.reachability, snapshot: o.snapshot ?? prev?.snapshot ?? null, authFailed: o.authFailed, agentOffline: o.reachability === 'no_agent',
        });
        const seen = o.reachability === 'online' ? o.polledAt : null;
        const old: HealthSummary | null = prev ? { state: prev.state, reasons: prev.reasons } : null;
        if (!old || summaryKey(old) !== summaryKey(next)) {
          changed += 1;
          writes.push({ deviceId: o.target.id, state: next.state, reasons: next.reasons, snapshot: o.snapshot, lastSeenAt: seen, polledAt: o.polledAt });
          history.push({ deviceId: o.target.id, at: o.polledAt, state: next.state, reasons: next.reasons });
          await r.events.append(o.target.companyId, DOMAIN_EVENT_TYPES.deviceHealthChanged, {
            deviceId: o.target.id, siteId: o.target.siteId, serial: o.target.serial, old, new: next, at: o.polledAt.toISOString(),
          });
        } else if (o.snapshot && !sameJson(o.snapshot, prev?.snapshot)) {
          writes.push({ deviceId: o.target.id, state: next.state, reasons: next.reasons, snapshot: o.snapshot, lastSeenAt: seen, polledAt: o.polledAt });
        } else if (seen && needsTouch(prev, seen, this.opts.touchEveryMs)) {
          touches.push({ deviceId: o.target.id, at: seen });
        }
      }
      await r.health.upsert(writes, now);
      await r.health.touchSeen(touches);
      await r.health.appendHistory(history);
      return { changed };
    });
  }
}

function needsTouch(prev: StoredHealth | undefined, seen: Date, everyMs: number): boolean {
  return !prev?.lastSeenAt || seen.getTime() - prev.lastSeenAt.getTime() >= everyMs;
}
