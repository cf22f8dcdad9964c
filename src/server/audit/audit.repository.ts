import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/executor';
import type { AuditRow } from './audit.schema';

export interface AuditEntry {
  companyId: string | null;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: 'success' | 'failure';
  /**
   * What happened, for people reading the log: never secrets. `targetLabel` (the target's name as
   * it was) is added by `record` when the caller gives none, so a deleted target still reads well.
   */
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

export type { AuditRow } from './audit.schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Found {
  kind: string;
  label: string;
  link: string | null;
}

/** One target found: `detail` is a device's serial or a person's e-mail; `role` a user's. */
interface Row {
  kind: string;
  id: string;
  name: string;
  detail: string | null;
  role: string | null;
}

/** Labels written before `targetLabel` existed: the name each kind of row kept in its details. */
const LEGACY_LABEL_KEYS = ['name', 'email', 'serial', 'companyName'] as const;

export class AuditRepository {
  constructor(private readonly db: Executor) {}

  async record(e: AuditEntry): Promise<void> {
    const details = { ...(e.details ?? {}) };
    if (details.targetLabel === undefined && e.companyId && e.targetId) {
      const found = (await this.lookup(e.companyId, [{ type: e.targetType, id: e.targetId }], [])).get(`${e.targetType}:${e.targetId}`);
      if (found) details.targetLabel = found.label;
    }
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
        details: JSON.stringify(details),
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
    // One lookup for the whole page: every target and actor named at once.
    const found = await this.lookup(
      f.companyId,
      rows.flatMap((r) => (r.target_id ? [{ type: r.target_type, id: r.target_id }] : [])),
      rows.flatMap((r) => (r.actor_id ? [r.actor_id] : [])),
    );
    return {
      total,
      items: rows.map((r) => {
        const live = r.target_id ? found.get(`${r.target_type}:${r.target_id}`) : undefined;
        return {
          id: r.id,
          at: r.at,
          actorId: r.actor_id,
          actorEmail: r.actor_email,
          actorName: (r.actor_id && found.get(`actor:${r.actor_id}`)?.label) || null,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          target: {
            kind: live?.kind ?? r.target_type,
            label: live?.label ?? snapshotLabel(r.details),
            exists: live !== undefined,
            link: live?.link ?? null,
          },
          outcome: r.outcome,
          details: r.details,
          correlationId: r.correlation_id,
        };
      }),
    };
  }

  /**
   * The targets (and actors) that still exist, in one query: a UNION of one indexed lookup per kind
   * present. Keys: `type:id` for targets (a device also by `device:serial`), `actor:id` for actors.
   */
  private async lookup(companyId: string, targets: Array<{ type: string; id: string }>, actorIds: string[]): Promise<Map<string, Found>> {
    const ids = (type: string) => [...new Set(targets.filter((t) => t.type === type && UUID.test(t.id)).map((t) => t.id))];
    const userIds = [...new Set([...ids('user'), ...actorIds.filter((a) => UUID.test(a))])];
    const serials = [...new Set(targets.filter((t) => t.type === 'device' && !UUID.test(t.id)).map((t) => t.id))];
    const [siteIds, deviceIds, invitationIds, tokenIds] = [ids('site'), ids('device'), ids('invitation'), ids('api_token')];
    const list = (xs: string[]) => sql.join(xs);
    const parts: Array<RawBuilder<unknown>> = [];
    if (siteIds.length) parts.push(sql`select 'site' as kind, id::text as id, name, null::text as detail, null::text as role from sites where company_id = ${companyId} and id in (${list(siteIds)})`);
    if (deviceIds.length || serials.length) {
      const byId = deviceIds.length ? sql`id in (${list(deviceIds)})` : sql`false`;
      const bySerial = serials.length ? sql`serial in (${list(serials)})` : sql`false`;
      parts.push(sql`select 'device' as kind, id::text as id, name, serial as detail, null::text as role from devices where company_id = ${companyId} and (${byId} or ${bySerial})`);
    }
    if (userIds.length) parts.push(sql`select 'user' as kind, id::text as id, name, email as detail, role::text as role from users where company_id = ${companyId} and id in (${list(userIds)})`);
    if (invitationIds.length) parts.push(sql`select 'invitation' as kind, id::text as id, name, email as detail, null::text as role from invitations where company_id = ${companyId} and id in (${list(invitationIds)})`);
    if (tokenIds.length) {
      parts.push(sql`select 'api_token' as kind, t.id::text as id, t.name, null::text as detail, null::text as role from api_tokens t join users u on u.id = t.user_id where u.company_id = ${companyId} and t.id in (${list(tokenIds)})`);
    }
    if (ids('company').includes(companyId)) parts.push(sql`select 'company' as kind, id::text as id, name, null::text as detail, null::text as role from companies where id = ${companyId}`);
    const out = new Map<string, Found>();
    if (parts.length === 0) return out;
    const { rows } = await sql<Row>`${sql.join(parts, sql` union all `)}`.execute(this.db);
    const actors = new Set(actorIds);
    for (const r of rows) {
      const f = describe(r);
      if (r.kind === 'user' && actors.has(r.id)) out.set(`actor:${r.id}`, { ...f, label: r.name });
      out.set(`${r.kind}:${r.id}`, f);
      if (r.kind === 'device' && r.detail) out.set(`device:${r.detail}`, f);
    }
    return out;
  }
}

function describe(r: Row): Found {
  const id = encodeURIComponent(r.id);
  switch (r.kind) {
    case 'site':
      return { kind: 'site', label: r.name, link: `/sites/${id}` };
    case 'device':
      return { kind: 'device', label: !r.detail || r.name === r.detail ? r.name : `${r.name} (${r.detail})`, link: `/devices/${id}` };
    case 'user':
      // Installers are managed on the installers page; the admin and end users have no page of their own.
      return { kind: r.role === 'installer' ? 'installer' : 'user', label: `${r.name} (${r.detail ?? ''})`, link: r.role === 'installer' ? '/installers' : null };
    case 'invitation':
      return { kind: 'invitation', label: `${r.name} (${r.detail ?? ''})`, link: '/installers' };
    default:
      // API tokens are only listed to their owner; the company has no page.
      return { kind: r.kind, label: r.name, link: null };
  }
}

/** The label a row kept when it was written (its target may be gone since). */
function snapshotLabel(details: Record<string, unknown>): string | null {
  for (const k of ['targetLabel', ...LEGACY_LABEL_KEYS]) {
    const v = details[k];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}
