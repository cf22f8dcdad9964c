import { sql } from 'kysely';
import type { Executor } from '../db/executor';

export interface AuditEntry {
  companyId: string | null;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: 'success' | 'failure';
  details?: Record<string, unknown>;
  correlationId?: string | null;
}

export interface AuditFilter {
  companyId: string;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  page: number;
  pageSize: number;
}

export interface AuditRow {
  id: number;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
  correlationId: string | null;
}

export class AuditRepository {
  constructor(private readonly db: Executor) {}

  async record(e: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        company_id: e.companyId,
        actor_id: e.actorId,
        actor_email: e.actorEmail,
        action: e.action,
        target_type: e.targetType,
        target_id: e.targetId,
        outcome: e.outcome,
        details: JSON.stringify(e.details ?? {}),
        correlation_id: e.correlationId ?? null,
      })
      .execute();
  }

  async list(f: AuditFilter): Promise<{ items: AuditRow[]; total: number }> {
    let q = this.db.selectFrom('audit_log').where('company_id', '=', f.companyId);
    if (f.actorId) q = q.where('actor_id', '=', f.actorId);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.targetType) q = q.where('target_type', '=', f.targetType);
    if (f.targetId) q = q.where('target_id', '=', f.targetId);
    if (f.from) q = q.where('at', '>=', f.from);
    if (f.to) q = q.where('at', '<', f.to);
    const [{ total }] = (await q.select(sql<number>`count(*)::int`.as('total')).execute()) as [{ total: number }];
    const rows = await q
      .selectAll()
      .orderBy('id', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        at: r.at,
        actorId: r.actor_id,
        actorEmail: r.actor_email,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        outcome: r.outcome,
        details: r.details,
        correlationId: r.correlation_id,
      })),
    };
  }
}
