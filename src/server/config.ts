/**
 * Configuration is read once at boot from the environment, validated into a frozen typed object,
 * and fails with a list of every problem. Every variable is documented in .env.example.
 */
import { availableParallelism } from 'node:os';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { formatCidr, parseCidrList } from '../protocol/net/connect-policy';
import { fromAddress, smtpUrlProblem } from './email/addresses';

const Bool = Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]);

const EnvSchema = Type.Object({
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  EMBEDDED_PG_PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  MQTT_URL: Type.Optional(Type.String({ pattern: '^mqtts?://' })),
  EMBEDDED_MQTT_PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  AGENT_BROKER_URL: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?)://[^@\\s]+$' })),
  AGENT_ENROL_TTL_HOURS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  MQTT_TOPIC_PREFIX: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_/-]+/$' })),
  MQTT_DYNSEC: Type.Optional(Bool),
  SECRET_KEY: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  LOG_LEVEL: Type.Optional(Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)))),
  SESSION_TTL_HOURS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  INVITATION_TTL_HOURS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  LOGIN_MAX_ATTEMPTS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  LOGIN_MAX_DELAY_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  BODY_LIMIT_BYTES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  UPLOAD_LIMIT_BYTES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PHOTO_MAX_PIXELS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PHOTO_DECODE_WORKERS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PHOTO_DECODE_NICE: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PHOTO_DECODES_PER_USER: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PHOTO_DECODES_MAX: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PHOTO_UPLOAD_TIMEOUT_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  TRUST_PROXY: Type.Optional(Bool),
  DEMO_FLEET: Type.Optional(Bool),
  DEMO_FLEET_COUNT: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  DEMO_FLEET_PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  SADP_TARGETS: Type.Optional(Type.String({ pattern: '^(multicast|none|[0-9.]+:[0-9]{1,5}(,[0-9.]+:[0-9]{1,5})*)$' })),
  DEVICE_ALLOWED_RANGES: Type.Optional(Type.String({ maxLength: 4000 })),
  DEVICE_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PRESENCE_GRACE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PENDING_TTL_MINUTES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  CLOUD_REGISTER_TIMEOUT_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  ONBOARDING_RETRY_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  ONBOARDING_PROBE_CONCURRENCY: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  SCAN_MAX_DEVICES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  ONBOARDING_FOLLOW_TIMEOUT_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  ONBOARDING_LEASE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  ONBOARDING_POLL_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  ONBOARDING_JOB_RETRY_LIMIT: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PROGRESS_POLL_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PROGRESS_STREAM_MAX_MINUTES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PROGRESS_STREAMS_PER_USER: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PROGRESS_STREAMS_PER_NODE: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  PROGRESS_ACCESS_CHECK_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  SADP_DISCOVER_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  NOTIFICATION_JOB_RETRY_LIMIT: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  JOB_POOL_MAX: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  JOB_POLL_INTERVAL_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  LOGIN_RATE_LIMIT_PER_MINUTE: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  INVITATION_RATE_LIMIT_PER_MINUTE: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, pattern: '^[\\x21-\\x7e]+$' })),
  HEALTH_POLL_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  HEALTH_POLL_CONCURRENCY: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  HEALTH_OFFLINE_GRACE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  HEALTH_HISTORY_DAYS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  DELIVERY_LOG_DAYS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  STORM_WINDOW_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  STORM_MIN_DEVICES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  EXCEPTIONS_POLL_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  WEBHOOK_ALLOWED_RANGES: Type.Optional(Type.String()),
  WEBHOOK_TIMEOUT_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  WEBHOOK_MAX_ATTEMPTS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  WEBHOOK_RETRY_BASE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  AXPRO_RECONCILE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  AXPRO_TRUST_UNPROVEN_PANELS: Type.Optional(Bool),
  SMTP_URL: Type.Optional(Type.String({ maxLength: 2000 })),
  SMTP_FROM: Type.Optional(Type.String({ maxLength: 300 })),
  SMTP_TIMEOUT_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  SMTP_MAX_ATTEMPTS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  SMTP_RETRY_BASE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  FIRMWARE_MAX_BYTES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  FIRMWARE_SITE_CONCURRENCY: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  FIRMWARE_PACE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  FIRMWARE_LEASE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  FIRMWARE_POLL_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  FIRMWARE_REBOOT_TIMEOUT_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
});

/** Every variable the platform reads (each documented in .env.example; a test keeps that true). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.properties);

/** Variables that must be at least 1 (0 would stall or switch the feature off by accident). */
const POSITIVE = [
  'ONBOARDING_PROBE_CONCURRENCY', 'SCAN_MAX_DEVICES', 'AGENT_ENROL_TTL_HOURS', 'PRESENCE_GRACE_SECONDS', 'ONBOARDING_LEASE_SECONDS', 'ONBOARDING_POLL_MS', 'PROGRESS_POLL_MS', 'PROGRESS_STREAM_MAX_MINUTES',
  'PROGRESS_STREAMS_PER_USER', 'PROGRESS_STREAMS_PER_NODE', 'PROGRESS_ACCESS_CHECK_SECONDS',
  'JOB_POOL_MAX', 'JOB_POLL_INTERVAL_MS', 'LOGIN_RATE_LIMIT_PER_MINUTE', 'INVITATION_RATE_LIMIT_PER_MINUTE',
  'PHOTO_MAX_PIXELS', 'PHOTO_DECODE_WORKERS', 'PHOTO_DECODES_PER_USER', 'PHOTO_DECODES_MAX', 'PHOTO_UPLOAD_TIMEOUT_SECONDS',
  'HEALTH_POLL_SECONDS', 'HEALTH_POLL_CONCURRENCY', 'HEALTH_OFFLINE_GRACE_SECONDS', 'HEALTH_HISTORY_DAYS', 'DELIVERY_LOG_DAYS',
  'STORM_MIN_DEVICES', 'EXCEPTIONS_POLL_MS', 'WEBHOOK_TIMEOUT_SECONDS', 'WEBHOOK_MAX_ATTEMPTS', 'WEBHOOK_RETRY_BASE_SECONDS',
  'AXPRO_RECONCILE_SECONDS', 'SMTP_TIMEOUT_SECONDS', 'SMTP_MAX_ATTEMPTS', 'SMTP_RETRY_BASE_SECONDS', 'FIRMWARE_MAX_BYTES', 'FIRMWARE_SITE_CONCURRENCY', 'FIRMWARE_LEASE_SECONDS', 'FIRMWARE_POLL_MS', 'FIRMWARE_REBOOT_TIMEOUT_SECONDS',
] as const;

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  /** Unset: embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  embeddedPgPort: number;
  /** Unset: embedded Aedes broker on embeddedMqttPort. */
  mqttUrl: string | undefined;
  embeddedMqttPort: number;
  /** The broker URL site agents are told to use (`sitekeeper agent --server`); unset: the broker the platform uses, without credentials. */
  agentBrokerUrl: string | undefined;
  /** How long a site agent's one-time enrolment token is valid. */
  agentEnrolTtlHours: number;
  mqttTopicPrefix: string;
  /**
   * MQTT_URL is a Mosquitto with the dynamic-security plugin and its user is the plugin's admin: the
   * platform manages device and agent accounts there (decision 0002).
   */
  mqttDynsec: boolean;
  /** 32-byte key (hex) for secrets at rest; unset: generated once and kept in dataDir. */
  secretKeyHex: string | undefined;
  logLevel: string;
  sessionTtlHours: number;
  invitationTtlHours: number;
  loginMaxAttempts: number;
  loginMaxDelaySeconds: number;
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** Largest uploaded photo in pixels (from its header); larger ones are refused, above 16 MP they are decoded downscaled. */
  photoMaxPixels: number;
  /** A photo upload must arrive within this long (a stalled one would hold its decode place). */
  photoUploadTimeoutSeconds: number;
  /** Worker threads decoding photos at once (default: half the cores, at least 1). */
  photoDecodeWorkers: number;
  /** Nice value (0–19) of the photo-decoding threads on Linux: decodes yield the CPU to requests (default 19). */
  photoDecodeNice: number;
  /** Photo uploads one user may have in progress (read, waiting or decoding); more get 429. */
  photoDecodesPerUser: number;
  /** Photo uploads in progress on this node for all users together; more get 429. */
  photoDecodesMax: number;
  trustProxy: boolean;
  demoFleet: boolean;
  demoFleetCount: number;
  /** The demo fleet's page (labels, QR codes, passwords): a stable port so a bookmark keeps working. */
  demoFleetPort: number;
  /** Where the embedded site agent sends SADP probes: the multicast group, none, or host:port list. */
  sadpTargets: 'multicast' | Array<{ address: string; port: number }>;
  /**
   * Address ranges (CIDR) the server may connect to directly although the connect policy would
   * refuse them or send them through the site's agent (e.g. `127.0.0.0/8` in a lab). The platform's
   * own ports stay refused on its own addresses. Empty: the default policy.
   */
  deviceAllowedRanges: readonly string[];
  deviceTimeoutMs: number;
  /**
   * After the platform (re)connects to the broker (a broker restart, a lost link, the server
   * starting), devices that were online must reconnect within this long or are marked offline.
   */
  presenceGraceSeconds: number;
  pendingTtlMinutes: number;
  cloudRegisterTimeoutSeconds: number;
  /** Period of the sweep that continues interrupted and pending adds (and dispatches lost notifications). */
  onboardingRetrySeconds: number;
  /** Devices probed at once during a scan. */
  onboardingProbeConcurrency: number;
  /** Devices one scanned code may name; a larger code is refused before anything is probed. */
  scanMaxDevices: number;
  /** How long to look for an activated device at its new (DHCP) address. */
  onboardingFollowTimeoutSeconds: number;
  /** How long a job's claim on a device holds before another node may take it (renewed while it runs). */
  onboardingLeaseSeconds: number;
  /** Between looks at a device being followed or waited for (registration). */
  onboardingPollMs: number;
  /** Retries of a failed onboarding.device job (the job itself is idempotent). */
  onboardingJobRetryLimit: number;
  /**
   * Embedded database only (its socket does not deliver NOTIFY): how often the node's one shared
   * poller looks for changes to the batches its progress streams follow.
   */
  progressPollMs: number;
  /** A progress stream ends after this long; clients reconnect. */
  progressStreamMaxMinutes: number;
  /** Progress streams one user may hold open on a node; beyond it PROGRESS_STREAMS_LIMIT (429). */
  progressStreamsPerUser: number;
  /** Progress streams a node serves in all; beyond it PROGRESS_STREAMS_LIMIT (429). */
  progressStreamsPerNode: number;
  /** How often an open progress stream checks again that its session and site access still hold. */
  progressAccessCheckSeconds: number;
  /** How long one SADP discovery through the site agent listens for answers. */
  sadpDiscoverTimeoutMs: number;
  notificationJobRetryLimit: number;
  /** Connections of the job queue (pg-boss); default 3 on the embedded database, 5 on DATABASE_URL. */
  jobPoolMax: number;
  /** How often idle job workers look for new jobs. */
  jobPollIntervalMs: number;
  loginRateLimitPerMinute: number;
  /** Requests per minute and client to the public invitation routes (describe, accept). */
  invitationRateLimitPerMinute: number;
  /** Bearer token Prometheus sends to GET /metrics; unset: /metrics answers 404. */
  metricsToken: string | undefined;
  /** How often the health poller looks at each direct, agent and monitored cloud device (jittered ±10 %). */
  healthPollSeconds: number;
  /** Device polls the health poller runs at once (on the one node that polls). */
  healthPollConcurrency: number;
  /** A direct or agent device that does not answer for this long is offline (not before). */
  healthOfflineGraceSeconds: number;
  /** Health history (summary changes) is kept this long (health.retention job). */
  healthHistoryDays: number;
  /** Finished e-mails, webhook deliveries and linkage firings are kept this long (the same retention job). */
  deliveryLogDays: number;
  /** Offline exceptions are held this long (0: sent at the next pass): many of one site together are one grouped alert; back within it, damped. */
  stormWindowSeconds: number;
  /** Devices of one site offline together that make a storm (one grouped alert per recipient). */
  stormMinDevices: number;
  /** How often each node runs the exception consumer (its cursor lock makes one run at a time). */
  exceptionsPollMs: number;
  /** Ranges webhooks may reach although the connect policy refuses them (loopback, private): e.g. 127.0.0.0/8 in tests. */
  webhookAllowedRanges: readonly string[];
  webhookTimeoutSeconds: number;
  /** Attempts per delivery before it is marked failed. */
  webhookMaxAttempts: number;
  /** First retry after this long, doubling each attempt (capped at one hour). */
  webhookRetryBaseSeconds: number;
  /** Every AX Pro panel's accounts are reconciled this often besides on events (offline panels, conflicts resolved on the panel). */
  axproReconcileSeconds: number;
  /** Send login passwords to AX Pro panels whose identity is not proven (reached by address, no verification code): off by default (decision 0016). */
  axproTrustUnprovenPanels: boolean;
  /** SMTP server e-mail goes through (smtp:// or smtps://, with user and password); unset: e-mail is off. Never logged. */
  smtpUrl: string | undefined;
  /** The From of every e-mail (a plain address or `Name <address>`); required with SMTP_URL. */
  smtpFrom: string | undefined;
  /** Connection, greeting and socket timeout of one SMTP conversation. */
  smtpTimeoutSeconds: number;
  /** Attempts per e-mail before it is marked failed (an SMTP 5xx answer fails it at once). */
  smtpMaxAttempts: number;
  /** First retry of an e-mail after this long, doubling each attempt (capped at one hour). */
  smtpRetryBaseSeconds: number;
  /** Largest firmware package accepted by upload (its own limit: packages are far larger than photos). */
  firmwareMaxBytes: number;
  /** Devices of one site upgraded at once (across every campaign). */
  firmwareSiteConcurrency: number;
  /** At least this long between two upgrades starting on one site (0: no pacing). */
  firmwarePaceSeconds: number;
  /** A node's claim on a device being upgraded; another node takes over when it runs out (a crash). */
  firmwareLeaseSeconds: number;
  /** Between looks at a device's upgrade progress and at a rebooting device. */
  firmwarePollMs: number;
  /** How long a device may take from the end of its install to answering with the new version. */
  firmwareRebootTimeoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') relevant[key] = v;
  }
  const problems = [...Value.Errors(EnvSchema, relevant)].map((e) => {
    const path = (e as { instancePath?: string }).instancePath ?? '';
    return `${path.replace(/^\//, '') || 'environment'}: ${e.message}`;
  });
  const e = relevant as Static<typeof EnvSchema>;
  const int = (v: string | undefined, dflt: number) => (v === undefined ? dflt : Number.parseInt(v, 10));
  const bool = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v === 'true' || v === '1');
  const port = int(e.PORT, 8080);
  if (port > 65535) problems.push('PORT: must be at most 65535');
  const mqttPort = int(e.EMBEDDED_MQTT_PORT, 18830);
  if (mqttPort === 1883) problems.push('EMBEDDED_MQTT_PORT: 1883 is reserved for an external broker; pick another port');
  const mqttDynsec = bool(e.MQTT_DYNSEC, false);
  if (mqttDynsec && !e.MQTT_URL) problems.push('MQTT_DYNSEC: needs MQTT_URL (an external Mosquitto with the dynamic-security plugin)');
  else if (mqttDynsec && !/^mqtts?:\/\/[^/@:]+:[^/@]+@/.test(e.MQTT_URL!)) problems.push('MQTT_DYNSEC: MQTT_URL must name the dynamic-security admin and its password (mqtt://user:password@host:port)');
  const pgPort = int(e.EMBEDDED_PG_PORT, 0);
  if (pgPort === 5432) problems.push('EMBEDDED_PG_PORT: 5432 is reserved for a real PostgreSQL; pick another port or 0');
  const demoFleetPort = int(e.DEMO_FLEET_PORT, 18840);
  if (demoFleetPort > 65535) problems.push('DEMO_FLEET_PORT: must be at most 65535');
  let deviceAllowedRanges: string[] = [];
  try {
    deviceAllowedRanges = parseCidrList(e.DEVICE_ALLOWED_RANGES ?? '').map(formatCidr);
  } catch (err) {
    problems.push(`DEVICE_ALLOWED_RANGES: ${err instanceof Error ? err.message : String(err)}`);
  }
  let webhookAllowedRanges: string[] = [];
  try {
    webhookAllowedRanges = parseCidrList(e.WEBHOOK_ALLOWED_RANGES ?? '').map(formatCidr);
  } catch (err) {
    problems.push(`WEBHOOK_ALLOWED_RANGES: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const key of POSITIVE) if (e[key] !== undefined && int(e[key], 1) < 1) problems.push(`${key}: must be at least 1`);
  const photoDecodesPerUser = int(e.PHOTO_DECODES_PER_USER, 2);
  const photoDecodesMax = int(e.PHOTO_DECODES_MAX, 8);
  const photoDecodeNice = int(e.PHOTO_DECODE_NICE, 19);
  if (photoDecodeNice > 19) problems.push('PHOTO_DECODE_NICE: must be 0 (the server\'s priority) to 19 (the lowest)');
  if (photoDecodesMax < photoDecodesPerUser) problems.push('PHOTO_DECODES_MAX: must be at least PHOTO_DECODES_PER_USER (one user would fill the node)');
  if (e.SMTP_URL !== undefined) {
    // The URL holds the SMTP password: the problem is described, the value never repeated.
    const why = smtpUrlProblem(e.SMTP_URL);
    if (why) problems.push(`SMTP_URL: ${why}`);
    if (e.SMTP_FROM === undefined) problems.push('SMTP_FROM: needed with SMTP_URL (the address e-mails come from, e.g. "Sitekeeper <alerts@example.com>")');
  }
  if (e.SMTP_FROM !== undefined && fromAddress(e.SMTP_FROM) === null) problems.push('SMTP_FROM: must be an e-mail address or "Name <address>"');
  if (problems.length > 0) throw new ConfigError(problems);
  const host = e.HOST ?? '127.0.0.1';
  return Object.freeze({
    host,
    port,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    dataDir: e.DATA_DIR ?? './data',
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: pgPort,
    mqttUrl: e.MQTT_URL,
    embeddedMqttPort: mqttPort,
    agentBrokerUrl: e.AGENT_BROKER_URL,
    agentEnrolTtlHours: int(e.AGENT_ENROL_TTL_HOURS, 24),
    mqttTopicPrefix: e.MQTT_TOPIC_PREFIX ?? 'sk/',
    mqttDynsec,
    secretKeyHex: e.SECRET_KEY,
    logLevel: e.LOG_LEVEL ?? 'info',
    sessionTtlHours: int(e.SESSION_TTL_HOURS, 168),
    invitationTtlHours: int(e.INVITATION_TTL_HOURS, 72),
    loginMaxAttempts: int(e.LOGIN_MAX_ATTEMPTS, 5),
    loginMaxDelaySeconds: int(e.LOGIN_MAX_DELAY_SECONDS, 900),
    bodyLimitBytes: int(e.BODY_LIMIT_BYTES, 1024 * 1024),
    uploadLimitBytes: int(e.UPLOAD_LIMIT_BYTES, 10 * 1024 * 1024),
    photoMaxPixels: int(e.PHOTO_MAX_PIXELS, 50_000_000),
    photoUploadTimeoutSeconds: int(e.PHOTO_UPLOAD_TIMEOUT_SECONDS, 60),
    // Half the cores: photo decoding never takes every core from the API.
    photoDecodeWorkers: int(e.PHOTO_DECODE_WORKERS, Math.max(1, Math.floor(availableParallelism() / 2))),
    photoDecodeNice,
    photoDecodesPerUser,
    photoDecodesMax,
    trustProxy: bool(e.TRUST_PROXY, false),
    demoFleet: bool(e.DEMO_FLEET, true),
    demoFleetCount: int(e.DEMO_FLEET_COUNT, 8),
    demoFleetPort,
    sadpTargets: parseSadpTargets(e.SADP_TARGETS),
    deviceAllowedRanges: Object.freeze(deviceAllowedRanges),
    deviceTimeoutMs: int(e.DEVICE_TIMEOUT_MS, 8000),
    presenceGraceSeconds: int(e.PRESENCE_GRACE_SECONDS, 60),
    pendingTtlMinutes: int(e.PENDING_TTL_MINUTES, 24 * 60),
    cloudRegisterTimeoutSeconds: int(e.CLOUD_REGISTER_TIMEOUT_SECONDS, 90),
    onboardingRetrySeconds: int(e.ONBOARDING_RETRY_SECONDS, 15),
    onboardingProbeConcurrency: int(e.ONBOARDING_PROBE_CONCURRENCY, 64),
    scanMaxDevices: int(e.SCAN_MAX_DEVICES, 256),
    onboardingFollowTimeoutSeconds: int(e.ONBOARDING_FOLLOW_TIMEOUT_SECONDS, 60),
    onboardingLeaseSeconds: int(e.ONBOARDING_LEASE_SECONDS, 15),
    onboardingPollMs: int(e.ONBOARDING_POLL_MS, 250),
    onboardingJobRetryLimit: int(e.ONBOARDING_JOB_RETRY_LIMIT, 2),
    progressPollMs: int(e.PROGRESS_POLL_MS, 300),
    progressStreamMaxMinutes: int(e.PROGRESS_STREAM_MAX_MINUTES, 30),
    progressStreamsPerUser: int(e.PROGRESS_STREAMS_PER_USER, 5),
    progressStreamsPerNode: int(e.PROGRESS_STREAMS_PER_NODE, 200),
    progressAccessCheckSeconds: int(e.PROGRESS_ACCESS_CHECK_SECONDS, 30),
    sadpDiscoverTimeoutMs: int(e.SADP_DISCOVER_TIMEOUT_MS, 1500),
    notificationJobRetryLimit: int(e.NOTIFICATION_JOB_RETRY_LIMIT, 5),
    // The embedded database serves few connections; a real server takes more.
    jobPoolMax: int(e.JOB_POOL_MAX, e.DATABASE_URL ? 5 : 3),
    jobPollIntervalMs: int(e.JOB_POLL_INTERVAL_MS, 500),
    loginRateLimitPerMinute: int(e.LOGIN_RATE_LIMIT_PER_MINUTE, 30),
    invitationRateLimitPerMinute: int(e.INVITATION_RATE_LIMIT_PER_MINUTE, 30),
    metricsToken: e.METRICS_TOKEN,
    healthPollSeconds: int(e.HEALTH_POLL_SECONDS, 60),
    healthPollConcurrency: int(e.HEALTH_POLL_CONCURRENCY, 32),
    healthOfflineGraceSeconds: int(e.HEALTH_OFFLINE_GRACE_SECONDS, 60),
    healthHistoryDays: int(e.HEALTH_HISTORY_DAYS, 30),
    deliveryLogDays: int(e.DELIVERY_LOG_DAYS, 30),
    stormWindowSeconds: int(e.STORM_WINDOW_SECONDS, 60),
    stormMinDevices: int(e.STORM_MIN_DEVICES, 5),
    exceptionsPollMs: int(e.EXCEPTIONS_POLL_MS, 1000),
    webhookAllowedRanges: Object.freeze(webhookAllowedRanges),
    webhookTimeoutSeconds: int(e.WEBHOOK_TIMEOUT_SECONDS, 10),
    webhookMaxAttempts: int(e.WEBHOOK_MAX_ATTEMPTS, 8),
    webhookRetryBaseSeconds: int(e.WEBHOOK_RETRY_BASE_SECONDS, 30),
    axproReconcileSeconds: int(e.AXPRO_RECONCILE_SECONDS, 900),
    axproTrustUnprovenPanels: bool(e.AXPRO_TRUST_UNPROVEN_PANELS, false),
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    smtpTimeoutSeconds: int(e.SMTP_TIMEOUT_SECONDS, 30),
    smtpMaxAttempts: int(e.SMTP_MAX_ATTEMPTS, 8),
    smtpRetryBaseSeconds: int(e.SMTP_RETRY_BASE_SECONDS, 30),
    firmwareMaxBytes: int(e.FIRMWARE_MAX_BYTES, 256 * 1024 * 1024),
    firmwareSiteConcurrency: int(e.FIRMWARE_SITE_CONCURRENCY, 2),
    firmwarePaceSeconds: int(e.FIRMWARE_PACE_SECONDS, 10),
    firmwareLeaseSeconds: int(e.FIRMWARE_LEASE_SECONDS, 30),
    firmwarePollMs: int(e.FIRMWARE_POLL_MS, 1000),
    firmwareRebootTimeoutSeconds: int(e.FIRMWARE_REBOOT_TIMEOUT_SECONDS, 600),
  });
}

function parseSadpTargets(v: string | undefined): Config['sadpTargets'] {
  if (v === undefined || v === 'multicast') return 'multicast';
  if (v === 'none') return [];
  return v.split(',').map((t) => {
    const [address, port] = t.split(':') as [string, string];
    return { address, port: Number(port) };
  });
}
