import '@fastify/multipart';
import { Type, type Static } from 'typebox';
import type { App } from '../http/types';
import { meta } from '../http/types';
import { DateTime, ErrorInfo as ErrorInfoRef, errorResponses, IdParams, Shared, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import { serveEventStream } from '../http/event-stream';
import { AppError, isAppError } from '../../errors/app-error';
import type { Onboarding } from './onboarding';
import { readPhotoScan, type PhotoDecodes } from './photo-decode';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const ErrorInfo = Nullable(ErrorInfoRef);
const NextAction = Type.Union([
  Type.Literal('add'), Type.Literal('activate'), Type.Literal('enable_cloud'), Type.Literal('enter_verification_code'),
  Type.Literal('enter_password'), Type.Literal('connect_to_network'), Type.Literal('none'),
]);

export const CandidateSchema = Shared(Type.Object({
  id: Uuid,
  name: Type.String(),
  serial: Nullable(Type.String()),
  model: Nullable(Type.String()),
  type: Nullable(Type.String()),
  host: Nullable(Type.String()),
  port: Nullable(Type.Integer()),
  reachableVia: Nullable(Type.Union([Type.Literal('cloud'), Type.Literal('lan'), Type.Literal('direct')])),
  online: Type.Boolean(),
  activated: Nullable(Type.Boolean()),
  cloudEnabled: Nullable(Type.Boolean()),
  cloudRegistered: Type.Boolean(),
  alreadyAdded: Nullable(Type.Union([Type.Literal('this_site'), Type.Literal('other_site'), Type.Literal('elsewhere')])),
  nextAction: NextAction,
  firmware: Type.Object({ version: Nullable(Type.String()), compatible: Nullable(Type.Boolean()), minimum: Nullable(Type.String()) }),
  error: ErrorInfo,
  guidance: Type.Array(Type.String()),
}, { $id: 'ScanCandidate' }));

const ScanTextBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 8192 }), qrPassword: Type.Optional(Type.String({ maxLength: 128 })) }, { additionalProperties: false });

const ScanResponse = Shared(Type.Object({
  scanId: Uuid,
  classified: Type.Record(Type.String(), Type.Unknown()),
  candidates: Type.Array(CandidateSchema),
}, { $id: 'ScanResult' }));

const BatchResponse = Type.Object({
  batchId: Uuid,
  siteId: Uuid,
  /** The scan the devices came from (GET /api/scans/:id; retry a device with POST /api/scans/:id/add). */
  scanId: Uuid,
  settled: Type.Boolean(),
  done: Type.Boolean(),
  counts: Type.Record(Type.String(), Type.Integer()),
  items: Type.Array(
    Type.Object({
      id: Uuid,
      candidateId: Uuid,
      /** The device's name from the scan. */
      name: Nullable(Type.String()),
      serial: Nullable(Type.String()),
      state: Type.String(),
      step: Type.String(),
      deviceId: Nullable(Uuid),
      error: ErrorInfo,
      pendingUntil: Nullable(DateTime),
      guidance: Type.Array(Type.String()),
      /**
       * For a device that failed or needs action here: the newest later add of it from the same
       * scan (a retry, in another batch) and how that went; null when it was not retried.
       */
      latestRetry: Nullable(
        Type.Object({
          batchId: Uuid,
          itemId: Uuid,
          state: Type.String(),
          step: Type.String(),
          deviceId: Nullable(Uuid),
          error: ErrorInfo,
        }, { description: 'The newest later add of this device from the same scan (a retry) and its outcome.' }),
      ),
    }),
  ),
});

export function onboardingRoutes(app: App, deps: { onboarding: Pick<Onboarding, 'scans' | 'batches' | 'progress'>; photos?: Pick<PhotoDecodes, 'admit'>; photoUploadTimeoutMs?: number }): void {
  const { scans, batches, progress } = deps.onboarding;

  app.post('/api/sites/:id/scans', {
    config: { access: 'installer' },
    schema: {
      tags: ['onboarding'],
      summary: 'Scan a device QR code for a site: classify it and probe every device it names',
      description: 'Send the QR text as JSON `{ text }`, or a photo as multipart/form-data (file `image`, optional text field `qrPassword`; any other part is refused with 400 UPLOAD_FIELD_UNKNOWN) to decode on the server. Photo decodes are limited per user and per server: beyond that, 429 IMAGE_DECODE_BUSY with Retry-After.',
      params: IdParams,
      // JSON with the text, or a photo as multipart (validated by the multipart limits and the decoder).
      body: {
        content: {
          'application/json': { schema: ScanTextBody },
          'multipart/form-data': { schema: Type.Unknown() },
        },
      } as unknown as typeof ScanTextBody,
      response: { 201: ScanResponse, ...errorResponses, 422: Type.Ref('ErrorResponse'), 502: Type.Ref('ErrorResponse') },
    },
  }, async (req, reply) => {
    const actor = requireActor(req);
    const json = req.isMultipart() ? undefined : (req.body as Static<typeof ScanTextBody> | undefined);
    let text: string | undefined = json?.text;
    let qrPassword = json?.qrPassword;
    if (req.isMultipart()) {
      if (!deps.photos) throw new AppError('QR_DECODER_UNAVAILABLE');
      // The place is taken before the upload is read: a user over the limit gets 429 at once.
      const place = deps.photos.admit(actor.id);
      try {
        ({ text, qrPassword } = await readPhotoScan(req.parts(), place, deps.photoUploadTimeoutMs));
      } catch (e) {
        // The rest of a late upload is not waited for: the connection ends with the answer.
        if (isAppError(e) && e.code === 'UPLOAD_TIMEOUT') void reply.header('connection', 'close');
        throw e;
      } finally {
        place.release();
      }
    }
    if (!text) throw new AppError('VALIDATION_FAILED', 'The scan has no QR text and no photo.', { hint: 'Send JSON { "text": "<QR text>" }, or multipart/form-data with the photo in the field "image".' });
    return reply.status(201).send(await scans.scan(actor, req.params.id, { text, ...(qrPassword ? { qrPassword } : {}) }, meta(req)));
  });

  app.post('/api/sites/:id/scans/address', {
    config: { access: 'installer' },
    schema: {
      tags: ['onboarding'],
      summary: 'Add by IP/Domain: one device typed by its address, port, user and password, probed as a scan candidate',
      description: 'The manual entry of a device reached by its address (the scan page\'s "Enter manually"). It becomes a scan with one candidate, probed through the connect policy like a device of a multi-device code (directly, or through the site\'s agent); confirm it with POST /api/scans/:id/add as any scan. A factory-new device answers nextAction `activate`; a wrong password `enter_password`; nothing at the address DEVICE_UNREACHABLE on the candidate. Audited as `onboarding.scan` (kind `address`), without the password.',
      params: IdParams,
      body: Type.Object({
        host: Type.String({ minLength: 1, maxLength: 253, description: 'IP address or domain name' }),
        port: Type.Integer({ minimum: 1, maximum: 65535 }),
        user: Type.String({ minLength: 1, maxLength: 32 }),
        password: Type.String({ minLength: 1, maxLength: 64 }),
        name: Type.Optional(Type.String({ maxLength: 100 })),
      }, { additionalProperties: false }),
      response: { 201: ScanResponse, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await scans.scanAddress(requireActor(req), req.params.id, req.body, meta(req))));

  app.get('/api/scans/:id', {
    config: { access: 'installer' },
    schema: { tags: ['onboarding'], summary: 'A scan and its candidates', params: IdParams, response: { 200: Type.Intersect([ScanResponse, Type.Object({ siteId: Uuid })]), ...errorResponses } },
  }, async (req) => scans.getScan(requireActor(req), req.params.id));

  app.post('/api/scans/:id/add', {
    config: { access: 'installer' },
    schema: {
      tags: ['onboarding'],
      summary: 'Add the chosen devices of a scan to its site (durable, idempotent jobs)',
      params: IdParams,
      body: Type.Object(
        {
          candidateIds: Type.Array(Uuid, { minItems: 1, maxItems: 1000 }),
          idempotencyKey: Type.String({ minLength: 8, maxLength: 100 }),
          verificationCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          adminPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          devicePassword: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        },
        { additionalProperties: false },
      ),
      response: { 202: Type.Object({ batchId: Uuid, created: Type.Boolean() }), ...errorResponses, 422: Type.Ref('ErrorResponse') },
    },
  }, async (req, reply) => reply.status(202).send(await batches.add(requireActor(req), req.params.id, req.body, meta(req))));

  app.get('/api/batches/:id', {
    config: { access: 'installer' },
    schema: { tags: ['onboarding'], summary: 'Progress of an onboarding batch, per device', params: IdParams, response: { 200: BatchResponse, ...errorResponses } },
  }, async (req) => batches.batchStatus(requireActor(req), req.params.id));

  app.get('/api/batches/:id/events', {
    config: { access: 'installer' },
    schema: {
      tags: ['onboarding'],
      summary: 'Progress as Server-Sent Events: `item` per change, `batch` with the totals, `settled` when nothing is running, `end` with the reason it ended',
      description: 'The stream ends when the batch has settled (pending offline devices wait on their own). With `follow=true` it stays open until every device is finished, so a page can show an offline device being added when it comes online. '
        + 'Its last event is `end` with `reason`: `settled`, `done`, `timeout` (reconnect), `signed_out` (the session or API token ended), `access_lost` (no longer assigned to the site), `shutdown` (reconnect) or `unavailable`. '
        + 'A user may hold a few streams at once and a server serves a bounded number: beyond, 429 `PROGRESS_STREAMS_LIMIT` with Retry-After.',
      params: IdParams,
      querystring: Type.Object({ follow: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses, 429: Type.Ref('ErrorResponse') },
    },
  }, async (req, reply) => {
    const actor = requireActor(req);
    // Refused beyond the caps: 429 PROGRESS_STREAMS_LIMIT, with Retry-After from the error handler.
    await serveEventStream(req, reply, (credentials) => progress.openStream(actor, req.params.id, { follow: req.query.follow === true, credentials }));
  });
}
