/**
 * Benchmark (not a test): an emulator fleet of 1k / 5k / 10k cloud-connected devices against the
 * embedded broker and against Mosquitto (127.0.0.1:1883, if reachable). The platform side
 * (broker + gateway) and the emulator run as two child processes; each run stops by itself.
 * Reports connect time of the whole fleet and RSS / CPU of both processes while connecting and
 * at steady state.
 *
 *   npx tsx bench/fleet/run.ts [--sizes 1000,5000,10000] [--brokers embedded,mosquitto] [--steady-seconds 10] [--markdown]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Mark } from './marks';
import { arg, reachable } from '../lib';

const here = dirname(fileURLToPath(import.meta.url));

const SIZES = arg('sizes', '1000,5000,10000').split(',').map(Number);
const BROKERS = arg('brokers', 'embedded,mosquitto').split(',');
const STEADY_SECONDS = Number(arg('steady-seconds', '10'));
const RUN_TIMEOUT_MS = Number(arg('run-timeout-seconds', '240')) * 1000;
const MARKDOWN = process.argv.includes('--markdown');

type Msg = { type: string; [k: string]: unknown };

class Child {
  readonly proc: ChildProcess;
  readonly #waiters: { type: string; resolve: (m: Msg) => void }[] = [];
  onMessage: (m: Msg) => void = () => undefined;
  constructor(file: string, args: string[]) {
    this.proc = fork(join(here, file), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (m: Msg) => {
      this.onMessage(m);
      const i = this.#waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(m);
    });
  }
  wait(type: string, timeoutMs: number): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
      this.#waiters.push({ type, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }
  kill(): void {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null || !this.proc.pid) return;
    try {
      process.kill(this.proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  send(m: Msg): void {
    if (this.proc.connected) this.proc.send(m);
  }
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.send({ type: 'exit' });
    const timer = setTimeout(() => this.kill(), 60_000);
    await exited;
    clearTimeout(timer);
  }
}

interface Phase {
  cpuPercent: number;
  rssMB: number;
}

function phase(marks: Mark[], from: string, to: string): Phase {
  const a = marks.find((m) => m.name === from);
  const b = marks.find((m) => m.name === to);
  if (!a || !b) return { cpuPercent: NaN, rssMB: NaN };
  const cpu = b.cpuUserMicros - a.cpuUserMicros + (b.cpuSystemMicros - a.cpuSystemMicros);
  return { cpuPercent: (cpu / 1000 / Math.max(1, b.at - a.at)) * 100, rssMB: b.rssBytes / 1024 / 1024 };
}

interface Result {
  broker: string;
  devices: number;
  connectSeconds: number;
  online: number;
  server: { connect: Phase; steady: Phase };
  emulator: { connect: Phase; steady: Phase };
  presenceWrites: number;
  error?: string;
}

async function runOne(brokerName: string, brokerArg: string, n: number): Promise<Result> {
  const prefix = `sk-bench/${randomBytes(4).toString('hex')}/`;
  const server = new Child('server.ts', [brokerArg, prefix, String(n)]);
  let online = 0;
  server.onMessage = (m) => {
    if (m.type === 'online') {
      online = Number(m.online);
      if (process.stderr.isTTY) process.stderr.write(`\r  ${brokerName} ${n}: ${online} online   `);
      else if (Date.now() % 5000 < 1000) process.stderr.write(`  ${brokerName} ${n}: ${online} online\n`);
    }
  };
  const result: Result = { broker: brokerName, devices: n, connectSeconds: NaN, online: 0, server: { connect: phase([], '', ''), steady: phase([], '', '') }, emulator: { connect: phase([], '', ''), steady: phase([], '', '') }, presenceWrites: 0 };
  let emulator: Child | undefined;
  const hardStop = setTimeout(() => {
    process.stderr.write(`\n  ${brokerName} ${n}: run timeout, stopping\n`);
    for (const c of [server, emulator]) c?.kill();
  }, RUN_TIMEOUT_MS);
  try {
    const ready = await server.wait('ready', 30_000);
    emulator = new Child('emulator.ts', [String(ready.url), prefix, String(n)]);
    await emulator.wait('ready', 120_000);
    const allOnline = server.wait('all-online', RUN_TIMEOUT_MS - 30_000);
    for (const c of [server, emulator]) c.send({ type: 'mark', name: 'start' });
    const t0 = Date.now();
    emulator.send({ type: 'go' });
    const done = await allOnline;
    result.connectSeconds = (Number(done.at) - t0) / 1000;
    for (const c of [server, emulator]) c.send({ type: 'mark', name: 'connected' });
    await new Promise((r) => setTimeout(r, STEADY_SECONDS * 1000));
    for (const c of [server, emulator]) c.send({ type: 'mark', name: 'steady' });
    const sr = server.wait('report', 10_000);
    server.send({ type: 'report' });
    const er = emulator.wait('report', 10_000);
    emulator.send({ type: 'report' });
    const [s, e] = [await sr, await er];
    const sm = s.marks as Mark[];
    const em = e.marks as Mark[];
    result.server = { connect: phase(sm, 'start', 'connected'), steady: phase(sm, 'connected', 'steady') };
    result.emulator = { connect: phase(em, 'start', 'connected'), steady: phase(em, 'connected', 'steady') };
    result.presenceWrites = Number(s.presenceWrites);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    result.online = online;
    process.stderr.write('\n');
    await emulator?.stop();
    await server.stop();
    clearTimeout(hardStop);
  }
  return result;
}

async function main(): Promise<void> {
  const brokers: [string, string][] = [];
  if (BROKERS.includes('embedded')) brokers.push(['embedded Aedes', 'embedded']);
  if (BROKERS.includes('mosquitto')) {
    if (await reachable('127.0.0.1', 1883)) brokers.push(['Mosquitto 127.0.0.1:1883', 'mqtt://127.0.0.1:1883']);
    else process.stderr.write('Mosquitto on 127.0.0.1:1883 not reachable: skipped\n');
  }
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  if (MARKDOWN) {
    process.stdout.write('| broker | devices | connect time (s) | server RSS (MB) | server CPU connecting / steady | emulator RSS (MB) | emulator CPU connecting / steady | presence writes |\n|---|---|---|---|---|---|---|---|\n');
  }
  // One line per run as soon as it is done: a later run that fails keeps the earlier results.
  for (const [name, b] of brokers) {
    for (const n of SIZES) {
      const r = await runOne(name, b, n);
      if (MARKDOWN) {
        process.stdout.write(
          `| ${r.broker} | ${r.devices}${r.error ? ` (${r.online} online at the end: ${r.error})` : ''} | ${f(r.connectSeconds, 1)} | ${f(r.server.steady.rssMB)} | ${f(r.server.connect.cpuPercent)} % / ${f(r.server.steady.cpuPercent, 1)} % | ${f(r.emulator.steady.rssMB)} | ${f(r.emulator.connect.cpuPercent)} % / ${f(r.emulator.steady.cpuPercent, 1)} % | ${r.presenceWrites} |\n`,
        );
      } else process.stdout.write(`${JSON.stringify(r)}\n`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
