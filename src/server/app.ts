/**
 * Composition root: `buildApp(config)` opens storage, runs migrations, starts the broker and job
 * queue, wires services into routes, and returns a Fastify instance that is not yet listening.
 * `app.close()` shuts everything down in order (src/start/run.ts calls it on SIGTERM).
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import client from 'prom-client';
import pino, { type Logger } from 'pino';
import type { MqttClient } from 'mqtt';
import type { Config } from './config';
import { openDatabase, type DatabaseHandle } from './db/database';
import { migrateToLatest } from './db/migrate';
import { createUnitOfWork, type UnitOfWork } from './db/unit-of-work';
import { systemClock, type Clock } from './lib/clock';
import { SecretBox } from './security/secret-box';
import { loadSecretKey } from './security/secret-key';
import { AuthService } from './auth/auth.service';
import { InstallerService } from './installers/installer.service';
import { SiteService } from './sites/site.service';
import { access } from './http/access';
import { errors } from './http/errors';
import { sharedSchemas } from './http/common.schema';
import type { App } from './http/types';
import { authRoutes } from './auth/auth.routes';
import { installerRoutes } from './installers/installer.routes';
import { siteRoutes } from './sites/site.routes';
import { auditRoutes } from './audit/audit.routes';
import { AuditService } from './audit/audit.service';
import { systemRoutes } from './system/system.routes';
import { JobQueue } from './jobs/job-queue';
import { createJobHandlers } from './jobs/handlers';
import { webRoutes } from './web-hosting/web.routes';
import type { DeviceGateway } from './gateway/device-gateway';
import type { AgentHub } from './gateway/agent-hub';
import { BrokerStartError, startDeviceCloud, type DeviceCloud } from './gateway/device-cloud';
import { PgGatewayStore } from './gateway/gateway.repository';
import type { SiteAgent } from '../agent/site-agent';
import { DEFAULT_SADP_TARGETS, type SadpTarget } from '../device-client/sadp-discovery';
import { hashToken } from './security/secret-box';
import { PlatformDeviceReach } from './onboarding/device-reach';
import { createOnboarding, type Onboarding } from './onboarding/onboarding';
import { listenForProgress, pollForProgress } from './onboarding/progress-signals';
import type { Enqueue } from './onboarding/batch.service';
import { onboardingRoutes } from './onboarding/onboarding.routes';
import { DeviceService } from './devices/device.service';
import { deviceRoutes } from './devices/device.routes';
import { NotificationService } from './notifications/notification.service';
import { notificationRoutes } from './notifications/notification.routes';
import multipart from '@fastify/multipart';
import { DecodePool } from '../qr-image/decode-pool';
import { PhotoDecodes } from './onboarding/photo-decode';
import { DOCS_CSP, securityHeaders } from './http/security-headers';
import { redactingRequestLog } from './system/request-log';

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export interface Platform {
  config: Readonly<Config>;
  database: DatabaseHandle;
  uow: UnitOfWork;
  jobs: JobQueue;
  mqtt: MqttClient;
  mqttUrl: string;
  secrets: SecretBox;
  clock: Clock;
  auth: AuthService;
  logger: Logger;
  gateway: DeviceGateway;
  agentHub: AgentHub;
  /** The server's own site agent (LAN work on the server's network). */
  agent: SiteAgent;
  /** Where the embedded agent probes for devices (SADP); add the demo fleet's responder here. */
  sadpTargets: SadpTarget[];
  /** Scans, batches and their progress, the per-device job; `onboarding.reach` finds devices. */
  onboarding: Onboarding;
  notifications: NotificationService;
  /** Photo uploads in progress, per user and in all (their limits; decoding in a worker pool). */
  photos: PhotoDecodes;
  /** The web app (dist/web) is served at / — false when it was not built. */
  webServed: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    platform: Platform;
  }
}

export interface BuildOptions {
  clock?: Clock;
  logger?: Logger;
}

const REDACT = ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', '*.password', '*.currentPassword', '*.newPassword', '*.token', '*.adminPassword', '*.verificationCode'];

export async function buildApp(config: Readonly<Config>, options: BuildOptions = {}): Promise<App> {
  const logger = options.logger ?? pino({ level: config.logLevel, redact: REDACT });
  const clock = options.clock ?? systemClock;
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => logger.warn({ err }, 'shutdown step failed'));
    cleanups.length = 0;
  };

  try {
    let database: DatabaseHandle;
    try {
      database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedPgPort });
      cleanups.push(() => database.close());
      await migrateToLatest(database.db);
    } catch (err) {
      const where = config.databaseUrl ? `the PostgreSQL server at DATABASE_URL (${redactUrl(config.databaseUrl)})` : `the embedded database in ${config.dataDir}`;
      throw new StartupError(`Cannot open ${where}: ${err instanceof Error ? err.message : String(err)}. Check that the server is running and the URL is right.`, { cause: err });
    }

    const secrets = new SecretBox(await loadSecretKey(config));
    const uow = createUnitOfWork(database.db);
    const auth = new AuthService(uow, clock, config);
    const installers = new InstallerService(uow, clock, config);
    const sites = new SiteService(uow, clock);
    // Built before the services that queue jobs; it starts (with every handler) once they exist.
    const jobs = new JobQueue({ connectionString: database.url, poolMax: config.jobPoolMax, pollingIntervalSeconds: config.jobPollIntervalMs / 1000, logger });

    // The device cloud: broker (embedded, with device/agent authentication, or MQTT_URL), one
    // broker connection shared by the device gateway and the site-agent hub, and the server's
    // own site agent for its LAN.
    // Explicit list, shared with the agent by reference (the demo fleet adds its responder to it).
    const sadpTargets: SadpTarget[] = config.sadpTargets === 'multicast' ? [...DEFAULT_SADP_TARGETS] : [...config.sadpTargets];
    let cloud: DeviceCloud;
    try {
      cloud = await startDeviceCloud({
        store: new PgGatewayStore(database.db),
        ...(config.mqttUrl ? { mqttUrl: config.mqttUrl } : {}),
        embeddedHost: '127.0.0.1',
        embeddedPort: config.embeddedMqttPort,
        topicPrefix: config.mqttTopicPrefix,
        writer: true,
        allowFirstRegistration: true,
        requestTimeoutMs: config.deviceTimeoutMs,
        presenceGraceMs: config.presenceGraceSeconds * 1000,
        verifyAgentToken: async (token) => {
          const t = await uow.read.onboarding.findAgentToken(hashToken(token));
          return t ? { ...(t.siteId ? { siteId: t.siteId } : {}) } : null;
        },
        sadpTargets,
        onAgentLog: (msg) => logger.debug({ agent: 'embedded' }, msg),
        // Counted in /metrics (sitekeeper_broker_refused_total); the topic only at debug level (a flood must not flood the log).
        onRefused: (r) => logger.debug({ action: r.action, client: r.principal.kind, topic: r.topic }, 'broker refused a client outside its topics'),
      });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (err instanceof BrokerStartError) throw new StartupError(`${why} Set EMBEDDED_MQTT_PORT to a free port (0 picks one).`, { cause: err });
      const where = config.mqttUrl ? `the MQTT broker at MQTT_URL (${redactUrl(config.mqttUrl)})` : 'the embedded MQTT broker';
      throw new StartupError(`Cannot connect to ${where}: ${why}.`, { cause: err });
    }
    cleanups.push(() => cloud.close());
    const { gateway, hub: agentHub, mqttUrl, client: mqtt } = cloud;
    const agent = cloud.agent!;
    gateway.on('warn', (err: unknown) => logger.warn({ err }, 'device gateway'));
    agentHub.on('warn', (err: unknown) => logger.warn({ err }, 'agent hub'));

    const reach = new PlatformDeviceReach({
      gateway,
      hub: agentHub,
      agentId: () => agent.agentId,
      canDiscover: () => sadpTargets.length > 0,
      registration: (serial) => uow.read.onboarding.cloudRegistration(serial),
      timeoutMs: config.deviceTimeoutMs,
      discoverTimeoutMs: config.sadpDiscoverTimeoutMs,
      now: () => clock.now().getTime(),
    });
    const enqueue: Enqueue = (itemIds) => jobs.sendMany('onboarding.device', itemIds.map((itemId) => ({ itemId })), { retryLimit: config.onboardingJobRetryLimit });
    const eventsRecorded = () => void jobs.send('notifications.dispatch', {}, { retryLimit: config.notificationJobRetryLimit }).catch((err: unknown) => logger.warn({ err }, 'could not queue notification dispatch'));
    const onboarding = createOnboarding({
      uow,
      reach,
      secrets,
      clock,
      settings: {
        probeConcurrency: config.onboardingProbeConcurrency,
        maxDevices: config.scanMaxDevices,
        pendingTtlMs: config.pendingTtlMinutes * 60_000,
        cloudRegisterTimeoutMs: config.cloudRegisterTimeoutSeconds * 1000,
        followTimeoutMs: config.onboardingFollowTimeoutSeconds * 1000,
        leaseMs: config.onboardingLeaseSeconds * 1000,
        pollMs: config.onboardingPollMs,
        progress: {
          maxMs: config.progressStreamMaxMinutes * 60_000,
          perUser: config.progressStreamsPerUser,
          perNode: config.progressStreamsPerNode,
          accessCheckMs: config.progressAccessCheckSeconds * 1000,
        },
      },
      // One listener per node for all progress streams; the embedded socket delivers no NOTIFY (progress-signals.ts).
      progressSignals: database.embedded
        ? pollForProgress((scanIds) => uow.read.onboarding.progressFingerprints(scanIds), { intervalMs: config.progressPollMs, onError: (err) => logger.warn({ err }, 'progress poll failed') })
        : listenForProgress(database.url, { reconnectMs: 1000, onError: (err) => logger.warn({ err }, 'progress listener') }),
      // A progress stream's caller again, by the session cookie or API token that opened it.
      authenticate: async (c) => ('sessionToken' in c ? (await auth.resolveSession(c.sessionToken))?.user : auth.resolveApiToken(c.apiToken)),
      enqueue,
      eventsRecorded,
    });
    await onboarding.progress.start();
    cleanups.push(() => onboarding.progress.close());
    const devices = new DeviceService(uow, secrets);
    const notifications = new NotificationService(uow, clock);
    await jobs.start(createJobHandlers({ uow, onboarding: onboarding.job, notifications }));
    cleanups.push(() => jobs.stop());

    // Continue adds that were interrupted (crash, restart) or wait for offline devices.
    const sweep = async () => {
      try {
        await onboarding.job.resumeAll();
      } catch (err) {
        logger.warn({ err }, 'onboarding sweep failed');
      }
      try {
        // Safety net: events whose dispatch job was lost (crash between commit and send).
        await notifications.dispatchPending();
      } catch (err) {
        logger.warn({ err }, 'notification dispatch failed');
      }
    };
    await sweep();
    const sweepTimer = setInterval(() => void sweep(), config.onboardingRetrySeconds * 1000);
    sweepTimer.unref();
    cleanups.push(async () => clearInterval(sweepTimer));
    gateway.on('presence', (p: { serial: string; online: boolean }) => {
      if (p.online) void onboarding.job.deviceOnline(p.serial).catch((err: unknown) => logger.warn({ err }, 'continuing pending adds failed'));
    });

    const requestLog = redactingRequestLog(logger);
    const app = Fastify({
      // The cast picks Fastify's logger type so the instance matches App (pino's Logger is wider).
      loggerInstance: requestLog.logger as FastifyBaseLogger,
      bodyLimit: config.bodyLimitBytes,
      trustProxy: config.trustProxy,
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
      return503OnClosing: true,
    }).withTypeProvider<TypeBoxTypeProvider>();

    app.addHook('onClose', async () => cleanup());
    app.addHook('onRoute', requestLog.onRoute);
    // Open progress streams would hold the server's close open: end them first.
    app.addHook('preClose', async () => onboarding.progress.close());
    app.addHook('onSend', async (req, reply) => {
      void reply.header('x-correlation-id', req.id);
    });

    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry });
    const brokerRefused = cloud.refused;
    new client.Counter({
      name: 'sitekeeper_broker_refused_total',
      help: 'PUBLISH and SUBSCRIBE packets the embedded broker refused (a client outside its own topics)',
      labelNames: ['action'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ action: 'publish' }, brokerRefused.publish);
        this.inc({ action: 'subscribe' }, brokerRefused.subscribe);
      },
    });
    const httpDuration = new client.Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'], registers: [registry] });
    app.addHook('onResponse', async (req, reply) => {
      httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });

    for (const schema of sharedSchemas()) app.addSchema(schema);
    await app.register(errors);
    await app.register(securityHeaders, { publicUrl: config.publicUrl });
    await app.register(cookie);
    await app.register(access, { auth });
    await app.register(swagger, {
      openapi: { info: { title: 'Sitekeeper API', version: '0.1.0', description: 'Add devices by QR and keep them healthy.' } },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
    await app.register(rateLimit, { global: false });
    await app.register(multipart, { limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 5, fieldSize: 1024 } });

    systemRoutes(app, {
      registry,
      metricsToken: config.metricsToken,
      checks: [
        { name: 'database', check: () => database.ping() },
        { name: 'broker', check: async () => mqtt.connected },
      ],
    });
    authRoutes(app, { auth, loginRateLimitPerMinute: config.loginRateLimitPerMinute });
    installerRoutes(app, { installers, auth, rateLimitPerMinute: config.invitationRateLimitPerMinute });
    siteRoutes(app, { sites });
    auditRoutes(app, { audit: new AuditService(uow) });
    const decodePool = new DecodePool({ size: config.photoDecodeWorkers, options: { maxBytes: config.uploadLimitBytes, maxPixels: config.photoMaxPixels } });
    cleanups.push(() => decodePool.close());
    const photos = new PhotoDecodes(decodePool, { perUser: config.photoDecodesPerUser, max: config.photoDecodesMax });
    onboardingRoutes(app, { onboarding, photos, photoUploadTimeoutMs: config.photoUploadTimeoutSeconds * 1000 });
    deviceRoutes(app, { devices });
    notificationRoutes(app, { notifications });
    const webServed = await webRoutes(app);

    const platform: Platform = { config, database, uow, jobs, mqtt, mqttUrl, secrets, clock, auth, logger, gateway, agentHub, agent, sadpTargets, onboarding, notifications, photos, webServed };
    app.decorate('platform', platform);

    return app;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
