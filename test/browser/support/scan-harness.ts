/**
 * What the scan-flow browser tests share: the real platform, one emulator fleet with a device for
 * each role a test needs, Chromium whose fake camera plays the `video` device's label, an admin and
 * a site; and the steps they repeat (a signed-in phone, the scan page, an album photo, the site's
 * devices as the server lists them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIRequestContext, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { DeviceDescription, Fleet, VirtualDevice } from '../../../src/emulator';
import { eventually, startFleetFor } from '../../helpers/fleet';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';
import { ensureWebBuild } from './build';
import { launchChromium, SETUP_TIMEOUT_MS, STEP_TIMEOUT_MS } from './chromium';
import { labelPhoto, writeQrY4m } from './media';
import { createSite, setupAdmin, signInApi, type SignedIn } from './session';

export type Role = 'video' | 'photo' | 'manual' | 'fresh' | 'cloudOff' | 'offline' | 'gate' | 'hall' | 'yard' | 'dupe' | 'mixedNew' | 'mixedCloud' | 'listed' | 'pairOk' | 'pairSkip';
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
  ['listed', { type: 'camera' }],
  ['pairOk', { type: 'camera', cloudEnabled: false }],
  ['pairSkip', { type: 'camera', cloudEnabled: false }],
];

export interface PhoneOptions {
  camera?: boolean;
  torch?: boolean;
  viewport?: { width: number; height: number };
}

/** Chromium's fake camera has no torch; pretend it does (and record what is asked) to see the toggle work. */
function fakeTorch() {
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
}

/**
 * Registers the file's beforeAll and afterAll. The functions may be taken at once; `platform`,
 * `fleet`, `admin` and `site` are there once beforeAll has run.
 */
export function useScanHarness() {
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
    for (const r of ['video', 'photo', 'manual', 'dupe', 'listed'] as const) {
      await eventually(() => platform.inDeviceCloud(dev[r].serial), `${r} in the device cloud`);
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
  async function siteSerials(siteId = site.id): Promise<string[]> {
    const res = await req().get(`${platform.baseUrl}/api/sites/${siteId}/devices?pageSize=100`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as { items: { serial: string }[] }).items.map((d) => d.serial);
  }

  /** Add a device through the API (not the UI), for a device that must already be on the site. */
  async function addByApi(text: string, siteId = site.id): Promise<void> {
    const headers = { 'x-csrf-token': admin.csrfToken };
    const scan = await req().post(`${platform.baseUrl}/api/sites/${siteId}/scans`, { data: { text }, headers });
    expect(scan.status()).toBe(201);
    const s = (await scan.json()) as { scanId: string; candidates: { id: string }[] };
    const add = await req().post(`${platform.baseUrl}/api/scans/${s.scanId}/add`, { data: { candidateIds: [s.candidates[0]!.id], idempotencyKey: `pre-${s.scanId}` }, headers });
    expect(add.status()).toBe(202);
    const { batchId } = (await add.json()) as { batchId: string };
    await eventually(async () => ((await (await req().get(`${platform.baseUrl}/api/batches/${batchId}`)).json()) as { done: boolean }).done, 'pre-added device');
  }

  /** A signed-in phone (360 px wide unless told, touch, camera allowed or not) for `use`, closed after it. */
  async function withPhone(opts: PhoneOptions, use: (phone: { context: BrowserContext; page: Page }) => Promise<void>): Promise<void> {
    const context = await launched.browser.newContext({
      baseURL: platform.baseUrl,
      viewport: opts.viewport ?? { width: 360, height: 740 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      permissions: opts.camera === false ? [] : ['camera'],
    });
    try {
      if (opts.torch) await context.addInitScript(fakeTorch);
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      await signInApi(context, platform.baseUrl);
      await use({ context, page: await context.newPage() });
    } finally {
      await context.close();
    }
  }

  async function openScan(page: Page) {
    await page.goto(`/m/scan?site=${encodeURIComponent(site.id)}`);
  }

  async function album(page: Page, text: string | null, qrPx?: number) {
    await page.getByTestId('album-input').setInputFiles({ name: 'label.jpg', mimeType: 'image/jpeg', buffer: await labelPhoto(text, qrPx ? { qrPx } : {}) });
  }

  return {
    dev,
    desc,
    siteSerials,
    addByApi,
    withPhone,
    openScan,
    album,
    get platform() {
      return platform;
    },
    get fleet() {
      return fleet;
    },
    get admin() {
      return { context: adminCtx, ...admin };
    },
    get site() {
      return site;
    },
  };
}
