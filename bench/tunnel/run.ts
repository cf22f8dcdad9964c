/**
 * Benchmark (not a test): `deviceInfo` round trip over the device-cloud tunnel vs direct HTTP
 * with digest, side by side in one run, against the embedded broker and (if reachable) the
 * machine's Mosquitto. Prints p50/p99 and ratios; `--markdown` prints a table for RESULTS.md.
 * Then the cost of the tunnel's encryption (issue 12): the same request/answer round trip through
 * each broker sign-only (envelope v1) vs encrypted (v2), and the codec's CPU time per round trip
 * set against the full tunnel's p50 (goal: under 10 %).
 *
 *   npx tsx bench/tunnel/run.ts [--requests 400] [--concurrency 1,8] [--markdown]
 */
import { startPrivateMosquitto } from './mosquitto';
import { randomBytes } from 'node:crypto';
import { createDevice } from '../../src/emulator';
import { bindCloudDevice } from '../../test/helpers/cloud-binding';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { startEmbeddedBroker } from '../../src/server/broker';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { DeviceClient, DeviceConcurrency } from '../../src/device-client/device-client';
import { HttpTransport } from '../../src/device-client/http-transport';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { arg, machineLine, reachable } from '../lib';
import { brokerRoundTrips, codecMicros, encrypted, signOnly, type Stats } from './codec';

const REQUESTS = Number(arg('requests', '400'));
const CONCURRENCY = arg('concurrency', '1,8').split(',').map(Number);
const MARKDOWN = process.argv.includes('--markdown');
const PASSWORD = 'Bench-Pass-123';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(client: DeviceClient, concurrency: number): Promise<{ p50: number; p99: number; rps: number }> {
  for (let i = 0; i < 20; i++) await client.deviceInfo(); // warm up
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < REQUESTS) {
        next++;
        const t = performance.now();
        await client.deviceInfo();
        times.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), rps: times.length / elapsed };
}

interface CodecRow {
  broker: string;
  concurrency: number;
  signOnly: Stats;
  encrypted: Stats;
}

interface Row {
  broker: string;
  concurrency: number;
  http: { p50: number; p99: number; rps: number };
  tunnel: { p50: number; p99: number; rps: number };
}

async function runAgainst(brokerName: string, mqttUrl: string): Promise<Row[]> {
  const topicPrefix = `sk-bench/${randomBytes(4).toString('hex')}/`;
  const device = createDevice({ type: 'camera', adminPassword: PASSWORD });
  await device.attachLan('127.0.0.1', 0);
  const gateway = await DeviceGateway.start({ mqttUrl, store: new MemoryGatewayStore(), topicPrefix });
  const agent = await startCloudAgent(device, { mqttUrl, topicPrefix });
  const rows: Row[] = [];
  try {
    // Bound as an add binds it (issue 12): the device proves its verification code, the gateway issues its key.
    await bindCloudDevice(gateway, device.serial, device.verificationCode);
    for (const c of CONCURRENCY) {
      // Per-device limit raised so the concurrency column measures the transport, not the limiter.
      const limiter = new DeviceConcurrency(Math.max(c, 1));
      const http = new DeviceClient(new HttpTransport({ host: device.host, port: device.httpPort, username: 'admin', password: PASSWORD }), { concurrency: limiter });
      const tunnel = new DeviceClient(new CloudTransport(gateway, device.serial), { concurrency: limiter });
      rows.push({ broker: brokerName, concurrency: c, http: await measure(http, c), tunnel: await measure(tunnel, c) });
    }
  } finally {
    await agent.close();
    await gateway.close();
    await device.close();
  }
  return rows;
}

async function codecRows(brokerName: string, mqttUrl: string): Promise<CodecRow[]> {
  const rows: CodecRow[] = [];
  for (const c of CONCURRENCY) {
    const r = await brokerRoundTrips(mqttUrl, [signOnly, encrypted], REQUESTS, c, 600);
    rows.push({ broker: brokerName, concurrency: c, signOnly: r.get(signOnly.name)!, encrypted: r.get(encrypted.name)! });
  }
  return rows;
}

async function main(): Promise<void> {
  const all: Row[] = [];
  const codec: CodecRow[] = [];
  const machine = machineLine();
  const embedded = await startEmbeddedBroker({ port: 0 });
  try {
    all.push(...(await runAgainst('embedded Aedes', embedded.url)));
    codec.push(...(await codecRows('embedded Aedes', embedded.url)));
  } finally {
    await embedded.close();
  }
  if (await reachable('127.0.0.1', 1883)) {
    all.push(...(await runAgainst('Mosquitto 127.0.0.1:1883', 'mqtt://127.0.0.1:1883')));
    codec.push(...(await codecRows('Mosquitto 127.0.0.1:1883', 'mqtt://127.0.0.1:1883')));
  } else process.stderr.write('Mosquitto on 127.0.0.1:1883 not reachable: skipped\n');
  const own = await startPrivateMosquitto();
  if (own) {
    try {
      all.push(...(await runAgainst('Mosquitto, set_tcp_nodelay', own.url)));
      codec.push(...(await codecRows('Mosquitto, set_tcp_nodelay', own.url)));
    } finally {
      await own.close();
    }
  }
  // CPU per round trip: a deviceInfo answer (600 B), a snapshot (64 KiB), a large body (1 MiB).
  const micro = [600, 64 * 1024, 1024 * 1024].map((bytes) => {
    const r = codecMicros([signOnly, encrypted], bytes, bytes > 100_000 ? 400 : 6000);
    return { bytes, signOnly: r.get(signOnly.name)!, encrypted: r.get(encrypted.name)! };
  });
  // The full tunnel's fastest p50 measured in this run (c=1): the smallest base, so the largest share.
  const baseP50 = Math.min(...all.filter((r) => r.concurrency === 1).map((r) => r.tunnel.p50));

  const f = (n: number) => n.toFixed(2);
  const size = (b: number) => (b >= 1024 * 1024 ? `${b / 1024 / 1024} MiB` : b >= 1024 ? `${b / 1024} KiB` : `${b} B`);
  process.stdout.write(`Machine: ${machine}\n\n`);
  if (MARKDOWN) {
    process.stdout.write(`| broker | concurrency | HTTP digest p50 / p99 ms | tunnel p50 / p99 ms | tunnel ÷ HTTP (p50) | HTTP req/s | tunnel req/s |\n|---|---|---|---|---|---|---|\n`);
    for (const r of all) {
      process.stdout.write(`| ${r.broker} | ${r.concurrency} | ${f(r.http.p50)} / ${f(r.http.p99)} | ${f(r.tunnel.p50)} / ${f(r.tunnel.p99)} | ${f(r.tunnel.p50 / r.http.p50)} | ${r.http.rps.toFixed(0)} | ${r.tunnel.rps.toFixed(0)} |\n`);
    }
    process.stdout.write(`\n| broker | concurrency | sign-only (v1) p50 / p99 ms | encrypted (v2) p50 / p99 ms | encrypted ÷ sign-only (p50) | (p99) | process CPU µs / round trip, v1 → v2 |\n|---|---|---|---|---|---|---|\n`);
    for (const r of codec) {
      process.stdout.write(`| ${r.broker} | ${r.concurrency} | ${f(r.signOnly.p50)} / ${f(r.signOnly.p99)} | ${f(r.encrypted.p50)} / ${f(r.encrypted.p99)} | ${f(r.encrypted.p50 / r.signOnly.p50)} | ${f(r.encrypted.p99 / r.signOnly.p99)} | ${r.signOnly.cpuMicros.toFixed(0)} → ${r.encrypted.cpuMicros.toFixed(0)} |\n`);
    }
    process.stdout.write(`\n| answer body | sign-only µs / round trip | encrypted µs / round trip | encryption adds µs | added ÷ tunnel p50 (${f(baseP50)} ms) |\n|---|---|---|---|---|\n`);
    for (const m of micro) {
      process.stdout.write(`| ${size(m.bytes)} | ${m.signOnly.toFixed(1)} | ${m.encrypted.toFixed(1)} | ${(m.encrypted - m.signOnly).toFixed(1)} | ${(((m.encrypted - m.signOnly) / 1000 / baseP50) * 100).toFixed(1)} % |\n`);
    }
  } else {
    for (const r of all) {
      process.stdout.write(
        `${r.broker.padEnd(26)} c=${String(r.concurrency).padEnd(3)} HTTP p50 ${f(r.http.p50)} p99 ${f(r.http.p99)} ms (${r.http.rps.toFixed(0)}/s) | tunnel p50 ${f(r.tunnel.p50)} p99 ${f(r.tunnel.p99)} ms (${r.tunnel.rps.toFixed(0)}/s) | ratio p50 ${f(r.tunnel.p50 / r.http.p50)} p99 ${f(r.tunnel.p99 / r.http.p99)}\n`,
      );
    }
    for (const r of codec) {
      process.stdout.write(
        `${r.broker.padEnd(26)} c=${String(r.concurrency).padEnd(3)} sign-only p50 ${f(r.signOnly.p50)} p99 ${f(r.signOnly.p99)} ms | encrypted p50 ${f(r.encrypted.p50)} p99 ${f(r.encrypted.p99)} ms | ratio p50 ${f(r.encrypted.p50 / r.signOnly.p50)} p99 ${f(r.encrypted.p99 / r.signOnly.p99)} | CPU ${r.signOnly.cpuMicros.toFixed(0)} → ${r.encrypted.cpuMicros.toFixed(0)} µs\n`,
      );
    }
    for (const m of micro) {
      process.stdout.write(`codec ${size(m.bytes).padEnd(8)} sign-only ${m.signOnly.toFixed(1)} µs | encrypted ${m.encrypted.toFixed(1)} µs | +${(m.encrypted - m.signOnly).toFixed(1)} µs = ${(((m.encrypted - m.signOnly) / 1000 / baseP50) * 100).toFixed(1)} % of tunnel p50 ${f(baseP50)} ms\n`);
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
