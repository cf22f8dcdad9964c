import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { DateTime, errorResponses, IdParams, Page, PageQuery, Shared, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import { InstallerSchema } from '../installers/installer.routes';
import type { SiteService } from './site.service';

export const SiteSchema = Shared(Type.Object({
  id: Uuid,
  name: Type.String(),
  address: Type.String(),
  timeZone: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
}, { $id: 'Site' }));

const SiteListItem = Type.Intersect([SiteSchema, Type.Object({ deviceCount: Type.Integer({ minimum: 0, description: 'Devices on the site' }) })]);

const SiteFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  address: Type.String({ maxLength: 500 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'An IANA time zone name, e.g. Europe/Paris (SITE_TIME_ZONE_INVALID otherwise)' }),
};

export function siteRoutes(app: App, deps: { sites: SiteService }): void {
  const { sites } = deps;

  app.get('/api/sites', {
    config: { access: 'installer' },
    schema: {
      tags: ['sites'],
      summary: 'List the sites you may see, with search and paging',
      querystring: Type.Object({ search: Type.Optional(Type.String({ maxLength: 200 })), ...PageQuery }, { additionalProperties: false }),
      response: { 200: Page(SiteListItem), ...errorResponses },
    },
  }, async (req) => sites.list(requireActor(req), { search: req.query.search, page: req.query.page ?? 1, pageSize: req.query.pageSize ?? 50 }));

  app.post('/api/sites', {
    config: { access: 'installer' },
    schema: {
      tags: ['sites'],
      summary: 'Create a site',
      body: Type.Object({ name: SiteFields.name, address: Type.Optional(SiteFields.address), timeZone: Type.Optional(SiteFields.timeZone) }, { additionalProperties: false }),
      response: { 201: SiteSchema, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await sites.create(requireActor(req), req.body, meta(req))));

  app.get('/api/sites/:id', {
    config: { access: 'installer' },
    schema: { tags: ['sites'], summary: 'Get a site', params: IdParams, response: { 200: SiteSchema, ...errorResponses } },
  }, async (req) => sites.get(requireActor(req), req.params.id));

  app.patch('/api/sites/:id', {
    config: { access: 'installer' },
    schema: {
      tags: ['sites'],
      summary: 'Rename a site, set its address or time zone',
      params: IdParams,
      body: Type.Object({ name: Type.Optional(SiteFields.name), address: Type.Optional(SiteFields.address), timeZone: Type.Optional(SiteFields.timeZone) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: SiteSchema, ...errorResponses },
    },
  }, async (req) => sites.update(requireActor(req), req.params.id, req.body, meta(req)));

  app.delete('/api/sites/:id', {
    config: { access: 'installer' },
    schema: { tags: ['sites'], summary: 'Delete a site', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await sites.remove(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });

  app.get('/api/sites/:id/installers', {
    config: { access: 'installer' },
    schema: { tags: ['sites'], summary: 'Installers assigned to a site', params: IdParams, response: { 200: Type.Object({ items: Type.Array(InstallerSchema) }), ...errorResponses } },
  }, async (req) => ({ items: await sites.listInstallers(requireActor(req), req.params.id) }));

  app.put('/api/sites/:id/installers', {
    config: { access: 'admin' },
    schema: {
      tags: ['sites'],
      summary: 'Set the installers assigned to a site',
      params: IdParams,
      body: Type.Object({ installerIds: Type.Array(Uuid, { maxItems: 1000 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(InstallerSchema) }), ...errorResponses },
    },
  }, async (req) => ({ items: await sites.assignInstallers(requireActor(req), req.params.id, req.body.installerIds, meta(req)) }));
}
