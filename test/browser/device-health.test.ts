/**
 * The device page's Health section in Chromium at phone width against the real server: the state
 * with its reason, the Health Monitoring switch with a confirm that says what switching off
 * disables, the "monitoring is off" state, and switching on again.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { createSite, setupAdmin } from './support/session';

describeBrowser('device health section (Chromium, real server, 360 px)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let deviceId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    // A short grace: the device (nothing listens at its address) is offline within seconds.
    platform = await startTestPlatform({ listen: true, config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 1 } });
    launched = await launchChromium();
    browser = launched.browser;
    ctx = await browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 360, height: 740 } });
    ctx.setDefaultTimeout(STEP_TIMEOUT_MS);
    const s = await setupAdmin(ctx, platform.baseUrl, platform.setupToken);
    const site = await createSite(ctx, platform.baseUrl, s, 'Harbour Office');
    const db = platform.app.platform.database.db;
    const { company_id } = await db.selectFrom('sites').select('company_id').where('id', '=', site.id).executeTakeFirstOrThrow();
    const creds = platform.app.platform.secrets.seal(JSON.stringify({ user: 'admin', password: 'Not-Used-1' }), 'device:DS-HEALTH0001');
    const r = await db
      .insertInto('devices')
      .values({ company_id, site_id: site.id, serial: 'DS-HEALTH0001', name: 'Gate NVR', type: 'nvr', model: 'DS-7608NI', added_via: 'direct', host: '127.0.0.1', port: 9, credentials_sealed: creds, verification_code_sealed: null, added_by: null, firmware_compatible: true, status: 'online' })
      .returning('id')
      .executeTakeFirstOrThrow();
    deviceId = r.id;
    page = await ctx.newPage();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await platform?.close();
  });

  it('shows the state with its reason; switching off asks first and says what it disables; on again collects afresh', async () => {
    await page.goto(`/devices/${deviceId}`);
    const health = page.getByTestId('device-health');
    await health.getByTestId('health-state').getByText('offline').waitFor();
    await page.getByTestId('health-reasons').getByText('The device does not answer.').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByTestId('health-monitoring-switch').click();
    const dialog = page.getByRole('dialog', { name: 'Switch health monitoring off?' });
    await dialog.waitFor();
    const effects = await page.getByTestId('health-off-effects').innerText();
    expect(effects).toMatch(/firmware/i);
    expect(effects).toMatch(/linkage rules/i);
    expect(effects).toMatch(/exceptions/i);
    expect(effects).toMatch(/health status/i);
    await dialog.getByRole('button', { name: 'Keep it on' }).click();
    expect(await page.getByTestId('health-monitoring-switch').isChecked()).toBe(true);

    await page.getByTestId('health-monitoring-switch').click();
    await dialog.getByRole('button', { name: 'Switch off' }).click();
    await page.getByTestId('health-off').waitFor();
    expect(await page.getByTestId('device-health').count()).toBe(0);
    expect(await page.getByTestId('health-monitoring-switch').isChecked()).toBe(false);

    await page.getByTestId('health-monitoring-switch').click();
    await page.getByTestId('device-health').waitFor();
    await page.getByTestId('health-state').getByText('offline').waitFor();
  });
});
