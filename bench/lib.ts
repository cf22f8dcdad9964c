/** Small helpers shared by the benchmarks. */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { OnboardingRepository } from '../src/server/onboarding/onboarding.repository';
import type { Probe } from '../src/server/onboarding/probe';
import { connect } from 'node:net';
import { Worker } from 'node:worker_threads';

/** `--name value` from the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** True when something accepts TCP connections on host:port (within a second). */
export async function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 1000).unref();
  });
}

/** Exit with status 3 (and say so) if the run is still going after `ms`: a hung benchmark leaves. */
export function exitAfter(ms: number): void {
  const guard = setTimeout(() => {
    process.stderr.write(`bench: still running after ${ms / 1000} s, giving up\n`);
    process.exit(3);
  }, ms);
  guard.unref();
}

/** The q-quantile of ascending `sorted` (NaN when empty). */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The machine a result was measured on: cores, CPU, RAM, Node, load average now. */
export function machineLine(): string {
  const sh = (cmd: string) => execSync(cmd, { encoding: 'utf8' }).trim();
  return `${sh('nproc')} cores (${sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim()}), ${sh("free -g | awk '/Mem:/ {print $2}'")} GiB RAM, Node ${process.version}, load average ${sh("cut -d' ' -f1-3 /proc/loadavg")}`;
}

/** `clients` loops reading `url` (with `cookie`) for `ms`; every latency in ms. Throws on a non-2xx answer. */
export async function readLoop(url: string, cookie: string, clients: number, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${url}: ${res.status}`);
      latencies.push(performance.now() - t0);
    }
  }));
  return latencies;
}

/** Inserts `count` online cameras on a site, straight through the repository (no devices needed). */
export async function seedDevices(repo: OnboardingRepository, where: { companyId: string; siteId: string; addedBy: string }, count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await repo.insertDevice({
      companyId: where.companyId, siteId: where.siteId, serial: `${prefix}${String(i).padStart(4, '0')}${randomUUID().slice(0, 8)}`, name: `Camera ${i}`, type: 'camera', model: 'DS-2CD2043G2-I',
      firmwareVersion: 'V5.7.3', firmwareCompatible: true, addedVia: 'direct', host: '127.0.0.1', port: 80, credentialsSealed: null, verificationCodeSealed: null, addedBy: where.addedBy, status: 'online',
    });
  }
}

/** A batch of one device that stays "running" (claimed an hour ahead: the sweep leaves it alone), for streams to follow. */
export async function runningBatch(repo: OnboardingRepository, where: { companyId: string; siteId: string; createdBy: string }): Promise<{ batchId: string; scanId: string; itemId: string }> {
  const [scanId, candidateId, batchId, itemId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  await repo.createScan({ id: scanId, companyId: where.companyId, siteId: where.siteId, createdBy: where.createdBy, kind: 'device-list', summary: { kind: 'device-list' } });
  await repo.addCandidates([{ id: candidateId, scanId, position: 0, serial: null, name: 'Gate', host: '127.0.0.1', port: 9, secretsSealed: null, probe: {} as Probe }]);
  await repo.createBatch({ id: batchId, companyId: where.companyId, siteId: where.siteId, scanId, key: `key-${batchId}`, createdBy: where.createdBy });
  await repo.addItems([{ id: itemId, batchId, candidateId, siteId: where.siteId, serial: null, secretsSealed: null }]);
  const now = new Date();
  await repo.claim(itemId, now, new Date(now.getTime() + 3_600_000));
  return { batchId, scanId, itemId };
}

/** The closed-loop load generator, in a worker thread: `clients` loops over `urls` (round robin per request) for `ms`. */
const LOADER = `
const { parentPort, workerData } = require('node:worker_threads');
const { urls, headers, clients, ms } = workerData;
(async () => {
  const latencies = [];
  let failed = 0;
  const until = performance.now() + ms;
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < until) {
      const url = urls[next++ % urls.length];
      const t0 = performance.now();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (!res.ok) failed++;
      latencies.push(performance.now() - t0);
    }
  }));
  parentPort.postMessage({ latencies, failed });
})();
`;

/** Runs the load generator off the main thread (the server under test may share this process). */
export function workerLoad(urls: string[], headers: Record<string, string>, clients: number, ms: number): Promise<{ latencies: number[]; failed: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOADER, { eval: true, workerData: { urls, headers, clients, ms } });
    w.once('message', (m: { latencies: number[]; failed: number }) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}
