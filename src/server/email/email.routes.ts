import { Type } from 'typebox';
import type { App } from '../http/types';
import { DateTime, errorResponses, Page, PageQuery, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { EmailService } from './email.service';

const EmailStatus = Type.Object({
  configured: Type.Boolean({ description: 'SMTP is configured: exceptions and site invitations are also e-mailed' }),
  from: Type.Union([Type.String(), Type.Null()], { description: 'The From of the e-mails; null when e-mail is not configured' }),
});

const EmailDelivery = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'exception, storm, storm_recovered, site_invitation, test' }),
  recipient: Type.String(),
  subject: Type.String(),
  state: Type.String({ description: 'pending, sending, retrying, sent, failed, cancelled' }),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([DateTime, Type.Null()]),
  sentAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime,
});

const view = (d: { id: string; kind: string; recipient: string; subject: string; state: string; attempts: number; lastError: string | null; nextAttemptAt: Date | null; sentAt: Date | null; createdAt: Date }) => ({
  id: d.id, kind: d.kind, recipient: d.recipient, subject: d.subject, state: d.state, attempts: d.attempts, lastError: d.lastError, nextAttemptAt: d.nextAttemptAt, sentAt: d.sentAt, createdAt: d.createdAt,
});

/** E-mail delivery: whether it is configured (installers), the company's delivery log and a test e-mail (installer admins). */
export function emailRoutes(app: App, deps: { email: EmailService }): void {
  const { email } = deps;

  app.get('/api/email/status', {
    config: { access: 'installer' },
    schema: { tags: ['email'], summary: 'Whether e-mail (SMTP) is configured on this server', response: { 200: EmailStatus, ...errorResponses } },
  }, async () => email.status());

  app.get('/api/email/deliveries', {
    config: { access: 'admin' },
    schema: { tags: ['email'], summary: "The company's e-mail delivery log, newest first", querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }), response: { 200: Page(EmailDelivery), ...errorResponses } },
  }, async (req) => {
    const r = await email.deliveries(requireActor(req), req.query.page ?? 1, req.query.pageSize ?? 50);
    return { ...r, items: r.items.map(view) };
  });

  app.post('/api/email/test', {
    config: { access: 'admin' },
    schema: { tags: ['email'], summary: 'Send a test e-mail to yourself (queued; answers its log entry)', response: { 202: EmailDelivery, ...errorResponses } },
  }, async (req, reply) => reply.status(202).send(view(await email.sendTest(requireActor(req)))));
}
