/**
 * Domain events: written to `domain_events` in the same transaction as the change they describe
 * (an outbox), then handled by consumers such as the notifier. The payload types live here so
 * that producers and consumers agree on them.
 */

/** `onboarding.item_settled`: a device that waited (offline) reached an end state. */
export interface ItemSettledPayload {
  batchId: string;
  itemId: string;
  siteId: string;
  serial: string | null;
  /** The device's name from the scan. */
  name: string;
  state: 'added' | 'already_added' | 'failed' | 'needs_action';
  deviceId: string | null;
  error: { code: string; message: string; hint?: string | undefined } | null;
  /** The installer who started the add. */
  notifyUserId: string | null;
}

/** `device.added`: a device was added to a site. */
export interface DeviceAddedPayload {
  deviceId: string;
  siteId: string;
  family: string;
  firmwareCompatible: boolean | null;
  /** The device waited (offline) before it was added. */
  wasPending: boolean;
  notifyUserId: string | null;
}

/**
 * `device.claim_lost`: a company's claim on a device was released because another company proved
 * the device is theirs (its verification code, or its activation) while this claim was weak
 * (decision 0005). Never names the other company.
 */
export interface DeviceClaimLostPayload {
  deviceId: string;
  siteId: string;
  serial: string;
  name: string;
  /** How this company's claim had been proven ('credentials' or 'none'). */
  claimProof: string;
  /** 'proven_elsewhere': another company's add proved it; 'disputed': an installer admin disputed the claim with the device's code. */
  reason: 'proven_elsewhere' | 'disputed';
  /** The installer who added it. */
  notifyUserId: string | null;
}

/** `device.released`: a company released its claim on a device (POST /api/devices/:id/release). */
export interface DeviceReleasedPayload {
  deviceId: string;
  siteId: string;
  serial: string;
  releasedBy: string;
}

/**
 * `device.deleted`: a device was deleted from its site (DELETE /api/devices/:id), written before the
 * row and its sealed credentials go: what a later reconcile (the AX Pro accounts Sitekeeper made on
 * the device) needs to find and clean up the device without the row.
 */
export interface DeviceDeletedPayload {
  deviceId: string;
  companyId: string;
  siteId: string;
  serial: string;
  type: string;
  model: string;
  name: string;
  addedVia: string;
  host: string | null;
  port: number | null;
  /** The device cloud held a key (and broker account) for the serial, and it was released. */
  cloudReleased: boolean;
  deletedBy: string;
}

/** `user.password_changed`: an installer changed their password (the AX Pro reconcile applies it). */
export interface PasswordChangedPayload {
  userId: string;
  /** ISO time of the change. */
  at: string;
}

/** A health summary as events carry it (src/server/health/health-summary.ts). */
export interface HealthSummaryPayload {
  state: 'healthy' | 'warning' | 'fault' | 'offline' | 'unknown';
  reasons: Array<{ code: string; severity: 'info' | 'warning' | 'fault'; message: string; subject?: { kind: 'disk' | 'channel' | 'zone'; id: number } | undefined }>;
}

/**
 * `device.health_changed`: a monitored device's health summary changed (state or reasons), written
 * with the new summary in one transaction. Only while its health monitoring is on. `old` is null
 * for the first summary after monitoring began.
 */
export interface DeviceHealthChangedPayload {
  deviceId: string;
  siteId: string;
  serial: string;
  old: HealthSummaryPayload | null;
  new: HealthSummaryPayload;
  /** ISO time of the poll that saw the change. */
  at: string;
}

/** `device.health_monitoring_changed`: the per-device switch (rules and exceptions re-derive their validity from it). */
export interface DeviceHealthMonitoringChangedPayload {
  deviceId: string;
  siteId: string;
  serial: string;
  enabled: boolean;
  byUserId: string;
}

/** `device.firmware_upgrade_failed`: a firmware upgrade of a device failed (raises the exception of that type). */
export interface DeviceFirmwareUpgradeFailedPayload {
  deviceId: string;
  siteId: string;
  serial: string;
  message: string;
  at: string;
}

/** `site.handed_over`: a site's invitation was accepted; its customer owns it now. */
export interface SiteHandedOverPayload {
  siteId: string;
}

/** `site.authorization_changed`: the owner granted, changed or revoked the installer company's authorization (expiry is found by the periodic run). */
export interface SiteAuthorizationChangedPayload {
  siteId: string;
}

/** `installer.removed`: an installer admin removed an installer from the company. */
export interface InstallerRemovedPayload {
  userId: string;
  companyId: string;
}

/** `installer.permission_changed`: an installer's permission (manage all / assigned sites) changed. */
export interface InstallerPermissionChangedPayload {
  userId: string;
  companyId: string;
}

/** `site.installers_changed`: the installers assigned to a site changed (assignment, or an assigned installer removed). */
export interface SiteInstallersChangedPayload {
  siteId: string;
}

export const DOMAIN_EVENT_TYPES = {
  /** A device was added to a site (payload: deviceId, siteId, family, firmwareCompatible, wasPending, notifyUserId). */
  deviceAdded: 'device.added',
  /** An installer changed their password (the AX Pro reconcile applies it). */
  passwordChanged: 'user.password_changed',
  itemSettled: 'onboarding.item_settled',
  /** A weak claim on a device was released for a company that proved the device is theirs (decision 0005). */
  deviceClaimLost: 'device.claim_lost',
  /** A company released its claim on a device. */
  deviceReleased: 'device.released',
  /** A device was deleted from its site (payload: what the AX Pro reconcile needs). */
  deviceDeleted: 'device.deleted',
  /** A monitored device's health summary changed (payload: old and new summary with reasons). */
  deviceHealthChanged: 'device.health_changed',
  /** Health monitoring switched on or off for a device. */
  deviceHealthMonitoringChanged: 'device.health_monitoring_changed',
  /** A firmware upgrade failed (written by the firmware upgrade when it comes; raises an exception). */
  deviceFirmwareUpgradeFailed: 'device.firmware_upgrade_failed',
  /** A site was handed over to its customer (payload: siteId). */
  siteHandedOver: 'site.handed_over',
  /** The owner granted, changed or revoked the installer company's authorization (payload: siteId). */
  siteAuthorizationChanged: 'site.authorization_changed',
  /** An installer was removed from the company (payload: userId, companyId). */
  installerRemoved: 'installer.removed',
  /** An installer's permission changed (payload: userId, companyId). */
  installerPermissionChanged: 'installer.permission_changed',
  /** The installers assigned to a site changed (payload: siteId). */
  siteInstallersChanged: 'site.installers_changed',
} as const;

/** Each event type's payload: a writer cannot put the wrong shape under a type. */
export interface DomainEventPayloads {
  'device.added': DeviceAddedPayload;
  'user.password_changed': PasswordChangedPayload;
  'onboarding.item_settled': ItemSettledPayload;
  'device.claim_lost': DeviceClaimLostPayload;
  'device.released': DeviceReleasedPayload;
  'device.deleted': DeviceDeletedPayload;
  'device.health_changed': DeviceHealthChangedPayload;
  'device.health_monitoring_changed': DeviceHealthMonitoringChangedPayload;
  'device.firmware_upgrade_failed': DeviceFirmwareUpgradeFailedPayload;
  'site.handed_over': SiteHandedOverPayload;
  'site.authorization_changed': SiteAuthorizationChangedPayload;
  'installer.removed': InstallerRemovedPayload;
  'installer.permission_changed': InstallerPermissionChangedPayload;
  'site.installers_changed': SiteInstallersChangedPayload;
}

export type DomainEventType = keyof DomainEventPayloads;
