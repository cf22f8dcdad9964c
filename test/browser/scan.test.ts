/**
 * The phone's scan-to-add flow in Chromium with a fake camera playing a label QR, against the real
 * server (onboarding API, jobs, device cloud, site agent) and a real emulator fleet over loopback.
 * Each test checks what the server did, through GET /api/sites/:id/devices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIRequestContext, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeviceDescription, Fleet, VirtualDevice } from '../../src/emulator';
import { classifyQr, encodeDeviceListQr, encodeSitekeeperQr } from '../../src/protocol/qr';
import { eventually, startFleetFor } from '../helpers/fleet';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { labelPhoto, writeQrY4m } from './support/media';
import { screenshot } from './support/screens';
import { createSite, setupAdmin, signInApi, type SignedIn } from './support/session';

type Role = 'video' | 'photo' | 'manual' | 'fresh' | 'cloudOff' | 'offline' | 'gate' | 'hall' | 'yard' | 'dupe' | 'mixedNew' | 'mixedCloud';
const ROLES: [Role, Parameters<typeof startFleetFor>[1][number]][] = [
  ['video', { type: 'camera' }],
  ['photo', { type: 'camera' }],
  ['manual', { type: 'camera' }],
  ['fresh', { type: 'camera', activated: false }],
  ['cloudOff', { type: 'camera', cloudEnabled: false }],
  ['offline', { type: 'camera', powered: false }],
  ['gate', { type: 'camera', cloudEnabled: false }],
  ['hall', { type: 'camera', cloudEnabled: false }],
  ['yard', { type: 'camera', cloudEnabled: false }],
  ['dupe', { type: 'camera' }],
  ['mixedNew', { type: 'camera', activated: false }],
  ['mixedCloud', { type: 'camera', cloudEnabled: false }],
];
const QR_PASSWORD = 'Qr-pass1';

describeBrowser('mobile scan flow (Chromium, fake camera, real platform and fleet)', () => {
  let platform: TestPlatform;
  let fleet: Fleet;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let workDir: string;
  let site: { id: string; name: string };
  let adminCtx: BrowserContext;
  let admin: SignedIn;
  const dev = {} as Record<Role, VirtualDevice>;
  const desc = (r: Role): DeviceDescription => fleet.describe(dev[r]);

  beforeAll(async () => {
    await ensureWebBuild();
    platform = await startTestPlatform({ listen: true });
    fleet = await startFleetFor(platform, ROLES.map(([, spec]) => spec));
    ROLES.forEach(([role], i) => (dev[role] = fleet.devices[i]!));
    workDir = mkdtempSync(path.join(tmpdir(), 'sk-scan-'));
    const video = path.join(workDir, 'label.y4m');
    writeQrY4m(video, desc('video').label);
    launched = await launchChromium({ videoFile: video });
    adminCtx = await launched.browser.newContext();
    admin = await setupAdmin(adminCtx, platform.baseUrl, platform.setupToken);
    site = await createSite(adminCtx, platform.baseUrl, admin, 'Harbour Office');
    // Devices with the cloud service on connect to the platform's device cloud by themselves.
    for (const r of ['video', 'photo', 'manual', 'dupe'] as const) {
      await eventually(async () => (await platform.app.platform.onboarding['reach'].cloudStatus(dev[r].serial))?.online, `${r} in the device cloud`);
    }
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await adminCtx?.close();
    await launched?.close();
    await fleet?.close();
    await platform?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const req = (): APIRequestContext => adminCtx.request;

  /** Serials of the site's devices, as the server lists them. */
  async function siteSerials(): Promise<string[]> {
    const res = await req().get(`${platform.baseUrl}/api/sites/${site.id}/devices?pageSize=100`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { items: { serial: string }[] }).items.map((d) => d.serial);
  }

  /** Add a device through the API (not the UI), for a device that must already be on the site. */
  async function addByApi(text: string): Promise<void> {
    const headers = { 'x-csrf-token': admin.csrfToken };
    const scan = await req().post(`${platform.baseUrl}/api/sites/${site.id}/scans`, { data: { text }, headers });
    expect(scan.status()).toBe(201);
    const s = (await scan.json()) as { scanId: string; candidates: { id: string }[] };
    const add = await req().post(`${platform.baseUrl}/api/scans/${s.scanId}/add`, { data: { candidateIds: [s.candidates[0]!.id], idempotencyKey: `pre-${s.scanId}` }, headers });
    expect(add.status()).toBe(202);
    const { batchId } = (await add.json()) as { batchId: string };
    await eventually(async () => ((await (await req().get(`${platform.baseUrl}/api/batches/${batchId}`)).json()) as { done: boolean }).done, 'pre-added device');
  }

  /** A signed-in phone: 360 px wide, touch, camera allowed (or not). */
  async function phone(opts: { camera?: boolean; torch?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await launched.browser.newContext({
      baseURL: platform.baseUrl,
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      permissions: opts.camera === false ? [] : ['camera'],
    });
    if (opts.torch) {
      // Chromium's fake camera has no torch; pretend it does to see the toggle work.
      await context.addInitScript(() => {
        const w = window as unknown as { __torch: boolean[] };
        w.__torch = [];
        const proto = MediaStreamTrack.prototype as unknown as Record<string, unknown>;
        const original = proto.getCapabilities as () => MediaTrackCapabilities;
        proto.getCapabilities = function (this: MediaStreamTrack) {
          return { ...original.call(this), torch: true };
        };
        proto.applyConstraints = async function (c: { advanced?: { torch?: boolean }[] }) {
          const t = c.advanced?.[0]?.torch;
          if (typeof t === 'boolean') w.__torch.push(t);
        };
      });
    }
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    await signInApi(context, platform.baseUrl);
    const page = await context.newPage();
    return { context, page };
  }

  async function openScan(page: Page) {
    await page.goto(`/m/scan?site=${encodeURIComponent(site.id)}`);
  }

  async function album(page: Page, text: string | null, qrPx?: number) {
    await page.getByTestId('album-input').setInputFiles({ name: 'label.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto(text, qrPx ? { qrPx } : {}) });
  }

  it('scans a label with the camera, shows and sends the text, and adds the device', async () => {
    const { context, page } = await phone();
    try {
      await page.goto('/m');
      await page.getByRole('radio', { name: /Harbour Office/ }).check();
      await screenshot(page, 'mobile-home');
      await page.getByRole('link', { name: /Add device to Harbour Office/ }).click();
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      await expect.poll(() => page.getByTestId('candidate-status').textContent()).toBe('Ready to add');
      await page.getByText(dev.video.serial).waitFor();
      await screenshot(page, 'mobile-confirm');
      await page.getByRole('button', { name: 'Add device' }).click();
      await page.waitForURL(/\/m\/progress\//);
      await page.getByText('1 added of 1').waitFor();
      expect(await siteSerials()).toContain(dev.video.serial);
      await page.getByRole('link', { name: "Show the site's devices" }).click();
      await page.getByTestId('device-list').getByText(dev.video.serial).first().waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows the live preview with a scanning frame and hides the torch the camera lacks', async () => {
    const { context, page } = await phone();
    try {
      // Keep the preview up: without its .wasm the decoder cannot read the label in the video.
      await context.route(/zxing_reader.*\.wasm$/, (route) => route.abort());
      await openScan(page);
      await page.getByText('Align the QR code').waitFor();
      await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
      await screenshot(page, 'mobile-scan');
      expect(await page.getByRole('button', { name: /flashlight/i }).count()).toBe(0);
      expect(await seriousA11yViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('offers a working flashlight toggle when the track has a torch', async () => {
    const { context, page } = await phone({ torch: true });
    try {
      await context.route(/zxing_reader.*\.wasm$/, (route) => route.abort());
      await openScan(page);
      const torch = page.getByRole('button', { name: 'Turn flashlight on' });
      await torch.click();
      await page.getByRole('button', { name: 'Turn flashlight off' }).waitFor();
      expect(await page.evaluate(() => (window as unknown as { __torch: boolean[] }).__torch)).toEqual([true]);
    } finally {
      await context.close();
    }
  });

  it('decodes an album photo in the worker, and sends an unreadable one to the server', async () => {
    const { context, page } = await phone({ camera: false });
    const scans: { multipart: boolean; text?: string }[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/sites\/[^/]+\/scans$/.test(new URL(r.url()).pathname)) {
        const multipart = (r.headers()['content-type'] ?? '').startsWith('multipart/');
        scans.push(multipart ? { multipart } : { multipart, text: (r.postDataJSON() as { text: string }).text });
      }
    });
    try {
      await openScan(page);
      await album(page, desc('photo').label);
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      // Decoded in the browser: the text went to the server, which found the device in its cloud.
      expect(scans.at(-1)).toEqual({ multipart: false, text: desc('photo').label });
      await page.getByText(dev.photo.serial).waitFor();
      await expect.poll(() => page.getByTestId('candidate-status').textContent()).toBe('Ready to add');

      await openScan(page);
      await album(page, null);
      // The server's error is shown with its hint.
      await page.getByText('No QR code was found in this image.').waitFor({ timeout: STEP_TIMEOUT_MS });
      await page.getByText('Take a sharper, closer photo of the code', { exact: false }).waitFor();
      expect(scans.at(-1)).toEqual({ multipart: true });
    } finally {
      await context.close();
    }
  });

  it('explains a denied camera and keeps album and manual entry; manual entry adds by serial and code', async () => {
    const { context, page } = await phone({ camera: false });
    try {
      await openScan(page);
      const help = page.locator('.camera-help[data-problem="denied"]');
      await help.waitFor();
      await expect.poll(() => help.textContent()).toMatch(/not allowed to use the camera/);
      await page.getByRole('button', { name: /Album/ }).waitFor();
      await screenshot(page, 'mobile-camera-denied');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('link', { name: /Enter manually/ }).click();
      await page.getByLabel('Serial number').fill(dev.manual.shortSerial);
      await page.getByLabel('Verification code (optional)').fill(dev.manual.verificationCode);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/\/m\/progress\//);
      await page.getByText('1 added of 1').waitFor();
      expect(await siteSerials()).toContain(dev.manual.serial);
    } finally {
      await context.close();
    }
  });

  it('unlocks a password-protected multi-device code, selects devices, and shows per-device progress with one failure', async () => {
    await addByApi(desc('dupe').label);
    const [g, h, y, d] = (['gate', 'hall', 'yard', 'dupe'] as const).map(desc);
    const text = encodeDeviceListQr(
      [
        { name: 'Gate camera', host: g!.host, port: g!.httpPort, user: g!.adminUser!, password: g!.adminPassword! },
        { name: 'Hall camera', host: h!.host, port: h!.httpPort, user: h!.adminUser!, password: 'Wrong-pass9' },
        { name: 'Yard camera', host: y!.host, port: y!.httpPort, user: y!.adminUser!, password: y!.adminPassword! },
        { name: 'Old camera', host: d!.host, port: d!.httpPort, user: d!.adminUser!, password: d!.adminPassword! },
      ],
      { password: QR_PASSWORD, timestamp: Math.floor(Date.now() / 1000) },
    );
    const { context, page } = await phone({ camera: false });
    try {
      await openScan(page);
      await album(page, text, 420);
      const dialog = page.getByRole('dialog', { name: 'This code is locked' });
      await dialog.getByLabel('QR code password').fill('wrong-one');
      await dialog.getByRole('button', { name: 'Unlock' }).click();
      await dialog.getByText('That password does not unlock this code.', { exact: false }).waitFor();
      await dialog.getByLabel('QR code password').fill(QR_PASSWORD);
      await dialog.getByRole('button', { name: 'Unlock' }).click();
      await page.waitForURL(/\/m\/select/);

      const boxes = page.getByRole('checkbox');
      expect(await boxes.count()).toBe(5); // select all + four devices
      expect(await page.getByRole('checkbox', { name: /Old camera/ }).isDisabled()).toBe(true);
      expect(await page.getByRole('checkbox', { name: /Select all \(3\)/ }).isChecked()).toBe(true);
      await page.getByText('Password in the code refused', { exact: false }).waitFor();
      await screenshot(page, 'mobile-select');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('checkbox', { name: /Select all/ }).uncheck();
      await page.getByRole('button', { name: /OK, add 0 devices/ }).waitFor();
      await page.getByRole('checkbox', { name: /Select all/ }).check();
      await page.getByRole('button', { name: 'OK, add 3 devices' }).click();
      // The hall camera's password was refused: it is asked for; a wrong one again makes it fail alone.
      const pw = page.getByRole('dialog', { name: 'Device admin password' });
      await pw.getByLabel('Admin password').fill('Still-wrong9');
      await pw.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/\/m\/progress\//);
      const firstBatchUrl = page.url();
      await page.getByText('2 added, 1 failed of 3').waitFor({ timeout: 60_000 });
      await page.getByText('The device rejected the user name or password.').waitFor();
      await page.getByText('Check the device credentials', { exact: false }).waitFor();
      await screenshot(page, 'mobile-progress');
      const serials = await siteSerials();
      expect(serials).toEqual(expect.arrayContaining([dev.gate.serial, dev.yard.serial, dev.dupe.serial]));
      expect(serials).not.toContain(dev.hall.serial);

      // Retry the failed device from the progress page with the right password: no new scan.
      const failedRow = page.getByRole('listitem').filter({ hasText: 'Hall camera' });
      await failedRow.getByRole('button', { name: /^Enter the password/ }).click();
      await pw.getByLabel('Admin password').fill(h!.adminPassword!);
      await pw.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('1 added of 1').waitFor({ timeout: 60_000 });
      expect(await siteSerials()).toContain(dev.hall.serial);

      // The first batch's page also works on its own (a notification's link, another tab: no scan
      // flow in this tab's storage): rows, names and totals come from the server.
      const tab = await context.newPage();
      await tab.goto(firstBatchUrl);
      await tab.getByText('2 added, 1 failed of 3').waitFor();
      for (const name of ['Gate camera', 'Hall camera', 'Yard camera']) await tab.getByText(name).waitFor();
    } finally {
      await context.close();
    }
  });

  it('activates a factory-new device with a password that passes the rules', async () => {
    const { context, page } = await phone({ camera: false });
    try {
      await openScan(page);
      await album(page, desc('fresh').label);
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      await expect.poll(() => page.getByTestId('candidate-status').textContent()).toBe('Factory new: needs activation');
      await page.getByRole('button', { name: 'Activate and add' }).click();
      const dialog = page.getByRole('dialog', { name: 'Activate the device' });
      await dialog.waitFor();
      const activate = dialog.getByRole('button', { name: 'Activate' });
      await dialog.getByLabel('New admin password').fill('admin123');
      await dialog.getByText('Strength: risky').waitFor();
      expect(await activate.isDisabled()).toBe(true);
      await dialog.getByLabel('New admin password').fill('Ladder-2026x');
      await dialog.getByText('Strength: strong').waitFor();
      await dialog.getByLabel('Confirm password').fill('Ladder-2026');
      expect(await activate.isDisabled()).toBe(true);
      await dialog.getByLabel('Confirm password').fill('Ladder-2026x');
      await screenshot(page, 'mobile-activation');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await activate.click();
      await page.waitForURL(/\/m\/progress\//);
      await page.getByText('1 added of 1').waitFor({ timeout: 60_000 });
      expect(dev.fresh.activated).toBe(true);
      expect(await siteSerials()).toContain(dev.fresh.serial);
    } finally {
      await context.close();
    }
  });

  it('enables the cloud service with a verification code and the device password', async () => {
    const { context, page } = await phone({ camera: false });
    try {
      await openScan(page);
      await album(page, desc('cloudOff').label);
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      await page.getByRole('button', { name: 'Enable cloud service and add' }).click();
      const pw = page.getByRole('dialog', { name: 'Device admin password' });
      await pw.getByLabel('Admin password').fill(desc('cloudOff').adminPassword!);
      await pw.getByRole('button', { name: 'Continue' }).click();
      const dialog = page.getByRole('dialog', { name: 'Enable the cloud service' });
      await dialog.getByLabel('Verification code').fill('AB-12');
      expect(await dialog.getByRole('button', { name: 'Enable' }).isDisabled()).toBe(true);
      await dialog.getByLabel('Verification code').fill('Hik12345');
      await dialog.getByRole('button', { name: 'Enable' }).click();
      await page.waitForURL(/\/m\/progress\//);
      await page.getByText('1 added of 1').waitFor({ timeout: 60_000 });
      expect(dev.cloudOff.cloudEnabled).toBe(true);
      expect(dev.cloudOff.verificationCode).toBe('Hik12345');
      expect(await siteSerials()).toContain(dev.cloudOff.serial);
    } finally {
      await context.close();
    }
  });

  it('asks each secret once, in turn, when the chosen devices need different things', async () => {
    const text = encodeSitekeeperQr({
      devices: (['mixedNew', 'mixedCloud'] as const).map((r, i) => ({ name: i === 0 ? 'New camera' : 'Cloud-off camera', serial: dev[r].serial, verificationCode: dev[r].verificationCode })),
    });
    const { context, page } = await phone({ camera: false });
    try {
      await openScan(page);
      await album(page, text);
      await page.waitForURL(/\/m\/select/);
      await page.getByText('Factory new: needs activation').waitFor();
      await page.getByText('Cloud service off: needs enabling').waitFor();
      await page.getByRole('button', { name: 'OK, add 2 devices' }).click();
      const activation = page.getByRole('dialog', { name: 'Activate the device' });
      await activation.getByLabel('New admin password').fill('Ladder-2026x');
      await activation.getByLabel('Confirm password').fill('Ladder-2026x');
      await activation.getByRole('button', { name: 'Activate' }).click();
      const pw = page.getByRole('dialog', { name: 'Device admin password' });
      await pw.getByLabel('Admin password').fill(desc('mixedCloud').adminPassword!);
      await pw.getByRole('button', { name: 'Continue' }).click();
      const cloud = page.getByRole('dialog', { name: 'Enable the cloud service' });
      await cloud.getByLabel('Verification code').fill('Hik12345');
      await cloud.getByRole('button', { name: 'Enable' }).click();
      await page.waitForURL(/\/m\/progress\//);
      await page.getByText('2 added of 2').waitFor({ timeout: 60_000 });
      expect(dev.mixedNew.activated).toBe(true);
      expect(dev.mixedCloud.cloudEnabled).toBe(true);
      expect(await siteSerials()).toEqual(expect.arrayContaining([dev.mixedNew.serial, dev.mixedCloud.serial]));
    } finally {
      await context.close();
    }
  });

  it('a locked multi-device code that only the server can read asks for its password, then unlocks', async () => {
    const [g, y] = (['gate', 'yard'] as const).map(desc);
    const text = encodeDeviceListQr(
      [
        { name: 'Gate camera', host: g!.host, port: g!.httpPort, user: g!.adminUser!, password: g!.adminPassword! },
        { name: 'Yard camera', host: y!.host, port: y!.httpPort, user: y!.adminUser!, password: y!.adminPassword! },
      ],
      { password: QR_PASSWORD, timestamp: Math.floor(Date.now() / 1000) },
    );
    const { context, page } = await phone({ camera: false });
    // This browser cannot decode (its decoder's .wasm does not load), so the photo goes to the server.
    await context.route('**/*.wasm', (route) => route.abort());
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/scans$/.test(r.url())) uploads.push(r.headers()['content-type'] ?? '');
    });
    try {
      await openScan(page);
      await album(page, text, 420);
      const dialog = page.getByRole('dialog', { name: 'This code is locked' });
      await dialog.getByLabel('QR code password').fill(QR_PASSWORD);
      await dialog.getByRole('button', { name: 'Unlock' }).click();
      await page.waitForURL(/\/m\/select/);
      await page.getByRole('checkbox', { name: /Gate camera/ }).waitFor();
      await page.getByRole('checkbox', { name: /Yard camera/ }).waitFor();
      // Both requests were photo uploads: the first locked, the second with the password.
      expect(uploads.length).toBe(2);
      expect(uploads.every((t) => t.startsWith('multipart/form-data'))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('guides through an offline device and continues by itself once it is online', async () => {
    const { context, page } = await phone({ camera: false });
    let eventStreams = 0;
    page.on('request', (r) => {
      if (/\/api\/batches\/[^/]+\/events/.test(r.url())) eventStreams++;
    });
    try {
      await openScan(page);
      await album(page, desc('offline').label);
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      await page.getByRole('button', { name: 'Add when it comes online' }).click();
      await page.waitForURL(/\/m\/offline\//);
      await page.getByText('Status: Waiting for the device to come online').waitFor();
      // The server's guidance lines.
      await page.getByText('Wi-Fi: put the device in Wi-Fi setup mode', { exact: false }).waitFor();
      await screenshot(page, 'mobile-offline');
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await siteSerials()).not.toContain(dev.offline.serial);
      await fleet.applyFaults(dev.offline.serial, { power: 'on' });
      // No click: the followed event stream reports the add and the page moves on by itself.
      await page.waitForURL(/\/m\/devices\?.*added=/, { timeout: 60_000 });
      await page.getByText(`Device ${dev.offline.serial} was added.`).waitFor();
      expect(eventStreams).toBeGreaterThan(0);
      expect(await siteSerials()).toContain(dev.offline.serial);
      // The installer is also told in their notifications (for when they have left the page):
      // an unread count in the navigation, the entry in the list, and "Open" leads to the device.
      await eventually(async () => ((await (await page.request.get('/api/notifications/counts')).json()) as { unread: number }).unread > 0, 'a notification');
      await page.goto('/m/devices');
      expect(await page.getByTestId('unread-count').textContent()).toMatch(/^[1-9]/);
      await page.getByRole('link', { name: /^Notifications/ }).click();
      await page.waitForURL(/\/m\/notifications/);
      const item = page.getByRole('listitem').filter({ hasText: dev.offline.serial }).filter({ hasText: 'is online and was added' });
      await item.waitFor();
      await screenshot(page, 'mobile-notifications');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await item.getByRole('link', { name: 'Open' }).click();
      await page.waitForURL(/\/devices\/[0-9a-f-]{36}$/);
      await page.getByText(dev.offline.serial).first().waitFor();

      // The device page makes a device QR code that adds it again, encrypted with a password.
      const qrSection = page.getByRole('region', { name: 'Device QR code' });
      await qrSection.getByRole('button', { name: 'Create QR code' }).click();
      await qrSection.getByText('Choose at least 8 characters', { exact: false }).waitFor();
      await qrSection.getByLabel('Password for the code').fill('Qr-code-pass1');
      const answer = page.waitForResponse((r) => /\/api\/devices\/[^/]+\/qr$/.test(r.url()));
      await qrSection.getByRole('button', { name: 'Create QR code' }).click();
      const body = (await (await answer).json()) as { parts: Array<{ text: string }> };
      await qrSection.getByRole('img', { name: `Device QR code for ${dev.offline.serial}` }).waitFor();
      await qrSection.getByText('scanning it asks for the password you chose', { exact: false }).waitFor();
      expect(classifyQr(body.parts[0]!.text, { password: 'Qr-code-pass1' })).toMatchObject({ kind: 'sitekeeper', devices: [{ serial: dev.offline.serial, verificationCode: dev.offline.verificationCode }] });
      await qrSection.getByRole('img').scrollIntoViewIfNeeded();
      await screenshot(page, 'mobile-device-qr');
      expect(await seriousA11yViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
