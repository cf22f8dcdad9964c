import type { UnitOfWork } from '../db/unit-of-work';
import type { DeviceJob } from '../onboarding/device-job';
import type { NotificationService } from '../notifications/notification.service';
import type { HealthService } from '../health/health.service';
import type { LogRetention } from './log-retention';
import type { WebhookService } from '../webhooks/webhook.service';
import type { JobHandlers } from './job-types';
import type { AxproReconciles } from '../axpro/axpro-reconciles';
import type { EmailService } from '../email/email.service';
import type { CampaignRunner } from '../firmware/campaign-runner';

/** Every job's handler, built from the services it needs. */
export function createJobHandlers(deps: { uow: UnitOfWork; onboarding: Pick<DeviceJob, 'runItem'>; notifications: NotificationService; health: Pick<HealthService, 'trimHistory'>; logs: Pick<LogRetention, 'trim'>; webhooks: Pick<WebhookService, 'attempt'>; axpro: Pick<AxproReconciles, 'run'>; email: Pick<EmailService, 'attempt'>; firmware: Pick<CampaignRunner, 'run'> }): JobHandlers {
  return {
    // Records that the queue ran a job on this backend (idempotent: last nonce wins).
    'system.ping': async (data) => {
      await deps.uow.read.settings.set('jobs.last_ping', data.nonce);
    },
    'onboarding.device': async (data) => deps.onboarding.runItem(data.itemId),
    'notifications.dispatch': async () => {
      await deps.notifications.dispatchPending();
    },
    'health.retention': async () => {
      await deps.health.trimHistory();
      await deps.logs.trim();
    },
    'webhooks.deliver': async (data) => deps.webhooks.attempt(data.deliveryId),
    'axpro.reconcile': async (data) => {
      await deps.axpro.run(data.deviceId);
    },
    'email.send': async (data) => deps.email.attempt(data.deliveryId),
    'firmware.device': async (data) => deps.firmware.run(data.rowId),
  };
}
