/**
 * The phone's scan-to-add flow in Chromium with a fake camera playing a label QR, against the
 * real server (sign-in, sites) with the onboarding calls stubbed until issue 6 lands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../../src/emulator/fleet';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { seriousA11yViolations } from './support/axe';
import { ensureWebBuild } from './support/build';
import { describeBrowser, launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './support/chromium';
import { labelPhoto, writeQrY4m } from './support/media';
import { installOnboardingStub, LOCKED_QR_PASSWORD, type StubState } from './support/onboarding-stub';
import { screenshot } from './support/screens';
import { createSite, setupAdmin, signInApi } from './support/session';

// The label QRs of two emulated cameras (domain, short serial, verification code, model).
let CAMERA_LABEL = '';
let PHOTO_LABEL = '';
let CAMERA_SERIAL = '';

describeBrowser('mobile scan flow (Chromium, fake camera)', () => {
  let platform: TestPlatform;
  let launched: Awaited<ReturnType<typeof launchChromium>>;
  let workDir: string;
  let site: { id: string; name: string };
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    await ensureWebBuild();
    fleet = await startFleet({ count: 2, specs: [{ type: 'camera' }, { type: 'camera' }], sadpPort: false, controlHost: '127.0.0.1' });
    const [first, second] = fleet.devices.map((d) => fleet!.describe(d));
    CAMERA_LABEL = first?.label ?? '';
    CAMERA_SERIAL = first?.shortSerial ?? '';
    PHOTO_LABEL = second?.label ?? '';
    workDir = mkdtempSync(path.join(tmpdir(), 'sk-scan-'));
    const video = path.join(workDir, 'label.y4m');
    writeQrY4m(video, CAMERA_LABEL);
    platform = await startTestPlatform({ listen: true });
    launched = await launchChromium({ videoFile: video });
    const ctx = await launched.browser.newContext();
    const s = await setupAdmin(ctx, platform.baseUrl, platform.setupToken);
    site = await createSite(ctx, platform.baseUrl, s, 'Harbour Office');
    await ctx.close();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await launched?.close();
    await platform?.close();
    await fleet?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** A signed-in phone: 360 px wide, touch, camera allowed (or not), onboarding stubbed. */
  async function phone(opts: { camera?: boolean; torch?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; stub: StubState }> {
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
    const stub = await installOnboardingStub(context);
    await signInApi(context, platform.baseUrl);
    const page = await context.newPage();
    return { context, page, stub };
  }

  async function openScan(page: Page) {
    await page.goto(`/m/scan?site=${encodeURIComponent(site.id)}`);
  }

  it('scans a label with the camera, shows and sends the text, and adds the device', async () => {
    const { context, page, stub } = await phone();
    try {
      await page.goto('/m');
      await page.getByRole('radio', { name: /Harbour Office/ }).check();
      await screenshot(page, 'mobile-home');
      await page.getByRole('link', { name: /Add device to Harbour Office/ }).click();
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      expect(stub.scans).toEqual([{ siteId: site.id, text: CAMERA_LABEL, multipart: false }]);
      await expect.poll(() => page.getByTestId('candidate-status').textContent()).toBe('Ready to add');
      await screenshot(page, 'mobile-confirm');
      await page.getByRole('button', { name: 'Add device' }).click();
      await page.waitForURL(/\/m\/progress\//);
      await page.getByText('1 added of 1').waitFor();
      expect(stub.adds[0]?.body).toMatchObject({ candidateIds: ['c1'] });
      expect(typeof stub.adds[0]?.body.idempotencyKey).toBe('string');
      await page.getByRole('link', { name: "Show the site's devices" }).click();
      await page.getByTestId('device-list').getByText(CAMERA_SERIAL).first().waitFor();
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
    const { context, page, stub } = await phone({ camera: false });
    try {
      await openScan(page);
      await page.getByTestId('album-input').setInputFiles({ name: 'label.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto(PHOTO_LABEL) });
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      expect(stub.scans.at(-1)).toEqual({ siteId: site.id, text: PHOTO_LABEL, multipart: false });

      await openScan(page);
      await page.getByTestId('album-input').setInputFiles({ name: 'blank.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto(null) });
      // The server's error is shown with its hint.
      await page.getByText('No QR code was found in the photo.').waitFor({ timeout: STEP_TIMEOUT_MS });
      await page.getByText('Take the photo closer to the label, in good light.').waitFor();
      expect(stub.scans.at(-1)).toEqual({ siteId: site.id, text: undefined, multipart: true });
    } finally {
      await context.close();
    }
  });

  it('explains a denied camera and keeps album and manual entry; manual entry fills the serial', async () => {
    const { context, page, stub } = await phone({ camera: false });
    try {
      await openScan(page);
      const help = page.locator('.camera-help[data-problem="denied"]');
      await help.waitFor();
      await expect.poll(() => help.textContent()).toMatch(/not allowed to use the camera/);
      await page.getByRole('button', { name: /Album/ }).waitFor();
      await screenshot(page, 'mobile-camera-denied');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('link', { name: /Enter manually/ }).click();
      await page.getByLabel('Serial number').fill('E12345678');
      await page.getByLabel('Verification code (optional)').fill('ABCDEF');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/\/m\/progress\//);
      expect(stub.scans.at(-1)?.text).toBe('E12345678');
      expect(stub.adds.at(-1)?.body).toMatchObject({ candidateIds: ['c1'], verificationCode: 'ABCDEF' });
      await page.getByText('1 added of 1').waitFor();
    } finally {
      await context.close();
    }
  });

  it('selects devices from a multi-device code and shows per-device progress with one failure', async () => {
    const { context, page, stub } = await phone({ camera: false });
    try {
      await openScan(page);
      // Paste-free path: the decoded text reaches the same page whatever its source.
      await page.getByTestId('album-input').setInputFiles({ name: 'multi.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto('MULTI') });
      await page.waitForURL(/\/m\/select/, { timeout: STEP_TIMEOUT_MS });
      const boxes = page.getByRole('checkbox');
      expect(await boxes.count()).toBe(5); // select all + four devices
      expect(await page.getByRole('checkbox', { name: /Old NVR/ }).isDisabled()).toBe(true);
      expect(await page.getByRole('checkbox', { name: /Select all \(3\)/ }).isChecked()).toBe(true);
      await screenshot(page, 'mobile-select');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('checkbox', { name: /Select all/ }).uncheck();
      await page.getByRole('button', { name: /OK, add 0 devices/ }).waitFor();
      await page.getByRole('checkbox', { name: /Select all/ }).check();
      await page.getByRole('button', { name: 'OK, add 3 devices' }).click();
      await page.waitForURL(/\/m\/progress\//);
      await page.getByText('2 added, 1 failed of 3').waitFor();
      await page.getByText('Hall camera did not answer at 10.0.0.12:80.').waitFor();
      await page.getByText('Check its network cable and power, then add it again.').waitFor();
      expect(await page.getByTestId('progress-c2').getAttribute('data-state')).toBe('failed');
      expect(stub.adds.at(-1)?.body).toMatchObject({ candidateIds: ['c1', 'c2', 'c3'] });
      await screenshot(page, 'mobile-progress');
    } finally {
      await context.close();
    }
  });

  it('unlocks a password-protected multi-device code before the selection', async () => {
    const { context, page, stub } = await phone({ camera: false });
    try {
      await openScan(page);
      await page.getByTestId('album-input').setInputFiles({ name: 'locked.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto('LOCKED-LIST') });
      const dialog = page.getByRole('dialog', { name: 'This code is locked' });
      await dialog.getByLabel('QR code password').fill('wrong-one');
      await dialog.getByRole('button', { name: 'Unlock' }).click();
      await dialog.getByText('That password does not unlock this code.', { exact: false }).waitFor();
      await dialog.getByLabel('QR code password').fill(LOCKED_QR_PASSWORD);
      await dialog.getByRole('button', { name: 'Unlock' }).click();
      await page.waitForURL(/\/m\/select/);
      expect(stub.scans.slice(-3).map((s) => s.qrPassword)).toEqual([undefined, 'wrong-one', LOCKED_QR_PASSWORD]);
      await page.getByRole('button', { name: 'OK, add 3 devices' }).click();
      await page.waitForURL(/\/m\/progress\//);
      expect(stub.adds.at(-1)?.body).toMatchObject({ qrPassword: LOCKED_QR_PASSWORD });
    } finally {
      await context.close();
    }
  });

  it('activates a factory-new device with a password that passes the rules', async () => {
    const { context, page, stub } = await phone({ camera: false });
    try {
      await openScan(page);
      await page.getByTestId('album-input').setInputFiles({
        name: 'new.jpg',
        mimeType: 'image/jpeg',
        buffer: await labelPhoto('www.hik-connect.com\nNEW000001\nABCDEF\nDS-2CD2043G2-I\n'),
      });
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
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
      expect(stub.adds.at(-1)?.body).toMatchObject({ candidateIds: ['c1'], adminPassword: 'Ladder-2026x' });
      await page.getByText('1 added of 1').waitFor();
    } finally {
      await context.close();
    }
  });

  it('asks each secret once, in turn, when the chosen devices need different things', async () => {
    const { context, page, stub } = await phone({ camera: false });
    try {
      await openScan(page);
      await page.getByTestId('album-input').setInputFiles({ name: 'mixed.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto('MIXED') });
      await page.waitForURL(/\/m\/select/);
      await page.getByText('Factory new: needs activation').waitFor();
      await page.getByText('Cloud service off: needs enabling').waitFor();
      await page.getByRole('button', { name: 'OK, add 2 devices' }).click();
      const activation = page.getByRole('dialog', { name: 'Activate the device' });
      await activation.getByLabel('New admin password').fill('Ladder-2026x');
      await activation.getByLabel('Confirm password').fill('Ladder-2026x');
      await activation.getByRole('button', { name: 'Activate' }).click();
      const cloud = page.getByRole('dialog', { name: 'Enable the cloud service' });
      await cloud.getByLabel('Verification code').fill('Hik12345');
      await cloud.getByRole('button', { name: 'Enable' }).click();
      await page.waitForURL(/\/m\/progress\//);
      expect(stub.adds.at(-1)?.body).toMatchObject({ candidateIds: ['c1', 'c2'], adminPassword: 'Ladder-2026x', verificationCode: 'Hik12345' });
      await page.getByText('2 added of 2').waitFor();
    } finally {
      await context.close();
    }
  });

  it('enables the cloud service with a verification code', async () => {
    const { context, page, stub } = await phone({ camera: false });
    try {
      await openScan(page);
      await page.getByTestId('album-input').setInputFiles({
        name: 'cloud.jpg',
        mimeType: 'image/jpeg',
        buffer: await labelPhoto('www.hik-connect.com\nCLOUD0001\nABCDEF\nDS-2CD2043G2-I\n'),
      });
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      await page.getByRole('button', { name: 'Enable cloud service and add' }).click();
      const dialog = page.getByRole('dialog', { name: 'Enable the cloud service' });
      await dialog.getByLabel('Verification code').fill('AB-12');
      expect(await dialog.getByRole('button', { name: 'Enable' }).isDisabled()).toBe(true);
      await dialog.getByLabel('Verification code').fill('Hik12345');
      await dialog.getByRole('button', { name: 'Enable' }).click();
      await page.waitForURL(/\/m\/progress\//);
      expect(stub.adds.at(-1)?.body).toMatchObject({ verificationCode: 'Hik12345' });
      await page.getByText('1 added of 1').waitFor();
    } finally {
      await context.close();
    }
  });

  it('guides through an offline device and continues by itself once it is online', async () => {
    const { context, page, stub } = await phone({ camera: false });
    try {
      await openScan(page);
      await page.getByTestId('album-input').setInputFiles({
        name: 'off.jpg',
        mimeType: 'image/jpeg',
        buffer: await labelPhoto('www.hik-connect.com\nOFF000001\nABCDEF\nDS-2CD2043G2-I\n'),
      });
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      await page.getByRole('button', { name: 'Add when it comes online' }).click();
      await page.waitForURL(/\/m\/offline\//);
      await page.getByText('Status: Waiting for the device to come online').waitFor();
      await page.getByText('Plug in its network cable', { exact: false }).waitFor();
      await screenshot(page, 'mobile-offline');
      expect(await seriousA11yViolations(page)).toEqual([]);
      const before = stub.eventRequests;
      stub.offlineDeviceOnline = true;
      // No click: the page reconnects to the event stream and moves on by itself.
      await page.waitForURL(/\/m\/devices\?.*added=OFF000001/, { timeout: STEP_TIMEOUT_MS });
      expect(stub.eventRequests).toBeGreaterThan(before);
      await page.getByText('Device OFF000001 was added.').waitFor();
    } finally {
      await context.close();
    }
  });
});
