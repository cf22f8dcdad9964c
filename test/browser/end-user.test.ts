/**
 * The end-user app in Chromium at phone size (390×844) against the real server (decision 0015):
 * the customer opens the installer's invitation link, creates their account and takes the site,
 * authorizes the installer company (which can then see the site's devices), sees who has access,
 * and revokes the authorization (the company is refused again).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { createSite, setupAdmin, type SignedIn } from './support/session';

describeBrowser('site handover and the end-user app: invitation → acceptance → authorization → revocation (Chromium, 390×844)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let adminCtx: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let siteId = '';
  let token = '';

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true });
    launched = await launchChromium();
    adminCtx = await launched.browser.newContext({ baseURL: platform.baseUrl });
    const admin: SignedIn = await setupAdmin(adminCtx, platform.baseUrl, platform.setupToken);
    const site = await createSite(adminCtx, platform.baseUrl, admin, 'Villa Rosa');
    siteId = site.id;
    const db = platform.app.platform.database.db;
    const { company_id } = await db.selectFrom('sites').select('company_id').where('id', '=', siteId).executeTakeFirstOrThrow();
    await db
      .insertInto('devices')
      .values({ company_id, site_id: siteId, serial: 'DS-VILLA0001', name: 'Garden camera', type: 'camera', model: 'DS-2CD2143', added_via: 'cloud', host: null, port: null, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: true })
      .execute();
    phone = await launched.browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    phone.setDefaultTimeout(STEP_TIMEOUT_MS);
    page = await phone.newPage();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await platform?.close();
  });

  const installerSeesDevices = async () => (await adminCtx.request.get(`${platform.baseUrl}/api/sites/${siteId}/devices`)).status();

  it('the installer hands the site over from its page: a link and QR code', async () => {
    adminCtx.setDefaultTimeout(STEP_TIMEOUT_MS);
    const portal = await adminCtx.newPage();
    // The portal's home: the "Invite end users" banner with the app's link, version and QR code.
    await portal.goto('/sites');
    const banner = portal.getByTestId('invite-end-users');
    await banner.getByText(/Sitekeeper 0\.1\.0 or later/).waitFor();
    await banner.getByRole('button', { name: 'Show QR code' }).click();
    await banner.getByRole('img', { name: 'QR code of the end-user app' }).waitFor();
    expect(await seriousA11yViolations(portal)).toEqual([]);
    await portal.goto(`/sites/${siteId}`);
    const section = portal.getByTestId('site-customer');
    await section.getByText(/Not handed over/).waitFor();
    await section.getByLabel("Customer's e-mail").fill('rosa@example.test');
    await section.getByRole('button', { name: 'Hand over to the customer' }).click();
    await section.getByRole('img', { name: 'QR code of the invitation link' }).waitFor();
    await section.getByText(/Invitation sent/).waitFor();
    const link = await section.getByLabel('Invitation link').inputValue();
    token = new URL(link).searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(10);
    await portal.close();
  });

  it('accepts the invitation with a new account and lands on the site', async () => {
    await page.goto(`/app/invite?token=${token}`);
    await page.getByText('hands over the site').waitFor();
    expect(await page.getByText('Villa Rosa').count()).toBeGreaterThan(0);
    await page.getByLabel('Your name').fill('Rosa Customer');
    await page.getByLabel('Choose a password').fill('Garden-Gate-2026');
    await page.getByRole('button', { name: 'Accept the site' }).click();
    await page.waitForURL(`**/app/sites/${siteId}`);
    await page.getByRole('heading', { name: 'Villa Rosa' }).waitFor();
    await page.getByText('Garden camera').waitFor();
    expect(await page.getByTestId('authorization-status').innerText()).toBe('Not authorized');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await installerSeesDevices()).toBe(403);
  });

  it('authorizes the installer, who then sees the devices; who has access lists them', async () => {
    await page.getByRole('button', { name: 'Authorize installer' }).click();
    await page.getByTestId('authorization-status').getByText(/Authorized permanently/).waitFor();
    await page.getByTestId('access-list').getByText(/Ada Admin/).waitFor();
    expect(await installerSeesDevices()).toBe(200);
  });

  it('revokes the authorization: the installer is refused again', async () => {
    await page.getByRole('button', { name: 'Revoke authorization' }).click();
    await page.getByTestId('authorization-status').getByText('Not authorized').waitFor();
    await page.getByTestId('access-list').getByText(/no access until you authorize it/).waitFor();
    expect(await installerSeesDevices()).toBe(403);
    await page.goto('/app');
    await page.getByRole('link', { name: 'Villa Rosa' }).waitFor();
  });
});
