/**
 * The real platform for tests: buildApp on a fresh database (PGlite in memory, or a new database
 * on DATABASE_URL), the embedded broker on a random port (or MQTT_URL with a unique topic prefix).
 */
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { buildApp, type BuildOptions } from '../../src/server/app';
import { loadConfig, type Config } from '../../src/server/config';
import type { App } from '../../src/server/http/types';
import type { Clock } from '../../src/server/lib/clock';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from './database';
import { setupCompany, type TestCompany } from './factories';

export interface TestPlatform {
  app: App;
  config: Readonly<Config>;
  /** Set when started with listen: true. */
  baseUrl: string;
  setupToken: string;
  /** Whether the device with this serial (full or short) is connected to the platform's device cloud. */
  inDeviceCloud(serial: string): Promise<boolean>;
  close(): Promise<void>;
}

/** `logger`: the platform's logger (default: silent unless TEST_LOG_LEVEL), e.g. one a test reads back. */
export async function startTestPlatform(opts: { listen?: boolean; clock?: Clock; config?: Partial<Config>; logger?: Logger; build?: Pick<BuildOptions, 'siteCustody' | 'axproHooks'> } = {}): Promise<TestPlatform> {
  const testDb = await createTestDatabase();
  const base = loadConfig({
    DATA_DIR: 'memory://',
    ...(testDb.url ? { DATABASE_URL: testDb.url } : {}),
    ...(process.env.MQTT_URL ? { MQTT_URL: process.env.MQTT_URL } : {}),
    EMBEDDED_MQTT_PORT: '0',
    MQTT_TOPIC_PREFIX: `sk-test-${randomBytes(4).toString('hex')}/`,
    LOG_LEVEL: 'silent',
    DEMO_FLEET: 'false',
    // Tests never send SADP multicast: a test with a fleet adds its responder to platform.sadpTargets.
    SADP_TARGETS: 'none',
    DEVICE_TIMEOUT_MS: '4000',
    // Test devices (emulators) listen on loopback, which the connect policy refuses by default: the
    // tests allow it explicitly, like a lab would. test/attack/connect-policy.test.ts runs without it.
    DEVICE_ALLOWED_RANGES: '127.0.0.0/8,::1/128',
    CLOUD_REGISTER_TIMEOUT_SECONDS: '15',
    ONBOARDING_RETRY_SECONDS: '1',
  });
  const config = Object.freeze({ ...base, ...opts.config });
  let app: App;
  try {
    app = await buildApp(config, { logger: opts.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...(opts.clock ? { clock: opts.clock } : {}), ...opts.build });
  } catch (err) {
    await testDb.drop();
    throw err;
  }
  let baseUrl = '';
  if (opts.listen) baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const setupToken = (await app.platform.auth.issueSetupToken()) ?? '';
  return {
    app,
    config,
    baseUrl,
    setupToken,
    inDeviceCloud: async (serial) => (await app.platform.onboarding.reach.cloudStatus(serial))?.online === true,
    async close() {
      await app.close();
      await testDb.drop();
    },
  };
}

/**
 * The usual fixture of a route test file: a platform with its company set up before the file's
 * tests, closed after. `assign` hands both to the file's own variables:
 *   let p: TestPlatform; let company: TestCompany;
 *   usePlatformWithCompany((fx) => ({ p, company } = fx));
 */
export function usePlatformWithCompany(assign: (fx: { p: TestPlatform; company: TestCompany }) => void, opts: Parameters<typeof startTestPlatform>[0] = {}): void {
  let platform: TestPlatform | undefined;
  beforeAll(async () => {
    platform = await startTestPlatform(opts);
    assign({ p: platform, company: await setupCompany(platform.app, platform.setupToken) });
  });
  afterAll(async () => platform?.close());
}
