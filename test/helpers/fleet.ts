/**
 * An emulator fleet connected to a test platform: its devices reach the platform's device gateway
 * (same broker and topic prefix) and its SADP responder is where the platform's agent probes.
 */
import { startFleet, type Fleet } from '../../src/emulator';
import type { DeviceSpec } from '../../src/emulator';
import type { TestPlatform } from './platform';

export async function startFleetFor(p: TestPlatform, specs: DeviceSpec[], device: { maxFailedLogins?: number } = {}): Promise<Fleet> {
  const fleet = await startFleet({
    count: specs.length,
    specs,
    // Never the platform's own credentials (an external broker's admin in MQTT_URL): devices bring their own.
    cloudMqttUrl: p.app.platform.mqttUrl.replace(/\/\/[^@/]*@/, '//'),
    cloudTopicPrefix: p.config.mqttTopicPrefix,
    sadpPort: 0,
    sadpAddress: '127.0.0.1',
    device: { rebootMs: 300, ...device },
  });
  p.app.platform.sadpTargets.push({ address: '127.0.0.1', port: fleet.sadpPort });
  // The embedded agent reaches only what it is told to: this fleet's devices.
  p.app.platform.embeddedAgentTargets.push((host, port) => fleet.devices.some((d) => d.host === host && d.httpPort === port && port !== 0));
  return fleet;
}

export { eventually } from './wait';
