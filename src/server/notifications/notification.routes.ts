import { Type } from 'typebox';
import type { App } from '../http/types';
import { DateTime, errorResponses, IdParams, PageQuery, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { NotificationService } from './notification.service';

const Severity = Type.Union([Type.Literal('info'), Type.Literal('success'), Type.Literal('warning'), Type.Literal('error')]);

const NotificationSchema = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'Stable kind, e.g. device.online_added, onboarding.expired, onboarding.failed, onboarding.needs_action' }),
  severity: Severity,
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String({ description: 'Path in the web app that the notification is about' }), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: DateTime,
  readAt: Type.Union([DateTime, Type.Null()]),
});

const Counts = Type.Object({ total: Type.Integer(), unread: Type.Integer() });

/** Your own notifications: every signed-in user has an inbox; nobody sees anyone else's. */
export function notificationRoutes(app: App, deps: { notifications: NotificationService }): void {
  const { notifications } = deps;

  app.get('/api/notifications', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['notifications'],
      summary: 'Your notifications, newest first (e.g. a pending device came online and was added)',
      querystring: Type.Object({ unreadOnly: Type.Optional(Type.Boolean({ default: false })), ...PageQuery }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(NotificationSchema), total: Type.Integer(), unread: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }), ...errorResponses },
    },
  }, async (req) => notifications.list(requireActor(req).id, { unreadOnly: req.query.unreadOnly ?? false, page: req.query.page ?? 1, pageSize: req.query.pageSize ?? 50 }));

  app.get('/api/notifications/counts', {
    config: { access: 'authenticated' },
    schema: { tags: ['notifications'], summary: 'How many notifications you have, and how many are unread (cheap; for a badge)', response: { 200: Counts, ...errorResponses } },
  }, async (req) => notifications.counts(requireActor(req).id));

  app.post('/api/notifications/:id/read', {
    config: { access: 'authenticated' },
    schema: { tags: ['notifications'], summary: 'Mark one of your notifications read', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await notifications.markRead(requireActor(req).id, req.params.id);
    return reply.status(204).send(null);
  });

  app.post('/api/notifications/read-all', {
    config: { access: 'authenticated' },
    schema: { tags: ['notifications'], summary: 'Mark all your notifications read', response: { 200: Type.Object({ updated: Type.Integer() }), ...errorResponses } },
  }, async (req) => ({ updated: await notifications.markAllRead(requireActor(req).id) }));
}
