/**
 * The durable per-device job (`onboarding.device`): claim the item with a lease (renewed while it
 * runs), take the device as far as it goes (device-steps.ts), record the outcome. A crashed node's
 * items are claimed again when their lease runs out; offline devices stay pending and continue when
 * their presence comes online or the sweep finds them.
 */
import { AppError, isAppError } from '../../errors/app-error';
import type { UnitOfWork } from '../db/unit-of-work';
import { DOMAIN_EVENT_TYPES, type ItemSettledPayload } from '../events/domain-events';
import type { Enqueue } from './batch.service';
import type { DeviceSteps } from './device-steps';
import type { ItemOutcome } from './onboarding.repository';
import type { Waiting } from './polling';

export interface DeviceJobSettings {
  /** How long a claim holds before another node may take the item (renewed while running). */
  leaseMs: number;
}

export interface DeviceJobPorts {
  /** Queues the items' jobs (continuations and the sweep). */
  enqueue: Enqueue;
  /** Called after a domain event for the notifier was committed (the app queues a dispatch job). */
  eventsRecorded: () => void;
}

export class DeviceJob {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly steps: DeviceSteps,
    private readonly waiting: Pick<Waiting, 'clock'>,
    private readonly settings: DeviceJobSettings,
    private readonly ports: DeviceJobPorts,
  ) {}

  private leaseUntil(now = this.waiting.clock.now()): Date {
    return new Date(now.getTime() + this.settings.leaseMs);
  }

  /** Process one item; safe to call any number of times, from any node. */
  async runItem(itemId: string): Promise<void> {
    const repo = this.uow.read.onboarding;
    const now = this.waiting.clock.now();
    const item = await repo.claim(itemId, now, this.leaseUntil(now));
    if (!item) return;
    let step = 'starting';
    // A timer, not the clock: the lease must be renewed while slow device I/O is in flight.
    const heartbeat = setInterval(() => {
      void repo.renewLease(itemId, this.leaseUntil(), step).catch(() => undefined);
    }, Math.max(200, Math.floor(this.settings.leaseMs / 3)));
    heartbeat.unref();
    const setStep = async (s: string) => {
      step = s;
      await repo.renewLease(itemId, this.leaseUntil(), s);
    };
    // Read once per run: the batch (its site and installer) and the candidate (its name, secrets).
    const batch = await repo.findBatch(item.batchId);
    const cand = await repo.candidate(item.candidateId);
    let outcome: ItemOutcome;
    try {
      outcome = await this.steps.run(item, batch, cand, setStep);
    } catch (e) {
      const err = isAppError(e) ? e : new AppError('INTERNAL_ERROR', undefined, { cause: e });
      outcome = { state: 'failed', step, error: { code: err.code, message: err.message, hint: err.hint } };
    } finally {
      clearInterval(heartbeat);
    }
    // A device that was waiting (offline) and has now reached an end state: the installer may have
    // left long ago, so record an event for the notifier in the same transaction as the result.
    const settledAfterWait = item.pendingUntil !== null && outcome.state !== 'pending';
    if (!settledAfterWait) {
      await repo.finish(itemId, outcome, this.waiting.clock.now());
      return;
    }
    await this.uow.tx(async ({ onboarding, events }) => {
      await onboarding.finish(itemId, outcome, this.waiting.clock.now());
      // Still there? (A site deleted meanwhile takes its batches with it: nobody to tell.)
      const current = await onboarding.findBatch(item.batchId);
      if (!current) return;
      const payload: ItemSettledPayload = {
        batchId: item.batchId, itemId, siteId: current.siteId, serial: outcome.serial ?? item.serial, name: cand?.name ?? outcome.serial ?? item.serial ?? 'Device',
        state: outcome.state as ItemSettledPayload['state'], deviceId: outcome.deviceId ?? null, error: outcome.error ?? null, notifyUserId: current.createdBy,
      };
      await events.append(current.companyId, DOMAIN_EVENT_TYPES.itemSettled, payload);
    });
    this.ports.eventsRecorded();
  }

  /** Re-queue items that should run: queued, pending (offline) and abandoned ones. */
  async resumeAll(): Promise<number> {
    const now = this.waiting.clock.now();
    const repo = this.uow.read.onboarding;
    const rows = await repo.resumable(now, new Date(now.getTime() - this.settings.leaseMs));
    if (rows.length === 0) return 0;
    await repo.touchQueued(rows.filter((r) => r.state === 'queued').map((r) => r.id), now);
    await this.ports.enqueue(rows.map((r) => r.id));
    return rows.length;
  }

  /** Devices came online (presence, batched): continue their pending adds now. */
  async devicesOnline(serials: readonly string[]): Promise<void> {
    const ids = await this.uow.read.onboarding.pendingItemIdsForSerials(serials);
    if (ids.length > 0) await this.ports.enqueue(ids);
  }
}
