import '@fastify/multipart';
import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { DateTime, errorResponses, IdParams, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import { serveEventStream } from '../http/event-stream';
import { AppError } from '../../errors/app-error';
import { MAX_TUNNEL_BODY_BYTES } from '../../protocol/tunnel/envelope';
import type { FirmwareService } from './firmware.service';
import type { CampaignProgress } from './campaign-progress';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const PackageSchema = Type.Object({
  id: Uuid,
  sha256: Type.String({ description: 'SHA-256 of the whole package (hex): packages are stored once per company by it' }),
  fileName: Type.String(),
  models: Type.Array(Type.String(), { description: 'Models the package installs on (from its header)' }),
  version: Type.String(),
  build: Type.String(),
  size: Type.Integer(),
  createdAt: DateTime,
});

const CampaignDeviceSchema = Type.Object({
  deviceId: Uuid,
  name: Type.String(),
  serial: Type.String(),
  siteId: Uuid,
  state: Type.String({ description: 'queued, uploading, installing, rebooting, verifying, succeeded or failed' }),
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  stage: Type.String({ description: "The device's upgrade stage (upload, software, reboot, verify, done) or why it stopped" }),
  attempts: Type.Integer({ description: 'Runs this device took (a run resumed after a restart counts)' }),
  fromVersion: Nullable(Type.String()),
  firmwareVersion: Type.String({ description: 'The version Sitekeeper last knew the device to run' }),
  reason: Nullable(Type.Object({ code: Type.String(), message: Type.String({ description: "The device's own reason when it refused or failed the upgrade" }) })),
  startedAt: Nullable(DateTime),
  finishedAt: Nullable(DateTime),
});

const CampaignSchema = Type.Object({
  id: Uuid,
  package: PackageSchema,
  createdAt: DateTime,
  createdBy: Nullable(Uuid),
  done: Type.Boolean(),
  counts: Type.Record(Type.String(), Type.Integer()),
  devices: Type.Array(CampaignDeviceSchema),
});

/**
 * Package uploads are read into memory (up to FIRMWARE_MAX_BYTES each), so they are bounded: one per
 * user and two at once on a node, the place taken before the body is read; beyond, 429 RATE_LIMITED.
 */
const UPLOADS_PER_NODE = 2;

export function firmwareRoutes(app: App, deps: { firmware: FirmwareService; progress: CampaignProgress; maxBytes: number }): void {
  const { firmware, progress, maxBytes } = deps;
  const uploading = new Set<string>();

  app.post('/api/firmware/packages', {
    config: { access: 'admin' },
    schema: {
      tags: ['firmware'],
      summary: 'Upload a firmware package (installer admins)',
      description: `multipart/form-data with the package in the file field \`package\` (up to ${maxBytes} bytes, FIRMWARE_MAX_BYTES: FIRMWARE_PACKAGE_TOO_LARGE beyond). The package is parsed and checked (FIRMWARE_PACKAGE_INVALID when it does not parse or its checksum is wrong) and stored once per company by its SHA-256: uploading the same file again returns the stored one (\`created\` false). Audited as \`firmware.package.upload\`.`,
      consumes: ['multipart/form-data'],
      body: Type.Unknown(),
      response: { 201: Type.Intersect([PackageSchema, Type.Object({ created: Type.Boolean() })]), ...errorResponses, 413: Type.Ref('ErrorResponse'), 422: Type.Ref('ErrorResponse') },
    },
  }, async (req, reply) => {
    const actor = requireActor(req);
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN');
    if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the package as multipart/form-data in the file field "package".');
    if (uploading.has(actor.id) || uploading.size >= UPLOADS_PER_NODE) {
      const scope = uploading.has(actor.id) ? 'user' : 'server';
      void reply.header('connection', 'close');
      throw new AppError('RATE_LIMITED', scope === 'user' ? 'You are already uploading a firmware package; send this one when it has finished.' : 'The server is receiving as many firmware packages as it takes at once; try again in a moment.', { details: { scope, retryAfterSeconds: 30 } });
    }
    uploading.add(actor.id);
    try {
      let content: Buffer | undefined;
      let fileName = 'firmware.bin';
      try {
        for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 0 } })) {
          if (part.type !== 'file' || part.fieldname !== 'package' || content) throw new AppError('UPLOAD_FIELD_UNKNOWN', `The upload's "${part.fieldname}" is not expected here.`, { details: { expected: ['package'] } });
          fileName = part.filename;
          content = await part.toBuffer();
        }
      } catch (e) {
        const code = (e as { code?: unknown } | null)?.code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') {
          void reply.header('connection', 'close');
          throw new AppError('FIRMWARE_PACKAGE_TOO_LARGE', `The package is larger than ${maxBytes} bytes.`, { details: { maxBytes } });
        }
        if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') throw new AppError('UPLOAD_FIELD_UNKNOWN', 'Send only the file field "package".', { details: { expected: ['package'] } });
        throw e;
      }
      if (!content) throw new AppError('VALIDATION_FAILED', 'The upload has no package.', { hint: 'Send the package in the file field "package".' });
      return reply.status(201).send(await firmware.upload(actor, fileName, content, meta(req)));
    } finally {
      uploading.delete(actor.id);
    }
  });

  app.get('/api/firmware/packages', {
    config: { access: 'admin' },
    schema: { tags: ['firmware'], summary: "The company's firmware packages (installer admins)", response: { 200: Type.Object({ items: Type.Array(PackageSchema) }), ...errorResponses } },
  }, async (req) => ({ items: await firmware.packages(requireActor(req)) }));

  app.delete('/api/firmware/packages/:id', {
    config: { access: 'admin' },
    schema: {
      tags: ['firmware'],
      summary: 'Delete a firmware package (installer admins; audited)',
      description: 'Its bytes go; past campaigns keep showing what they sent. Refused with FIRMWARE_PACKAGE_IN_USE while a campaign still sends it. Uploading the same file again brings it back.',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (req, reply) => {
    await firmware.deletePackage(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });

  app.post('/api/firmware/campaigns', {
    config: { access: 'installer' },
    schema: {
      tags: ['firmware'],
      summary: 'Upgrade devices with a package: a campaign (jobs, bounded per site, resumed after a restart)',
      description: 'Every device must be on a site the caller may configure (403 / 404 otherwise). When any device cannot be upgraded now the whole campaign is refused with FIRMWARE_CAMPAIGN_REFUSED and details.devices[] = { deviceId, code, message, details? }: HEALTH_MONITORING_OFF, DEVICE_OFFLINE, FIRMWARE_PACKAGE_WRONG_MODEL, FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT (a device reached through the device cloud or a site agent, which carry a package of up to ' + `${MAX_TUNNEL_BODY_BYTES / (1024 * 1024)} MiB; details: transport, maxBytes, packageBytes), FIRMWARE_UPGRADE_RUNNING, DEVICE_ADMIN_PASSWORD_NEEDED, DEVICE_NOT_FOUND_HERE. `
        + 'Each device then goes queued → uploading → installing → rebooting → verifying → succeeded (the new version read back from the device) or failed (with the device\'s reason; the device keeps its old firmware). FIRMWARE_SITE_CONCURRENCY devices per site at once, FIRMWARE_PACE_SECONDS apart. Audited as `firmware.campaign.create`.',
      body: Type.Object({ packageId: Uuid, deviceIds: Type.Array(Uuid, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
      response: { 201: CampaignSchema, ...errorResponses, 422: Type.Ref('ErrorResponse') },
    },
  }, async (req, reply) => reply.status(201).send(await firmware.create(requireActor(req), req.body, meta(req))));

  app.get('/api/firmware/campaigns', {
    config: { access: 'installer' },
    schema: {
      tags: ['firmware'],
      summary: "Campaigns: the company's for installer admins, one's own for installers",
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Uuid, packageId: Uuid, createdAt: DateTime, createdBy: Nullable(Uuid) })) }), ...errorResponses },
    },
  }, async (req) => ({ items: await firmware.campaigns(requireActor(req)) }));

  app.get('/api/firmware/campaigns/:id', {
    config: { access: 'installer' },
    schema: { tags: ['firmware'], summary: 'A campaign with each device\'s state, percent, stage and reason', description: 'For callers who see every site of its devices.', params: IdParams, response: { 200: CampaignSchema, ...errorResponses } },
  }, async (req) => firmware.campaign(requireActor(req), req.params.id));

  app.get('/api/firmware/campaigns/:id/events', {
    config: { access: 'installer' },
    schema: {
      tags: ['firmware'],
      summary: 'A campaign\'s live progress as Server-Sent Events: `device` per change, `campaign` with the totals, `end` with the reason it ended',
      description: 'Ends with `end` { reason }: `done` (every device finished), `timeout` (reconnect), `signed_out`, `access_lost`, `shutdown` (reconnect) or `unavailable`. Streams are capped per user and per server (429 PROGRESS_STREAMS_LIMIT with Retry-After).',
      params: IdParams,
      response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses, 429: Type.Ref('ErrorResponse') },
    },
  }, async (req, reply) => {
    const actor = requireActor(req);
    await serveEventStream(req, reply, (credentials) => progress.openStream(actor, req.params.id, credentials));
  });
}
