/**
 * Storage the device gateway needs. The PostgreSQL implementation lives with the database code;
 * memory-store.ts is the in-memory one for tests and single-process demos.
 */

/** What a device reported when it registered with the device cloud. */
export interface DeviceRegistration {
  serial: string;
  /**
   * The device key (hex): random, issued by the platform after the device proved its code; stores
   * keep it sealed at rest. Never the code itself.
   */
  keyHex: string;
  /** A key derived from serial + code (before issue 12): replaced by an issued one at the device's next hello. */
  legacy?: boolean;
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
  /** Forget a binding (the installer's reset). True when there was one. */
  deleteRegistration(serial: string): Promise<boolean>;
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
