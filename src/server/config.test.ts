import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives embedded defaults off the standard ports', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, databaseUrl: undefined, mqttUrl: undefined, embeddedMqttPort: 18830, dataDir: './data', demoFleet: true, demoFleetPort: 18840 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', EMBEDDED_MQTT_PORT: '1883', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('DATABASE_URL');
      expect(problems).toContain('LOG_LEVEL');
      expect(problems).toContain('EMBEDDED_MQTT_PORT');
    }
  });

  it('reads the external services', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', MQTT_URL: 'mqtt://127.0.0.1:1883', PORT: '9000' });
    expect(c).toMatchObject({ databaseUrl: 'postgres://u@h:5432/db', mqttUrl: 'mqtt://127.0.0.1:1883', port: 9000, publicUrl: 'http://localhost:9000' });
  });

  it('MQTT_DYNSEC: off by default; on, it needs MQTT_URL with the admin and password', () => {
    expect(loadConfig({}).mqttDynsec).toBe(false);
    expect(loadConfig({ MQTT_URL: 'mqtt://admin:s3cret@127.0.0.1:1883', MQTT_DYNSEC: 'true' }).mqttDynsec).toBe(true);
    expect(() => loadConfig({ MQTT_DYNSEC: 'true' })).toThrow(/MQTT_DYNSEC: needs MQTT_URL/);
    expect(() => loadConfig({ MQTT_URL: 'mqtt://127.0.0.1:1883', MQTT_DYNSEC: 'true' })).toThrow(/MQTT_DYNSEC: MQTT_URL must name the dynamic-security admin/);
  });

  it('keeps the timing and limits of onboarding, jobs and rate limits as they were', () => {
    expect(loadConfig({})).toMatchObject({
      onboardingProbeConcurrency: 64, onboardingFollowTimeoutSeconds: 60, onboardingLeaseSeconds: 15, onboardingPollMs: 250, onboardingJobRetryLimit: 2,
      progressPollMs: 300, progressStreamMaxMinutes: 30, sadpDiscoverTimeoutMs: 1500, notificationJobRetryLimit: 5,
      jobPoolMax: 3, jobPollIntervalMs: 500, loginRateLimitPerMinute: 30, invitationRateLimitPerMinute: 30,
    });
    // A real PostgreSQL serves the job queue more connections than the embedded one.
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).jobPoolMax).toBe(5);
    expect(loadConfig({ JOB_POOL_MAX: '8', ONBOARDING_LEASE_SECONDS: '30', PROGRESS_POLL_MS: '1000' })).toMatchObject({ jobPoolMax: 8, onboardingLeaseSeconds: 30, progressPollMs: 1000 });
  });

  it('gives devices 60 s to show up again after a broker restart, and never 0 (everything would go offline at once)', () => {
    expect(loadConfig({}).presenceGraceSeconds).toBe(60);
    expect(loadConfig({ PRESENCE_GRACE_SECONDS: '5' }).presenceGraceSeconds).toBe(5);
    expect(() => loadConfig({ PRESENCE_GRACE_SECONDS: '0' })).toThrow(/PRESENCE_GRACE_SECONDS: must be at least 1/);
  });

  it('caps progress streams per user and per node, and checks their access every 30 s, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ progressStreamsPerUser: 5, progressStreamsPerNode: 200, progressAccessCheckSeconds: 30 });
    expect(loadConfig({ PROGRESS_STREAMS_PER_USER: '2', PROGRESS_STREAMS_PER_NODE: '50', PROGRESS_ACCESS_CHECK_SECONDS: '5' })).toMatchObject({ progressStreamsPerUser: 2, progressStreamsPerNode: 50, progressAccessCheckSeconds: 5 });
    // 0 would refuse every stream or check access in a busy loop.
    expect(() => loadConfig({ PROGRESS_STREAMS_PER_USER: '0', PROGRESS_ACCESS_CHECK_SECONDS: '0' })).toThrow(/PROGRESS_STREAMS_PER_USER: must be at least 1[\s\S]*PROGRESS_ACCESS_CHECK_SECONDS: must be at least 1/);
  });

  it('refuses zero where zero would stall the feature', () => {
    expect(() => loadConfig({ ONBOARDING_PROBE_CONCURRENCY: '0', JOB_POOL_MAX: '0' })).toThrow(/ONBOARDING_PROBE_CONCURRENCY: must be at least 1[\s\S]*JOB_POOL_MAX: must be at least 1/);
    expect(loadConfig({ ONBOARDING_JOB_RETRY_LIMIT: '0' }).onboardingJobRetryLimit).toBe(0);
  });

  it('limits photo decodes per user and per node (issue 13)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ photoMaxPixels: 50_000_000, photoDecodesPerUser: 2, photoDecodesMax: 8 });
    expect(c.photoDecodeWorkers).toBeGreaterThanOrEqual(1);
    expect(loadConfig({ PHOTO_DECODE_WORKERS: '3', PHOTO_DECODES_PER_USER: '1', PHOTO_DECODES_MAX: '4', PHOTO_MAX_PIXELS: '20000000' })).toMatchObject({
      photoDecodeWorkers: 3, photoDecodesPerUser: 1, photoDecodesMax: 4, photoMaxPixels: 20_000_000,
    });
    expect(() => loadConfig({ PHOTO_DECODE_WORKERS: '0', PHOTO_DECODES_PER_USER: '0' })).toThrow(/PHOTO_DECODE_WORKERS: must be at least 1[\s\S]*PHOTO_DECODES_PER_USER: must be at least 1/);
    expect(() => loadConfig({ PHOTO_DECODES_PER_USER: '5', PHOTO_DECODES_MAX: '4' })).toThrow(/PHOTO_DECODES_MAX: must be at least PHOTO_DECODES_PER_USER/);
  });

  it('reads METRICS_TOKEN (unset by default) and refuses a short or spaced one', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it, long enough' })).toThrow(/METRICS_TOKEN/);
  });

  it('reads DEVICE_ALLOWED_RANGES as canonical CIDR ranges (none by default) and names a bad entry', () => {
    expect(loadConfig({}).deviceAllowedRanges).toEqual([]);
    expect(loadConfig({ DEVICE_ALLOWED_RANGES: '127.0.0.0/8, ::1/128,10.1.2.3' }).deviceAllowedRanges).toEqual(['127.0.0.0/8', '::1/128', '10.1.2.3/32']);
    expect(() => loadConfig({ DEVICE_ALLOWED_RANGES: '127.0.0.0/8,localhost' })).toThrow(/DEVICE_ALLOWED_RANGES: "localhost" is not an address range/);
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    expect(CONFIG_VARIABLES.filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented].filter((v) => !CONFIG_VARIABLES.includes(v!))).toEqual([]);
  });

  it('reads SMTP_URL and SMTP_FROM (e-mail off when unset) and refuses a malformed URL without repeating its password', () => {
    expect(loadConfig({}).smtpUrl).toBeUndefined();
    const c = loadConfig({ SMTP_URL: 'smtps://alerts:s3cret@mail.example.com:465', SMTP_FROM: 'Sitekeeper <alerts@example.com>' });
    expect(c).toMatchObject({ smtpUrl: 'smtps://alerts:s3cret@mail.example.com:465', smtpFrom: 'Sitekeeper <alerts@example.com>', smtpMaxAttempts: 8 });
    for (const bad of ['http://u:s3cret@mail.example.com', 'smtp://u:s3cret@mail.example.com:25/inbox', 'smtp://u:s3cret@mail.example.com?sendmail=true', 'not a url s3cret']) {
      let err: unknown;
      try {
        loadConfig({ SMTP_URL: bad, SMTP_FROM: 'alerts@example.com' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/SMTP_URL: /);
      expect((err as Error).message).not.toContain('s3cret');
    }
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com' })).toThrow(/SMTP_FROM: needed with SMTP_URL/);
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'nobody' })).toThrow(/SMTP_FROM: must be an e-mail address/);
  });
});
