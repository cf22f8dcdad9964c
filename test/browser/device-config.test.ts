/**
 * Remote configuration in Chromium against the real server and an emulated NVR (issue 16), on the
 * phone face (390×844, /m/devices/:id) and the portal (1280 px): the device has no admin password
 * stored ("admin password needed" with its form); once given, the device name, the NTP server, a
 * channel name and recording overwrite are changed and read back from the device, and a device user
 * is added, given a new password and deleted.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fleet } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { startFleetFor } from '../helpers/fleet';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { screenshot } from './support/screens';
import { createSite, setupAdmin } from './support/session';

describeBrowser('remote configuration: device name and NTP (Chromium, real server, emulator, phone and portal)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let fleet: Fleet;
  let siteId = '';
  let companyId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true });
    fleet = await startFleetFor(platform, [{ type: 'nvr', cloudEnabled: false }, { type: 'nvr', cloudEnabled: false }]);
    launched = await launchChromium();
    browser = launched.browser;
    ctx = await browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 390, height: 844 } });
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

  for (const [face, width, height, path, n] of [
    ['phone', 390, 844, '/m/devices/', 0],
    ['portal', 1280, 900, '/devices/', 1],
  ] as const) {
    it(`${face}: admin password, then device name, NTP, a channel name and overwrite written and read back from the device`, async () => {
      const nvr = fleet.devices[n]!;
      const desc = fleet.describe(nvr);
      const id = (await platform.app.platform.database.db
        .insertInto('devices')
        .values({
          company_id: companyId, site_id: siteId, serial: desc.serial, name: `NVR ${face}`, type: 'nvr', model: desc.model, added_via: 'direct', host: desc.host, port: desc.httpPort,
          credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: true, status: 'online',
        })
        .returning('id')
        .executeTakeFirstOrThrow()).id;
      const page = await ctx.newPage();
      await page.setViewportSize({ width, height });
      await page.goto(`${path}${id}`);
      await page.getByTestId('device-admin-password').waitFor();
      await page.getByLabel('Device admin password').fill(desc.adminPassword ?? '');
      await page.getByTestId('device-admin-password-save').click();
      await page.getByTestId('device-admin-password').waitFor({ state: 'detached' });

      const name = page.getByTestId('config-device-name');
      await name.waitFor();
      expect(await name.inputValue()).toBe(nvr.state.deviceName);
      await name.fill(`Yard ${face}`);
      await page.getByTestId('config-device-name-save').click();
      await page.getByTestId('config-device-name-saved').waitFor();
      expect(nvr.state.deviceName).toBe(`Yard ${face}`);

      await page.getByTestId('config-ntp-host').fill('ntp.example.test');
      await page.getByTestId('config-ntp-interval').fill('60');
      await page.getByTestId('config-time-save').click();
      await page.getByTestId('config-time-saved').waitFor();
      expect(nvr.state.ntp).toMatchObject({ host: 'ntp.example.test', synchronizeInterval: 60 });
      expect(await page.getByTestId('config-ntp-host').inputValue()).toBe('ntp.example.test');

      // Device users: add (on the device with its password), change the password, delete (confirmed).
      const userName = `guard${n}`;
      await page.getByTestId('config-users-list').waitFor();
      await page.getByTestId('config-user-name').fill(userName);
      await page.getByTestId('config-user-password').fill('Night-shift-7');
      await page.getByTestId('config-user-confirm').fill('Night-shift-7');
      await page.getByTestId('config-user-add-save').click();
      const row = page.locator(`[data-testid="config-user"][data-user="${userName}"]`);
      await row.waitFor();
      expect(nvr.state.users.find((u) => u.userName === userName)).toMatchObject({ userLevel: 'Viewer', password: 'Night-shift-7' });

      // Channel names and recording overwrite (the NVR's IP channels; its disks overwrite by default).
      const channel = page.getByTestId('config-channel-2');
      await channel.waitFor();
      expect(await channel.inputValue()).toBe(nvr.state.channels[1]!.name);
      await channel.fill(`Gate ${face}`);
      await page.getByTestId('config-channel-2-save').click();
      await page.getByTestId('config-channel-2-saved').waitFor();
      expect(nvr.state.channels[1]!.name).toBe(`Gate ${face}`);
      const overwrite = page.getByTestId('config-recording-overwrite');
      expect(await overwrite.isChecked()).toBe(true);
      await overwrite.click();
      await page.getByTestId('config-recording-off').waitFor();
      expect(nvr.state.overwrite).toBe(false);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, `device-config-${face}`);
      await row.getByTestId('config-user-change').click();
      await row.getByTestId('config-user-new-password').fill('Day-shift-8');
      await row.getByTestId('config-user-change-save').click();
      await page.getByTestId('config-users-done').filter({ hasText: 'changed' }).waitFor();
      expect(nvr.state.users.find((u) => u.userName === userName)?.password).toBe('Day-shift-8');
      page.once('dialog', (d) => void d.accept());
      await row.getByTestId('config-user-delete').click();
      await row.waitFor({ state: 'detached' });
      expect(nvr.state.users.map((u) => u.userName)).toEqual(['admin']);
      await page.close();
    });
  }
});
