/**
 * Benchmark (not a test): what open progress streams cost everyone else (issue 13). A platform on
 * the defaults (embedded PGlite, or DATABASE_URL) serves 20 concurrent clients reading a site's
 * device list, `GET /api/sites/:id/devices`, with no progress stream open and with 40 open
 * (`?follow=true`, 8 installers × 5, the default per-user cap) on batches whose devices keep
 * changing step as a running job's do. For comparison, the design this replaced: 40 pollers each
 * reading its batch every PROGRESS_POLL_MS (300 ms), as every stream did before, simulated in the
 * server process without HTTP. The conditions alternate (none, streams, old pollers, twice) and
 * their latencies are pooled; p50/p99 side by side and the ratios to none.
 *
 *   npx tsx bench/streams/run.ts [--streams 40] [--clients 20] [--seconds 5] [--changes-per-second 4] [--devices 50]
 */
import { OnboardingRepository } from '../../src/server/onboarding/onboarding.repository';
import { buildInstaller, buildSite, setupCompany, type TestCompany } from '../../test/helpers/factories';
import { startTestPlatform } from '../../test/helpers/platform';
import { arg, exitAfter, machineLine, quantile, readLoop, runningBatch, seedDevices } from '../lib';

const STREAMS = Number(arg('streams', '40'));
const CLIENTS = Number(arg('clients', '20'));
const PHASE_MS = Number(arg('seconds', '5')) * 1000;
const CHANGES_PER_SECOND = Number(arg('changes-per-second', '4'));
const DEVICES = Number(arg('devices', '50'));
const PER_USER = 5;
const HARD_LIMIT_MS = 5 * 60_000;

exitAfter(HARD_LIMIT_MS);

// The test helper shortens the sweep for fast tests; the bench runs with the server's default.
const p = await startTestPlatform({ listen: true, config: { onboardingRetrySeconds: 15 } });
const company: TestCompany = await setupCompany(p.app, p.setupToken);
const site = await buildSite(company);
const repo = new OnboardingRepository(p.app.platform.database.db);
await seedDevices(repo, { companyId: company.companyId, siteId: site.id, addedBy: company.adminId }, DEVICES, 'BENCH');

const owners = await Promise.all(Array.from({ length: Math.ceil(STREAMS / PER_USER) }, () => buildInstaller(p.app, company, 'manage_all')));
const batches = await Promise.all(owners.map(() => runningBatch(repo, { companyId: company.companyId, siteId: site.id, createdBy: company.adminId })));
const cookie = company.admin.cookie ?? '';

/** CLIENTS loops reading the device list for PHASE_MS; every latency in ms. */
const readDevices = () => readLoop(`${p.baseUrl}/api/sites/${site.id}/devices`, cookie, CLIENTS, PHASE_MS);

/** Opens STREAMS follow streams (PER_USER per owner) and keeps reading them; counts events. */
async function openStreams(): Promise<{ events: () => number; close: () => void }> {
  const gone = new AbortController();
  let events = 0;
  await Promise.all(Array.from({ length: STREAMS }, async (_, i) => {
    const owner = owners[Math.floor(i / PER_USER)]!;
    const res = await fetch(`${p.baseUrl}/api/batches/${batches[Math.floor(i / PER_USER)]!.batchId}/events?follow=true`, { headers: { cookie: owner.client.cookie ?? '' }, signal: gone.signal });
    if (res.status !== 200 || !res.body) throw new Error(`stream ${i}: ${res.status}`);
    void (async () => {
      try {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) events += Buffer.from(chunk).toString().split('event: ').length - 1;
      } catch {
        // closed at the end of the phase
      }
    })();
  }));
  return { events: () => events, close: () => gone.abort() };
}

/** While streams are open, the followed devices change step as a job's do (each change a NOTIFY, or a new fingerprint). */
function changeSteps(): () => void {
  let n = 0;
  const timer = setInterval(() => {
    const b = batches[n++ % batches.length]!;
    void repo.renewLease(b.itemId, new Date(Date.now() + 3_600_000), `step-${n}`);
  }, 1000 / CHANGES_PER_SECOND);
  return () => clearInterval(timer);
}

/** The replaced design: one poller per stream, each reading its batch every progressPollMs. */
function oldPollers(): () => void {
  const svc = p.app.platform.onboarding.batches;
  const timers = Array.from({ length: STREAMS }, (_, i) => {
    const b = batches[Math.floor(i / PER_USER)]!;
    const view = { batchId: b.batchId, siteId: site.id, scanId: b.scanId };
    return setInterval(() => void svc.batchProgress(view), p.config.progressPollMs);
  });
  return () => timers.forEach(clearInterval);
}

const results = { none: [] as number[], streams: [] as number[], old: [] as number[] };
let streamEvents = 0;
await readDevices(); // warm-up
for (let round = 0; round < 2; round++) {
  results.none.push(...(await readDevices()));
  const s = await openStreams();
  const stopChanges = changeSteps();
  results.streams.push(...(await readDevices()));
  stopChanges();
  streamEvents += s.events();
  s.close();
  // Wait until the node has let go of every stream before the next phase.
  while (p.app.platform.onboarding.progress.open > 0) await new Promise((r) => setTimeout(r, 20));
  const stopOld = oldPollers();
  const stopOldChanges = changeSteps();
  results.old.push(...(await readDevices()));
  stopOldChanges();
  stopOld();
}

const row = (name: string, l: number[]) => {
  const s = [...l].sort((a, b) => a - b);
  return { name, n: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99) };
};
const none = row('no streams', results.none);
const open = row(`${STREAMS} open streams (one listener per node)`, results.streams);
const old = row(`${STREAMS} per-stream pollers (the replaced design, simulated)`, results.old);
const machine = machineLine();
console.log(`\nGET /api/sites/:id/devices (${DEVICES} devices), ${CLIENTS} concurrent clients, 2 × ${PHASE_MS / 1000} s per condition, database: ${p.config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}`);
console.log(`streams: ${STREAMS} follow streams (${owners.length} installers × ${PER_USER}), ${CHANGES_PER_SECOND} device changes/s on their batches, ${streamEvents} events delivered`);
console.log(`machine: ${machine}\n`);
console.log('| condition | requests | p50 | p99 |');
console.log('|---|---:|---:|---:|');
for (const r of [none, open, old]) console.log(`| ${r.name} | ${r.n} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms |`);
console.log(`\nratio to none: streams p50 ${(open.p50 / none.p50).toFixed(2)}×, p99 ${(open.p99 / none.p99).toFixed(2)}×; old pollers p50 ${(old.p50 / none.p50).toFixed(2)}×, p99 ${(old.p99 / none.p99).toFixed(2)}×`);
await p.close();
