import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { errorResponses, IdParams } from '../http/common.schema';
import { requireActor } from '../http/access';
import { CreatedSiteAgentSchema, CreateSiteAgentBody, SiteAgentParams, SiteAgentSchema } from './site-agent.schema';
import type { SiteAgentService } from './site-agent.service';

/**
 * Site agents of a site. Listing: whoever may see the site (installer admin, installers who manage
 * all sites or are assigned to it). Adding and revoking: the installer admin only — an agent is a
 * foothold on the customer's network, so creating or removing one is an admin decision.
 */
export function siteAgentRoutes(app: App, deps: { agents: SiteAgentService }): void {
  const { agents } = deps;

  app.get('/api/sites/:id/agents', {
    config: { access: 'installer' },
    schema: { tags: ['sites'], summary: "The site's agents, with their state", params: IdParams, response: { 200: Type.Object({ items: Type.Array(SiteAgentSchema) }), ...errorResponses } },
  }, async (req) => ({ items: await agents.list(requireActor(req), req.params.id) }));

  app.post('/api/sites/:id/agents', {
    config: { access: 'admin' },
    schema: {
      tags: ['sites'],
      summary: 'Add a site agent: a one-time enrolment token (shown once) and the command that runs the agent with it',
      params: IdParams,
      body: CreateSiteAgentBody,
      response: { 201: CreatedSiteAgentSchema, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await agents.create(requireActor(req), req.params.id, req.body ?? {}, meta(req))));

  app.delete('/api/sites/:id/agents/:agentId', {
    config: { access: 'admin' },
    schema: { tags: ['sites'], summary: 'Revoke a site agent: its connection is closed and refused from now on', params: SiteAgentParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await agents.revoke(requireActor(req), req.params.id, req.params.agentId, meta(req));
    return reply.status(204).send(null);
  });
}
