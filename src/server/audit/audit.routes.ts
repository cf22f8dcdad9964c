import { Type } from 'typebox';
import type { App } from '../http/types';
import { DateTime, errorResponses, Page, PageQuery, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { AuditService } from './audit.service';

const AuditItem = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  actorId: Type.Union([Uuid, Type.Null()]),
  actorEmail: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()], { description: "The actor's name now; null for the system or a removed account." }),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Type.Union([Type.String(), Type.Null()]),
  target: Type.Object(
    {
      kind: Type.String({ description: 'The target type; users are `installer` or `user`.' }),
      label: Type.Union([Type.String(), Type.Null()], { description: 'Its name now, or as it was when the row was written if it is gone.' }),
      exists: Type.Boolean(),
      link: Type.Union([Type.String(), Type.Null()], { description: 'Its page in the portal while it exists.' }),
    },
    { description: 'The target for people: resolved for the whole page in one lookup.' },
  ),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  details: Type.Record(Type.String(), Type.Unknown()),
  correlationId: Type.Union([Type.String(), Type.Null()]),
});

export function auditRoutes(app: App, deps: { audit: AuditService }): void {
  app.get('/api/audit', {
    config: { access: 'admin' },
    schema: {
      tags: ['audit'],
      summary: 'The audit log of your company, newest first',
      querystring: Type.Object(
        {
          actorId: Type.Optional(Uuid),
          action: Type.Optional(Type.String({ maxLength: 100 })),
          targetType: Type.Optional(Type.String({ maxLength: 100 })),
          targetId: Type.Optional(Type.String({ maxLength: 100 })),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          ...PageQuery,
        },
        { additionalProperties: false },
      ),
      response: { 200: Page(AuditItem), ...errorResponses },
    },
  }, async (req) => {
    const q = req.query;
    return deps.audit.list(requireActor(req), {
      ...(q.actorId ? { actorId: q.actorId } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.targetType ? { targetType: q.targetType } : {}),
      ...(q.targetId ? { targetId: q.targetId } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
      page: q.page ?? 1,
      pageSize: q.pageSize ?? 50,
    });
  });
}
