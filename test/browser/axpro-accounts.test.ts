/**
 * The AX Pro account list following the site's custody (issue 17, decision 0016) in Chromium,
 * against the real server, its reconcile and an emulated AX Pro whose user list is the ground
 * truth: invitation → acceptance by the end user → authorization → revocation. What the installer
 * company sees on the device page (portal 1280 px for the installer admin, phone face /m/devices
 * for an installer) and what the end user sees in the end-user app (390×844), at each step.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { panelUserName } from '../../src/server/axpro/desired-accounts';
import { eventually, startFleetFor } from '../helpers/fleet';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { screenshot } from './support/screens';
import { ADMIN, createSite, setupAdmin, signInApi, type SignedIn } from './support/session';

// Panels take 8–16 characters of two kinds: these suit both the platform's rule and the panel's.
const INSTALLER = { name: 'Ines Installer', email: 'ines@acme-security.test', password: 'Hn4$tB8qWz3@kP' };
const OWNER = { name: 'Rosa Customer', email: 'rosa@example.test', password: 'Garden-Gate-2026' };

describeBrowser('AX Pro accounts on the device page through handover: invitation → acceptance → authorization → revocation (Chromium)', () => {
  let platform: TestPlatform;
  let fleet: Fleet;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let adminCtx: BrowserContext;
  let installerCtx: BrowserContext;
  let phone: BrowserContext;
  let admin: SignedIn;
  let portal: Page;
  let installerPage: Page;
  let app: Page;
  let panel: VirtualDevice;
  let siteId = '';
  let deviceId = '';
  let adminId = '';
  let installerId = '';
  let ownerId = '';

  const db = () => platform.app.platform.database.db;
  const userId = async (email: string) => (await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  /** The panel's own user list (the emulator's state): what is really there. */
  const onPanel = () => panel.state.users.map((u) => u.userName).sort();
  const panelHas = (...ids: string[]) => JSON.stringify(onPanel()) === JSON.stringify(['admin', ...ids.map(panelUserName)].sort());

  /** One person's row in a panel-accounts section, by the name shown. */
  const row = (section: Locator, name: string) => section.getByTestId('panel-account').filter({ hasText: name });
  /** Waits until the section lists exactly these people, each in the given state. */
  async function shows(section: Locator, expected: Array<[name: string, state: string]>): Promise<void> {
    await eventually(async () => {
      const rows = await section.getByTestId('panel-account').all();
      if (rows.length !== expected.length) return false;
      for (const [name, state] of expected) {
        const r = row(section, name);
        if ((await r.count()) !== 1 || (await r.getAttribute('data-state')) !== state) return false;
      }
      return true;
    }, `panel accounts: ${expected.map(([n, s]) => `${n} ${s}`).join(', ')}`, STEP_TIMEOUT_MS);
  }
  /** The device page's refusal (SITE_NOT_AUTHORIZED), once its poll meets it; the page's sections are gone with the device. */
  const refused = (page: Page) => page.getByRole('alert').filter({ hasText: 'has not authorized your company' }).first().waitFor();

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true, config: { exceptionsPollMs: 200, axproReconcileSeconds: 30 } });
    fleet = await startFleetFor(platform, [{ type: 'axpro', cloudEnabled: false }]);
    panel = fleet.devices[0]!;
    launched = await launchChromium();
    adminCtx = await launched.browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 1280, height: 900 } });
    installerCtx = await launched.browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    phone = await launched.browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    for (const c of [adminCtx, installerCtx, phone]) c.setDefaultTimeout(STEP_TIMEOUT_MS);

    admin = await setupAdmin(adminCtx, platform.baseUrl, platform.setupToken);
    siteId = (await createSite(adminCtx, platform.baseUrl, admin, 'Villa Rosa')).id;
    adminId = await userId(ADMIN.email);
    // An installer assigned to the site, who accepts their invitation.
    const inv = await adminCtx.request.post('/api/installers/invitations', { data: { email: INSTALLER.email, name: INSTALLER.name, permission: 'manage_assigned' }, headers: { 'x-csrf-token': admin.csrfToken } });
    expect(inv.status()).toBe(201);
    const token = new URL(((await inv.json()) as { inviteUrl: string }).inviteUrl).searchParams.get('token')!;
    expect((await installerCtx.request.post(`/api/invitations/${token}/accept`, { data: { name: INSTALLER.name, password: INSTALLER.password } })).status()).toBe(201);
    installerId = await userId(INSTALLER.email);
    expect((await adminCtx.request.put(`/api/sites/${siteId}/installers`, { data: { installerIds: [installerId] }, headers: { 'x-csrf-token': admin.csrfToken } })).status()).toBe(200);

    // The AX Pro, as onboarding leaves it: reached by address, admin credentials sealed, its claim
    // proven with its verification code (an unproven panel gets no passwords), and `device.added`.
    const desc = fleet.describe(panel);
    const { secrets } = platform.app.platform;
    const companyId = (await db().selectFrom('sites').select('company_id').where('id', '=', siteId).executeTakeFirstOrThrow()).company_id;
    deviceId = await db().transaction().execute(async (trx) => {
      const r = await trx.insertInto('devices').values({
        company_id: companyId, site_id: siteId, serial: desc.serial, name: 'Alarm panel', type: 'axpro', model: desc.model, added_via: 'direct', host: desc.host, port: desc.httpPort,
        credentials_sealed: secrets.seal(JSON.stringify({ user: desc.adminUser, password: desc.adminPassword }), `device:${desc.serial}`), verification_code_sealed: null,
        added_by: adminId, firmware_compatible: true, status: 'online', claim_proof: 'code',
      }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('domain_events').values({ company_id: companyId, type: 'device.added', payload: JSON.stringify({ deviceId: r.id, siteId, family: 'axpro', firmwareCompatible: true, wasPending: false, notifyUserId: null }) }).execute();
      return r.id;
    });
    portal = await adminCtx.newPage();
    installerPage = await installerCtx.newPage();
    app = await phone.newPage();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await fleet?.close();
    await platform?.close();
  });

  it('before handover: the installer side on the panel, on the portal and the phone face', async () => {
    await portal.goto(`/devices/${deviceId}`);
    await installerPage.goto(`/m/devices/${deviceId}`);
    const onPortal = portal.getByTestId('panel-accounts');
    const onPhone = installerPage.getByTestId('panel-accounts');
    // Sitekeeper keeps no login password: the accounts wait for their owners' next sign-in.
    await shows(onPortal, [[ADMIN.name, 'password_needed'], [INSTALLER.name, 'password_needed']]);
    await row(onPortal, ADMIN.name).getByText("Pending: made at the user's next sign-in").waitFor();
    admin = await signInApi(adminCtx, platform.baseUrl);
    await signInApi(installerCtx, platform.baseUrl, INSTALLER.email, INSTALLER.password);
    await shows(onPortal, [[ADMIN.name, 'present'], [INSTALLER.name, 'present']]);
    await shows(onPhone, [[ADMIN.name, 'present'], [INSTALLER.name, 'present']]);
    await row(onPhone, INSTALLER.name).getByText('In sync').waitFor();
    expect(panelHas(adminId, installerId)).toBe(true);
    expect(await seriousA11yViolations(portal)).toEqual([]);
  });

  it('handed over: the end user\'s account in, the installers out; the company no longer sees the panel', async () => {
    const inv = await adminCtx.request.post(`/api/sites/${siteId}/invitations`, { data: { email: OWNER.email }, headers: { 'x-csrf-token': admin.csrfToken } });
    expect(inv.status()).toBe(201);
    const token = new URL(((await inv.json()) as { inviteUrl: string }).inviteUrl).searchParams.get('token')!;
    await app.goto(`/app/invite?token=${token}`);
    await app.getByLabel('Your name').fill(OWNER.name);
    await app.getByLabel('Choose a password').fill(OWNER.password);
    await app.getByRole('button', { name: 'Accept the site' }).click();
    await app.waitForURL(`**/app/sites/${siteId}`);
    ownerId = await userId(OWNER.email);
    const mine = app.getByTestId('panel-accounts');
    // The installer side goes at once; the owner's account is made at their next sign-in.
    await shows(mine, [[OWNER.name, 'password_needed']]);
    await eventually(() => panelHas(), 'installer side gone from the panel');
    // Signing in again (a new session: the page is reloaded to take its CSRF token).
    await signInApi(phone, platform.baseUrl, OWNER.email, OWNER.password);
    await app.reload();
    await shows(mine, [[OWNER.name, 'present']]);
    await row(mine, OWNER.name).getByText('Owner (administrator)').waitFor();
    expect(panelHas(ownerId)).toBe(true);
    // The company: refused on both faces until the customer authorizes it.
    await refused(portal);
    await refused(installerPage);
    expect(await portal.getByTestId('panel-accounts').count()).toBe(0);
  });

  it('authorized: the installers are back, seen by the end user and the company', async () => {
    await app.getByRole('button', { name: 'Authorize installer' }).click();
    await app.getByTestId('authorization-status').getByText(/Authorized permanently/).waitFor();
    const mine = app.getByTestId('panel-accounts');
    await shows(mine, [[OWNER.name, 'present'], [ADMIN.name, 'password_needed'], [INSTALLER.name, 'password_needed']]);
    // The company sees the panel again (the device page recovers on its own) and signs in.
    const onPortal = portal.getByTestId('panel-accounts');
    await shows(onPortal, [[OWNER.name, 'present'], [ADMIN.name, 'password_needed'], [INSTALLER.name, 'password_needed']]);
    await signInApi(adminCtx, platform.baseUrl);
    await signInApi(installerCtx, platform.baseUrl, INSTALLER.email, INSTALLER.password);
    await shows(onPortal, [[OWNER.name, 'present'], [ADMIN.name, 'present'], [INSTALLER.name, 'present']]);
    await shows(installerPage.getByTestId('panel-accounts'), [[OWNER.name, 'present'], [ADMIN.name, 'present'], [INSTALLER.name, 'present']]);
    await shows(mine, [[OWNER.name, 'present'], [ADMIN.name, 'present'], [INSTALLER.name, 'present']]);
    expect(panelHas(ownerId, adminId, installerId)).toBe(true);
    await onPortal.scrollIntoViewIfNeeded();
    await screenshot(portal, 'portal-panel-accounts');
    await mine.scrollIntoViewIfNeeded();
    await screenshot(app, 'mobile-app-panel-accounts');
  });

  it('revoked: the installers gone again; the end user keeps their account, the company is refused', async () => {
    await app.getByRole('button', { name: 'Revoke authorization' }).click();
    await app.getByTestId('authorization-status').getByText('Not authorized').waitFor();
    await shows(app.getByTestId('panel-accounts'), [[OWNER.name, 'present']]);
    await eventually(() => panelHas(ownerId), 'only the owner on the panel');
    await refused(portal);
    await refused(installerPage);
  });
});
