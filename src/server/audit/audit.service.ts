import type { UnitOfWork } from '../db/unit-of-work';
import { companyOf, type Actor } from '../auth/actor';
import type { AuditFilter, AuditRow } from './audit.repository';

export type AuditQuery = Omit<AuditFilter, 'companyId'>;

/** Reading the audit log: always the actor's own company. */
export class AuditService {
  constructor(private readonly uow: UnitOfWork) {}

  async list(actor: Actor, q: AuditQuery): Promise<{ items: AuditRow[]; total: number; page: number; pageSize: number }> {
    const r = await this.uow.read.audit.list({ ...q, companyId: companyOf(actor) });
    return { ...r, page: q.page, pageSize: q.pageSize };
  }
}
