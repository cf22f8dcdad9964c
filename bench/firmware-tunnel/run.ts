/**
 * Benchmark (not a test): one firmware package sent with `DeviceClient.upgradeFirmware` to an
 * emulated device over each transport — direct HTTP, the device-cloud tunnel, a site agent — on the
 * embedded Aedes or an external broker (`--mqtt mqtt://127.0.0.1:1883`). Prints the time to the
 * device's "accepted", the process's peak RSS and the outcome (or the error code). Everything —
 * broker, gateway, hub, agent, device — runs in this one process, so the peak counts every copy of
 * the package on the way. Run one size per process for clean peaks:
 *
 *   npx tsx bench/firmware-tunnel/run.ts --mib 64 --via cloud [--mqtt URL|private] [--bytes N]
 */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo } from 'node:net';
import { createDevice } from '../../src/emulator';
import { buildFirmwarePackage } from '../../src/protocol/isapi/firmware-package';
import { bindCloudDevice } from '../../test/helpers/cloud-binding';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { startEmbeddedBroker } from '../../src/server/broker';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { AgentHub } from '../../src/server/gateway/agent-hub';
import { MemoryAgentDirectory } from '../../src/server/gateway/memory-agents';
import { startSiteAgent } from '../../src/agent/site-agent';
import { DeviceClient, DeviceConcurrency } from '../../src/device-client/device-client';
import { HttpTransport } from '../../src/device-client/http-transport';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { AgentTransport } from '../../src/device-client/agent-transport';
import { isAppError } from '../../src/errors/app-error';
import { arg, exitAfter } from '../lib';
import { startPrivateMosquitto } from '../tunnel/mosquitto';

exitAfter(600_000);
const MIB = 1024 * 1024;
const via = arg('via', 'cloud') as 'http' | 'cloud' | 'agent';
const bytes = Number(arg('bytes', String(Number(arg('mib', '64')) * MIB)));
// `--mqtt private`: a Mosquitto of this run's own (bench/tunnel/mosquitto.ts), stock limits unless
// `--mosquitto-max-packet N` sets its max_packet_size.
const maxPacket = arg('mosquitto-max-packet', '');
const mosquitto = arg('mqtt', '') === 'private' ? await startPrivateMosquitto(maxPacket ? `max_packet_size ${maxPacket}\n` : '') : null;
const mqttUrl = mosquitto?.url ?? arg('mqtt', '');
const PASSWORD = 'Bench-Pass-123';
// `--link-mbps N`: the device's (cloud) or the agent's (agent) link to the broker is a proxy that
// passes the broker's bytes at N Mbit/s: a slow site uplink.
const linkMbps = Number(arg('link-mbps', '0'));

/** A loopback TCP proxy to `url` whose downstream (broker → client) runs at `mbps`. */
async function slowLink(url: string, mbps: number): Promise<string> {
  const u = new URL(url);
  const bytesPerTick = Math.max(1, Math.round((mbps * 1_000_000) / 8 / 100)); // 10 ms ticks
  const server = createServer((client) => {
    const upstream = connect(Number(u.port), u.hostname);
    const queue: Buffer[] = [];
    const tick = setInterval(() => {
      let budget = bytesPerTick;
      while (budget > 0 && queue.length > 0) {
        const b = queue[0]!;
        const n = Math.min(budget, b.length);
        client.write(b.subarray(0, n));
        budget -= n;
        if (n === b.length) queue.shift();
        else queue[0] = b.subarray(n);
      }
    }, 10);
    upstream.on('data', (b: Buffer) => queue.push(b));
    client.pipe(upstream);
    const end = () => {
      clearInterval(tick);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  server.unref();
  return `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const broker = mqttUrl ? null : await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
const url = mqttUrl || broker!.url;
const prefix = `sk-bench-fw/${randomBytes(4).toString('hex')}/`;
const gateway = await DeviceGateway.start({ mqttUrl: url, store: new MemoryGatewayStore(), topicPrefix: prefix, presenceFlushMs: 200, requestTimeoutMs: 10_000 });
const agents = new MemoryAgentDirectory();
const hub = await AgentHub.start({ mqttUrl: url, topicPrefix: prefix, agents });
const device = createDevice({ type: 'camera', adminPassword: PASSWORD }, { upgradeMs: 60_000 });
await device.attachLan('127.0.0.1', 0);
const cloud = await startCloudAgent(device, { mqttUrl: linkMbps && via === 'cloud' ? await slowLink(url, linkMbps) : url, topicPrefix: prefix, helloRetryMs: 300 });
await bindCloudDevice(gateway, device.serial, device.verificationCode, cloud);
const agent = await startSiteAgent({ mqttUrl: linkMbps && via === 'agent' ? await slowLink(url, linkMbps) : url, token: agents.enrol('bench').token, topicPrefix: prefix, allowLoopback: true });
await agent.ready();
await hub.waitForAgent(agent.agentId);

const header = buildFirmwarePackage({ models: [device.model], version: 'V9.0.0', payloadSize: 0 }).length;
const pkg = buildFirmwarePackage({ models: [device.model], version: 'V9.0.0', payload: randomBytes(Math.max(0, bytes - header)) });
const target = { host: device.host, port: device.httpPort, username: 'admin', password: PASSWORD };
const transport = via === 'http' ? new HttpTransport(target) : via === 'cloud' ? new CloudTransport(gateway, device.serial) : new AgentTransport(hub, agent.agentId, target);
const client = new DeviceClient(transport, { timeoutMs: 10_000, concurrency: new DeviceConcurrency(2) });

global.gc?.();
const base = process.memoryUsage().rss;
let peak = base;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
const started = performance.now();
// Presence changes while the package travels: a device (or agent) whose link dropped mid-transfer.
const drops: string[] = [];
gateway.on('presence', (e: { serial: string; online: boolean }) => drops.push(`${((performance.now() - started) / 1000).toFixed(1)} s device ${e.online ? 'online' : 'offline'}`));
hub.on('presence', (e: { agentId: string; online: boolean }) => drops.push(`${((performance.now() - started) / 1000).toFixed(1)} s agent ${e.online ? 'online' : 'offline'}`));
let outcome: string;
try {
  await client.upgradeFirmware(pkg, { timeoutMs: Number(arg('timeout-s', '120')) * 1000 });
  const s = await client.upgradeStatus();
  outcome = s.upgrading ? 'accepted (upgrading)' : `accepted? ${JSON.stringify(s)}`;
} catch (e) {
  outcome = isAppError(e) ? `${e.code} ${e.message} ${JSON.stringify(e.details ?? {})}` : String(e);
}
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
console.log(
  `${via.padEnd(5)} ${linkMbps ? `link ${linkMbps} Mbit/s ` : ''}${mosquitto ? `Mosquitto${maxPacket ? ` max_packet_size ${maxPacket}` : ''}` : mqttUrl ? 'external broker' : 'embedded Aedes '} package ${(pkg.length / MIB).toFixed(2)} MiB (${pkg.length} B): ${outcome}; ${(ms / 1000).toFixed(2)} s; ` +
    `${drops.length ? `[${drops.join(', ')}] ` : ''}RSS before ${(base / MIB).toFixed(0)} MiB, peak ${(peak / MIB).toFixed(0)} MiB (+${((peak - base) / MIB).toFixed(0)} MiB = ${((peak - base) / pkg.length).toFixed(1)} × package)`,
);
await Promise.race([
  (async () => {
    await agent.close();
    await cloud.close();
    await hub.close();
    await gateway.close();
    await device.close();
    await broker?.close();
  })(),
  new Promise((r) => setTimeout(r, 5000).unref()),
]);
// Outside the race: a close that hangs (a link the broker cut) must not leave our Mosquitto running.
await mosquitto?.close();
process.exit(0);
