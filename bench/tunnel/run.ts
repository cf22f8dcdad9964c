/**
 * Benchmark (not a test): `deviceInfo` round trip over the device-cloud tunnel vs direct HTTP
 * with digest, side by side in one run, against the embedded broker and (if reachable) the
 * machine's Mosquitto. Prints p50/p99 and ratios; `--markdown` prints a table for RESULTS.md.
 *
 *   npx tsx bench/tunnel/run.ts [--requests 400] [--concurrency 1,8] [--markdown]
 */
import { startPrivateMosquitto } from './mosquitto';
import { randomBytes } from 'node:crypto';
import { createDevice } from '../../src/emulator';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { startEmbeddedBroker } from '../../src/server/broker';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { DeviceClient, DeviceConcurrency } from '../../src/device-client/device-client';
import { HttpTransport } from '../../src/device-client/http-transport';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { arg, reachable } from '../lib';

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
    const deadline = Date.now() + 15_000;
    while (gateway.isOnline(device.serial) !== true) {
      if (Date.now() > deadline) throw new Error('device did not come online');
      await new Promise((r) => setTimeout(r, 50));
    }
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

async function main(): Promise<void> {
  const all: Row[] = [];
  const embedded = await startEmbeddedBroker({ port: 0 });
  try {
    all.push(...(await runAgainst('embedded Aedes', embedded.url)));
  } finally {
    await embedded.close();
  }
  if (await reachable('127.0.0.1', 1883)) all.push(...(await runAgainst('Mosquitto 127.0.0.1:1883', 'mqtt://127.0.0.1:1883')));
  else process.stderr.write('Mosquitto on 127.0.0.1:1883 not reachable: skipped\n');
  const own = await startPrivateMosquitto();
  if (own) {
    try {
      all.push(...(await runAgainst('Mosquitto, set_tcp_nodelay', own.url)));
    } finally {
      await own.close();
    }
  }

  const f = (n: number) => n.toFixed(2);
  if (MARKDOWN) {
    process.stdout.write(`| broker | concurrency | HTTP digest p50 / p99 ms | tunnel p50 / p99 ms | tunnel ÷ HTTP (p50) | HTTP req/s | tunnel req/s |\n|---|---|---|---|---|---|---|\n`);
    for (const r of all) {
      process.stdout.write(`| ${r.broker} | ${r.concurrency} | ${f(r.http.p50)} / ${f(r.http.p99)} | ${f(r.tunnel.p50)} / ${f(r.tunnel.p99)} | ${f(r.tunnel.p50 / r.http.p50)} | ${r.http.rps.toFixed(0)} | ${r.tunnel.rps.toFixed(0)} |\n`);
    }
  } else {
    for (const r of all) {
      process.stdout.write(
        `${r.broker.padEnd(26)} c=${String(r.concurrency).padEnd(3)} HTTP p50 ${f(r.http.p50)} p99 ${f(r.http.p99)} ms (${r.http.rps.toFixed(0)}/s) | tunnel p50 ${f(r.tunnel.p50)} p99 ${f(r.tunnel.p99)} ms (${r.tunnel.rps.toFixed(0)}/s) | ratio p50 ${f(r.tunnel.p50 / r.http.p50)} p99 ${f(r.tunnel.p99 / r.http.p99)}\n`,
      );
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
