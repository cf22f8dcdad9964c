import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { errorResponses, IdParams, Page, PageQuery } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { DeviceService } from './device.service';
import { DeviceSchema } from './device.schema';

const ListQuery = Type.Object(
  { search: Type.Optional(Type.String({ maxLength: 200 })), status: Type.Optional(Type.String({ maxLength: 20 })), ...PageQuery },
  { additionalProperties: false },
);

export function deviceRoutes(app: App, deps: { devices: DeviceService }): void {
  const { devices } = deps;
  const q = (x: { search?: string; status?: string; page?: number; pageSize?: number }) => ({
    ...(x.search ? { search: x.search } : {}),
    ...(x.status ? { status: x.status } : {}),
    page: x.page ?? 1,
    pageSize: x.pageSize ?? 50,
  });

  app.get('/api/sites/:id/devices', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: "A site's devices (server-side paging and filters)", params: IdParams, querystring: ListQuery, response: { 200: Page(DeviceSchema), ...errorResponses } },
  }, async (req) => devices.listForSite(requireActor(req), req.params.id, q(req.query)));

  app.get('/api/devices', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Devices on every site you may see', querystring: ListQuery, response: { 200: Page(DeviceSchema), ...errorResponses } },
  }, async (req) => devices.listAll(requireActor(req), q(req.query)));

  app.get('/api/devices/:id', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'One device', params: IdParams, response: { 200: DeviceSchema, ...errorResponses } },
  }, async (req) => devices.get(requireActor(req), req.params.id));

  app.post('/api/devices/:id/qr', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Generate a Sitekeeper device QR code that adds this device again (encrypted with your password by default)',
      description: 'Carries the label fields (serial, verification code, model) or the address and credentials of an IP device. Send `password` (8–64 characters; scanning the code asks for it), or `unencrypted: true` for a plain code that anyone who sees it can use (installer admins only: DEVICE_QR_PLAIN_ADMIN_ONLY otherwise). Long codes come in numbered parts the scanner merges. Audited.',
      params: IdParams,
      body: Type.Object({ password: Type.Optional(Type.String({ minLength: 8, maxLength: 64 })), unencrypted: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ encrypted: Type.Boolean(), parts: Type.Array(Type.Object({ text: Type.String(), svg: Type.String({ description: 'The code as an SVG image' }) })) }),
        ...errorResponses,
      },
    },
  }, async (req) => devices.qrCode(requireActor(req), req.params.id, req.body, meta(req)));

  app.delete('/api/devices/:id', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Delete a device from its site (releases it for adding elsewhere)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await devices.remove(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });
}
