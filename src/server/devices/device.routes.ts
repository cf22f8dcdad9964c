import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { errorResponses, IdParams, PageQuery } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { DeviceService } from './device.service';
import { DeviceSchema } from './device.schema';
import { DEVICE_TYPES } from './device-types';
import { FEATURES } from './firmware-catalogue';

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

  app.get('/api/devices/:id/firmware', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: "The device's firmware against the compatibility catalogue: per feature, the reason and the version to upgrade to",
      description: 'From the versioned catalogue in src/server/devices/firmware-catalogue.ts (model pattern → minimum firmware for health monitoring, linkage rules and remote configuration), for the firmware version the device last reported.',
      params: IdParams,
      response: {
        200: Type.Object({
          firmwareVersion: Type.String(),
          catalogueVersion: Type.String(),
          compatible: Type.Boolean(),
          features: Type.Array(Type.Object({ feature: Type.Union(FEATURES.map((f) => Type.Literal(f))), compatible: Type.Boolean(), minimum: Type.String() })),
          reason: Type.Union([Type.String(), Type.Null()]),
          upgradeTo: Type.Union([Type.String(), Type.Null()]),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => devices.firmwareCompatibility(requireActor(req), req.params.id));

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
      description: 'The device leaves your company so that another company can add it. Does what deleting it does (the delete rule, the device cloud binding released so the device registers again, a `device.deleted` event the AX Pro account reconcile follows), audited as `device.release`, plus a `device.released` event.',
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

  app.put('/api/devices/:id/type', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Set the type of a device whose type was not recognised (editable again later; audited)',
      description: 'The type decides which features and health checks apply (camera, NVR and DVR: disks and channels; AX Pro: the alarm system; access control, doorbell, other: reachability only). Refused with DEVICE_TYPE_NOT_EDITABLE for a device that reported a recognised type itself (`typeEditable` on the device says which). Writes a `device.type.set` audit row with the old and new type.',
      params: IdParams,
      body: Type.Object({ type: Type.Union(DEVICE_TYPES.map((t) => Type.Literal(t))) }, { additionalProperties: false }),
      response: { 200: DeviceSchema, ...errorResponses },
    },
  }, async (req) => devices.setType(requireActor(req), req.params.id, req.body.type, meta(req)));

  app.put('/api/devices/:id/connection', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Edit the name, address, port, user and password of a device added by IP/Domain or from a multi-device code (checked by connecting first)',
      description: 'Sitekeeper connects to the device with the new values (through the connect policy, directly or through the site agent) before it saves anything; the device that answers must have this device\'s serial. On failure the old values stay and the error says what failed: DEVICE_UNREACHABLE, DEVICE_AUTH_FAILED, DEVICE_LOCKED, DEVICE_NOT_ACTIVATED, DEVICE_NOT_SAME. Omit `password` to keep the stored one. Cloud devices: DEVICE_CONNECTION_NOT_EDITABLE. Audited without secrets (`device.connection.update`, also on failure).',
      params: IdParams,
      body: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        host: Type.String({ minLength: 1, maxLength: 253, description: 'IP address or domain name' }),
        port: Type.Integer({ minimum: 1, maximum: 65535 }),
        user: Type.String({ minLength: 1, maxLength: 32 }),
        password: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      }, { additionalProperties: false }),
      response: { 200: DeviceSchema, ...errorResponses },
    },
  }, async (req) => devices.editConnection(requireActor(req), req.params.id, req.body, meta(req)));

  app.delete('/api/devices/:id', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Delete a device from its site (releases its cloud registration; audited)',
      description: 'Asks the delete rule first (DEVICE_DELETE_REFUSED with details.reason, e.g. while the site is authorized). Releases what the device cloud holds for the device (its issued key and broker account: it registers again when added again), then writes a `device.delete` audit row and a `device.deleted` event (serial, type, site, company, how it was added, its address: what a later AX Pro reconcile needs) before the row and its sealed credentials go.',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (req, reply) => {
    await devices.remove(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });
}
