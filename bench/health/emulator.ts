/**
 * Health benchmark, emulator side (child process): N emulated devices in one fleet (src/emulator
 * startFleet), the first `direct` with an HTTP listener on loopback (reached directly, cloud service
 * off), the others cloud-connected through their connectors (src/emulator/cloud-agent) with the
 * device key the platform issued them (as after binding). Cuts power on request (the fault
 * switchboard's power off: the LAN listener closes, the cloud link dies and the broker publishes the
 * Last Will) and says when.
 *   env: BENCH_CONFIG (JSON: { count, direct, nvrEvery })
 */
import { startFleet, type DeviceSpec, type VirtualDevice } from '../../src/emulator';
import { startCloudAgent, type CloudAgent } from '../../src/emulator/cloud-agent';
import { send, type Msg } from './child';
import type { SeedDevice } from './platform';

const cfg = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as { count: number; direct: number; nvrEvery: number };

async function main(): Promise<void> {
  const specs: DeviceSpec[] = Array.from({ length: cfg.count }, (_, i) => ({
    type: cfg.nvrEvery > 0 && i % cfg.nvrEvery === cfg.nvrEvery - 1 ? 'nvr' : 'camera',
    activated: true,
    cloudEnabled: i >= cfg.direct,
  }));
  const fleet = await startFleet({ count: cfg.count, specs, sadpPort: false, mix: false, maxHttpServers: cfg.direct });
  const agents: CloudAgent[] = [];
  const devices: Array<Omit<SeedDevice, 'site'>> = fleet.devices.map((d, i) => {
    const x = fleet.describe(d);
    return { serial: x.serial, model: x.model, type: x.type, firmware: d.firmwareVersion, via: i < cfg.direct ? 'direct' : 'cloud', host: x.host, port: x.httpPort, adminUser: x.adminUser, adminPassword: x.adminPassword };
  });

  async function connect(m: Msg): Promise<void> {
    const keys = m.keys as Record<string, string>;
    const list: VirtualDevice[] = fleet.devices.filter((d) => keys[d.serial]);
    // Ramp up (100 per 50 ms, at most 2,000/s) as bench/fleet does: neither the backlog nor the CPU flooded.
    for (let i = 0; i < list.length; i += 100) {
      const batch = list.slice(i, i + 100);
      agents.push(...(await Promise.all(batch.map((d) => startCloudAgent(d, { mqttUrl: String(m.mqttUrl), topicPrefix: String(m.topicPrefix), initialKey: Buffer.from(keys[d.serial]!, 'hex') })))));
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function power(serials: string[], on: boolean): Promise<Record<string, number>> {
    const at: Record<string, number> = {};
    // All at once, like a site losing power; each device's time is taken as its switch flips.
    await Promise.all(serials.map(async (s) => {
      at[s] = Date.now();
      await fleet.applyFaults(s, { power: on ? 'on' : 'off' });
    }));
    return at;
  }

  process.on('message', (m: Msg) => {
    void (async () => {
      try {
        if (m.type === 'connect') {
          await connect(m);
          send({ type: 'connected', agents: agents.length });
        } else if (m.type === 'power') send({ type: 'powered', at: await power(m.serials as string[], m.on === true) });
        else if (m.type === 'mark') {
          const c = process.cpuUsage();
          send({ type: 'mark', mark: { name: m.name, at: Date.now(), cpuMicros: c.user + c.system, rssBytes: process.memoryUsage().rss } });
        } else if (m.type === 'exit') {
          for (let i = 0; i < agents.length; i += 500) await Promise.all(agents.slice(i, i + 500).map((a) => a.close().catch(() => undefined)));
          await fleet.close();
          process.exit(0);
        }
      } catch (err) {
        send({ type: 'error', message: `${m.type}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` });
      }
    })();
  });
  send({ type: 'ready', devices });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
