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
import type { SettingRepository } from './system/setting.repository';
import { systemClock, type Clock } from './lib/clock';
import { KeyBatch } from './lib/key-batch';
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
import { siteCustodyRoutes } from './sites/site-custody.routes';
import { SiteCustodyService } from './sites/site-custody.service';
import { auditRoutes } from './audit/audit.routes';
import { AuditService } from './audit/audit.service';
import { systemRoutes } from './system/system.routes';
import { JobQueue } from './jobs/job-queue';
import { createJobHandlers } from './jobs/handlers';
import { webRoutes } from './web-hosting/web.routes';
import type { DeviceGateway } from './gateway/device-gateway';
import type { AgentHub } from './gateway/agent-hub';
import { BrokerStartError, startDeviceCloud, type DeviceCloud } from './gateway/device-cloud';
import { PRESENCE_WRITER_LEASE, PresenceWriterLease } from './gateway/presence-lease';
import type { BrokerAccounts } from './gateway/broker-accounts';
import { PgGatewayStore } from './gateway/gateway.repository';
import type { SiteAgent } from '../agent/site-agent';
import { DEFAULT_SADP_TARGETS, type SadpTarget } from '../device-client/sadp-discovery';
import { PlatformDeviceReach, type DeviceReach } from './onboarding/device-reach';
import { platformConnectPolicy } from './onboarding/platform-connect-policy';
import { codeProven } from './onboarding/probe';
import { createAgentDirectory } from './agents/agent-directory';
import { SiteAgentService } from './agents/site-agent.service';
import { siteAgentRoutes } from './agents/site-agent.routes';
import { createOnboarding, type Onboarding } from './onboarding/onboarding';
import { listenForProgress, NOTIFICATIONS_CHANNEL, pollForProgress } from './onboarding/progress-signals';
import { NotificationStreams } from './notifications/notification-streams';
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
import { HealthService } from './health/health.service';
import { HealthRecorder } from './health/health-recorder';
import { HealthPoller } from './health/health-poller';
import { FirmwareVerdictService } from './devices/firmware-verdict.service';
import { DeviceRemoteService } from './devices/device-remote.service';
import { LogRetention } from './jobs/log-retention';
import { deviceRemoteRoutes } from './devices/device-remote.routes';
import { healthRoutes } from './health/health.routes';
import { ExceptionService } from './exceptions/exception.service';
import { exceptionRoutes } from './exceptions/exception.routes';
import { WebhookService } from './webhooks/webhook.service';
import { webhookRoutes } from './webhooks/webhook.routes';
import { createWebhookSender } from './webhooks/webhook-sender';
import { AxproPasswordCapture } from './axpro/axpro-passwords';
import { siteCustodyReader } from './axpro/site-custody-reader';
import { AxproAccountsService, type ReconcileHooks, type SiteCustodyReader } from './axpro/axpro-accounts.service';
import { AxproReconciles } from './axpro/axpro-reconciles';
import { AxproEventConsumer } from './axpro/axpro-events';
import { axproRoutes } from './axpro/axpro.routes';
import { clientForDevice } from './devices/device-reach';
import { LinkageService } from './linkage/linkage.service';
import { linkageDeviceActions } from './linkage/linkage-device-actions';
import { linkageRoutes } from './linkage/linkage.routes';
import { EmailService } from './email/email.service';
import { emailRoutes } from './email/email.routes';
import { createSmtpMailer, describeSmtpUrl } from './email/mailer';
import { CampaignRunner } from './firmware/campaign-runner';
import { CampaignProgress } from './firmware/campaign-progress';
import { FirmwareService } from './firmware/firmware.service';
import { firmwareRoutes } from './firmware/firmware.routes';
import { AppError } from '../errors/app-error';

const SECRET_KEY_CHECK = 'secret_key_check';

/**
 * Every node on one database must hold the same SECRET_KEY (device credentials and keys are sealed
 * under it): the first node seals a marker, a node with another key refuses to start instead of
 * failing on every sealed secret later (docs/SCALING.md).
 */
async function checkSharedSecretKey(settings: SettingRepository, secrets: SecretBox): Promise<void> {
  const marker = await settings.get(SECRET_KEY_CHECK);
  if (marker === undefined) {
    // Two nodes starting at once on a fresh database: the first insert wins, the other is checked against it.
    await settings.insertIfAbsent(SECRET_KEY_CHECK, secrets.seal('sitekeeper', SECRET_KEY_CHECK));
    return checkSharedSecretKey(settings, secrets);
  }
  try {
    secrets.open(marker, SECRET_KEY_CHECK);
  } catch {
    throw new StartupError('SECRET_KEY differs from the key the other nodes on this database use (secrets sealed by them cannot be opened). Give every node the same SECRET_KEY.');
  }
}

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
  /** Who may connect to the MQTT broker (Mosquitto dynamic security; a no-op on the embedded broker). */
  brokerAccounts: BrokerAccounts;
  /** The server's own site agent (LAN work on the server's network). */
  agent: SiteAgent;
  /** Where the embedded agent probes for devices (SADP); add the demo fleet's responder here. */
  sadpTargets: SadpTarget[];
  /**
   * What the embedded agent may send ISAPI to: nothing unless a predicate here says yes. The demo
   * fleet (and a test's emulators) add theirs; the platform's own ports are never in it.
   */
  embeddedAgentTargets: Array<(host: string, port: number) => boolean>;
  /** How onboarding reaches devices (per site: the site's own agent). */
  reach: DeviceReach;
  /** Site agents per site (portal routes). */
  siteAgents: SiteAgentService;
  /**
   * Loopback `address:port` pairs of devices the embedded agent serves (the demo fleet adds its
   * devices here): the connect policy sends host:port adds to them through the agent.
   */
  agentTargets: Array<{ address: string; port: number }>;
  /** Scans, batches and their progress, the per-device job; `onboarding.reach` finds devices. */
  onboarding: Onboarding;
  notifications: NotificationService;
  /** Health reads and the monitoring switch; `healthPoller` polls devices (only on the node holding its lease). */
  health: HealthService;
  healthPoller: HealthPoller;
  /** The exception consumer (own outbox cursor), storm control, exception rules. */
  exceptions: ExceptionService;
  /** Signed webhooks: endpoints, deliveries with retries, the delivery log. */
  webhooks: WebhookService;
  /** Linkage rules: CRUD with derived validity, and the linkage consumer (own outbox cursor) that fires them. */
  linkage: LinkageService;
  /** E-mail through SMTP (off when SMTP_URL is unset): the outbox, its attempts and the delivery log. */
  email: EmailService;
  /** Photo uploads in progress, per user and in all (their limits; decoding in a worker pool). */
  photos: PhotoDecodes;
  /** AX Pro panel accounts: the reconcile, its per-panel runner and its outbox consumer. */
  axpro: { accounts: AxproAccountsService; reconciles: AxproReconciles; events: AxproEventConsumer };
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
  /**
   * Told when a site agent's broker credentials are issued (its one-time token, then the proof of
   * its key) or revoked (null): the hook for an external broker's accounts (Mosquitto dynamic security).
   */
  onAgentCredentials?: (agentId: string, connectPassword: string | null) => void | Promise<void>;
  /** Where the AX Pro reconcile reads a site's handover and authorization (default: every site installer-managed, until the site lifecycle is wired). */
  siteCustody?: SiteCustodyReader;
  /** Test hooks of the AX Pro reconcile (a crash between a panel add and its record). */
  axproHooks?: ReconcileHooks;
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
      // The embedded database has no autovacuum: statistics for its planner at start (a fresh, empty one has none to gather).
      if (database.embedded && (await database.db.selectFrom('devices').select('id').limit(1).executeTakeFirst())) await database.maintain();
    } catch (err) {
      const where = config.databaseUrl ? `the PostgreSQL server at DATABASE_URL (${redactUrl(config.databaseUrl)})` : `the embedded database in ${config.dataDir}`;
      throw new StartupError(`Cannot open ${where}: ${err instanceof Error ? err.message : String(err)}. Check that the server is running and the URL is right.`, { cause: err });
    }

    const secrets = new SecretBox(await loadSecretKey(config));
    const uow = createUnitOfWork(database.db);
    await checkSharedSecretKey(uow.read.settings, secrets);
    // AX Pro panel accounts carry their user's login password: kept sealed only while a panel needs it (decision 0016).
    const axproPasswords = new AxproPasswordCapture(secrets, clock);
    const auth = new AuthService(uow, clock, config, axproPasswords);
    const installers = new InstallerService(uow, clock, config, axproPasswords);
    const sites = new SiteService(uow, clock);
    // Built before the services that queue jobs; it starts (with every handler) once they exist.
    const jobs = new JobQueue({ connectionString: database.url, poolMax: config.jobPoolMax, pollingIntervalSeconds: config.jobPollIntervalMs / 1000, logger });
    // E-mail through SMTP when SMTP_URL is set (decision 0019): one email.send job per e-mail. Off otherwise.
    let mailer: ReturnType<typeof createSmtpMailer> | null = null;
    if (config.smtpUrl) {
      try {
        mailer = createSmtpMailer({ url: config.smtpUrl, timeoutMs: config.smtpTimeoutSeconds * 1000 });
      } catch (err) {
        throw new StartupError(`Cannot use the SMTP server at SMTP_URL (${describeSmtpUrl(config.smtpUrl)}): ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
      }
      const m = mailer;
      cleanups.push(async () => m.close());
      logger.info({ smtp: describeSmtpUrl(config.smtpUrl) }, 'e-mail is sent through SMTP');
    }
    const email = new EmailService(uow, clock, secrets, mailer, {
      from: config.smtpFrom ?? '',
      maxAttempts: config.smtpMaxAttempts,
      retryBaseMs: config.smtpRetryBaseSeconds * 1000,
      claimMs: config.smtpTimeoutSeconds * 1000 * 3 + 5000,
    }, (deliveryId, delaySeconds) => jobs.send('email.send', { deliveryId }, { retryLimit: 0, ...(delaySeconds > 0 ? { startAfterSeconds: delaySeconds } : {}) }));
    const custody = new SiteCustodyService(uow, clock, config, axproPasswords, email);

    // The device cloud: broker (embedded, with device/agent authentication, or MQTT_URL), one
    // broker connection shared by the device gateway and the site-agent hub, and the server's
    // own site agent for its LAN.
    // Explicit list, shared with the agent by reference (the demo fleet adds its responder to it).
    const sadpTargets: SadpTarget[] = config.sadpTargets === 'multicast' ? [...DEFAULT_SADP_TARGETS] : [...config.sadpTargets];
    const embeddedAgentTargets: Platform['embeddedAgentTargets'] = [];
    let cloud: DeviceCloud;
    // Device keys are sealed at rest; keys migration 0007 left in the clear (legacy) are sealed now.
    const gatewayStore = new PgGatewayStore(database.db, secrets);
    await gatewayStore.sealPlaintextKeys();
    try {
      cloud = await startDeviceCloud({
        store: gatewayStore,
        ...(config.mqttUrl ? { mqttUrl: config.mqttUrl } : {}),
        ...(config.mqttDynsec ? { dynsec: true } : {}),
        embeddedHost: '127.0.0.1',
        embeddedPort: config.embeddedMqttPort,
        topicPrefix: config.mqttTopicPrefix,
        writer: true,
        nodesSecret: secrets.derive('registration-ephemeral'),
        allowFirstRegistration: true,
        requestTimeoutMs: config.deviceTimeoutMs,
        presenceGraceMs: config.presenceGraceSeconds * 1000,
        agents: createAgentDirectory({ agents: () => uow.read.siteAgents, secrets, clock }),
        ...(options.onAgentCredentials ? { onAgentCredentials: options.onAgentCredentials } : {}),
        embeddedAgentAllowHost: (host, port) => embeddedAgentTargets.some((allow) => allow(host, port)),
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
    const { gateway, hub: agentHub, mqttUrl, client: mqtt, accounts: brokerAccounts } = cloud;
    // One node writes presence (the lease holder); every node keeps its own view (presence-lease.ts).
    const nodeId = `node-${randomUUID()}`;
    const presenceLease = new PresenceWriterLease({
      store: {
        acquire: (holder, now, until) => uow.read.health.acquireLease(PRESENCE_WRITER_LEASE, holder, now, until),
        release: (holder) => uow.read.health.releaseLease(PRESENCE_WRITER_LEASE, holder),
      },
      gateway,
      nodeId,
      renewMs: 5_000,
      leaseMs: 15_000,
      onError: (err) => logger.warn({ err }, 'presence writer lease'),
    });
    await presenceLease.start();
    cleanups.push(() => presenceLease.stop());
    const agent = cloud.agent!;
    gateway.on('warn', (err: unknown) => logger.warn({ err }, 'device gateway'));
    agentHub.on('warn', (err: unknown) => logger.warn({ err }, 'agent hub'));

    const agentTargets: Array<{ address: string; port: number }> = [];
    let listeningPort = (): number | undefined => undefined;
    const reach = new PlatformDeviceReach({
      gateway,
      hub: agentHub,
      // A site's LAN work goes to an online agent of that site; the embedded agent (demo fleet only) otherwise.
      agentId: (siteId) => (siteId !== undefined ? agentHub.agentForSite(siteId) : undefined) ?? agent.agentId,
      canDiscover: () => sadpTargets.length > 0,
      registration: (serial) => uow.read.onboarding.cloudRegistration(serial),
      // Mosquitto with dynamic security refuses accounts nobody made: onboarding makes a device's registration account.
      ...(config.mqttDynsec ? { managedAccounts: brokerAccounts } : {}),
      timeoutMs: config.deviceTimeoutMs,
      discoverTimeoutMs: config.sadpDiscoverTimeoutMs,
      now: () => clock.now().getTime(),
      connectPolicy: platformConnectPolicy({
        allowedRanges: config.deviceAllowedRanges,
        configuredPorts: [config.port],
        serviceUrls: () => [mqttUrl, config.databaseUrl, database.listening],
        listeningPort: () => listeningPort(),
        agentTargets,
      }),
      // Only at debug: what listens where is what the single DEVICE_UNREACHABLE answer hides.
      onUnreachable: (d) => logger.debug(d, 'device address did not answer as a device'),
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
      progressSignals: database.pglite
        ? pollForProgress((scanIds) => uow.read.onboarding.progressFingerprints(scanIds), { intervalMs: config.progressPollMs, onError: (err) => logger.warn({ err }, 'progress poll failed') })
        : listenForProgress(database.url, { reconnectMs: 1000, onError: (err) => logger.warn({ err }, 'progress listener') }),
      // A progress stream's caller again, by the session cookie or API token that opened it.
      authenticate: async (c) => ('sessionToken' in c ? (await auth.resolveSession(c.sessionToken))?.user : auth.resolveApiToken(c.apiToken)),
      enqueue,
      eventsRecorded,
      checkCodeGuesser: (by, serials) => gateway.checkCodeGuesser(by, serials),
    });
    await onboarding.progress.start();
    cleanups.push(() => onboarding.progress.close());
    const devices = new DeviceService(uow, secrets, {
      provenSerial: async (serial, code, by) => {
        const full = (await reach.cloudStatus(serial))?.serial;
        return full && (await codeProven(reach, full, code, by)) ? full : null;
      },
      eventsRecorded,
    }, cloud.gateway, { hosts: reach });
    const notifications = new NotificationService(uow, clock);
    // Live notifications: one listener per node for all its streams, as the progress streams (progress-signals.ts).
    const notificationStreams = new NotificationStreams(
      () => uow.read.notifications,
      clock,
      database.pglite
        ? pollForProgress((userIds) => uow.read.notifications.fingerprints(userIds), { intervalMs: config.progressPollMs, onError: (err) => logger.warn({ err }, 'notification poll failed') })
        : listenForProgress(database.url, { reconnectMs: 1000, channel: NOTIFICATIONS_CHANNEL, onError: (err) => logger.warn({ err }, 'notification listener') }),
      async (c) => ('sessionToken' in c ? (await auth.resolveSession(c.sessionToken))?.user : auth.resolveApiToken(c.apiToken)),
      {
        maxMs: config.progressStreamMaxMinutes * 60_000,
        perUser: config.progressStreamsPerUser,
        perNode: config.progressStreamsPerNode,
        accessCheckMs: config.progressAccessCheckSeconds * 1000,
      },
    );
    await notificationStreams.start();
    cleanups.push(() => notificationStreams.close());
    const health = new HealthService(uow, clock, { historyDays: config.healthHistoryDays, historyPerDevice: 1000, recentHistory: 50 });
    // Webhooks reach only where the connect policy allows (own ports refused; private and loopback only by WEBHOOK_ALLOWED_RANGES).
    const webhookPolicy = platformConnectPolicy({ allowedRanges: config.webhookAllowedRanges, configuredPorts: [config.port], serviceUrls: () => [mqttUrl, config.databaseUrl, database.listening], listeningPort: () => listeningPort(), agentTargets: [] });
    const webhooks = new WebhookService(uow, clock, secrets, createWebhookSender({ policy: webhookPolicy, timeoutMs: config.webhookTimeoutSeconds * 1000 }), {
      maxAttempts: config.webhookMaxAttempts,
      retryBaseMs: config.webhookRetryBaseSeconds * 1000,
      claimMs: config.webhookTimeoutSeconds * 1000 * 2 + 5000,
    }, (deliveryId, delaySeconds) => jobs.send('webhooks.deliver', { deliveryId }, { retryLimit: 0, ...(delaySeconds > 0 ? { startAfterSeconds: delaySeconds } : {}) }));
    const exceptions = new ExceptionService(uow, clock, { stormWindowMs: config.stormWindowSeconds * 1000, stormMinDevices: config.stormMinDevices, publicUrl: config.publicUrl }, (ids) => {
      for (const deliveryId of ids) void jobs.send('webhooks.deliver', { deliveryId }, { retryLimit: 0 }).catch((err: unknown) => logger.warn({ err }, 'could not queue a webhook delivery'));
    }, undefined, email);
    const linkage = new LinkageService(uow, clock, linkageDeviceActions(uow, secrets, reach), (ids) => {
      for (const deliveryId of ids) void jobs.send('webhooks.deliver', { deliveryId }, { retryLimit: 0 }).catch((err: unknown) => logger.warn({ err }, 'could not queue a webhook delivery'));
    });
    // AX Pro accounts: desired-state reconcile per panel, on events (own outbox cursor), when a panel is back, and periodically.
    // Panel user changes need the panel's admin credentials on the LAN (the reconcile says "admin password needed" otherwise).
    const axpro = new AxproAccountsService(uow, secrets, (t, creds) => (t.addedVia !== 'cloud' && (!t.host || !t.port || !creds) ? null : clientForDevice(reach, t, creds)), options.siteCustody ?? siteCustodyReader(uow), clock, options.axproHooks, config.axproTrustUnprovenPanels);
    const axproReconciles = new AxproReconciles(axpro);
    const scheduleReconciles = async (deviceIds: string[]) => jobs.sendMany('axpro.reconcile', deviceIds.map((deviceId) => ({ deviceId })), { retryLimit: 0 });
    const axproEvents = new AxproEventConsumer(uow, clock, scheduleReconciles);
    // Firmware upgrade campaigns (decision 0018): one job per device run, bounded and paced per site.
    const firmwareRunner = new CampaignRunner(uow, clock, {
      perSite: config.firmwareSiteConcurrency,
      paceMs: config.firmwarePaceSeconds * 1000,
      leaseMs: config.firmwareLeaseSeconds * 1000,
      pollMs: config.firmwarePollMs,
      rebootTimeoutMs: config.firmwareRebootTimeoutSeconds * 1000,
    }, {
      device: async (deviceId) => {
        const d = await uow.read.devices.findWithSecrets(deviceId);
        if (!d) throw new AppError('DEVICE_NOT_FOUND_HERE');
        let creds: { user: string; password: string } | undefined;
        if (d.credentialsSealed) {
          const c = JSON.parse(secrets.open(d.credentialsSealed, `device:${d.serial}`)) as { user?: unknown; password?: unknown };
          if (typeof c.user === 'string' && typeof c.password === 'string') creds = { user: c.user, password: c.password };
        }
        const base = { id: d.id, companyId: d.companyId, siteId: d.siteId, serial: d.serial, healthMonitoring: d.healthMonitoring, firmwareVerdict: d.firmwareVerdict };
        return { ...base, client: clientForDevice(reach, d, creds ?? null) };
      },
      enqueue: async (rowIds) => jobs.sendMany('firmware.device', rowIds.map((rowId) => ({ rowId })), { retryLimit: 1 }),
      firmwareChanged: async (serial, version) => {
        await new FirmwareVerdictService(uow).reported(serial, version, 'firmware_upgrade');
      },
      eventsRecorded,
    });
    const logs = new LogRetention(uow, clock, config.deliveryLogDays);
    await jobs.start(createJobHandlers({ uow, onboarding: onboarding.job, notifications, health, logs, webhooks, axpro: axproReconciles, email, firmware: firmwareRunner }));
    cleanups.push(() => jobs.stop());
    // Runs let go of their devices first (state kept), so the queue stops at once and any node resumes them.
    cleanups.push(() => firmwareRunner.close());
    const firmware = new FirmwareService(uow, { cloudOnline: (serial) => gateway.isOnline(serial) !== false, started: async () => void (await firmwareRunner.kick()) });
    const campaignProgress = new CampaignProgress(
      firmware,
      clock,
      pollForProgress((ids) => uow.read.firmware.fingerprints(ids), { intervalMs: config.progressPollMs, onError: (err) => logger.warn({ err }, 'campaign progress poll failed') }),
      async (c) => ('sessionToken' in c ? (await auth.resolveSession(c.sessionToken))?.user : auth.resolveApiToken(c.apiToken)),
      {
        maxMs: config.progressStreamMaxMinutes * 60_000,
        perUser: config.progressStreamsPerUser,
        perNode: config.progressStreamsPerNode,
        accessCheckMs: config.progressAccessCheckSeconds * 1000,
      },
    );
    await campaignProgress.start();
    cleanups.push(() => campaignProgress.close());

    // Health monitoring: every node may poll, one does (the lease holder); outcomes written in batches.
    const pollIntervalMs = config.healthPollSeconds * 1000;
    const healthPoller = new HealthPoller({
      uow,
      recorder: new HealthRecorder(uow, { touchEveryMs: Math.max(pollIntervalMs, (config.healthOfflineGraceSeconds * 1000) / 2), now: () => clock.now() }),
      reach,
      cloudOnline: (serial) => gateway.isOnline(serial),
      openCredentials: (serial, sealed) => {
        try {
          const c = JSON.parse(secrets.open(sealed, `device:${serial}`)) as { user?: unknown; password?: unknown };
          return typeof c.user === 'string' && typeof c.password === 'string' ? { user: c.user, password: c.password } : null;
        } catch {
          return null;
        }
      },
      clock,
      nodeId,
      pollIntervalMs,
      concurrency: config.healthPollConcurrency,
      offlineGraceMs: config.healthOfflineGraceSeconds * 1000,
      queueRetention: () => jobs.send('health.retention', {}, { singletonKey: 'health.retention' }),
      onError: (err) => logger.warn({ err }, 'health poller'),
    });
    healthPoller.start();
    cleanups.push(() => healthPoller.stop());

    // The exception consumer reads the outbox from its own cursor (one node at a time: the cursor row is locked).
    let exceptionsRun: Promise<void> | undefined;
    const runExceptions = () => {
      exceptionsRun ??= exceptions.processPending().then(() => undefined, (err: unknown) => logger.warn({ err }, 'exception consumer')).finally(() => (exceptionsRun = undefined));
      return exceptionsRun;
    };
    let axproRun: Promise<void> | undefined;
    const runAxproEvents = () => {
      axproRun ??= axproEvents.processPending().then(() => undefined, (err: unknown) => logger.warn({ err }, 'AX Pro event consumer')).finally(() => (axproRun = undefined));
      return axproRun;
    };
    // The outbox is read as often as the exception consumer reads it (EXCEPTIONS_POLL_MS).
    const axproEventsTimer = setInterval(() => void runAxproEvents(), config.exceptionsPollMs);
    axproEventsTimer.unref();
    const axproSweep = () => void uow.read.axpro.allPanels().then(scheduleReconciles).catch((err: unknown) => logger.warn({ err }, 'AX Pro periodic reconcile'));
    const axproSweepTimer = setInterval(axproSweep, config.axproReconcileSeconds * 1000);
    axproSweepTimer.unref();
    cleanups.push(async () => {
      clearInterval(axproEventsTimer);
      clearInterval(axproSweepTimer);
      await axproRun;
      await axproReconciles.idle();
    });
    // The linkage consumer: its own cursor, read as often as the exception consumer's.
    let linkageRun: Promise<void> | undefined;
    const runLinkage = () => {
      linkageRun ??= linkage.processPending().then(() => undefined, (err: unknown) => logger.warn({ err }, 'linkage consumer')).finally(() => (linkageRun = undefined));
      return linkageRun;
    };
    const linkageTimer = setInterval(() => void runLinkage(), config.exceptionsPollMs);
    linkageTimer.unref();
    cleanups.push(async () => {
      clearInterval(linkageTimer);
      await linkageRun;
    });
    const exceptionsTimer = setInterval(() => void runExceptions(), config.exceptionsPollMs);
    exceptionsTimer.unref();
    cleanups.push(async () => {
      clearInterval(exceptionsTimer);
      await exceptionsRun;
    });

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
      try {
        // Safety net: webhook deliveries whose job was lost or whose attempt's node died.
        await webhooks.sweep();
      } catch (err) {
        logger.warn({ err }, 'webhook sweep failed');
      }
      try {
        // Safety net: e-mails whose job was lost or whose attempt's node died.
        await email.sweep();
      } catch (err) {
        logger.warn({ err }, 'e-mail sweep failed');
      }
      try {
        // Firmware upgrades interrupted (restart, crash: once their lease ran out) or waiting for a slot.
        await firmwareRunner.kick();
      } catch (err) {
        logger.warn({ err }, 'firmware campaign sweep failed');
      }
    };
    await sweep();
    const sweepTimer = setInterval(() => void sweep(), config.onboardingRetrySeconds * 1000);
    sweepTimer.unref();
    cleanups.push(async () => clearInterval(sweepTimer));
    // Devices coming online, in batches (one read per batch, not per device: thousands reconnect
    // together after a broker or uplink outage): their pending adds continue; a cloud AX Pro panel's
    // accounts catch up.
    const cameOnline = new KeyBatch<string>(async (batch) => {
      const serials = [...batch.keys()];
      await Promise.all([
        onboarding.job.devicesOnline(serials).catch((err: unknown) => logger.warn({ err, devices: serials.length }, 'continuing pending adds failed')),
        uow.read.axpro.panelsBySerials(serials).then(scheduleReconciles).catch((err: unknown) => logger.warn({ err, devices: serials.length }, 'AX Pro reconcile on presence')),
      ]);
    }, () => undefined);
    gateway.on('presence', (p: { serial: string; online: boolean }) => {
      if (p.online) cameOnline.add(p.serial, true);
    });
    cleanups.push(() => cameOnline.close());
    // Firmware verdicts (issue 16): a version a device reports over the device cloud re-checks it
    // (batched as above); rows computed with an older catalogue are re-checked once at start.
    const firmwareVerdicts = new FirmwareVerdictService(uow);
    const reported = new KeyBatch<string, string>(
      (batch) => firmwareVerdicts.reportedMany(batch).then(() => undefined),
      (err, devices) => logger.warn({ err, devices }, 'firmware verdict re-check failed'),
    );
    gateway.on('registered', (r: { serial: string; firmware: string }) => reported.add(r.serial, r.firmware));
    cleanups.push(() => reported.close());
    const rechecked = await firmwareVerdicts.recheckStale();
    if (rechecked > 0) logger.info({ devices: rechecked }, 'firmware verdicts re-checked against the compatibility catalogue');

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
    app.addHook('preClose', async () => {
      await onboarding.progress.close();
      await notificationStreams.close();
      await campaignProgress.close();
    });
    app.addHook('onSend', async (req, reply) => {
      void reply.header('x-correlation-id', req.id);
    });

    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry });
    const brokerRefused = cloud.refusedBy;
    new client.Counter({
      name: 'sitekeeper_broker_refused_total',
      help: 'PUBLISH and SUBSCRIBE packets the embedded broker refused (a client outside its own topics), by client kind and reason (wildcard, outside_prefix, other_party, not_allowed)',
      labelNames: ['action', 'client', 'reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, n] of brokerRefused) {
          const [action, who, reason] = key.split('|') as [string, string, string];
          this.inc({ action, client: who, reason }, n);
        }
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
    siteCustodyRoutes(app, { custody, auth, rateLimitPerMinute: config.invitationRateLimitPerMinute });
    const siteAgents = new SiteAgentService(uow, clock, {
      isOnline: (agentId) => agentHub.isOnline(agentId),
      // The enrolment token is the agent's first broker password (Mosquitto dynsec: its account).
      issued: async (agentId, password) => {
        if (password === null) await brokerAccounts.removeAgent(agentId);
        else await brokerAccounts.allowAgent(agentId, password);
        await options.onAgentCredentials?.(agentId, password);
      },
      revoked: (agentId) => cloud.revokeAgent(agentId),
    }, { brokerUrl: config.agentBrokerUrl ?? withoutCredentials(mqttUrl), enrolTtlMs: config.agentEnrolTtlHours * 3_600_000 });
    siteAgentRoutes(app, { agents: siteAgents });
    auditRoutes(app, { audit: new AuditService(uow) });
    const decodePool = new DecodePool({ size: config.photoDecodeWorkers, nice: config.photoDecodeNice, options: { maxBytes: config.uploadLimitBytes, maxPixels: config.photoMaxPixels } });
    cleanups.push(() => decodePool.close());
    const photos = new PhotoDecodes(decodePool, { perUser: config.photoDecodesPerUser, max: config.photoDecodesMax });
    onboardingRoutes(app, { onboarding, photos, photoUploadTimeoutMs: config.photoUploadTimeoutSeconds * 1000 });
    deviceRoutes(app, { devices });
    deviceRemoteRoutes(app, { remote: new DeviceRemoteService(uow, secrets, reach) });
    notificationRoutes(app, { notifications, streams: notificationStreams });
    healthRoutes(app, { health });
    exceptionRoutes(app, { exceptions });
    webhookRoutes(app, { webhooks });
    emailRoutes(app, { email });
    axproRoutes(app, { axpro });
    linkageRoutes(app, { linkage });
    firmwareRoutes(app, { firmware, progress: campaignProgress, maxBytes: config.firmwareMaxBytes });
    const webServed = await webRoutes(app);

    listeningPort = () => {
      const a = app.server.address();
      return a && typeof a === 'object' ? a.port : undefined;
    };
    const platform: Platform = { config, database, uow, jobs, mqtt, mqttUrl, secrets, clock, auth, logger, gateway, agentHub, brokerAccounts, agent, sadpTargets, embeddedAgentTargets, agentTargets, reach, siteAgents, onboarding, notifications, health, healthPoller, exceptions, webhooks, linkage, email, photos, webServed, axpro: { accounts: axpro, reconciles: axproReconciles, events: axproEvents } };
    app.decorate('platform', platform);

    return app;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** A broker URL to show agents: never the platform's own user name or password. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
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
