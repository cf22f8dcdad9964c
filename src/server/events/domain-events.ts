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
  /**
   * An AX Pro's credentials, still sealed (associated data `device:<serial>`): the AX Pro reconcile
   * deletes the panel users Sitekeeper made with them once the row is gone. Null for other devices.
   */
  credentialsSealed?: string | null;
}

/** `site.handed_over`: a site was handed over to its end user. */
export interface SiteHandedOverPayload {
  siteId: string;
}

/** `site.authorization_changed`: an end user granted, changed, or revoked the installer company's authorization, or it expired. */
export interface SiteAuthorizationChangedPayload {
  siteId: string;
}

/** `site.installers_changed`: the installers assigned to a site changed. */
export interface SiteInstallersChangedPayload {
  siteId: string;
  added: string[];
  removed: string[];
}

/** `user.updated`: an installer admin changed an installer's permission or disabled/enabled them. */
export interface UserUpdatedPayload {
  userId: string;
  permission: string | null;
  disabled: boolean;
}

/** `axpro.password_captured`: a user's login password was kept (sealed) for panels that need it (decision 0016). */
export interface AxproPasswordCapturedPayload {
  userId: string;
}

/** `user.added`: someone joined the company (an accepted invitation): a manage-all installer manages every site at once. */
export interface UserAddedPayload {
  userId: string;
}

/** `user.removed`: an installer was removed from the company (their panel accounts go, rule 6). */
export interface UserRemovedPayload {
  userId: string;
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
  /** A device reported another firmware version (a poll or the device cloud): its verdict was re-checked. */
  deviceFirmwareChanged: 'device.firmware_changed',
  /** A site was handed over to its end user. */
  siteHandedOver: 'site.handed_over',
  /** The installer company's authorization on a site began, changed, ended or was revoked. */
  siteAuthorizationChanged: 'site.authorization_changed',
  /** The installers assigned to a site changed. */
  siteInstallersChanged: 'site.installers_changed',
  /** An installer's permission or disabled flag changed. */
  userUpdated: 'user.updated',
  /** Someone joined the company (an invitation was accepted). */
  userAdded: 'user.added',
  /** An installer was removed from the company. */
  userRemoved: 'user.removed',
  /** A user's login password was kept (sealed) at sign-in for AX Pro panels that wait for it. */
  axproPasswordCaptured: 'axpro.password_captured',
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
  'site.installers_changed': SiteInstallersChangedPayload;
  'user.updated': UserUpdatedPayload;
  'user.added': UserAddedPayload;
  'user.removed': UserRemovedPayload;
  'axpro.password_captured': AxproPasswordCapturedPayload;
  'device.firmware_changed': DeviceFirmwareChangedPayload;
}

/** `device.firmware_changed`: the firmware version a device reports changed; the catalogue's verdict was re-checked. */
export interface DeviceFirmwareChangedPayload {
  deviceId: string;
  siteId: string;
  serial: string;
  old: string;
  new: string;
  /** The verdict for the new version (null: unknown). */
  compatible: boolean | null;
  upgradeTo: string | null;
  /** Where the version came from. */
  source: 'poll' | 'device_cloud' | 'firmware_upgrade';
}

export type DomainEventType = keyof DomainEventPayloads;
