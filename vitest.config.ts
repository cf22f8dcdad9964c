import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Two cores: keep parallelism modest so socket-heavy e2e files do not starve each other.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    dangerouslyIgnoreUnhandledErrors: false,
    // Builds the web app once (no-op when dist/web is fresh) before the browser tests use it.
    globalSetup: ['test/browser/global-setup.ts'],
  },
});
