/**
 * Benchmark (not a test): what one hostile signed-in user can take from everyone else (issue 13).
 * A platform on the defaults (embedded PGlite, or DATABASE_URL) serves 50 concurrent clients
 * reading a site's device list. In the flood condition one installer, at the same time, keeps
 * uploading 49-megapixel QR photos from 8 connections at once (each decoded downscaled in the worker
 * pool, or refused with 429 once that user's places are taken) and keeps trying to open progress
 * streams beyond the per-user cap. Conditions alternate (none, flood, twice); latencies are pooled;
 * p50/p99 side by side with the ratio, what the flooder got (statuses), and the process's peak RSS
 * in each condition (the platform runs in this process; the load generator's share is small and the
 * same in both).
 *
 * The whole comparison runs once per decode priority given (`--nice 0,19`: PHOTO_DECODE_NICE, the
 * nice value of the decoding threads; 0 = the server's own priority, as before issue 13's fix),
 * each on a fresh platform in this process, so the two can be read side by side.
 *
 *   npx tsx bench/flood/run.ts [--clients 50] [--seconds 5] [--uploaders 8] [--devices 200] [--nice 0,19]
 */
import sharp from 'sharp';
import { renderQrPng } from '../../src/qr-image/render';
import { OnboardingRepository } from '../../src/server/onboarding/onboarding.repository';
import { buildInstaller, buildSite, setupCompany } from '../../test/helpers/factories';
import { startTestPlatform } from '../../test/helpers/platform';
import { arg, exitAfter, machineLine, quantile, readLoop, runningBatch, seedDevices } from '../lib';

const CLIENTS = Number(arg('clients', '50'));
const PHASE_MS = Number(arg('seconds', '5')) * 1000;
const UPLOADERS = Number(arg('uploaders', '8'));
const DEVICES = Number(arg('devices', '200'));
const NICE = arg('nice', '0,19').split(',').map(Number);
exitAfter(15 * 60_000);

// 7000 × 7000 (49 MP, just under the 50 MP cap): small as a file, expensive to decode at full size.
const qr = await renderQrPng('www.xxx.com\n456654855\nABCDEF\nCS-C3-21PPFR\n', { scale: 40 });
const photo = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#fff' } }).composite([{ input: qr, left: 2500, top: 2500 }]).png().toBuffer();
const machine = machineLine();
const summary: string[] = [];

for (const nice of NICE) {
  const p = await startTestPlatform({ listen: true, config: { onboardingRetrySeconds: 15, photoDecodeNice: nice } });
  const company = await setupCompany(p.app, p.setupToken);
  const site = await buildSite(company);
  const repo = new OnboardingRepository(p.app.platform.database.db);
  await seedDevices(repo, { companyId: company.companyId, siteId: site.id, addedBy: company.adminId }, DEVICES, 'FLOOD');
  const flooder = await buildInstaller(p.app, company, 'manage_all');

  // A batch for the flooder's streams (one device that stays running, so nothing settles it).
  const { batchId } = await runningBatch(repo, { companyId: company.companyId, siteId: site.id, createdBy: flooder.id });

  const readerCookie = company.admin.cookie ?? '';
  const readDevices = () => readLoop(`${p.baseUrl}/api/sites/${site.id}/devices?page=1&pageSize=50`, readerCookie, CLIENTS, PHASE_MS);

  const statuses = new Map<string, number>();
  const count = (what: string) => statuses.set(what, (statuses.get(what) ?? 0) + 1);

  /** The flood until `stop` aborts: photo uploads from UPLOADERS connections, and stream opens beyond the cap. */
  function flood(stop: AbortSignal): Promise<unknown> {
    const headers = { cookie: flooder.client.cookie ?? '', 'x-csrf-token': flooder.client.csrfToken ?? '' };
    const uploads = Array.from({ length: UPLOADERS }, async () => {
      while (!stop.aborted) {
        const form = new FormData();
        form.append('image', new Blob([photo], { type: 'image/png' }), 'label.png');
        const res = await fetch(`${p.baseUrl}/api/sites/${site.id}/scans`, { method: 'POST', body: form, headers, signal: stop }).catch(() => undefined);
        if (!res) return;
        count(`photo ${res.status}`);
        await res.arrayBuffer().catch(() => undefined);
      }
    });
    const streams = (async () => {
      const open: Response[] = [];
      while (!stop.aborted) {
        const res = await fetch(`${p.baseUrl}/api/batches/${batchId}/events?follow=true`, { headers, signal: stop }).catch(() => undefined);
        if (!res) return;
        count(`stream ${res.status}`);
        if (res.status === 200) open.push(res);
        else await res.arrayBuffer().catch(() => undefined);
      }
    })();
    return Promise.all([...uploads, streams]);
  }

  /** Peak RSS (MiB) while `work` runs. */
  async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakMiB: number }> {
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    try {
      return { value: await work(), peakMiB: peak / 2 ** 20 };
    } finally {
      clearInterval(timer);
    }
  }

  const results = { none: [] as number[], flood: [] as number[] };
  const peaks = { none: 0, flood: 0 };
  await readDevices(); // warm-up
  for (let round = 0; round < 2; round++) {
    const quiet = await withPeakRss(readDevices);
    results.none.push(...quiet.value);
    peaks.none = Math.max(peaks.none, quiet.peakMiB);
    const stop = new AbortController();
    const flooding = flood(stop.signal);
    const loud = await withPeakRss(readDevices);
    stop.abort();
    await flooding;
    results.flood.push(...loud.value);
    peaks.flood = Math.max(peaks.flood, loud.peakMiB);
    // Let the node let go of the flooder's places and streams before the next quiet phase.
    while (p.app.platform.photos.inProgress() > 0 || p.app.platform.onboarding.progress.open > 0) await new Promise((r) => setTimeout(r, 50));
  }

  const row = (name: string, l: number[], peak: number) => {
    const s = [...l].sort((a, b) => a - b);
    return { name, n: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99), peak };
  };
  const none = row('no flood', results.none, peaks.none);
  const loud = row(`one user flooding (${UPLOADERS} photo uploads at once + streams beyond the cap)`, results.flood, peaks.flood);
  console.log(`\n### PHOTO_DECODE_NICE=${nice}\n`);
  console.log(`GET /api/sites/:id/devices?page=1&pageSize=50 (${DEVICES} devices), ${CLIENTS} concurrent clients, 2 × ${PHASE_MS / 1000} s per condition, database: ${p.config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}`);
  console.log(`flood: a ${(photo.length / 1024).toFixed(0)} KB PNG of 7000×7000 px; photo limits ${p.config.photoDecodesPerUser} per user / ${p.config.photoDecodesMax} per node, ${p.config.photoDecodeWorkers} decode worker(s); streams ${p.config.progressStreamsPerUser} per user`);
  console.log(`flooder got: ${[...statuses].sort().map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  console.log(`machine: ${machine}\n`);
  console.log('| condition | requests | p50 | p99 | peak RSS |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of [none, loud]) console.log(`| ${r.name} | ${r.n} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.peak.toFixed(0)} MiB |`);
  const ratio = `p50 ${(loud.p50 / none.p50).toFixed(2)}×, p99 ${(loud.p99 / none.p99).toFixed(2)}×, peak RSS ${(loud.peak / none.peak).toFixed(2)}×`;
  console.log(`\nratio flood / none: ${ratio}`);
  summary.push(`| ${nice} | ${none.p99.toFixed(1)} ms | ${loud.p99.toFixed(1)} ms | ${ratio} | ${[...statuses].filter(([k]) => k.startsWith('photo 2')).reduce((n, [, v]) => n + v, 0)} |`);
  await p.close();
}

console.log('\n### side by side\n');
console.log('| PHOTO_DECODE_NICE | p99 no flood | p99 flood | flood / none | photos decoded |');
console.log('|---:|---:|---:|---|---:|');
for (const line of summary) console.log(line);

