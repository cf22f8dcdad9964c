/**
 * The exception rules editor in Chromium against the real server (desktop): an installer admin
 * adds a business-hours rule for a site, sees it listed with its scope, recipients and schedule
 * (and the server holds exactly that rule), then deletes it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { createSite, setupAdmin } from './support/session';

describeBrowser('exception rules editor (Chromium, real server, 1280 px)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let siteId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true });
    launched = await launchChromium();
    browser = launched.browser;
    ctx = await browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 1280, height: 800 } });
    ctx.setDefaultTimeout(STEP_TIMEOUT_MS);
    const s = await setupAdmin(ctx, platform.baseUrl, platform.setupToken);
    siteId = (await createSite(ctx, platform.baseUrl, s, 'Harbour Office')).id;
    page = await ctx.newPage();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await platform?.close();
  });

  it('adds a business-hours rule for a site and deletes it', async () => {
    await page.goto('/exception-rules');
    await page.getByText('No exception rules yet').waitFor();
    await page.getByLabel('Applies to').selectOption({ label: 'Harbour Office' });
    await page.getByLabel('Name').fill('Disks in office hours');
    await page.getByLabel('Disk error').check();
    await page.getByLabel('Disk full').check();
    await page.getByLabel('Installers who manage the site').uncheck();
    // "Only at certain times" starts at business hours.
    await page.getByLabel('Only at certain times (otherwise always)').check();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Add rule' }).click();

    const row = page.getByRole('table', { name: 'Exception rules' }).locator('tbody tr');
    await row.filter({ hasText: 'Disks in office hours' }).waitFor();
    const text = await row.first().innerText();
    expect(text).toContain('Harbour Office');
    expect(text).toContain('Disk error, Disk full');
    expect(text).toContain('Installer admins');
    expect(text).not.toContain("Site's installers");
    expect(text).toContain('Mon Tue Wed Thu Fri 08:00–18:00');
    const stored = await (await ctx.request.get('/api/exception-rules')).json() as { items: Array<Record<string, unknown>> };
    expect(stored.items).toEqual([expect.objectContaining({ siteId, name: 'Disks in office hours', types: ['hdd_error', 'hdd_full'], recipients: { siteInstallers: false, installerAdmins: true }, schedule: { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' } })]);

    await page.getByRole('button', { name: 'Delete: Disks in office hours' }).click();
    await page.getByText('No exception rules yet').waitFor();
  });
});
