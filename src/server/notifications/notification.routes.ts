import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { DateTime, errorResponses, IdParams, PageQuery, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import { serveEventStream } from '../http/event-stream';
import type { NotificationService } from './notification.service';
import type { NotificationStreams } from './notification-streams';

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
export function notificationRoutes(app: App, deps: { notifications: NotificationService; streams: NotificationStreams }): void {
  const { notifications, streams } = deps;

  app.get('/api/notifications/events', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['notifications'],
      summary: 'Your new notifications as Server-Sent Events: `ready` with the counts, `notification` for each new one, `counts` after them, `end` with the reason it ended',
      description: 'Only notifications created after the stream opened are sent (the inbox lists the older ones). '
        + 'Its last event is `end` with `reason`: `timeout` (reconnect), `signed_out` (the session or API token ended), `shutdown` (reconnect) or `unavailable`. '
        + '`maxSeconds` asks for a shorter stream than the server\'s longest. '
        + 'A user may hold a few streams at once and a server serves a bounded number: beyond, 429 `PROGRESS_STREAMS_LIMIT` with Retry-After (then poll the inbox).',
      querystring: Type.Object({ maxSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })) }, { additionalProperties: false }),
      response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses, 429: Type.Ref('ErrorResponse') },
    },
  }, async (req, reply) => {
    const actor = requireActor(req);
    await serveEventStream(req, reply, (credentials) => streams.openStream(actor, credentials, req.query.maxSeconds ? { maxMs: req.query.maxSeconds * 1000 } : {}));
  });

  app.get('/api/notifications', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['notifications'],
      summary: 'Your notifications, newest first (e.g. a pending device came online and was added)',
      querystring: Type.Object({ unreadOnly: Type.Optional(Type.Boolean({ default: false })), ...PageQuery }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(NotificationSchema), total: Type.Integer(), unread: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }), ...errorResponses },
    },
  }, async (req) => notifications.list(requireActor(req).id, { unreadOnly: req.query.unreadOnly ?? false, page: req.query.page ?? 1, pageSize: req.query.pageSize ?? 50 }));

  const Preferences = Type.Object({ emailAlerts: Type.Boolean({ description: 'Exceptions, storm alerts and recoveries e-mailed to you (when the server has SMTP set up); in-app notifications go regardless' }) }, { additionalProperties: false });
  app.get('/api/notifications/preferences', {
    config: { access: 'authenticated' },
    schema: { tags: ['notifications'], summary: 'Your notification preferences', response: { 200: Preferences, ...errorResponses } },
  }, async (req) => notifications.preferences(requireActor(req).id));

  app.put('/api/notifications/preferences', {
    config: { access: 'authenticated' },
    schema: { tags: ['notifications'], summary: 'Set your notification preferences (alert e-mails on or off; audited)', body: Preferences, response: { 200: Preferences, ...errorResponses } },
  }, async (req) => notifications.setPreferences(requireActor(req), req.body, meta(req)));

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
