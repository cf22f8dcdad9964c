/**
 * What each domain event tells whom. Pure: an event (and the names it mentions) in, the
 * notifications to deliver out. Events nobody needs to hear about map to nothing.
 */
import type { NotificationSeverity } from '../db/schema';
import { DOMAIN_EVENT_TYPES, type DeviceClaimLostPayload, type ItemSettledPayload } from '../events/domain-events';

export interface DomainEventRow {
  id: string;
  companyId: string | null;
  type: string;
  payload: Record<string, unknown>;
}

/** What a notification says (shared by new ones and stored ones). */
export interface NotificationContent {
  kind: string;
  severity: NotificationSeverity;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
}

export interface NewNotification extends NotificationContent {
  companyId: string;
  userId: string;
}

/** Names looked up once per dispatch run for the events in it. */
export interface Names {
  siteName(siteId: string): string | undefined;
}

export function notificationsFor(e: DomainEventRow, names: Names): NewNotification[] {
  if (e.type === DOMAIN_EVENT_TYPES.itemSettled && e.companyId) return itemSettled(e.companyId, e.payload as unknown as ItemSettledPayload, names);
  if (e.type === DOMAIN_EVENT_TYPES.deviceClaimLost && e.companyId) return claimLost(e.companyId, e.payload as unknown as DeviceClaimLostPayload, names);
  return [];
}

/** A weak claim released for another company's proof (decision 0005): who, never named. */
function claimLost(companyId: string, p: DeviceClaimLostPayload, names: Names): NewNotification[] {
  if (!p.notifyUserId) return [];
  const site = names.siteName(p.siteId) ?? 'its site';
  const how = p.reason === 'disputed' ? "disputed this company's claim with the device's verification code" : "added it with the device's verification code";
  return [{
    companyId, userId: p.notifyUserId, kind: 'device.claim_lost', severity: 'warning',
    title: `${p.name} was removed: another account proved it is theirs`,
    body: `${p.name} (${p.serial}) was removed from ${site}. It had been added with an admin password only, which does not prove whose device it is; another account ${how}. If the device is yours, add it again by scanning its label.`,
    link: `/sites/${p.siteId}/devices`,
    data: { siteId: p.siteId, serial: p.serial, deviceId: p.deviceId, reason: p.reason },
  }];
}

function itemSettled(companyId: string, p: ItemSettledPayload, names: Names): NewNotification[] {
  if (!p.notifyUserId) return []; // the installer who added it was removed meanwhile
  const site = names.siteName(p.siteId) ?? 'the site';
  const device = p.serial ? `${p.name} (${p.serial})` : p.name;
  const base = { companyId, userId: p.notifyUserId, data: { batchId: p.batchId, itemId: p.itemId, siteId: p.siteId, serial: p.serial, deviceId: p.deviceId, errorCode: p.error?.code ?? null } };
  const hint = p.error?.hint ? ` ${p.error.hint}` : '';
  switch (p.state) {
    case 'added':
      return [{ ...base, kind: 'device.online_added', severity: 'success', title: `${p.name} is online and was added`, body: `${device} came online and was added to ${site}. Health monitoring is on.`, link: p.deviceId ? `/devices/${p.deviceId}` : `/sites/${p.siteId}/devices` }];
    case 'already_added':
      return [{ ...base, kind: 'onboarding.already_added', severity: 'info', title: `${p.name} was already added`, body: `${device} came online, but it is already on a site. ${p.error?.message ?? ''}${hint}`.trim(), link: `/sites/${p.siteId}/devices` }];
    case 'needs_action':
      return [{ ...base, kind: 'onboarding.needs_action', severity: 'warning', title: `${p.name} is online and needs you`, body: `${device} came online; to add it to ${site}: ${p.error?.message ?? 'more information is needed.'}${hint}`, link: `/m/progress/${p.batchId}` }];
    case 'failed':
      if (p.error?.code === 'ONBOARDING_EXPIRED') {
        return [{ ...base, kind: 'onboarding.expired', severity: 'warning', title: `${p.name} never came online`, body: `${device} was waiting to be added to ${site} and the wait has ended.${hint || ' Connect it to the network and scan its label again.'}`, link: `/m/progress/${p.batchId}` }];
      }
      return [{ ...base, kind: 'onboarding.failed', severity: 'error', title: `${p.name} could not be added`, body: `${device} came online but could not be added to ${site}: ${p.error?.message ?? 'unknown error.'}${hint}`, link: `/m/progress/${p.batchId}` }];
    default:
      return [];
  }
}
