import { Type, type Static } from 'typebox';
import { DateTime, Shared, Uuid } from '../http/common.schema';

const NullableDate = Type.Union([DateTime, Type.Null()]);

export const SiteAgentSchema = Shared(Type.Object({
  id: Type.String({ description: 'The agent id (ag-…), as its broker user name and topics carry it' }),
  name: Type.String(),
  state: Type.Union([Type.Literal('enrolling'), Type.Literal('expired'), Type.Literal('enrolled')], {
    description: 'enrolling: its one-time token is waiting to be used; expired: it was not used in time (revoke it and add another); enrolled: it holds its own key',
  }),
  online: Type.Boolean({ description: 'Connected and accepted right now' }),
  version: Type.Union([Type.String(), Type.Null()]),
  lastSeenAt: NullableDate,
  enrolledAt: NullableDate,
  enrolExpiresAt: Type.Union([DateTime, Type.Null()], { description: 'Until enrolled: when the one-time token stops working' }),
  createdAt: DateTime,
}, { $id: 'SiteAgent' }));
export type SiteAgentDto = Static<typeof SiteAgentSchema>;

export const SiteAgentParams = Type.Object({ id: Uuid, agentId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }) });

export const CreateSiteAgentBody = Type.Object({ name: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });

export const CreatedSiteAgentSchema = Type.Object({
  agent: SiteAgentSchema,
  agentId: Type.String(),
  token: Type.String({ description: 'The one-time enrolment token: shown this once, only its hash is kept' }),
  command: Type.String({ description: 'The command line to run on a machine of the site network' }),
  expiresAt: DateTime,
});
