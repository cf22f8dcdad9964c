/**
 * Where the time of one bulk add goes (not a test): N devices with device latency, one code,
 * timestamps of scan, add, and every job's start and end (the device job's runItem wrapped).
 *
 *   npx tsx bench/onboarding/profile.ts [--devices 64] [--latency-ms 100]
 */
import { startFleet } from '../../src/emulator';
import { encodeDeviceListQr } from '../../src/protocol/qr';
import { startTestPlatform } from '../../test/helpers/platform';
import { buildSite, setupCompany } from '../../test/helpers/factories';
import { arg } from '../lib';

// The test helper shortens these for fast tests; the bench runs with the server's defaults.
const PRODUCTION_TIMING = { onboardingRetrySeconds: 15, deviceTimeoutMs: 8000 };

const N = Number(arg('devices', '64'));
const LATENCY_MS = Number(arg('latency-ms', '100'));
const guard = setTimeout(() => process.exit(3), 180_000);
guard.unref();

async function main(): Promise<void> {
  // Experiment knob: the scan's probe concurrency (ONBOARDING_PROBE_CONCURRENCY on a server).
  const probeConcurrency = process.env.PROBE_CONCURRENCY ? { onboardingProbeConcurrency: Number(process.env.PROBE_CONCURRENCY) } : {};
  const p = await startTestPlatform({ listen: true, config: { ...PRODUCTION_TIMING, ...probeConcurrency } });
  const fleet = await startFleet({ count: N, specs: Array.from({ length: N }, () => ({ type: 'camera' as const })), sadpPort: false, maxHttpServers: N });
  try {
    for (const d of fleet.devices) await d.applyFaults({ latencyMs: LATENCY_MS });
    const company = await setupCompany(p.app, p.setupToken);
    const token = (await company.admin.post('/api/auth/tokens', { name: 'profile' })).body.token as string;
    const site = await buildSite(company);
    const svc = p.app.platform.onboarding.job;
    const t0 = performance.now();
    const at = () => Math.round(performance.now() - t0);
    const jobs: Array<{ start: number; end: number }> = [];
    const orig = svc.runItem.bind(svc);
    svc.runItem = async (id: string) => {
      const start = at();
      try {
        await orig(id);
      } finally {
        jobs.push({ start, end: at() });
      }
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${p.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return (await r.json()) as Record<string, any>;  
    };
    const text = encodeDeviceListQr(fleet.devices.map((d, i) => {
      const x = fleet.describe(d);
      return { name: `Cam ${i}`, host: x.host, port: x.httpPort, user: x.adminUser!, password: x.adminPassword! };
    }));
    const scan = await call('POST', `/api/sites/${site.id}/scans`, { text });
    const tScan = at();
    const add = await call('POST', `/api/scans/${scan.scanId}/add`, { candidateIds: scan.candidates.map((c: { id: string }) => c.id), idempotencyKey: `profile-${Date.now()}` });
    const tAdd = at();
    let b;
    for (;;) {
      b = await call('GET', `/api/batches/${add.batchId}`);
      if (b.settled) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const tDone = at();
    jobs.sort((a, c) => a.start - c.start);
    const durs = jobs.map((j) => j.end - j.start).sort((a, c) => a - c);
    let maxConc = 0;
    for (const j of jobs) maxConc = Math.max(maxConc, jobs.filter((k) => k.start <= j.start && k.end > j.start).length);
    console.log(JSON.stringify({ devices: N, counts: b.counts, scanMs: tScan, addMs: tAdd - tScan, settleMs: tDone - tAdd, totalMs: tDone, firstJobStart: jobs[0]?.start, lastJobStart: jobs.at(-1)?.start, jobMedianMs: durs[Math.floor(durs.length / 2)], jobMaxMs: durs.at(-1), maxConcurrentJobs: maxConc }));
    console.log('job starts (ms after t0):', jobs.map((j) => j.start).join(' '));
  } finally {
    await fleet.close();
    await p.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => (console.error(e), process.exit(1)));
