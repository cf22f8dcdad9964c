/**
 * PostgreSQL implementation of the gateway's storage. Device keys are sealed at rest with the
 * server's secret box (injected); presence arrives in batches and is written with one statement per
 * batch (never one UPDATE per heartbeat).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { DeviceRegistration, GatewayStore, PresenceUpdate } from './gateway.types';

/** Seals and opens secrets at rest (the server's SecretBox). */
export interface KeySealer {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
}

const keyAd = (serial: string) => `cloud-key:${serial}`;

export class PgGatewayStore implements GatewayStore {
  constructor(
    private readonly db: Executor,
    private readonly sealer: KeySealer,
  ) {}

  async upsertRegistration(r: DeviceRegistration): Promise<void> {
    const keySealed = this.sealer.seal(r.keyHex, keyAd(r.serial));
    const legacy = r.legacy ?? false;
    await this.db
      .insertInto('cloud_registrations')
      .values({ serial: r.serial, key_hex: null, key_sealed: keySealed, key_legacy: legacy, model: r.model, type: r.type, firmware: r.firmware, registered_at: r.registeredAt, updated_at: r.updatedAt })
      .onConflict((oc) => oc.column('serial').doUpdateSet({ key_hex: null, key_sealed: keySealed, key_legacy: legacy, model: r.model, type: r.type, firmware: r.firmware, updated_at: r.updatedAt }))
      .execute();
  }

  async getRegistration(serial: string): Promise<DeviceRegistration | null> {
    const r = await this.db.selectFrom('cloud_registrations').selectAll().where('serial', '=', serial).executeTakeFirst();
    if (!r) return null;
    const keyHex = r.key_sealed !== null ? this.sealer.open(r.key_sealed, keyAd(r.serial)) : r.key_hex;
    if (!keyHex) return null;
    return { serial: r.serial, keyHex, legacy: r.key_legacy, model: r.model, type: r.type, firmware: r.firmware, registeredAt: r.registered_at, updatedAt: r.updated_at };
  }

  async deleteRegistration(serial: string): Promise<boolean> {
    const r = await this.db.deleteFrom('cloud_registrations').where('serial', '=', serial).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * Seal the keys migration 0007 left in the clear (legacy, derived from the code). Run once at
   * start, before the device cloud; idempotent. Returns how many it sealed.
   */
  async sealPlaintextKeys(): Promise<number> {
    const rows = await this.db.selectFrom('cloud_registrations').select(['serial', 'key_hex']).where('key_hex', 'is not', null).execute();
    for (const r of rows) {
      await this.db
        .updateTable('cloud_registrations')
        .set({ key_sealed: this.sealer.seal(r.key_hex!, keyAd(r.serial)), key_hex: null })
        .where('serial', '=', r.serial)
        .where('key_hex', '=', r.key_hex)
        .execute();
    }
    return rows.length;
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
