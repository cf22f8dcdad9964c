/**
 * The AX Pro accounts' consumer of the domain-event outbox, with its own cursor (`outbox_cursors`,
 * consumer 'axpro'): each event that can change the accounts a panel must have schedules an
 * `axpro.reconcile` job per affected panel. The jobs are sent after the cursor commits (on the
 * embedded database one connection at a time: the queue's insert cannot run while this transaction
 * holds it). A crash between the two loses only the schedule: the periodic reconcile of every panel
 * (AXPRO_RECONCILE_SECONDS) is the safety net, and reconciles are idempotent.
 */
import type { Clock } from '../lib/clock';
import type { Repos, UnitOfWork } from '../db/unit-of-work';
import { DOMAIN_EVENT_TYPES, type DeviceAddedPayload, type DeviceDeletedPayload, type DeviceHealthChangedPayload } from '../events/domain-events';
import type { StoredDomainEvent } from '../events/event.repository';

export const AXPRO_CONSUMER = 'axpro';
const BATCH = 200;
const CONSUMED: string[] = [
  DOMAIN_EVENT_TYPES.deviceAdded, DOMAIN_EVENT_TYPES.deviceDeleted, DOMAIN_EVENT_TYPES.deviceHealthChanged, DOMAIN_EVENT_TYPES.passwordChanged, DOMAIN_EVENT_TYPES.axproPasswordCaptured,
  DOMAIN_EVENT_TYPES.siteInstallersChanged, DOMAIN_EVENT_TYPES.userAdded, DOMAIN_EVENT_TYPES.userUpdated, DOMAIN_EVENT_TYPES.userRemoved,
  DOMAIN_EVENT_TYPES.siteHandedOver, DOMAIN_EVENT_TYPES.siteAuthorizationChanged,
];

/** Queues one reconcile per panel (the reconcile coalesces runs of one panel). */
export type ScheduleReconciles = (deviceIds: string[]) => Promise<void>;

export class AxproEventConsumer {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly schedule: ScheduleReconciles,
  ) {}

  /** Handles every event after the cursor; returns how many. */
  async processPending(): Promise<number> {
    let handled = 0;
    for (;;) {
      const panels = new Set<string>();
      const n = await this.uow.tx(async (repos) => {
        const cursor = await repos.events.lockCursor(AXPRO_CONSUMER);
        const events = await repos.events.takeAfter(cursor, BATCH, CONSUMED);
        if (events.length === 0) return 0;
        for (const e of events) for (const id of await panelsFor(repos, e)) panels.add(id);
        const last = events[events.length - 1]!;
        await repos.events.advanceCursor(AXPRO_CONSUMER, last.txId, last.id, this.clock.now());
        return events.length;
      });
      if (panels.size > 0) await this.schedule([...panels]);
      handled += n;
      if (n < BATCH) break;
    }
    return handled;
  }
}

/** The panels whose desired accounts an event may have changed. */
export async function panelsFor(r: Repos, e: StoredDomainEvent): Promise<string[]> {
  const p = e.payload;
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  switch (e.type) {
    case DOMAIN_EVENT_TYPES.deviceAdded:
      return (p as unknown as DeviceAddedPayload).family === 'axpro' || (await r.axpro.isPanel(str('deviceId') ?? '')) ? [str('deviceId')!] : [];
    case DOMAIN_EVENT_TYPES.deviceDeleted:
      return (p as unknown as DeviceDeletedPayload).type === 'axpro' ? [str('deviceId')!] : [];
    case DOMAIN_EVENT_TYPES.deviceHealthChanged: {
      // A panel back online: what changed while it was away is applied now.
      const h = p as unknown as DeviceHealthChangedPayload;
      return h.old?.state === 'offline' && h.new.state !== 'offline' && (await r.axpro.isPanel(h.deviceId)) ? [h.deviceId] : [];
    }
    case DOMAIN_EVENT_TYPES.passwordChanged:
    case DOMAIN_EVENT_TYPES.axproPasswordCaptured:
      return r.axpro.devicesOfUser(str('userId') ?? '');
    case DOMAIN_EVENT_TYPES.userAdded:
    case DOMAIN_EVENT_TYPES.userUpdated:
    case DOMAIN_EVENT_TYPES.userRemoved: {
      // A permission change can add or remove the user anywhere in the company; their own panels first.
      const own = await r.axpro.devicesOfUser(str('userId') ?? '');
      const company = e.companyId ? await r.axpro.panelsOfCompany(e.companyId) : [];
      return [...new Set([...own, ...company])];
    }
    case DOMAIN_EVENT_TYPES.siteInstallersChanged:
    case DOMAIN_EVENT_TYPES.siteHandedOver:
    case DOMAIN_EVENT_TYPES.siteAuthorizationChanged:
      return r.axpro.panelsOfSite(str('siteId') ?? '');
    default:
      return [];
  }
}
