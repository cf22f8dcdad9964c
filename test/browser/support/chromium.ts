/**
 * Debian's Chromium driven by playwright-core (`npx playwright install` cannot download here;
 * `scripts/install-chromium.sh` installs it). Without a browser the suites skip and say so,
 * except under CI=true, where a missing browser fails the run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);
const IN_CI = process.env.CI === 'true';
export const TEST_TIMEOUT_MS = 120_000;
export const SETUP_TIMEOUT_MS = 240_000;
/** Playwright's wait per step; generous because CI shares its cores with other suites. */
export const STEP_TIMEOUT_MS = 30_000;

/** describe() that runs with a browser, skips loudly without one, and fails under CI without one. */
export function describeBrowser(name: string, body: () => void): void {
  if (HAVE_CHROMIUM) {
    // A real browser on two shared cores: allow for a busy machine.
    describe(name, { timeout: TEST_TIMEOUT_MS }, body);
    return;
  }
  if (IN_CI) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/install-chromium.sh (CI must not skip browser tests).`);
      });
    });
    return;
  }
  console.warn(`[browser tests] SKIPPED "${name}": no Chromium at ${CHROMIUM_PATH}. Install it with scripts/install-chromium.sh.`);
  describe.skip(name, body);
}

/**
 * Chromium with a fake camera that plays `videoFile` (a .y4m). Background networking is off and
 * a host-resolver rule maps every name to nothing, so the browser only ever reaches loopback.
 */
export async function launchChromium(opts: { videoFile?: string } = {}): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'sk-chromium-'));
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-domain-reliability',
    '--no-first-run',
    '--no-default-browser-check',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    '--use-fake-device-for-media-stream',
    ...(opts.videoFile ? [`--use-file-for-fake-video-capture=${opts.videoFile}`] : []),
  ];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args, env: { ...process.env, HOME: profile } });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
