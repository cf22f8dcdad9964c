/**
 * The per-device upgrade of a campaign (job `firmware.device`), idempotent and resumable: the row
 * in firmware_campaign_devices says how far the device got, and a run — on any node, after a crash
 * or a restart — continues from there. A run claims the row with a lease (renewed while it runs)
 * within its site's bounds: at most `perSite` upgrades at once per site (all campaigns together),
 * and `paceMs` between two starting. Then, from the row's state:
 *
 *   queued     → read the device (already on the version: done), check the monitoring gate (and,
 *                before anything is sent, that the device's transport can carry the package)
 *   uploading  → send the package (resumed: the device's status first — it may have it already)
 *   installing → follow the device's upgrade status (percent, stage) until it reboots; the device's
 *                own failure ends the row `failed` with the device's reason (the device keeps its
 *                old firmware and stays usable)
 *   rebooting  → wait until the device answers again (up to `rebootTimeoutMs`)
 *   verifying  → read the version back: the package's version is `succeeded` (the firmware verdict
 *                is re-checked and `device.firmware_changed` recorded); the old one `failed`
 *
 * A node stopping lets go of its rows at once (lease cleared, state kept) so the next node, or the
 * same one started again, continues them without waiting for the lease to run out. Every write
 * names the run's lease token: a run whose lease ran out (a stalled node) and was taken over stops
 * without writing anything more.
 */
import { AppError, isAppError } from '../../errors/app-error';
import type { DeviceClient } from '../../device-client/device-client';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Clock } from '../lib/clock';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { monitoringGate } from '../health/health-policy';
import type { CampaignDeviceRow, CampaignDeviceState } from './firmware.repository';

export interface RunnerSettings {
  perSite: number;
  paceMs: number;
  leaseMs: number;
  pollMs: number;
  rebootTimeoutMs: number;
}

/** What a run needs of the device: its identity, its gate inputs, and a client over its transport. */
export interface ReachedDevice {
  id: string;
  companyId: string;
  siteId: string;
  serial: string;
  healthMonitoring: boolean;
  client: DeviceClient;
}

export interface RunnerPorts {
  /** The device and a client for it (throws a typed AppError: not found, no admin password, …). */
  device(deviceId: string): Promise<ReachedDevice>;
  /** Queues the rows' jobs. */
  enqueue(rowIds: string[]): Promise<void>;
  /** The device answered with a new firmware version: store it, re-check its verdict, record the event. */
  firmwareChanged(serial: string, version: string): Promise<void>;
  /** Called after a domain event was committed (the app dispatches notifications). */
  eventsRecorded(): void;
}

/** Upload attempts (across runs) before a device that cannot be reached is reported failed. */
const MAX_ATTEMPTS = 5;

class Stopped extends Error {}
/** Another run took the row over (this run's lease ran out): this one writes nothing more. */
class LeaseLost extends Error {}

export class CampaignRunner {
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Package contents by id (a campaign sends the same bytes to every device; a few kept). */
  readonly #packages = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly settings: RunnerSettings,
    private readonly ports: RunnerPorts,
  ) {}

  private leaseUntil(): Date {
    return new Date(this.clock.now().getTime() + this.settings.leaseMs);
  }

  /** Queue what should run now: every resumed row, and per site as many queued rows as it has slots. */
  async kick(): Promise<number> {
    if (this.#stop.signal.aborted) return 0;
    const rows = await this.uow.read.firmware.runnable(this.clock.now(), 1000);
    const queuedPerSite = new Map<string, number>();
    const ids: string[] = [];
    for (const r of rows) {
      if (r.state !== 'queued') {
        ids.push(r.id);
        continue;
      }
      const n = queuedPerSite.get(r.siteId) ?? 0;
      if (n >= this.settings.perSite) continue;
      queuedPerSite.set(r.siteId, n + 1);
      ids.push(r.id);
    }
    if (ids.length > 0) await this.ports.enqueue(ids);
    return ids.length;
  }

  private kickLater(ms: number): void {
    if (this.#stop.signal.aborted) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      void this.kick().catch(() => undefined);
    }, Math.max(10, ms));
    t.unref();
    this.#timers.add(t);
  }

  /** One run of one row; safe to call any number of times, from any node. */
  async run(rowId: string): Promise<void> {
    if (this.#stop.signal.aborted) return;
    const p = this.#run(rowId);
    this.#running.add(p);
    try {
      await p;
    } finally {
      this.#running.delete(p);
    }
  }

  async #run(rowId: string): Promise<void> {
    const now = this.clock.now();
    const claim = await this.uow.tx((r) => r.firmware.claim(rowId, now, this.leaseUntil(), { perSite: this.settings.perSite, paceMs: this.settings.paceMs }));
    if (!claim.claimed) {
      if (claim.why === 'paced') this.kickLater(claim.waitMs);
      return;
    }
    const row = claim.claimed;
    const token = claim.token;
    const repo = this.uow.read.firmware;
    const heartbeat = setInterval(() => void repo.renewLease(rowId, token, this.leaseUntil()).catch(() => undefined), Math.max(200, Math.floor(this.settings.leaseMs / 3)));
    heartbeat.unref();
    let finished: boolean;
    try {
      finished = await this.#upgrade(row, token);
    } catch (e) {
      if (e instanceof Stopped) {
        await repo.release(rowId, token).catch(() => undefined);
        return;
      }
      if (e instanceof LeaseLost) return;
      throw e;
    } finally {
      clearInterval(heartbeat);
    }
    // A slot on the site is free (or the row waits for another run): what runs next is queued.
    if (finished) await this.kick();
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.#stop.signal;
    if (signal.aborted) return Promise.reject(new Stopped());
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new Stopped());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private checkStopped(): void {
    if (this.#stop.signal.aborted) throw new Stopped();
  }

  private content(packageId: string): Promise<Buffer> {
    let p = this.#packages.get(packageId);
    if (!p) {
      p = this.uow.read.firmware.packageContent(packageId).then((c) => {
        if (!c) throw new AppError('FIRMWARE_PACKAGE_NOT_FOUND');
        return c;
      });
      p.catch(() => this.#packages.delete(packageId));
      if (this.#packages.size >= 4) this.#packages.delete(this.#packages.keys().next().value!);
      this.#packages.set(packageId, p);
    }
    return p;
  }

  /** Takes the row as far as it goes; true when it finished (succeeded or failed), false when it waits for another run. */
  async #upgrade(row: CampaignDeviceRow, token: string): Promise<boolean> {
    const repo = this.uow.read.firmware;
    const campaign = await repo.findCampaign(row.campaignId);
    const pkg = campaign ? await repo.findPackage(campaign.packageId) : undefined;
    if (!campaign || !pkg) return this.fail(row, token, undefined, new AppError('FIRMWARE_PACKAGE_NOT_FOUND'), 0, row.stage);
    let device: ReachedDevice;
    try {
      device = await this.ports.device(row.deviceId);
    } catch (e) {
      return this.fail(row, token, undefined, asAppError(e), row.percent, row.stage);
    }
    const c = device.client;
    let state: CampaignDeviceState = row.state;
    let percent = row.percent;
    let stage = row.stage;
    const set = async (s: CampaignDeviceState, p: number, st: string) => {
      this.checkStopped();
      if (s === state && p === percent && st === stage) return;
      state = s;
      percent = p;
      stage = st;
      if (!(await repo.progress(row.id, token, { state, percent, stage }, this.leaseUntil(), this.clock.now()))) throw new LeaseLost();
    };
    const target = pkg.version;
    // Before anything is sent: a transport that cannot carry the package (the tunnels' one-message
    // cap) fails the device at once, with the limit, rather than timing out five times.
    if (state === 'queued' || state === 'uploading') {
      const tooLarge = c.firmwareTooLarge(pkg.size);
      if (tooLarge) return this.fail(row, token, device, tooLarge, 0, 'upload');
    }

    for (;;) {
      this.checkStopped();
      switch (state) {
        case 'queued': {
          const gate = monitoringGate(device, 'firmware_upgrade');
          if (!gate.allowed) return this.fail(row, token, device, new AppError(gate.code, gate.reason), 0, 'refused');
          let info;
          try {
            info = await c.deviceInfo();
          } catch (e) {
            return this.retryOrFail(row, token, device, asAppError(e), percent, stage);
          }
          if (info.firmwareVersion === target) return this.succeed(row, token, device, target);
          await set('uploading', 0, 'upload');
          break;
        }
        case 'uploading': {
          if (row.attempts > 1) {
            // Resumed: the device may have the package already (or be running it).
            const seen = await this.look(c);
            if (seen.kind === 'failed') return this.fail(row, token, device, seen.error, percent, 'failed');
            if (seen.kind === 'status' && (seen.status.upgrading || seen.status.reboot)) {
              await set('installing', seen.status.percent, seen.status.upgradeStage ?? 'software');
              break;
            }
          }
          const content = await this.content(pkg.id);
          this.checkStopped();
          try {
            await c.upgradeFirmware(content);
          } catch (e) {
            const err = asAppError(e);
            // The device's refusal, or a package it (413) or the transport cannot take: another run would not change that.
            if (err.code === 'DEVICE_FIRMWARE_REJECTED' || err.code === 'DEVICE_BODY_TOO_LARGE' || err.code === 'FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT') return this.fail(row, token, device, err, 0, 'upload');
            // DEVICE_BUSY: an upgrade is already running there (ours, from before a restart).
            if (err.code !== 'DEVICE_BUSY') return this.retryOrFail(row, token, device, err, percent, stage);
          }
          await set('installing', 0, 'software');
          break;
        }
        case 'installing': {
          const seen = await this.look(c);
          if (seen.kind === 'failed') return this.fail(row, token, device, seen.error, percent, 'failed');
          if (seen.kind === 'unreachable') {
            // Gone: it is rebooting into the new firmware (or lost power — the reboot wait says which).
            await set('rebooting', percent, 'reboot');
            break;
          }
          const s = seen.status;
          if (s.reboot || s.percent >= 100) {
            await set('rebooting', 100, 'reboot');
            break;
          }
          if (!s.upgrading) {
            // No upgrade running there: it rebooted already (or never got the package — the reboot wait tells).
            await set('rebooting', percent, 'reboot');
            break;
          }
          await set('installing', s.percent, s.upgradeStage ?? 'software');
          await this.sleep(this.settings.pollMs);
          break;
        }
        case 'rebooting': {
          const deadline = this.clock.now().getTime() + this.settings.rebootTimeoutMs;
          for (;;) {
            let version: string | undefined;
            try {
              version = (await c.deviceInfo()).firmwareVersion;
            } catch {
              version = undefined;
            }
            if (version === target) break;
            if (version !== undefined) {
              // Answering with the old version: still before the reboot, or back without the package.
              const seen = await this.look(c);
              if (seen.kind === 'failed') return this.fail(row, token, device, seen.error, percent, 'failed');
              if (seen.kind === 'status' && !seen.status.upgrading && !seen.status.reboot) {
                // Back (or still up) without the new firmware and no upgrade running: the package did
                // not take. Sent again by a later run, until MAX_ATTEMPTS runs; then reported.
                const err = new AppError('FIRMWARE_NOT_APPLIED', `The device came back with firmware ${version}, not ${target}.`);
                if (row.attempts >= MAX_ATTEMPTS) return this.fail(row, token, device, err, percent, 'verify');
                await set('uploading', 0, 'upload');
                return this.retryOrFail(row, token, device, err, 0, 'upload');
              }
            }
            if (this.clock.now().getTime() >= deadline) return this.fail(row, token, device, new AppError('FIRMWARE_REBOOT_TIMEOUT'), percent, 'reboot');
            await this.sleep(this.settings.pollMs);
          }
          await set('verifying', 100, 'verify');
          break;
        }
        case 'verifying': {
          let version: string;
          try {
            version = (await c.deviceInfo()).firmwareVersion;
          } catch (e) {
            return this.retryOrFail(row, token, device, asAppError(e), percent, stage);
          }
          if (version !== target) return this.fail(row, token, device, new AppError('FIRMWARE_NOT_APPLIED', `The device runs firmware ${version}, not ${target}.`), percent, 'verify');
          return this.succeed(row, token, device, target);
        }
        default:
          return true;
      }
    }
  }

  /** The device's upgrade status: its own failure, unreachable, or the status. */
  private async look(c: DeviceClient): Promise<{ kind: 'status'; status: Awaited<ReturnType<DeviceClient['upgradeStatus']>> } | { kind: 'failed'; error: AppError } | { kind: 'unreachable' }> {
    try {
      return { kind: 'status', status: await c.upgradeStatus() };
    } catch (e) {
      const err = asAppError(e);
      if (err.code === 'DEVICE_UPGRADE_FAILED') return { kind: 'failed', error: err };
      return { kind: 'unreachable' };
    }
  }

  private async succeed(row: CampaignDeviceRow, token: string, device: ReachedDevice, version: string): Promise<boolean> {
    this.checkStopped();
    // The version first: a campaign shown done shows its devices' new versions (both steps are idempotent).
    await this.ports.firmwareChanged(device.serial, version);
    if (!(await this.uow.read.firmware.finish(row.id, token, { state: 'succeeded', percent: 100, stage: 'done' }, this.clock.now()))) throw new LeaseLost();
    this.ports.eventsRecorded();
    return true;
  }

  /** A device that could not be reached: another run later, until MAX_ATTEMPTS runs. */
  private async retryOrFail(row: CampaignDeviceRow, token: string, device: ReachedDevice, err: AppError, percent: number, stage: string): Promise<boolean> {
    if (row.attempts >= MAX_ATTEMPTS) return this.fail(row, token, device, err, percent, stage);
    this.checkStopped();
    await this.uow.read.firmware.release(row.id, token);
    this.kickLater(this.settings.pollMs * 2);
    return false;
  }

  private async fail(row: CampaignDeviceRow, token: string, device: ReachedDevice | undefined, err: AppError, percent: number, stage: string): Promise<boolean> {
    this.checkStopped();
    const now = this.clock.now();
    await this.uow.tx(async (r) => {
      if (!(await r.firmware.finish(row.id, token, { state: 'failed', percent, stage, reasonCode: err.code, reasonMessage: reasonOf(err) }, now))) throw new LeaseLost();
      if (device) {
        await r.events.append(device.companyId, DOMAIN_EVENT_TYPES.deviceFirmwareUpgradeFailed, { deviceId: device.id, siteId: device.siteId, serial: device.serial, message: reasonOf(err), at: now.toISOString() });
      }
    });
    if (device) this.ports.eventsRecorded();
    return true;
  }

  /** Stops every run at its next step (rows let go, state kept) and waits for them. */
  async close(): Promise<void> {
    this.#stop.abort();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.allSettled([...this.#running]);
  }
}

/** The error's message with the device's own words when it gave some (ResponseStatus description). */
function reasonOf(err: AppError): string {
  const description = (err.details as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' && description ? `${err.message.replace(/\.$/, '')}: ${description}` : err.message;
}

function asAppError(e: unknown): AppError {
  return isAppError(e) ? e : new AppError('INTERNAL_ERROR', undefined, { cause: e });
}
