/**
 * Retention of the delivery logs (issue 15): finished e-mails, webhook deliveries and linkage
 * firings older than DELIVERY_LOG_DAYS are deleted by the hourly retention job, so the logs stay
 * bounded however long the server runs. What is still pending or retrying is never touched.
 */
import type { UnitOfWork } from '../db/unit-of-work';
import type { Clock } from '../lib/clock';

export interface LogsTrimmed {
  email: number;
  webhooks: number;
  firings: number;
}

export class LogRetention {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly days: number,
  ) {}

  async trim(): Promise<LogsTrimmed> {
    const before = new Date(this.clock.now().getTime() - this.days * 86_400_000);
    const r = this.uow.read;
    return { email: await r.email.trimFinished(before), webhooks: await r.webhooks.trimFinished(before), firings: await r.linkage.trimFinished(before) };
  }
}
