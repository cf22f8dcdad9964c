/**
 * When the live stream is refused (here: no stream slots at all, 429), the notification centre
 * falls back to polling: a new notification still reaches the unread badge, without a reload.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { DOMAIN_EVENT_TYPES, type ItemSettledPayload } from '../../src/server/events/domain-events';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { createSite, setupAdmin } from './support/session';

/** The polling interval (30 s) and some room. */
const POLL_WAIT_MS = 45_000;

describeBrowser('notification centre without a stream (Chromium, real server)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let siteId = '';

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true, config: { progressStreamsPerUser: 0 } });
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

  it('polls when the stream is refused', async () => {
    const refused = page.waitForResponse((res) => res.url().endsWith('/api/notifications/events'));
    await page.goto('/notifications');
    expect((await refused).status()).toBe(429);
    await page.getByText('No notifications yet').waitFor();
    const db = platform.app.platform.database.db;
    const { company_id } = await db.selectFrom('sites').select('company_id').where('id', '=', siteId).executeTakeFirstOrThrow();
    const admin = await db.selectFrom('users').select('id').where('company_id', '=', company_id).executeTakeFirstOrThrow();
    const payload: ItemSettledPayload = { batchId: crypto.randomUUID(), itemId: crypto.randomUUID(), siteId, serial: 'DS7788', name: 'Lobby camera', state: 'added', deviceId: null, error: null, notifyUserId: admin.id };
    await platform.app.platform.uow.tx((r) => r.events.append(company_id, DOMAIN_EVENT_TYPES.itemSettled, payload));
    await platform.app.platform.notifications.dispatchPending();
    await page.getByTestId('unread-count').filter({ hasText: '1' }).first().waitFor({ timeout: POLL_WAIT_MS });
    expect(await page.getByTestId('live-notification').count()).toBe(0);
  }, POLL_WAIT_MS + 15_000);
});
