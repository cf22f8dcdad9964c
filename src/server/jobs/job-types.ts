/**
 * The job registry: one entry per job name with its payload type. Adding a job = adding it here
 * and passing a handler for it to the JobQueue (a missing or duplicate handler stops startup).
 */
export interface JobPayloads {
  /** Trivial job proving the queue works on the configured backend. */
  'system.ping': { nonce: string };
  /** Take one device of an onboarding batch as far as it can go (idempotent; see onboarding/device-job.ts). */
  'onboarding.device': { itemId: string };
  /** Turn new domain events into notifications (idempotent; any number may run). */
  'notifications.dispatch': Record<string, never>;
  /** Trim health history to HEALTH_HISTORY_DAYS and a cap per device (idempotent; queued hourly by the health poller). */
  'health.retention': Record<string, never>;
  /** One attempt of a webhook delivery (idempotent: claims the delivery first; queues its own retry with backoff). */
  'webhooks.deliver': { deliveryId: string };
  /** Bring one AX Pro panel's user accounts in step with its site (idempotent; runs of one panel coalesce on a node). */
  'axpro.reconcile': { deviceId: string };
  /** One attempt of an e-mail (idempotent: claims the email_deliveries row first; queues its own retry with backoff). */
  'email.send': { deliveryId: string };
  /** One run of one device's firmware upgrade in a campaign (idempotent: claims the row with a lease; see firmware/campaign-runner.ts). */
  'firmware.device': { rowId: string };
}

export type JobName = keyof JobPayloads;

export const JOB_NAMES: readonly JobName[] = ['system.ping', 'onboarding.device', 'notifications.dispatch', 'health.retention', 'webhooks.deliver', 'axpro.reconcile', 'email.send', 'firmware.device'];

/** How many jobs of a kind one node runs at once (device I/O is slow; the database is not the limit). */
export const JOB_CONCURRENCY: Record<JobName, number> = { 'system.ping': 1, 'onboarding.device': 64, 'notifications.dispatch': 1, 'health.retention': 1, 'webhooks.deliver': 8, 'axpro.reconcile': 8, 'email.send': 4, 'firmware.device': 32 };

export type JobHandler<N extends JobName> = (data: JobPayloads[N], ctx: { jobId: string }) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };
