import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { DeviceDto } from './device.schema';

/** A device row with its site's name: the API's device (DeviceSchema) and the company it belongs to. */
export type DeviceRecord = DeviceDto & { companyId: string };

export interface DeviceFilter {
  companyId: string;
  siteId?: string;
  /** Only devices on sites assigned to this installer. */
  assignedTo?: string;
  search?: string;
  status?: string;
  page: number;
  pageSize: number;
}

export class DeviceRepository {
  constructor(private readonly db: Executor) {}

  private base() {
    return this.db
      .selectFrom('devices as d')
      .innerJoin('sites as s', 's.id', 'd.site_id')
      .select([
        'd.id', 'd.company_id as companyId', 'd.site_id as siteId', 's.name as siteName', 'd.serial', 'd.name', 'd.type', 'd.model',
        'd.firmware_version as firmwareVersion', 'd.firmware_compatible as firmwareCompatible', 'd.added_via as addedVia', 'd.host', 'd.port',
        'd.health_monitoring as healthMonitoring', 'd.status', 'd.created_at as createdAt', 'd.updated_at as updatedAt',
      ]);
  }

  async find(id: string): Promise<DeviceRecord | undefined> {
    return this.base().where('d.id', '=', id).executeTakeFirst();
  }

  /** The device with its sealed secrets (only for the few places that open them). */
  async findWithSecrets(id: string): Promise<(DeviceRecord & { credentialsSealed: string | null; verificationCodeSealed: string | null }) | undefined> {
    return this.base().select(['d.credentials_sealed as credentialsSealed', 'd.verification_code_sealed as verificationCodeSealed']).where('d.id', '=', id).executeTakeFirst();
  }

  async list(f: DeviceFilter): Promise<{ items: DeviceRecord[]; total: number }> {
    let q = this.base().where('d.company_id', '=', f.companyId);
    if (f.siteId) q = q.where('d.site_id', '=', f.siteId);
    if (f.assignedTo) {
      const uid = f.assignedTo;
      q = q.where((eb) => eb.exists(eb.selectFrom('site_installers as si').select('si.site_id').whereRef('si.site_id', '=', 'd.site_id').where('si.user_id', '=', uid)));
    }
    if (f.status) q = q.where('d.status', '=', f.status);
    if (f.search) {
      const pattern = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('d.name', 'ilike', pattern), eb('d.serial', 'ilike', pattern), eb('d.model', 'ilike', pattern)]));
    }
    const { total } = await q.clearSelect().select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
    const items = await q.orderBy('d.name').orderBy('d.id').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute();
    return { items, total };
  }

  /** How many devices each of these sites has, in one grouped query (sites without any are absent). */
  async countBySite(siteIds: string[]): Promise<Map<string, number>> {
    if (siteIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('devices').select(['site_id', sql<number>`count(*)::int`.as('n')]).where('site_id', 'in', siteIds).groupBy('site_id').execute();
    return new Map(rows.map((r) => [r.site_id, r.n]));
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('devices').where('id', '=', id).execute();
  }
}
