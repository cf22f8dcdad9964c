/**
 * The device page's options (issue 16) in Chromium against the real server, on the phone face
 * (360 px, /m/devices/:id) and the portal (1280 px): set the type of an unrecognised device, then
 * make its device QR (PNG download, printable label), then delete it with its confirm (cancel
 * first, then yes), ending on the site's device list.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS, TEST_TIMEOUT_MS } from './support/chromium';
import { screenshot } from './support/screens';
import { createSite, setupAdmin } from './support/session';
import { verdictFor } from '../../src/server/devices/firmware-verdict';

describeBrowser('device options: set type and delete (Chromium, real server, phone and portal)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let siteId = '';
  let companyId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true });
    launched = await launchChromium();
    browser = launched.browser;
    ctx = await browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 360, height: 740 } });
    ctx.setDefaultTimeout(STEP_TIMEOUT_MS);
    const s = await setupAdmin(ctx, platform.baseUrl, platform.setupToken);
    const site = await createSite(ctx, platform.baseUrl, s, 'Depot West');
    siteId = site.id;
    companyId = (await platform.app.platform.database.db.selectFrom('sites').select('company_id').where('id', '=', site.id).executeTakeFirstOrThrow()).company_id;
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await platform?.close();
  });

  async function unknownDevice(serial: string, name: string): Promise<string> {
    const r = await platform.app.platform.database.db
      .insertInto('devices')
      .values({
        company_id: companyId, site_id: siteId, serial, name, type: 'unknown', model: 'XY-100', firmware_version: 'V4.40.015build 210922', added_via: 'cloud', host: null, port: null, credentials_sealed: null,
        verification_code_sealed: platform.app.platform.secrets.seal('ABCDEF', `device-code:${serial}`), added_by: null, firmware_compatible: true, status: 'online',
        // As onboarding stores it: the catalogue's verdict for this model and version.
        firmware_verdict: JSON.stringify(verdictFor('XY-100', 'V4.40.015build 210922')),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  for (const [face, width, path, listUrl] of [
    ['phone', 360, '/m/devices/', /\/m\/devices\?site=/],
    ['portal', 1280, '/devices/', /\/sites\/[^/]+\/devices/],
  ] as const) {
    it(`${face}: set type, then delete with confirm`, async () => {
      const page = await ctx.newPage();
      await page.setViewportSize({ width, height: 800 });
      const id = await unknownDevice(`DS-OPTS${face.toUpperCase()}01`, `Gate box ${face}`);
      await page.goto(`${path}${id}`);
      await page.getByTestId('device-type').getByText('Unknown').waitFor();
      // Firmware as the device's web page writes it, in the facts and in the compatibility verdict
      // (SADP reports version and build run together: V4.40.015build 210922).
      expect(await page.getByTestId('device-firmware-version').textContent()).toBe('V4.40.015 build 210922');
      await expect.poll(() => page.getByTestId('device-firmware-verdict').textContent()).toContain('V4.40.015 build 210922');

      // Set type: the device page offers the choice; the type shows at once and stays editable.
      await page.getByTestId('device-type-select').selectOption('doorbell');
      await page.getByRole('button', { name: 'Set type' }).click();
      await page.getByTestId('device-type-saved').waitFor();
      await page.getByTestId('device-type').getByText('Doorbell').waitFor();
      expect(await page.getByTestId('device-type-select').inputValue()).toBe('doorbell');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, `device-options-${face}`);

      // Device QR: besides the SVG, a PNG download and a printable label (name, serial, site).
      await page.getByLabel('Password for the code').fill('Qr-pass-1234');
      await page.getByRole('button', { name: 'Create QR code' }).click();
      const png = page.getByTestId('device-qr-png');
      await png.waitFor();
      expect(await png.getAttribute('href')).toMatch(/^data:image\/png;base64,/);
      expect(await png.getAttribute('download')).toMatch(/\.png$/);
      const label = await page.getByTestId('device-qr-label').textContent();
      expect(label).toContain(`Gate box ${face}`);
      expect(label).toContain(`DS-OPTS${face.toUpperCase()}01`);
      expect(label).toContain('Depot West');
      expect(label).toContain('Encrypted');

      // Delete: cancel keeps it; yes deletes it and opens the site's list.
      await page.getByTestId('device-delete').click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
      await page.getByTestId('device-delete').waitFor();
      await page.getByTestId('device-delete').click();
      await page.getByTestId('device-delete-confirm').click();
      await page.waitForURL(listUrl);
      const gone = await platform.app.platform.database.db.selectFrom('devices').select('id').where('id', '=', id).execute();
      expect(gone).toEqual([]);
      await page.close();
    }, TEST_TIMEOUT_MS);
  }
});
