import type { DevicePresenceState, DeviceRegistration, GatewayStore, PresenceUpdate } from './gateway.types';

/** In-memory GatewayStore for tests and demos. Counts writes so tests can check batching. */
export class MemoryGatewayStore implements GatewayStore {
  readonly registrations = new Map<string, DeviceRegistration>();
  readonly presence = new Map<string, DevicePresenceState>();
  /** Number of applyPresence calls (each one = one database write in a real store). */
  presenceWrites = 0;

  async upsertRegistration(reg: DeviceRegistration): Promise<void> {
    // Like the PostgreSQL store: a registration keeps the time it was first registered.
    const registeredAt = this.registrations.get(reg.serial)?.registeredAt ?? reg.registeredAt;
    this.registrations.set(reg.serial, { ...reg, legacy: reg.legacy ?? false, registeredAt });
  }

  async getRegistration(serial: string): Promise<DeviceRegistration | null> {
    const r = this.registrations.get(serial);
    return r ? { ...r } : null;
  }

  async deleteRegistration(serial: string): Promise<boolean> {
    return this.registrations.delete(serial);
  }

  async applyPresence(batch: PresenceUpdate[]): Promise<void> {
    this.presenceWrites++;
    for (const u of batch) {
      // Firmware reported once stays until reported again (the PostgreSQL store's coalesce).
      const firmware = u.firmware ?? this.presence.get(u.serial)?.firmware;
      this.presence.set(u.serial, { online: u.online, since: u.at, ...(firmware !== undefined ? { firmware } : {}) });
    }
  }

  async onlineSerials(): Promise<string[]> {
    return [...this.presence].filter(([, p]) => p.online).map(([serial]) => serial);
  }
}
