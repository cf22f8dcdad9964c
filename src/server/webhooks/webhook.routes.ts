import { Type } from 'typebox';
import type { App } from '../http/types';
import { DateTime, errorResponses, IdParams, Page, PageQuery, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { WebhookService } from './webhook.service';

const EndpointBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://', description: 'Where events are POSTed; refused for loopback, link-local and private addresses unless the operator allows them' }),
  types: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { default: [], description: 'Exception types sent (empty: all)' }),
  enabled: Type.Boolean({ default: true }),
}, { additionalProperties: false });

const EndpointSchema = Type.Object({ id: Uuid, name: Type.String(), url: Type.String(), types: Type.Array(Type.String()), enabled: Type.Boolean(), createdAt: DateTime });

const DeliverySchema = Type.Object({
  id: Uuid,
  eventKey: Type.String(),
  eventType: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
  status: Type.String({ description: 'pending, sending, retrying, delivered, failed' }),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([DateTime, Type.Null()]),
  deliveredAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime,
});

/** Signed webhooks of the company (installer admins). */
export function webhookRoutes(app: App, deps: { webhooks: WebhookService }): void {
  const { webhooks } = deps;
  const input = (b: { name: string; url: string; types?: string[]; enabled?: boolean }) => ({ name: b.name, url: b.url, types: b.types ?? [], enabled: b.enabled ?? true });

  app.get('/api/webhooks', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: "The company's webhook endpoints", response: { 200: Type.Object({ items: Type.Array(EndpointSchema) }), ...errorResponses } },
  }, async (req) => ({ items: await webhooks.list(requireActor(req)) }));

  app.post('/api/webhooks', {
    config: { access: 'admin' },
    schema: {
      tags: ['webhooks'],
      summary: 'Add a webhook endpoint; answers its signing secret, this once',
      description: 'Each request carries `Sitekeeper-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, `Sitekeeper-Delivery` (the same id on every retry of one delivery) and `Sitekeeper-Event`.',
      body: EndpointBody,
      response: { 201: Type.Object({ endpoint: EndpointSchema, secret: Type.String() }), ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await webhooks.create(requireActor(req), input(req.body))));

  app.put('/api/webhooks/:id', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: 'Change a webhook endpoint (its secret stays)', params: IdParams, body: EndpointBody, response: { 200: EndpointSchema, ...errorResponses } },
  }, async (req) => webhooks.update(requireActor(req), req.params.id, input(req.body)));

  app.delete('/api/webhooks/:id', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: 'Delete a webhook endpoint and its delivery log', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await webhooks.delete(requireActor(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/webhooks/:id/deliveries', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: "An endpoint's delivery log, newest first", params: IdParams, querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }), response: { 200: Page(DeliverySchema), ...errorResponses } },
  }, async (req) => webhooks.deliveries(requireActor(req), req.params.id, req.query.page ?? 1, req.query.pageSize ?? 50));

  app.post('/api/webhooks/:id/test', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: 'Send a signed webhook.test event now (one attempt) and answer its log entry', params: IdParams, response: { 200: DeliverySchema, ...errorResponses } },
  }, async (req) => webhooks.sendTest(requireActor(req), req.params.id));
}
