import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { errorResponses, IdParams, PageQuery } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { DeviceService } from './device.service';
import { DeviceSchema } from './device.schema';

const ListQuery = Type.Object(
  { search: Type.Optional(Type.String({ maxLength: 200 })), status: Type.Optional(Type.String({ maxLength: 20 })), ...PageQuery },
  { additionalProperties: false },
);

/**
 * A page of a device list: Page(DeviceSchema), plus `totalEstimated: true` when `total` is an
 * estimate (a search matching more than a thousand devices; the UI says "about").
 */
const DevicePageSchema = Type.Object({
  items: Type.Array(DeviceSchema),
  total: Type.Integer(),
  totalEstimated: Type.Optional(Type.Boolean({ description: 'Present (true) when total is an estimate: a search that matches more than 1,000 devices' })),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

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
    schema: { tags: ['devices'], summary: "A site's devices (server-side paging and filters)", params: IdParams, querystring: ListQuery, response: { 200: DevicePageSchema, ...errorResponses } },
  }, async (req) => devices.listForSite(requireActor(req), req.params.id, q(req.query)));

  app.get('/api/devices', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Devices on every site you may see', querystring: ListQuery, response: { 200: DevicePageSchema, ...errorResponses } },
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

  app.post('/api/devices/:id/cloud-binding/reset', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Reset the device-cloud binding: forget the device key, so the device registers again and is bound again only after proving its verification code',
      description: 'Installer admins, and installers who manage the device\'s site. Use it when a device lost its key (factory reset, replaced board) or was bound by mistake. Until the next add (or code check) proves the code, the device is unreachable through the cloud. Audited with the serial.',
      params: IdParams,
      response: { 200: Type.Object({ serial: Type.String(), wasBound: Type.Boolean({ description: 'False when the device cloud held no key for this serial' }) }), ...errorResponses },
    },
  }, async (req) => devices.resetCloudBinding(requireActor(req), req.params.id, meta(req)));
  app.post('/api/devices/:id/release', {
    config: { access: 'admin' },
    schema: {
      tags: ['devices'],
      summary: "Release your company's claim on a device (installer admins; audited)",
      description: 'The device leaves your company so that another company can add it (for now the same as deleting it, without device-side cleanup). Writes a `device.release` audit row and a `device.released` event.',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (req, reply) => {
    await devices.release(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });

  app.post('/api/devices/claims/dispute', {
    config: { access: 'admin' },
    schema: {
      tags: ['devices'],
      summary: 'Dispute a claim made without proof on your device (installer admins; audited on both sides)',
      description: "Send the device's serial and verification code (from its label). The device's own cloud registration checks the code (a wrong code and an unknown serial both answer VERIFICATION_CODE_INVALID). If another company holds the serial with a weak claim (added with an admin password only), that claim is released — that company is told its device was removed, never by whom — and you can add the device as usual. `outcome`: `released`; `not_claimed` (nobody holds it: add it); `yours`; `claim_proven` (the holder proved it too, with the code or by activating it: ask them to release it, or reset the device). See decision 0005.",
      body: Type.Object({
        serial: Type.String({ minLength: 9, maxLength: 64, pattern: '^[A-Za-z0-9-]+$', description: 'Full serial, or the 9-character short serial of the label' }),
        verificationCode: Type.String({ minLength: 6, maxLength: 12, pattern: '^[A-Za-z0-9]+$' }),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          serial: Type.String({ description: 'The full serial the device is registered under' }),
          outcome: Type.Union([Type.Literal('released'), Type.Literal('not_claimed'), Type.Literal('yours'), Type.Literal('claim_proven')]),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => devices.disputeClaim(requireActor(req), req.body, meta(req)));

  app.delete('/api/devices/:id', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Delete a device from its site (releases it for adding elsewhere)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await devices.remove(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });
}
