/**
 * Live notifications in Chromium against the real server (desktop): an HDD fault raised on an
 * emulated NVR through the fault switchboard appears on the open Notifications page as exactly
 * one live notification, without reloading the page, and the unread badge follows; the company
 * health dashboard lists that site first, with the faulty device counted.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { eventually, startFleetFor } from '../helpers/fleet';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { createSite, setupAdmin } from './support/session';

describeBrowser('live notifications (Chromium, real server, emulator faults)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let fleet: Fleet;
  let nvr: VirtualDevice;
  let deviceId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true, config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 4, exceptionsPollMs: 200 } });
    launched = await launchChromium();
    browser = launched.browser;
    ctx = await browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 1280, height: 800 } });
    ctx.setDefaultTimeout(STEP_TIMEOUT_MS);
    const s = await setupAdmin(ctx, platform.baseUrl, platform.setupToken);
    const site = await createSite(ctx, platform.baseUrl, s, 'Harbour Office');
    await createSite(ctx, platform.baseUrl, s, 'Aardvark Yard'); // first by name, but without faults
    fleet = await startFleetFor(platform, [{ type: 'nvr', cloudEnabled: false, hdds: 2 }]);
    nvr = fleet.devices[0]!;
    const desc = fleet.describe(nvr);
    const db = platform.app.platform.database.db;
    const { company_id } = await db.selectFrom('sites').select('company_id').where('id', '=', site.id).executeTakeFirstOrThrow();
    const creds = platform.app.platform.secrets.seal(JSON.stringify({ user: desc.adminUser, password: desc.adminPassword }), `device:${desc.serial}`);
    const r = await db
      .insertInto('devices')
      .values({ company_id, site_id: site.id, serial: desc.serial, name: 'Gate NVR', type: desc.type, model: desc.model, added_via: 'direct', host: desc.host, port: desc.httpPort, credentials_sealed: creds, verification_code_sealed: null, added_by: null, firmware_compatible: true, status: 'online' })
      .returning('id')
      .executeTakeFirstOrThrow();
    deviceId = r.id;
    await eventually(async () => ((await (await ctx.request.get(`/api/devices/${deviceId}/health`)).json()) as { state: string }).state === 'healthy', 'healthy first');
    page = await ctx.newPage();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await fleet?.close();
    await platform?.close();
  });

  it('an HDD fault appears as exactly one live notification without a reload', async () => {
    const streamOpen = page.waitForResponse((res) => res.url().endsWith('/api/notifications/events') && res.status() === 200);
    await page.goto('/notifications');
    await page.getByText('No notifications yet').waitFor();
    await streamOpen;
    // A mark on the window: a reload or navigation would drop it.
    await page.evaluate(() => ((window as unknown as { skMark: number }).skMark = 1));

    await fleet.applyFaults(nvr.serial, { hdd: 'failed', hddId: 1 });
    const live = page.getByTestId('live-notification');
    await live.filter({ hasText: /disk error/i }).waitFor();
    await page.getByRole('list', { name: 'Notifications' }).getByText(/disk error/i).waitFor();
    await page.getByTestId('unread-count').filter({ hasText: '1' }).first().waitFor();

    // The fault stays and is polled again: still one.
    const poller = platform.app.platform.healthPoller;
    const before = poller.stats(deviceId).polls;
    await eventually(() => poller.stats(deviceId).polls >= before + 2, 'two more polls');
    await platform.app.platform.exceptions.processPending();
    await platform.app.platform.notifications.dispatchPending();
    expect(await live.count()).toBe(1);
    expect(await page.getByRole('list', { name: 'Notifications' }).getByRole('listitem').count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { skMark?: number }).skMark)).toBe(1);
  });

  it('the company health dashboard lists the site with the fault first, with counts by state', async () => {
    await fleet.applyFaults(nvr.serial, { hdd: 'failed', hddId: 1 });
    await eventually(async () => ((await (await ctx.request.get(`/api/devices/${deviceId}/health`)).json()) as { state: string }).state === 'fault', 'the device in fault');
    await page.goto('/health');
    const table = page.getByRole('table', { name: 'Sites by health, faults first' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/^Harbour Office\s+fault\s+0\s+1\b/i);
    expect(await rows.nth(1).innerText()).toMatch(/^Aardvark Yard\s+unknown/i);
    expect(await page.getByTestId('health-counts').locator('li[data-state="fault"]').innerText()).toMatch(/^1 Fault/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await rows.nth(0).getByRole('link', { name: 'Harbour Office' }).click();
    await page.waitForURL(/\/sites\//);
  });
});
