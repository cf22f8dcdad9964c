import { Type } from 'typebox';
import type { App } from '../http/types';
import { DateTime, errorResponses, IdParams, Page, PageQuery, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { ExceptionService } from './exception.service';
import { EXCEPTION_TYPES } from './exception-rules';

const ExceptionType = Type.Union(EXCEPTION_TYPES.map((t) => Type.Literal(t)));
const Hhmm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const Schedule = Type.Object({
  days: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 1, maxItems: 7, description: '0 = Sunday … 6 = Saturday' }),
  from: Hhmm,
  to: Hhmm,
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "IANA time zone; default: the site's" })),
}, { additionalProperties: false });
const Recipients = Type.Object({
  siteInstallers: Type.Boolean({ description: 'Installers who manage the site' }),
  installerAdmins: Type.Boolean(),
}, { additionalProperties: false });

const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  types: Type.Array(ExceptionType, { minItems: 1, uniqueItems: true }),
  recipients: Recipients,
  schedule: Type.Union([Schedule, Type.Null()], { description: 'Null: always' }),
  enabled: Type.Optional(Type.Boolean({ default: true })),
};
const RuleBody = Type.Object(ruleFields, { additionalProperties: false });
const RuleCreateBody = Type.Object({ siteId: Type.Union([Uuid, Type.Null()], { description: 'Null: the company default' }), ...ruleFields }, { additionalProperties: false });

const RuleSchema = Type.Object({
  id: Uuid,
  siteId: Type.Union([Uuid, Type.Null()], { description: 'Null: the company default' }),
  name: Type.String(),
  types: Type.Array(Type.String()),
  recipients: Recipients,
  schedule: Type.Union([Schedule, Type.Null()]),
  enabled: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const ExceptionSchema = Type.Object({
  id: Uuid,
  siteId: Uuid,
  siteName: Type.String(),
  deviceId: Uuid,
  deviceName: Type.String(),
  type: Type.String(),
  subject: Type.String({ description: "'disk:1', 'channel:3', 'zone:2', or '' for the device" }),
  severity: Type.String(),
  message: Type.String(),
  raisedAt: DateTime,
  delivery: Type.String({ description: 'delivered, held (storm window), grouped (in a site alert), damped (back within the window), no_recipients' }),
});

/** Exception rules (per site, or the company default) and the exceptions raised. */
export function exceptionRoutes(app: App, deps: { exceptions: ExceptionService }): void {
  const { exceptions } = deps;

  app.get('/api/exception-rules', {
    config: { access: 'installer' },
    schema: { tags: ['exceptions'], summary: 'Exception rules: the company default and the rules of the sites you manage', response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...errorResponses } },
  }, async (req) => ({ items: await exceptions.listRules(requireActor(req)) }));

  app.post('/api/exception-rules', {
    config: { access: 'installer' },
    schema: {
      tags: ['exceptions'],
      summary: 'Create an exception rule for a site (installer admins and installers who manage it) or the company default (siteId null: installer admins)',
      description: "A site's rules replace the company default for that site; with no rule at all, every exception goes to the installer admins and the site's installers.",
      body: RuleCreateBody,
      response: { 201: RuleSchema, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await exceptions.createRule(requireActor(req), { ...req.body, enabled: req.body.enabled ?? true })));

  app.put('/api/exception-rules/:id', {
    config: { access: 'installer' },
    schema: { tags: ['exceptions'], summary: 'Replace an exception rule', params: IdParams, body: RuleBody, response: { 200: RuleSchema, ...errorResponses } },
  }, async (req) => exceptions.updateRule(requireActor(req), req.params.id, { ...req.body, enabled: req.body.enabled ?? true }));

  app.delete('/api/exception-rules/:id', {
    config: { access: 'installer' },
    schema: { tags: ['exceptions'], summary: 'Delete an exception rule', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await exceptions.deleteRule(requireActor(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/exceptions', {
    config: { access: 'installer' },
    schema: {
      tags: ['exceptions'],
      summary: 'Exceptions raised on the sites you manage, newest first',
      querystring: Type.Object({ siteId: Type.Optional(Uuid), ...PageQuery }, { additionalProperties: false }),
      response: { 200: Page(ExceptionSchema), ...errorResponses },
    },
  }, async (req) => exceptions.listExceptions(requireActor(req), { siteId: req.query.siteId, page: req.query.page ?? 1, pageSize: req.query.pageSize ?? 50 }));
}
