/**
 * Releasing a company's claim on a device (decision 0005), inside the caller's transaction: the
 * device row goes, the holder's audit log says why, and a `device.claim_lost` event tells its
 * installer. Nothing here names the company that proved the device is theirs.
 */
import type { Repos } from '../db/unit-of-work';
import { DOMAIN_EVENT_TYPES, type DeviceClaimLostPayload } from '../events/domain-events';
import type { DevicePlacement } from '../onboarding/onboarding.repository';
import type { ClaimProof } from './claims';

export async function releaseClaim(
  repos: Pick<Repos, 'devices' | 'audit' | 'events'>,
  holder: DevicePlacement,
  why: { reason: DeviceClaimLostPayload['reason']; provenWith: ClaimProof; correlationId?: string | undefined },
): Promise<void> {
  // The target's label is looked up by the audit repository: record before the row is gone.
  await repos.audit.record({
    companyId: holder.companyId, actorId: null, actorEmail: null, action: 'device.claim_lost', targetType: 'device', targetId: holder.id, outcome: 'success',
    details: { serial: holder.serial, siteId: holder.siteId, claimProof: holder.claimProof, reason: why.reason, provenWith: why.provenWith },
    ...(why.correlationId ? { correlationId: why.correlationId } : {}),
  });
  await repos.devices.delete(holder.id);
  await repos.events.append(holder.companyId, DOMAIN_EVENT_TYPES.deviceClaimLost, {
    deviceId: holder.id, siteId: holder.siteId, serial: holder.serial, name: holder.name, claimProof: holder.claimProof, reason: why.reason, notifyUserId: holder.addedBy,
  });
}
