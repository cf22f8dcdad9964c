/**
 * A firmware campaign's live progress in Chromium (issue 16) against the real server and emulated
 * cameras, on the portal (1280 px): the installer admin uploads a package, picks two devices, starts
 * the campaign and watches it over SSE until both report the new version.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fleet } from '../../src/emulator';
import { buildFirmwarePackage } from '../../src/protocol/isapi/firmware-package';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { startFleetFor } from '../helpers/fleet';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { screenshot } from './support/screens';
import { createSite, setupAdmin } from './support/session';

const MODEL = 'DS-2CD2143G2-I';

describeBrowser('firmware campaign: upload, start, live progress (Chromium, real server, emulator)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let fleet: Fleet;
  let siteId = '';
  let companyId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true, config: { firmwarePaceSeconds: 0, firmwarePollMs: 100, healthPollSeconds: 3600 } });
    fleet = await startFleetFor(platform, [{ type: 'camera', model: MODEL, cloudEnabled: false }, { type: 'camera', model: MODEL, cloudEnabled: false }], { upgradeMs: 600, rebootMs: 200 });
    launched = await launchChromium();
    browser = launched.browser;
    ctx = await browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 1280, height: 900 } });
    ctx.setDefaultTimeout(STEP_TIMEOUT_MS);
    const s = await setupAdmin(ctx, platform.baseUrl, platform.setupToken);
    const site = await createSite(ctx, platform.baseUrl, s, 'Depot North');
    siteId = site.id;
    companyId = (await platform.app.platform.database.db.selectFrom('sites').select('company_id').where('id', '=', site.id).executeTakeFirstOrThrow()).company_id;
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await fleet?.close();
    await platform?.close();
  });

  it('portal: a package uploaded, two cameras upgraded, progress followed live to the new version', async () => {
    for (const [i, d] of fleet.devices.entries()) {
      const x = fleet.describe(d);
      await platform.app.platform.database.db
        .insertInto('devices')
        .values({
          company_id: companyId, site_id: siteId, serial: x.serial, name: `Cam ${i + 1}`, type: 'camera', model: x.model, added_via: 'direct', host: x.host, port: x.httpPort,
          credentials_sealed: platform.app.platform.secrets.seal(JSON.stringify({ user: x.adminUser, password: x.adminPassword }), `device:${x.serial}`),
          verification_code_sealed: null, added_by: null, firmware_compatible: true, firmware_version: d.firmwareVersion, status: 'online',
        })
        .execute();
    }
    const page = await ctx.newPage();
    await page.goto('/firmware');
    await page.getByLabel('Firmware package').setInputFiles({ name: 'cam-V5.8.0.bin', mimeType: 'application/octet-stream', buffer: buildFirmwarePackage({ models: [MODEL], version: 'V5.8.0', payloadSize: 256 }) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByLabel('Package to install').locator('option', { hasText: 'V5.8.0' }).waitFor({ state: 'attached' });
    expect(await page.getByLabel('Package to install').inputValue()).not.toBe('');
    await page.getByLabel(/Cam 1/).check();
    await page.getByLabel(/Cam 2/).check();
    await page.getByRole('button', { name: 'Upgrade 2 devices' }).click();
    await page.getByTestId('firmware-campaign').waitFor();
    await page.getByTestId('campaign-counts').filter({ hasText: '2 succeeded' }).waitFor();
    await page.getByTestId('campaign-counts').filter({ hasText: 'finished' }).waitFor();
    for (const d of fleet.devices) expect(d.firmwareVersion).toBe('V5.8.0');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'firmware-campaign-portal');
    await page.close();
  });
});
