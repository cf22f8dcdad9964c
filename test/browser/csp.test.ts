/**
 * The Content-Security-Policy against the built web app in Chromium: the portal, the phone face
 * (camera → decode worker → zxing .wasm → scan request), the service worker and the Swagger UI at
 * /docs all work under the headers the server sends, and not one violation is reported (document
 * `securitypolicyviolation` events, console messages of the pages and their workers, page errors).
 * The last test shows the watch is not blind: an inline script injected into a page is refused
 * and reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { writeQrY4m } from './support/media';
import { createSite, setupAdmin, signInApi } from './support/session';

const LABEL_TEXT = 'CSP-CHECK-LABEL-0042';

/** Every CSP violation and page error the context's pages and workers report, as readable lines. */
async function watchCsp(context: BrowserContext): Promise<string[]> {
  const reported: string[] = [];
  await context.exposeBinding('__cspViolation', (_source, line: string) => void reported.push(line));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __cspViolation: (line: string) => void }).__cspViolation;
      report(`${e.effectiveDirective} refused ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const fromConsole = (m: ConsoleMessage) => {
    if (/content security policy/i.test(m.text())) reported.push(`console: ${m.text()}`);
  };
  context.on('console', fromConsole);
  context.on('weberror', (e) => reported.push(`page error: ${e.error().message}`));
  context.on('page', (page) => page.on('worker', (w) => w.on('console', fromConsole)));
  return reported;
}

describeBrowser('Content-Security-Policy (Chromium, built web app, real server)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let workDir: string;
  let siteId: string;
  let context: BrowserContext;
  let violations: string[];

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true });
    workDir = mkdtempSync(path.join(tmpdir(), 'sk-csp-'));
    const video = path.join(workDir, 'label.y4m');
    writeQrY4m(video, LABEL_TEXT);
    launched = await launchChromium({ videoFile: video });
    const adminCtx = await launched.browser.newContext();
    const admin = await setupAdmin(adminCtx, platform.baseUrl, platform.setupToken);
    siteId = (await createSite(adminCtx, platform.baseUrl, admin, 'Harbour Office')).id;
    await adminCtx.close();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await platform?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function signedInPage(opts: { phone?: boolean } = {}): Promise<Page> {
    context = await launched.browser.newContext({
      baseURL: platform.baseUrl,
      ...(opts.phone ? { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, permissions: ['camera'] } : {}),
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    violations = await watchCsp(context);
    await signInApi(context, platform.baseUrl);
    return context.newPage();
  }

  afterEach(async () => {
    await context?.close();
  });

  it('the server sends the policy the tests below hold the app to', async () => {
    const res = await fetch(`${platform.baseUrl}/`, { headers: { accept: 'text/html' } });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('the portal renders and navigates with no violation', async () => {
    const page = await signedInPage();
    await page.goto('/sites');
    await page.getByRole('cell', { name: 'Harbour Office', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Harbour Office', exact: true }).click();
    await page.getByRole('heading', { name: 'Harbour Office' }).waitFor();
    await page.getByRole('link', { name: 'Installers' }).click();
    await page.waitForURL(/\/installers/);
    expect(violations).toEqual([]);
  });

  it('the phone face reads a label with the camera (decode worker, zxing .wasm), and the service worker registers, with no violation', async () => {
    const page = await signedInPage({ phone: true });
    await page.goto('/m');
    await page.getByRole('radio', { name: /Harbour Office/ }).waitFor();
    const scan = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === `/api/sites/${siteId}/scans`);
    await page.goto(`/m/scan?site=${encodeURIComponent(siteId)}`);
    // Decoded in the page's worker from the fake camera's frames: only then is the text sent.
    const sent = await scan.catch((err: Error) => {
      throw new Error(`${err.message}; CSP reports: ${JSON.stringify(violations)}`);
    });
    expect((sent.postDataJSON() as { text: string }).text).toBe(LABEL_TEXT);
    await page.getByText('Code read.').waitFor();
    await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.active != null);
    expect(violations).toEqual([]);
  });

  it('the API docs at /docs render under their own policy with no violation', async () => {
    const page = await signedInPage();
    await page.goto('/docs');
    await page.locator('.swagger-ui .info .title').getByText('Sitekeeper API').waitFor();
    await page.locator('.swagger-ui .opblock').first().waitFor();
    expect(violations).toEqual([]);
  });

  it('the watch is not blind: an inline script injected into the portal is refused and reported', async () => {
    const page = await signedInPage();
    await page.goto('/sites');
    await page.getByRole('cell', { name: 'Harbour Office', exact: true }).waitFor();
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
    });
    // Both channels see it: the document's event (Chromium names the blocked URI "inline") and the console.
    await expect.poll(() => violations).toEqual(expect.arrayContaining([
      expect.stringMatching(/^script-src-elem refused inline /),
      expect.stringMatching(/^console: .*violates the following Content Security Policy directive 'script-src/),
    ]));
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
  });
});
