/**
 * PostgreSQL implementation of the gateway's storage. Presence arrives in batches and is written
 * with one statement per batch (never one UPDATE per heartbeat).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { DeviceRegistration, GatewayStore, PresenceUpdate } from './gateway.types';

export class PgGatewayStore implements GatewayStore {
  constructor(private readonly db: Executor) {}

  async upsertRegistration(r: DeviceRegistration): Promise<void> {
    await this.db
      .insertInto('cloud_registrations')
      .values({ serial: r.serial, key_hex: r.keyHex, model: r.model, type: r.type, firmware: r.firmware, registered_at: r.registeredAt, updated_at: r.updatedAt })
      .onConflict((oc) => oc.column('serial').doUpdateSet({ key_hex: r.keyHex, model: r.model, type: r.type, firmware: r.firmware, updated_at: r.updatedAt }))
      .execute();
  }

  async getRegistration(serial: string): Promise<DeviceRegistration | null> {
    const r = await this.db.selectFrom('cloud_registrations').selectAll().where('serial', '=', serial).executeTakeFirst();
    return r ? { serial: r.serial, keyHex: r.key_hex, model: r.model, type: r.type, firmware: r.firmware, registeredAt: r.registered_at, updatedAt: r.updated_at } : null;
  }

  async applyPresence(batch: PresenceUpdate[]): Promise<void> {
    if (batch.length === 0) return;
    await this.db
      .insertInto('device_presence')
      .values(batch.map((b) => ({ serial: b.serial, online: b.online, at: b.at, firmware: b.firmware ?? null })))
      .onConflict((oc) =>
        oc.column('serial').doUpdateSet({
          online: sql`excluded.online`,
          at: sql`excluded.at`,
          firmware: sql`coalesce(excluded.firmware, device_presence.firmware)`,
        }),
      )
      .execute();
    // Devices on sites follow their presence in the same round (one statement for the batch).
    await sql`update devices d set status = case when p.online then 'online' else 'offline' end, updated_at = now()
      from device_presence p where p.serial = d.serial and p.serial in (${sql.join(batch.map((b) => b.serial))}) and d.added_via = 'cloud'`.execute(this.db);
  }

  async onlineSerials(): Promise<string[]> {
    const rows = await this.db.selectFrom('device_presence').select('serial').where('online', '=', true).execute();
    return rows.map((r) => r.serial);
  }
}
