import { Type } from 'typebox';
import type { App } from '../http/types';
import { errorResponses, Page, PageQuery, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { AuditService } from './audit.service';
import { AuditRowSchema } from './audit.schema';

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
      response: { 200: Page(AuditRowSchema), ...errorResponses },
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
