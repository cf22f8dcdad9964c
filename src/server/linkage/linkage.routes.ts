import { Type, type Static } from 'typebox';
import type { App } from '../http/types';
import { DateTime, errorResponses, IdParams, NullableInteger, Page, PageQuery, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { LinkageService } from './linkage.service';
import { DEVICE_OPERATIONS, LINKAGE_EVENT_TYPES, type LinkageRuleDefinition } from './linkage-rules';

/** One of a fixed list of strings (an enum in the OpenAPI document). */
const lit = <T extends string>(xs: readonly T[]) => Type.Unsafe<T>(Type.String({ enum: [...xs] }));
const EventType = lit(LINKAGE_EVENT_TYPES);
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

const NotifyAction = Type.Object({ kind: Type.Literal('notify'), recipients: Recipients }, { additionalProperties: false });
const WebhookAction = Type.Object({ kind: Type.Literal('webhook'), endpointIds: Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true, description: "The company's webhook endpoints (GET /api/webhooks)" }) }, { additionalProperties: false });
const DeviceAction = Type.Object({
  kind: Type.Literal('device'),
  deviceId: Type.String({ format: 'uuid', description: 'Another camera or recorder of the same site' }),
  operation: lit(DEVICE_OPERATIONS),
  channel: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, description: 'start_recording / stop_recording: the channel' })),
  output: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'trigger_output / clear_output: the alarm output' })),
}, { additionalProperties: false });
const Action = Type.Union([NotifyAction, WebhookAction, DeviceAction]);
const Conditions = Type.Object({ schedule: Type.Optional(Type.Union([Schedule, Type.Null()], { description: 'Fires only within this schedule; null: always' })) }, { additionalProperties: false });

const RuleBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  template: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: 'The template it is made from (GET …/templates); null: custom' })),
  eventType: EventType,
  sourceDeviceId: Uuid,
  sourceChannel: Type.Optional(NullableInteger({ minimum: 1, maximum: 256, description: 'Only this channel of the source (null: any)' })),
  sourceZone: Type.Optional(NullableInteger({ minimum: 0, maximum: 512, description: 'Only this zone of an AX Pro source (null: any)' })),
  conditions: Type.Optional(Conditions),
  actions: Type.Array(Action, { minItems: 1, maxItems: 10 }),
  enabled: Type.Optional(Type.Boolean({ default: true })),
}, { additionalProperties: false });

const Reason = Type.Object({
  code: lit(['device_missing', 'device_on_other_site', 'health_monitoring_off', 'firmware_incompatible'] as const),
  role: lit(['source', 'target'] as const),
  deviceId: Type.String(),
  message: Type.String(),
  upgradeTo: Type.Optional(Type.String()),
});
const RuleSchema = Type.Object({
  id: Uuid,
  siteId: Uuid,
  name: Type.String(),
  template: Type.Union([Type.String(), Type.Null()]),
  eventType: Type.String(),
  sourceDeviceId: Type.String(),
  sourceChannel: Type.Union([Type.Integer(), Type.Null()]),
  sourceZone: Type.Union([Type.Integer(), Type.Null()]),
  conditions: Conditions,
  actions: Type.Array(Action),
  enabled: Type.Boolean(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
  validity: Type.Object({ valid: Type.Boolean({ description: 'Derived on each read: an invalid rule is kept and never fires' }), reasons: Type.Array(Reason) }),
});
const TemplateSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  eventType: Type.String(),
  sourceTypes: Type.Array(Type.String()),
  actions: Type.Array(Type.Object({ kind: Type.String(), operation: Type.Optional(Type.String()) })),
});
const FiringSchema = Type.Object({
  id: Uuid,
  ruleId: Uuid,
  eventId: Type.String(),
  eventType: Type.String(),
  subject: Type.String({ description: "'zone:1', 'channel:3', or '' for the device" }),
  actions: Type.Array(Type.Object({
    kind: Type.String(),
    operation: Type.Optional(Type.String()),
    deviceId: Type.Optional(Type.String()),
    channel: Type.Optional(Type.Integer()),
    output: Type.Optional(Type.Integer()),
    status: Type.String({ description: 'pending, ok, failed, skipped' }),
    detail: Type.Union([Type.String(), Type.Null()]),
  })),
  state: Type.String({ description: 'pending (device actions not yet run) or done' }),
  firedAt: DateTime,
  completedAt: Type.Union([DateTime, Type.Null()]),
});
const RuleParams = Type.Object({ id: Uuid, ruleId: Uuid });

function definition(b: Static<typeof RuleBody>): LinkageRuleDefinition {
  return {
    name: b.name, template: b.template ?? null, eventType: b.eventType, sourceDeviceId: b.sourceDeviceId, sourceChannel: b.sourceChannel ?? null, sourceZone: b.sourceZone ?? null,
    conditions: { schedule: b.conditions?.schedule ?? null }, actions: b.actions, enabled: b.enabled ?? true,
  };
}

/** Linkage rules of a site: templates, CRUD with derived validity, and each rule's firing log. */
export function linkageRoutes(app: App, deps: { linkage: LinkageService }): void {
  const { linkage } = deps;
  const tags = ['linkage'];

  app.get('/api/sites/:id/linkage-rules/templates', {
    config: { access: 'installer' },
    schema: { tags, summary: 'Linkage rule templates (device offline, HDD error, video loss → notify; AX Pro zone alarm → notify and record / alarm output)', params: IdParams, response: { 200: Type.Object({ items: Type.Array(TemplateSchema) }), ...errorResponses } },
  }, async (req) => ({ items: [...(await linkage.templates(requireActor(req), req.params.id))] }));

  app.get('/api/sites/:id/linkage-rules', {
    config: { access: 'installer' },
    schema: { tags, summary: "The site's linkage rules, each with its validity and the reasons", params: IdParams, response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...errorResponses } },
  }, async (req) => ({ items: await linkage.listRules(requireActor(req), req.params.id) }));

  app.post('/api/sites/:id/linkage-rules', {
    config: { access: 'installer' },
    schema: {
      tags,
      summary: 'Create a linkage rule (installer admins and installers who manage the site)',
      description: 'The source and every device an action acts on must be devices of this site (LINKAGE_DEVICE_NOT_ON_SITE). A rule whose devices have monitoring off or incompatible firmware is saved and shown invalid.',
      params: IdParams,
      body: RuleBody,
      response: { 201: RuleSchema, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await linkage.createRule(requireActor(req), req.params.id, definition(req.body))));

  app.get('/api/sites/:id/linkage-rules/:ruleId', {
    config: { access: 'installer' },
    schema: { tags, summary: 'One linkage rule with its validity', params: RuleParams, response: { 200: RuleSchema, ...errorResponses } },
  }, async (req) => linkage.getRule(requireActor(req), req.params.id, req.params.ruleId));

  app.put('/api/sites/:id/linkage-rules/:ruleId', {
    config: { access: 'installer' },
    schema: { tags, summary: 'Replace a linkage rule', params: RuleParams, body: RuleBody, response: { 200: RuleSchema, ...errorResponses } },
  }, async (req) => linkage.updateRule(requireActor(req), req.params.id, req.params.ruleId, definition(req.body)));

  app.delete('/api/sites/:id/linkage-rules/:ruleId', {
    config: { access: 'installer' },
    schema: { tags, summary: 'Delete a linkage rule (and its firing log)', params: RuleParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await linkage.deleteRule(requireActor(req), req.params.id, req.params.ruleId);
    return reply.status(204).send(null);
  });

  app.get('/api/sites/:id/linkage-rules/:ruleId/firings', {
    config: { access: 'installer' },
    schema: {
      tags,
      summary: "A rule's firing log, newest first: the event, each action and its result",
      params: RuleParams,
      querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
      response: { 200: Page(FiringSchema), ...errorResponses },
    },
  }, async (req) => linkage.firings(requireActor(req), req.params.id, req.params.ruleId, req.query.page ?? 1, req.query.pageSize ?? 50));
}
