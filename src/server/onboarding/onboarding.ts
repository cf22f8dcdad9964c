/**
 * Onboarding, composed: scanning (scan.service.ts), batches and their progress (batch.service.ts,
 * batch-progress.ts) and the durable per-device job (device-job.ts over device-steps.ts, whose
 * decisions are the pure next-step.ts). Everything is built here from its constructor's arguments.
 */
import type { UnitOfWork } from '../db/unit-of-work';
import type { Clock } from '../lib/clock';
import type { CodeGuesser } from '../gateway/device-gateway';
import type { SecretBox } from '../security/secret-box';
import { BatchProgress, type Authenticate, type ProgressSettings } from './batch-progress';
import { BatchService, type Enqueue } from './batch.service';
import { DeviceJob } from './device-job';
import type { DeviceReach } from './device-reach';
import { DeviceSteps, type DeviceStepSettings } from './device-steps';
import { timerSleep, type Sleep } from './polling';
import type { ProgressSignals } from './progress-signals';
import { ScanService, type ScanSettings } from './scan.service';

export interface OnboardingSettings extends ScanSettings, DeviceStepSettings {
  /** How long a job's claim on an item holds (renewed while it runs). */
  leaseMs: number;
  /** Progress streams: how long one stays open, the caps, how often access is checked again. */
  progress: ProgressSettings;
}

export interface OnboardingDeps {
  uow: UnitOfWork;
  reach: DeviceReach;
  secrets: SecretBox;
  clock: Clock;
  /** Pauses between polls (default: real timers). */
  sleep?: Sleep;
  /** Tells the progress streams which batches changed (one listener per node). */
  progressSignals: ProgressSignals;
  /** Who holds these credentials now (a progress stream checks its caller again). */
  authenticate: Authenticate;
  settings: OnboardingSettings;
  /** Queues the `onboarding.device` job of each item. */
  enqueue: Enqueue;
  /** A domain event for the notifier was committed. */
  eventsRecorded: () => void;
  /** Refuses an add while code guessing is throttled (DeviceGateway.checkCodeGuesser); default: never. */
  checkCodeGuesser?: (by: CodeGuesser, serials: readonly string[]) => void;
}

export interface Onboarding {
  /** How onboarding reaches devices (device cloud, LAN through the site agent, direct). */
  reach: DeviceReach;
  scans: ScanService;
  batches: BatchService;
  progress: BatchProgress;
  /** The `onboarding.device` job, its continuations and the sweep. */
  job: DeviceJob;
}

export function createOnboarding(d: OnboardingDeps): Onboarding {
  const s = d.settings;
  const waiting = { clock: d.clock, sleep: d.sleep ?? timerSleep };
  const batches = new BatchService(d.uow, d.secrets, d.enqueue, d.checkCodeGuesser);
  const steps = new DeviceSteps(d.uow, d.reach, d.secrets, waiting, s, d.eventsRecorded);
  return {
    reach: d.reach,
    scans: new ScanService(d.uow, d.reach, d.secrets, d.clock, s),
    batches,
    progress: new BatchProgress(batches, d.clock, d.progressSignals, d.authenticate, s.progress),
    job: new DeviceJob(d.uow, steps, waiting, s, { enqueue: d.enqueue, eventsRecorded: d.eventsRecorded }),
  };
}
