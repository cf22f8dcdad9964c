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

/** `user.password_changed`: an installer changed their password (the AX Pro reconcile applies it). */
export interface PasswordChangedPayload {
  userId: string;
  /** ISO time of the change. */
  at: string;
}

export const DOMAIN_EVENT_TYPES = {
  /** A device was added to a site (payload: deviceId, siteId, family, firmwareCompatible, wasPending, notifyUserId). */
  deviceAdded: 'device.added',
  /** An installer changed their password (the AX Pro reconcile applies it). */
  passwordChanged: 'user.password_changed',
  itemSettled: 'onboarding.item_settled',
} as const;

/** Each event type's payload: a writer cannot put the wrong shape under a type. */
export interface DomainEventPayloads {
  'device.added': DeviceAddedPayload;
  'user.password_changed': PasswordChangedPayload;
  'onboarding.item_settled': ItemSettledPayload;
}

export type DomainEventType = keyof DomainEventPayloads;
