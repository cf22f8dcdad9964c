/**
 * The health poller: one node at a time (a lease in health_poller_lease, renewed every tick; a
 * node that stops renewing it is replaced after the lease runs out) polls
 * - devices added directly or through a site agent, for their status (online / offline) and, while
 *   monitoring is on, their health snapshot;
 * - cloud devices with monitoring on, for their health snapshot (their presence comes from the
 *   gateway: an offline cloud device is offline without a poll).
 * At most `concurrency` polls run at once (a finished poll starts the next due one at once, so a
 * round is not capped at `concurrency` polls); each device is polled every `pollIntervalMs` with
 * jitter (±10 %) so the fleet spreads out; an unreachable device is declared offline only after
 * `offlineGraceMs` without an answer, and from then on polled with exponential backoff (up to
 * `maxBackoffMs`). Outcomes are written in one transaction per tick (HealthRecorder), never one
 * write per poll.
 */
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Credentials, DeviceReach } from '../onboarding/device-reach';
import type { DeviceClient } from '../../device-client/device-client';
import type { PollTarget } from './health.repository';
import type { HealthRecorder, PollOutcome } from './health-recorder';
import { checkReachable, collectSnapshot, familyOf, isAnswer, isAuthFailure, isUnreachable } from './collect';
import { monitoringGate } from './health-policy';
import { verdictFor } from '../devices/firmware-verdict';
import { isAppError } from '../../errors/app-error';
import { clientForDevice } from '../devices/device-reach';

export const POLLER_LEASE = 'health-poller';

export interface HealthPollerOptions {
  uow: UnitOfWork;
  recorder: Pick<HealthRecorder, 'record'>;
  reach: Pick<DeviceReach, 'cloudClient' | 'lanClient' | 'directClient'>;
  /**
   * The device cloud's live presence of a serial (the gateway's, in memory): true connected, false
   * disconnected, undefined never seen. Saves a poll (and its lookups) of a cloud device that is not
   * connected. Absent: trust devices.status alone.
   */
  cloudOnline?: (serial: string) => boolean | undefined;
  /** Opens a device's sealed credentials (null when there are none or they cannot be opened). */
  openCredentials: (serial: string, sealed: string) => Credentials | null;
  clock: Clock;
  /** This node's name in the lease. */
  nodeId: string;
  pollIntervalMs: number;
  concurrency: number;
  offlineGraceMs: number;
  /** Default: 5 poll intervals. */
  maxBackoffMs?: number;
  /** How often the poller looks for due devices and writes outcomes (default: min(1 s, poll interval)). */
  tickMs?: number;
  /** Queues the history retention job (health.retention); called at most once per `retentionEveryMs`. */
  queueRetention?: () => Promise<unknown>;
  retentionEveryMs?: number;
  random?: () => number;
  onError?: (err: unknown) => void;
}

interface DeviceState {
  target: PollTarget;
  nextDueAt: number;
  inFlight: boolean;
  failures: number;
  lastOkAt: number | undefined;
  firstFailAt: number | undefined;
  offline: boolean;
}

export interface PollStats {
  polls: number;
  /** What the last poll did: health (snapshot), status (reachability only), presence (cloud device offline, no I/O). */
  lastKind: 'health' | 'status' | 'presence' | undefined;
}

export class HealthPoller {
  readonly #o: Required<Omit<HealthPollerOptions, 'queueRetention' | 'onError' | 'cloudOnline'>> & Pick<HealthPollerOptions, 'queueRetention' | 'onError' | 'cloudOnline'>;
  readonly #devices = new Map<string, DeviceState>();
  readonly #pending: PollOutcome[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  /** This round's due devices, most overdue first: a finished poll starts the next at once (not at the next tick). */
  #queue: DeviceState[] = [];
  readonly #stats = new Map<string, PollStats>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #leader = false;
  #nextRefreshAt = 0;
  #nextRetentionAt = 0;
  #stopped = false;

  constructor(opts: HealthPollerOptions) {
    this.#o = {
      maxBackoffMs: opts.pollIntervalMs * 5,
      tickMs: Math.min(1000, opts.pollIntervalMs),
      retentionEveryMs: 3_600_000,
      random: Math.random,
      ...opts,
    };
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Polls of one device since this node became the poller (for tests and metrics). */
  stats(deviceId: string): PollStats {
    return this.#stats.get(deviceId) ?? { polls: 0, lastKind: undefined };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.#o.tickMs);
    this.#timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
    await Promise.allSettled([...this.#inFlight]);
    if (this.#leader) {
      await this.#flush();
      await this.#o.uow.read.health.releaseLease(POLLER_LEASE, this.#o.nodeId).catch((err: unknown) => this.#o.onError?.(err));
    }
    this.#leader = false;
  }

  /** One round: hold the lease, refresh the device list when due, write outcomes, start due polls. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#stopped) return this.#ticking;
    this.#ticking = this.#round()
      .catch((err: unknown) => this.#o.onError?.(err))
      .finally(() => {
        this.#ticking = undefined;
      });
    return this.#ticking;
  }

  async #round(): Promise<void> {
    const o = this.#o;
    const now = o.clock.now().getTime();
    const leaseMs = Math.max(15_000, o.tickMs * 5);
    const leader = await o.uow.read.health.acquireLease(POLLER_LEASE, o.nodeId, new Date(now), new Date(now + leaseMs));
    if (!leader) {
      // Another node polls; forget ours so that taking over later starts from the database.
      if (this.#leader) this.#devices.clear();
      this.#leader = false;
      this.#queue = [];
      this.#pending.length = 0;
      return;
    }
    this.#leader = true;
    if (now >= this.#nextRefreshAt) {
      await this.#refresh(now);
      this.#nextRefreshAt = now + Math.min(o.pollIntervalMs, 30_000);
    }
    await this.#flush();
    if (o.queueRetention && now >= this.#nextRetentionAt) {
      this.#nextRetentionAt = now + o.retentionEveryMs;
      await o.queueRetention().catch((err: unknown) => o.onError?.(err));
    }
    this.#dispatch(now);
  }

  async #refresh(now: number): Promise<void> {
    const targets = await this.#o.uow.read.health.pollTargets();
    const seen = new Set<string>();
    for (const t of targets) {
      seen.add(t.id);
      const cur = this.#devices.get(t.id);
      if (!cur) {
        // Spread the first polls over one interval.
        this.#devices.set(t.id, { target: t, nextDueAt: now + Math.floor(this.#o.random() * this.#o.pollIntervalMs), inFlight: false, failures: 0, lastOkAt: undefined, firstFailAt: undefined, offline: t.status === 'offline' });
        continue;
      }
      // Monitoring switched on again (or a firmware verdict allows it again): collect afresh at once.
      if (monitoringGate(t, 'health_collect').allowed && !monitoringGate(cur.target, 'health_collect').allowed) cur.nextDueAt = now;
      // A firmware version this poller read that is not stored yet stays (the recorder writes it).
      cur.target = cur.target.firmwareVersion !== t.firmwareVersion && this.#pending.some((p) => p.target.id === t.id) ? { ...t, firmwareVersion: cur.target.firmwareVersion, firmwareVerdict: cur.target.firmwareVerdict } : t;
    }
    for (const id of this.#devices.keys()) if (!seen.has(id)) this.#devices.delete(id);
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending.splice(0);
    try {
      await this.#o.recorder.record(batch);
    } catch (err) {
      // Kept for the next round (a newer outcome of the same device wins there).
      this.#pending.unshift(...batch);
      throw err;
    }
  }

  #dispatch(now: number): void {
    this.#queue = [...this.#devices.values()].filter((d) => !d.inFlight && d.nextDueAt <= now).sort((a, b) => a.nextDueAt - b.nextDueAt);
    this.#startDue();
  }

  /** Starts due devices of this round's queue while fewer than `concurrency` polls run. */
  #startDue(): void {
    const now = this.#o.clock.now().getTime();
    while (this.#inFlight.size < this.#o.concurrency && !this.#stopped && this.#leader) {
      const d = this.#queue.shift();
      if (!d) return;
      // Polled meanwhile (rescheduled), or no longer a target.
      if (d.inFlight || d.nextDueAt > now || this.#devices.get(d.target.id) !== d) continue;
      d.inFlight = true;
      const p = this.#poll(d)
        .catch((err: unknown) => this.#o.onError?.(err))
        .finally(() => {
          d.inFlight = false;
          this.#inFlight.delete(p);
          this.#startDue();
        });
      this.#inFlight.add(p);
    }
  }

  #jittered(ms: number): number {
    return Math.round(ms * (0.9 + this.#o.random() * 0.2));
  }

  #count(id: string, kind: PollStats['lastKind']): void {
    const s = this.#stats.get(id) ?? { polls: 0, lastKind: undefined };
    this.#stats.set(id, { polls: s.polls + 1, lastKind: kind });
  }

  async #poll(d: DeviceState): Promise<void> {
    const o = this.#o;
    const t = d.target;
    const polledAt = o.clock.now();
    const collect = monitoringGate(t, 'health_collect').allowed;
    if (t.addedVia === 'cloud') {
      // Presence is the gateway's; only health is polled, and only while the device is connected.
      const live = o.cloudOnline?.(t.serial);
      if (t.status !== 'online' || live === false) {
        this.#done(d, { target: t, polledAt, reachability: 'offline' }, 'presence');
        d.nextDueAt = polledAt.getTime() + this.#jittered(o.pollIntervalMs);
        return;
      }
      if (o.cloudOnline && live === undefined) {
        // Never connected to the device cloud (since this node started): nothing to ask yet.
        d.nextDueAt = polledAt.getTime() + this.#jittered(o.maxBackoffMs);
        return;
      }
    }
    const client = this.#client(t);
    if (!client) {
      d.nextDueAt = polledAt.getTime() + o.maxBackoffMs;
      return;
    }
    const kind = collect ? 'health' : 'status';
    try {
      // Every poll reads the firmware version too (deviceInfo): a changed version re-checks the
      // device's firmware verdict (issue 16), so an upgrade restores what an old firmware blocked.
      const [firmwareVersion, snapshot] = await Promise.all([checkReachable(client), collect ? collectSnapshot(client, familyOf(t.type)) : undefined]);
      this.#answered(d, polledAt);
      if (firmwareVersion && firmwareVersion !== t.firmwareVersion) {
        // The next poll gates on the new verdict at once (the recorder stores it).
        d.target = { ...t, firmwareVersion, firmwareVerdict: verdictFor(t.model, firmwareVersion) };
        if (monitoringGate(d.target, 'health_collect').allowed && !collect) d.nextDueAt = polledAt.getTime();
      }
      this.#done(d, { target: t, polledAt, reachability: 'online', snapshot, ...(firmwareVersion ? { firmwareVersion } : {}) }, kind);
    } catch (err) {
      if (isAuthFailure(err)) {
        // It answered (so it is online) but refuses us: back off so as not to lock the account.
        this.#answered(d, polledAt);
        d.nextDueAt = polledAt.getTime() + this.#jittered(o.maxBackoffMs);
        this.#done(d, { target: t, polledAt, reachability: 'online', authFailed: true }, kind);
      } else if (isAppError(err, 'AGENT_OFFLINE')) {
        // Nothing can be said about the device while its site agent is away: never declared offline for it.
        d.nextDueAt = polledAt.getTime() + this.#jittered(o.pollIntervalMs);
        this.#done(d, { target: t, polledAt, reachability: 'no_agent' }, kind);
      } else if (isUnreachable(err)) {
        this.#unanswered(d, polledAt, kind);
      } else if (isAnswer(err)) {
        // It answered with something we could not use: online, health unchanged.
        this.#answered(d, polledAt);
        this.#done(d, { target: t, polledAt, reachability: 'online' }, kind);
      } else {
        // Nothing learnt about the device (e.g. the platform's own broker link is down): try again later.
        d.nextDueAt = polledAt.getTime() + this.#jittered(o.pollIntervalMs);
        o.onError?.(err);
      }
    }
  }

  /** A client for the device, or null when there is nothing to poll it with (no address; a direct device without credentials). */
  #client(t: PollTarget): DeviceClient | null {
    if (t.addedVia === 'cloud') return clientForDevice(this.#o.reach, t, null);
    if (!t.host || !t.port) return null;
    const creds = t.credentialsSealed ? this.#o.openCredentials(t.serial, t.credentialsSealed) : null;
    if (t.addedVia !== 'agent' && !creds) return null;
    return clientForDevice(this.#o.reach, t, creds);
  }

  #answered(d: DeviceState, at: Date): void {
    d.failures = 0;
    d.firstFailAt = undefined;
    d.lastOkAt = at.getTime();
    d.offline = false;
    d.nextDueAt = at.getTime() + this.#jittered(this.#o.pollIntervalMs);
  }

  #unanswered(d: DeviceState, at: Date, kind: PollStats['lastKind']): void {
    const o = this.#o;
    const now = at.getTime();
    d.failures += 1;
    d.firstFailAt ??= now;
    if (d.target.addedVia === 'cloud') {
      // A connected cloud device that does not answer: the gateway decides its presence.
      d.nextDueAt = now + this.#jittered(o.pollIntervalMs);
      this.#count(d.target.id, kind);
      return;
    }
    const since = Math.max(d.lastOkAt ?? d.firstFailAt, d.firstFailAt - o.pollIntervalMs);
    const offline = d.offline || now - since >= o.offlineGraceMs;
    d.offline = offline;
    if (offline) {
      // Declared offline: back off (doubling, capped) until it answers again.
      d.nextDueAt = now + this.#jittered(Math.min(o.pollIntervalMs * 2 ** Math.min(d.failures, 16), o.maxBackoffMs));
    } else {
      // Within the grace period: keep looking at the normal pace, and once more when it ends.
      d.nextDueAt = now + Math.min(this.#jittered(o.pollIntervalMs), Math.max(0, since + o.offlineGraceMs - now));
    }
    this.#done(d, { target: d.target, polledAt: at, reachability: offline ? 'offline' : 'pending' }, kind);
  }

  #done(d: DeviceState, outcome: PollOutcome, kind: PollStats['lastKind']): void {
    if (outcome.reachability === 'online' || outcome.reachability === 'offline') d.target = { ...d.target, status: d.target.addedVia === 'cloud' ? d.target.status : outcome.reachability };
    this.#pending.push(outcome);
    this.#count(d.target.id, kind);
  }
}
