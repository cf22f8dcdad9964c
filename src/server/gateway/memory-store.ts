import type { DevicePresenceState, DeviceRegistration, GatewayStore, PresenceUpdate } from './gateway.types';

/** In-memory GatewayStore for tests and demos. Counts writes so tests can check batching. */
export class MemoryGatewayStore implements GatewayStore {
  readonly registrations = new Map<string, DeviceRegistration>();
  readonly presence = new Map<string, DevicePresenceState>();
  /** Number of applyPresence calls (each one = one database write in a real store). */
  presenceWrites = 0;

  async upsertRegistration(reg: DeviceRegistration): Promise<void> {
    this.registrations.set(reg.serial, { ...reg });
  }

  async getRegistration(serial: string): Promise<DeviceRegistration | null> {
    const r = this.registrations.get(serial);
    return r ? { ...r } : null;
  }

  async applyPresence(batch: PresenceUpdate[]): Promise<void> {
    this.presenceWrites++;
    for (const u of batch) {
      this.presence.set(u.serial, { online: u.online, since: u.at });
      const reg = this.registrations.get(u.serial);
      if (reg && u.firmware) reg.firmware = u.firmware;
    }
  }
}
