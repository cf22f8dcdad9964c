/**
 * The linkage rules screen in Chromium against the real server (desktop): an installer admin makes
 * a rule from the "zone alarm → record" template (AX Pro source, a camera of the site as target), sees
 * it valid; with health monitoring switched off on the camera the rule shows invalid with the reason;
 * then edits it (name, schedule, disabled) and makes a custom rule (camera offline → notify).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { createSite, setupAdmin } from './support/session';

describeBrowser('linkage rules screen (Chromium, real server, 1280 px)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let cameraId = '';
  let csrf = '';

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true });
    launched = await launchChromium();
    browser = launched.browser;
    ctx = await browser.newContext({ baseURL: platform.baseUrl, viewport: { width: 1280, height: 800 } });
    ctx.setDefaultTimeout(STEP_TIMEOUT_MS);
    const s = await setupAdmin(ctx, platform.baseUrl, platform.setupToken);
    csrf = s.csrfToken;
    const siteId = (await createSite(ctx, platform.baseUrl, s, 'Depot')).id;
    const db = platform.app.platform.database.db;
    const company = await db.selectFrom('sites').select('company_id').where('id', '=', siteId).executeTakeFirstOrThrow();
    const row = (serial: string, name: string, type: string, model: string) => ({
      company_id: company.company_id, site_id: siteId, serial, name, type, model, added_via: 'cloud' as const, host: null, port: null, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: true,
    });
    await db.insertInto('devices').values(row('DS-PWA96-M-WE0120240101AAWRK11111111', 'Alarm hub', 'axpro', 'DS-PWA96-M-WE')).execute();
    cameraId = (await db.insertInto('devices').values(row('DS-2CD2143G2-I0120240101AAWRK22222222', 'Gate camera', 'camera', 'DS-2CD2143G2-I')).returning('id').executeTakeFirstOrThrow()).id;
    page = await ctx.newPage();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await platform?.close();
  });

  it('creates a rule from a template, valid; monitoring off on the camera shows it invalid with the reason', async () => {
    await page.goto('/linkage-rules');
    await page.getByText('No linkage rules on this site').waitFor();
    await page.getByLabel('Template', { exact: true }).selectOption({ label: 'AX Pro zone alarm → notify and record' });
    await page.getByLabel('When it happens on').selectOption({ label: 'Alarm hub' });
    await page.getByLabel('Zone (empty: any zone)').fill('1');
    await page.getByLabel('Start recording on').selectOption({ label: 'Gate camera' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create rule' }).click();

    const rows = page.getByRole('table', { name: 'Linkage rules' }).locator('tbody tr');
    await rows.filter({ hasText: 'Zone alarm on Alarm hub, zone 1' }).waitFor();
    const first = await rows.first().innerText();
    expect(first).toContain('Gate camera: start recording (channel 1)');
    expect(first).toMatch(/\bvalid\b/i);
    expect(first).not.toMatch(/invalid/i);

    expect((await ctx.request.put(`/api/devices/${cameraId}/health-monitoring`, { data: { enabled: false }, headers: { 'x-csrf-token': csrf } })).status()).toBe(200);
    await page.reload();
    await rows.filter({ hasText: 'invalid' }).waitFor();
    expect(await rows.first().innerText()).toContain('Gate camera: Health monitoring is off for this device: its linkage rules are invalid');
  });

  it('edits a rule (name, schedule, disabled) and creates a custom one', async () => {
    const rows = page.getByRole('table', { name: 'Linkage rules' }).locator('tbody tr');
    await page.getByRole('button', { name: /^Edit: / }).first().click();
    const editor = page.locator('form[aria-labelledby="linkage-editor-title"]');
    await editor.getByRole('heading', { name: /^Edit rule: / }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Back door at night');
    await page.getByLabel('Only at certain times (otherwise always)').check();
    for (const d of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) await page.getByRole('group', { name: 'Days' }).getByLabel(d, { exact: true }).uncheck();
    await page.getByRole('group', { name: 'Days' }).getByLabel('Sat', { exact: true }).check();
    await page.getByLabel('From', { exact: true }).fill('22:00');
    await page.getByLabel('To', { exact: true }).fill('06:00');
    await page.getByLabel('Enabled', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await rows.filter({ hasText: 'Back door at night' }).waitFor();
    const edited = await rows.filter({ hasText: 'Back door at night' }).innerText();
    expect(edited).toContain('Sat 22:00–06:00');
    expect(edited).toContain('(disabled)');
    expect(edited).toContain('Gate camera: start recording (channel 1)');
    await editor.getByRole('heading', { name: 'New rule' }).waitFor();

    await page.getByLabel('Template', { exact: true }).selectOption({ label: 'Custom rule (no template)' });
    await page.getByLabel('When this happens').selectOption({ label: 'Offline' });
    await page.getByLabel('When it happens on').selectOption({ label: 'Gate camera' });
    await page.getByLabel('Name', { exact: true }).fill('Gate camera down');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create rule' }).click();
    await rows.filter({ hasText: 'Gate camera down' }).waitFor();
    const custom = await rows.filter({ hasText: 'Gate camera down' }).innerText();
    expect(custom).toContain('Offline on Gate camera');
    expect(custom).toContain('Always');
    expect(await rows.count()).toBe(2);
  });
});
