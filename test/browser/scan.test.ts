/**
 * The phone's scan-to-add flow in Chromium with a fake camera playing a label QR, against the real
 * server (onboarding API, jobs, device cloud, site agent) and a real emulator fleet over loopback.
 * Each test checks what the server did, through GET /api/sites/:id/devices.
 */
import { expect, it } from 'vitest';
import { classifyQr, encodeDeviceListQr, encodeSitekeeperQr } from '../../src/protocol/qr';
import { eventually } from '../helpers/fleet';
import { seriousA11yViolations } from './support/axe';
import { describeBrowser, STEP_TIMEOUT_MS } from './support/chromium';
import { useScanHarness } from './support/scan-harness';
import { screenshot } from './support/screens';
import { createSite } from './support/session';

/** The phone the new user had (the other tests use the narrowest supported, 360 px). */
const PHONE_390 = { width: 390, height: 844 };
const QR_PASSWORD = 'Qr-pass1';

describeBrowser('mobile scan flow (Chromium, fake camera, real platform and fleet)', () => {
  const h = useScanHarness();
  const { dev, desc, siteSerials, addByApi, withPhone, openScan, album } = h;
  it('scans a label with the camera, shows and sends the text, and adds the device', async () => {
    await withPhone({}, async ({ page }) => {
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
    });
  });

  it('shows the live preview with a scanning frame and hides the torch the camera lacks', async () => {
    await withPhone({}, async ({ context, page }) => {
      // Keep the preview up: without its .wasm the decoder cannot read the label in the video.
      await context.route(/zxing_reader.*\.wasm$/, (route) => route.abort());
      await openScan(page);
      await page.getByText('Align the QR code').waitFor();
      await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
      await screenshot(page, 'mobile-scan');
      expect(await page.getByRole('button', { name: /flashlight/i }).count()).toBe(0);
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  });

  it('offers a working flashlight toggle when the track has a torch', async () => {
    await withPhone({ torch: true }, async ({ context, page }) => {
      await context.route(/zxing_reader.*\.wasm$/, (route) => route.abort());
      await openScan(page);
      const torch = page.getByRole('button', { name: 'Turn flashlight on' });
      await torch.click();
      await page.getByRole('button', { name: 'Turn flashlight off' }).waitFor();
      expect(await page.evaluate(() => (window as unknown as { __torch: boolean[] }).__torch)).toEqual([true]);
    });
  });

  it('decodes an album photo in the worker, and sends an unreadable one to the server', async () => {
    await withPhone({ camera: false }, async ({ page }) => {
      const scans: { multipart: boolean; text?: string }[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && /\/api\/sites\/[^/]+\/scans$/.test(new URL(r.url()).pathname)) {
          const multipart = (r.headers()['content-type'] ?? '').startsWith('multipart/');
          scans.push(multipart ? { multipart } : { multipart, text: (r.postDataJSON() as { text: string }).text });
        }
      });
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
    });
  });

  it('explains a denied camera and keeps album and manual entry; manual entry adds by serial and code', async () => {
    await withPhone({ camera: false }, async ({ page }) => {
      await openScan(page);
      const help = page.locator('.camera-help[data-problem="denied"]');
      await help.waitFor();
      await expect.poll(() => help.textContent()).toMatch(/not allowed to use the camera/);
      // The Android and iPhone settings are alternatives, not steps 2 and 3: one numbered step holds both.
      const steps = help.locator(':scope > ol > li');
      const stepTexts = await steps.allTextContents();
      expect(stepTexts.filter((t) => /On Android/.test(t))).toHaveLength(1);
      expect(stepTexts.filter((t) => /On iPhone/.test(t))).toHaveLength(1);
      expect(stepTexts.findIndex((t) => /On Android/.test(t))).toBe(stepTexts.findIndex((t) => /On iPhone/.test(t)));
      const either = steps.locator('ul > li');
      expect(await either.allTextContents()).toEqual([expect.stringMatching(/^On Android/), expect.stringMatching(/^On iPhone/)]);
      await page.getByRole('button', { name: /Album/ }).waitFor();
      await screenshot(page, 'mobile-camera-denied');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('link', { name: /Enter manually/ }).click();
      await page.getByLabel('Serial number').fill(dev.manual.shortSerial);
      await page.getByLabel('Verification code (optional)').fill(dev.manual.verificationCode);
      await page.getByRole('button', { name: 'Continue' }).click();
      // A confirm step as for a scanned label: the device as the server found it, then one tap.
      await page.waitForURL(/\/m\/confirm/);
      await page.getByRole('heading', { name: 'Add this device?' }).waitFor();
      await page.getByText(desc('manual').model, { exact: true }).first().waitFor();
      expect(await siteSerials()).not.toContain(dev.manual.serial);
      await page.getByRole('button', { name: 'Add device' }).click();
      await page.waitForURL(/\/m\/progress\//);
      await page.getByText('1 added of 1').waitFor();
      expect(await siteSerials()).toContain(dev.manual.serial);
      // The row is named like the others (by the model), not by the serial that was typed.
      const row = page.locator('.progress-item');
      expect(await row.locator('.candidate-name').textContent()).toBe(desc('manual').model);
    });
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
    await withPhone({ camera: false, viewport: PHONE_390 }, async ({ context, page }) => {
      await openScan(page);
      await album(page, text, 420);
      const dialog = page.getByRole('dialog', { name: 'This code is locked' });
      await dialog.waitFor();
      // The code's raw (encrypted, base64) payload is not shown, behind the dialog or anywhere.
      expect(await page.getByTestId('decoded-text').count()).toBe(0);
      const payloadTail = text.slice(-24);
      expect(await page.evaluate((tail) => document.body.innerText.includes(tail), payloadTail)).toBe(false);
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
      // The type is written as on every other page ("Camera", not the server's "camera").
      const gateMeta = page.locator('.candidate-list li').filter({ hasText: 'Gate camera' }).locator('.candidate-meta');
      expect(await gateMeta.textContent()).toBe(`Camera · ${g!.host}:${g!.httpPort}`);
      await screenshot(page, 'mobile-select');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('checkbox', { name: /Select all/ }).uncheck();
      await page.getByRole('button', { name: /OK, add 0 devices/ }).waitFor();
      await page.getByRole('checkbox', { name: /Select all/ }).check();
      await page.getByRole('button', { name: 'OK, add 3 devices' }).click();
      // The hall camera's password was refused: it is asked for, naming the device; a wrong one again
      // makes it fail alone.
      const pw = page.getByRole('dialog', { name: 'Device admin password' });
      await pw.getByText('Hall camera', { exact: false }).waitFor();
      await pw.getByText(`${h!.host}:${h!.httpPort}`, { exact: false }).waitFor();
      await pw.getByRole('button', { name: 'Skip this device' }).waitFor();
      await pw.getByText('the other 2 devices are added without it', { exact: false }).waitFor();
      await screenshot(page, 'mobile-device-password');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await pw.getByLabel('Admin password').fill('Still-wrong9');
      await pw.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/\/m\/progress\//);
      const firstBatchUrl = page.url();
      await page.getByText('2 added, 1 failed of 3').waitFor({ timeout: 60_000 });
      await page.getByText('The device rejected the user name or password.').waitFor();
      await page.getByText('Check the device credentials', { exact: false }).waitFor();
      // At 390 px the failed row gives its width to the name and the error; the button has its own row.
      const failed = page.locator('.progress-item').filter({ hasText: 'Hall camera' });
      const rowBox = (await failed.boundingBox())!;
      const mainBox = (await failed.locator('.candidate-main').boundingBox())!;
      const buttonBox = (await failed.getByRole('button').boundingBox())!;
      expect(mainBox.width).toBeGreaterThan(rowBox.width * 0.7);
      expect(buttonBox.y).toBeGreaterThanOrEqual(mainBox.y + mainBox.height - 1);
      expect(buttonBox.x + buttonBox.width).toBeLessThanOrEqual(rowBox.x + rowBox.width);
      // One line for the device's name, not one word per line.
      const nameBox = (await failed.locator('.candidate-name').boundingBox())!;
      expect(nameBox.height).toBeLessThan(40);
      await failed.scrollIntoViewIfNeeded();
      await screenshot(page, 'mobile-progress');
      expect(await seriousA11yViolations(page)).toEqual([]);
      const serials = await siteSerials();
      expect(serials).toEqual(expect.arrayContaining([dev.gate.serial, dev.yard.serial, dev.dupe.serial]));
      expect(serials).not.toContain(dev.hall.serial);

      // Retry the failed device from the progress page with the right password: no new scan.
      const failedRow = page.getByRole('listitem').filter({ hasText: 'Hall camera' });
      await failedRow.getByRole('button', { name: /^Enter the password/ }).click();
      await pw.getByLabel('Admin password').fill(h!.adminPassword!);
      await pw.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((u) => /\/m\/progress\//.test(u.pathname) && u.href !== firstBatchUrl);
      const retryUrl = new URL(page.url()).pathname;
      await page.getByText('1 added of 1').waitFor({ timeout: 60_000 });
      expect(await siteSerials()).toContain(dev.hall.serial);

      // The first batch's page also works on its own (a notification's link, another tab: no scan
      // flow in this tab's storage): rows, names and totals come from the server, and the device
      // the retry added shows as added, with a link to the retry.
      const tab = await context.newPage();
      await tab.goto(firstBatchUrl);
      await tab.getByText('3 added of 3').waitFor();
      for (const name of ['Gate camera', 'Hall camera', 'Yard camera']) await tab.getByText(name).waitFor();
      const hallRow = tab.locator('.progress-item').filter({ hasText: 'Hall camera' });
      await hallRow.getByText('Added by a later retry').waitFor();
      expect(await hallRow.getAttribute('data-state')).toBe('added');
      expect(await hallRow.getByRole('button').count()).toBe(0);
      expect(await hallRow.getByRole('link', { name: /Open the retry/ }).getAttribute('href')).toBe(retryUrl);
      // Going back to it in this tab says the same.
      await page.goBack();
      await page.waitForURL(firstBatchUrl);
      await page.locator('.progress-item').filter({ hasText: 'Hall camera' }).getByText('Added by a later retry').waitFor();
    });
  });

  it('activates a factory-new device with a password that passes the rules', async () => {
    await withPhone({ camera: false }, async ({ page }) => {
      await openScan(page);
      await album(page, desc('fresh').label);
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      await expect.poll(() => page.getByTestId('candidate-status').textContent()).toBe('Factory new: needs activation');
      // Type and firmware written as everywhere else: "Camera", and "V5.x.y build yymmdd" as the
      // device's own page writes it (the LAN discovery reports them run together).
      expect(await page.getByTestId('candidate-type').textContent()).toBe('Camera');
      expect(await page.getByTestId('candidate-firmware').textContent()).toMatch(/^V[\d.]+ build \d{6}$/);
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
    });
  });

  it('enables the cloud service with a verification code and the device password', async () => {
    await withPhone({ camera: false }, async ({ page }) => {
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
    });
  });

  it('asks each secret once, in turn, when the chosen devices need different things', async () => {
    const text = encodeSitekeeperQr({
      devices: (['mixedNew', 'mixedCloud'] as const).map((r, i) => ({ name: i === 0 ? 'New camera' : 'Cloud-off camera', serial: dev[r].serial, verificationCode: dev[r].verificationCode })),
    });
    await withPhone({ camera: false }, async ({ page }) => {
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
    });
  });

  it('a device whose password is missing can be skipped: the rest of the batch is added without it', async () => {
    const [ok, skip] = (['pairOk', 'pairSkip'] as const).map(desc);
    const text = encodeDeviceListQr(
      [
        { name: 'Porch camera', host: ok!.host, port: ok!.httpPort, user: ok!.adminUser!, password: ok!.adminPassword! },
        { name: 'Attic camera', host: skip!.host, port: skip!.httpPort, user: skip!.adminUser!, password: 'Wrong-pass9' },
      ],
      { timestamp: Math.floor(Date.now() / 1000) },
    );
    await withPhone({ camera: false, viewport: PHONE_390 }, async ({ page }) => {
      await openScan(page);
      await album(page, text, 420);
      await page.waitForURL(/\/m\/select/);
      await page.getByRole('button', { name: 'OK, add 2 devices' }).click();
      const pw = page.getByRole('dialog', { name: 'Device admin password' });
      await pw.getByText('Attic camera', { exact: false }).waitFor();
      expect(await pw.getByText('Porch camera').count()).toBe(0);
      await pw.getByText('the other device is added without it', { exact: false }).waitFor();
      // Cancel is not a silent end of the batch either: the dialog says what it does.
      await pw.getByText('Cancel: nothing is added.', { exact: false }).waitFor();
      await pw.getByRole('button', { name: 'Skip this device' }).click();
      await page.waitForURL(/\/m\/progress\//);
      const firstBatchUrl = page.url();
      await page.getByText('1 added of 1').waitFor({ timeout: 60_000 });
      // The page says what became of the skipped device, and it can still be added from here.
      const skipped = page.getByTestId('skipped');
      await skipped.getByText('Attic camera', { exact: false }).waitFor();
      await skipped.getByRole('heading', { name: /not added/ }).waitFor();
      const serials = await siteSerials();
      expect(serials).toContain(dev.pairOk.serial);
      expect(serials).not.toContain(dev.pairSkip.serial);
      await skipped.getByRole('button', { name: /Attic camera/ }).click();
      await pw.getByLabel('Admin password').fill(skip!.adminPassword!);
      await pw.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((u) => /\/m\/progress\//.test(u.pathname) && u.href !== firstBatchUrl);
      await page.locator('.progress-item[data-state="added"]').filter({ hasText: 'Attic camera' }).waitFor({ timeout: 60_000 });
      await page.getByText('1 added of 1').waitFor();
      expect(await siteSerials()).toContain(dev.pairSkip.serial);
    });
  });

  it('the Devices tab lists the remembered site\'s devices, and asks for the site when none is remembered', async () => {
    const depot = await createSite(h.admin.context, h.platform.baseUrl, h.admin, 'Depot North');
    await addByApi(desc('listed').label, depot.id);
    await withPhone({ viewport: PHONE_390 }, async ({ page }) => {
      const siteless: string[] = [];
      page.on('request', (r) => {
        if (/\/api\/sites\/\/|\/api\/sites\/(undefined|null)\b/.test(r.url())) siteless.push(r.url());
      });
      // Nothing remembered yet: the tab asks for the site instead of failing.
      await page.goto('/m');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
      await page.waitForURL(/\/m\/devices/);
      // Choosing the site opens its list (the picker goes away).
      await page.getByRole('radio', { name: /Depot North/ }).click();
      const list = page.getByTestId('device-list');
      await list.getByText(dev.listed.serial, { exact: false }).waitFor();
      await list.getByText('Camera', { exact: false }).first().waitFor();
      await page.getByRole('heading', { name: /Depot North/ }).waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      await screenshot(page, 'mobile-devices');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // The site is remembered: the tab opens on its devices at once, from any page.
      await page.goto('/m/notifications');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
      await page.getByTestId('device-list').getByText(dev.listed.serial, { exact: false }).waitFor();
      await page.getByRole('heading', { name: /Depot North/ }).waitFor();
      // …and another site can be chosen from there.
      await page.getByRole('button', { name: 'Change site' }).click();
      await page.getByRole('radio', { name: /Harbour Office/ }).click();
      await page.getByRole('heading', { name: /Harbour Office/ }).waitFor();
      expect(siteless).toEqual([]);
    });
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
    await withPhone({ camera: false }, async ({ context, page }) => {
      // This browser cannot decode (its decoder's .wasm does not load), so the photo goes to the server.
      await context.route('**/*.wasm', (route) => route.abort());
      const uploads: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && /\/scans$/.test(r.url())) uploads.push(r.headers()['content-type'] ?? '');
      });
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
    });
  });

  it('guides through an offline device and continues by itself once it is online', async () => {
    await withPhone({ camera: false }, async ({ page }) => {
      let eventStreams = 0;
      page.on('request', (r) => {
        if (/\/api\/batches\/[^/]+\/events/.test(r.url())) eventStreams++;
      });
      await openScan(page);
      await album(page, desc('offline').label);
      await page.waitForURL(/\/m\/confirm/, { timeout: STEP_TIMEOUT_MS });
      // It is said once that the device stays pending and is added by itself, not three times.
      const text = await page.locator('main').innerText();
      const saying = text.split(/(?<=[.!?])\s+|\n/).filter((l) => /pending|by itself|as soon as it (connects|comes online)/i.test(l));
      expect(saying).toHaveLength(1);
      await page.getByRole('button', { name: 'Add when it comes online' }).click();
      await page.waitForURL(/\/m\/offline\//);
      await page.getByText('Status: Waiting for the device to come online').waitFor();
      // The server's guidance lines.
      await page.getByText('Wi-Fi: put the device in Wi-Fi setup mode', { exact: false }).waitFor();
      // Here too it is said once.
      const waiting = (await page.locator('main').innerText()).split(/(?<=[.!?])\s+|\n/).filter((l) => /pending|by itself|as soon as it (connects|comes online)/i.test(l));
      expect(waiting).toHaveLength(1);
      await screenshot(page, 'mobile-offline');
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await siteSerials()).not.toContain(dev.offline.serial);
      await h.fleet.applyFaults(dev.offline.serial, { power: 'on' });
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
      expect(await page.getByTestId('device-type').textContent()).toBe('Camera');

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
    });
  });
});
