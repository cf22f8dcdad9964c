/**
 * The demo fleet of `npm start`: emulated devices in every state an installer meets, connected to
 * the platform's device cloud and answering its site agent's SADP probes. Kept in DATA_DIR so the
 * same devices come back after a restart, and its page on a stable port (DEMO_FLEET_PORT) so a
 * bookmark keeps working; when that port is taken, any free one (the console says which).
 *
 * It is composed here, beside the platform, because the platform itself must not know that it
 * talks to an emulator.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import type { Platform } from '../server/app';
import type { Config } from '../server/config';

/** True when nothing listens on host:port (a moment's bind and close). */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

export async function startDemoFleet(config: Readonly<Config>, platform: Platform) {
  const { startFleet } = await import('../emulator');
  const host = '127.0.0.1';
  const preferred = config.demoFleetPort;
  const portTaken = preferred !== 0 && !(await portIsFree(preferred, host));
  const fleet = await startFleet({
    count: config.demoFleetCount,
    statePath: path.resolve(config.dataDir, 'demo-fleet.json'),
    cloudMqttUrl: platform.mqttUrl,
    cloudTopicPrefix: config.mqttTopicPrefix,
    controlHost: host,
    controlPort: portTaken ? 0 : preferred,
    sadpPort: 0,
    sadpAddress: host,
  });
  platform.sadpTargets.push({ address: host, port: fleet.sadpPort });
  // The embedded agent reaches the demo devices and nothing else on this machine.
  platform.embeddedAgentTargets.push((h, port) => fleet.devices.some((d) => d.host === h && d.httpPort === port && port !== 0));
  // The demo devices live on loopback, which the connect policy refuses: exactly these address:port
  // pairs are served by the embedded agent, so adding one by host and port works as on a site LAN.
  for (const d of fleet.devices) if (d.httpPort > 0) platform.agentTargets.push({ address: d.host, port: d.httpPort });
  return { fleet, note: portTaken ? `port ${preferred} was taken (DEMO_FLEET_PORT)` : undefined };
}
