/**
 * Storage the device gateway needs. The PostgreSQL implementation lives with the database code;
 * memory-store.ts is the in-memory one for tests and single-process demos.
 */

/** What a device reported when it registered with the device cloud. */
export interface DeviceRegistration {
  serial: string;
  /** SHA-256 key derived from serial + verification code (hex); never the code itself. */
  keyHex: string;
  model: string;
  type: string;
  firmware: string;
  registeredAt: Date;
  updatedAt: Date;
}

/** One presence change; a batch holds at most one entry per serial (the latest). */
export interface PresenceUpdate {
  serial: string;
  online: boolean;
  /** When the gateway saw the change. */
  at: Date;
  /** Firmware as reported at connect time (online updates only). */
  firmware?: string;
}

export interface GatewayStore {
  /** Insert or replace the registration for `reg.serial` (a replaced one keeps its first `registeredAt`). */
  upsertRegistration(reg: DeviceRegistration): Promise<void>;
  getRegistration(serial: string): Promise<DeviceRegistration | null>;
  /**
   * Apply many presence changes in one write (one statement / transaction, not one per device). A
   * change without firmware keeps the firmware last reported; presence never changes a registration.
   */
  applyPresence(batch: PresenceUpdate[]): Promise<void>;
  /**
   * Serials whose stored presence is online. A gateway that starts (or whose broker restarted) does
   * not take these as live: they are online only until the grace period ends unless they reconnect.
   */
  onlineSerials(): Promise<string[]>;
}

export interface DevicePresenceState {
  online: boolean;
  since: Date;
  /** The last firmware a presence update reported (kept across updates without one). */
  firmware?: string;
}
