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

export const DOMAIN_EVENT_TYPES = {
  /** A device was added to a site (payload: deviceId, siteId, family, firmwareCompatible, wasPending, notifyUserId). */
  deviceAdded: 'device.added',
  /** An installer changed their password (the AX Pro reconcile applies it). */
  passwordChanged: 'user.password_changed',
  itemSettled: 'onboarding.item_settled',
} as const;
