import { AppError } from '../../errors/app-error';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Actor, RequestMeta } from '../auth/actor';
import { requireSiteAccess, seesAllSites } from '../sites/site-access';
import { AuditRepository } from '../audit/audit.repository';
import { DeviceRepository, type DeviceRecord } from './device.repository';

export type DeviceView = Omit<DeviceRecord, 'companyId'>;

const view = ({ companyId: _c, ...rest }: DeviceRecord): DeviceView => rest;

export class DeviceService {
  private readonly devices: DeviceRepository;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly db: Kysely<DB>,
  ) {
    this.devices = new DeviceRepository(db);
  }

  async listForSite(actor: Actor, siteId: string, q: { search?: string; status?: string; page: number; pageSize: number }) {
    await requireSiteAccess(actor, siteId, this.uow.read.sites);
    const r = await this.devices.list({ companyId: actor.companyId, siteId, ...q });
    return { items: r.items.map(view), total: r.total, page: q.page, pageSize: q.pageSize };
  }

  async listAll(actor: Actor, q: { search?: string; status?: string; page: number; pageSize: number }) {
    if (actor.role === 'end_user') throw new AppError('FORBIDDEN');
    const r = await this.devices.list({ companyId: actor.companyId, ...(seesAllSites(actor) ? {} : { assignedTo: actor.id }), ...q });
    return { items: r.items.map(view), total: r.total, page: q.page, pageSize: q.pageSize };
  }

  private async accessible(actor: Actor, id: string): Promise<DeviceRecord> {
    const d = await this.devices.find(id);
    if (!d || d.companyId !== actor.companyId) throw new AppError('DEVICE_NOT_FOUND_HERE');
    await requireSiteAccess(actor, d.siteId, this.uow.read.sites);
    return d;
  }

  async get(actor: Actor, id: string): Promise<DeviceView> {
    return view(await this.accessible(actor, id));
  }

  async remove(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    const d = await this.accessible(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await new DeviceRepository(trx).delete(id);
      await new AuditRepository(trx).record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.delete', targetType: 'device', targetId: id, outcome: 'success', details: { serial: d.serial, siteId: d.siteId }, correlationId: meta.correlationId });
    });
  }
}
