/**
 * An emulator fleet connected to a test platform: its devices reach the platform's device gateway
 * (same broker and topic prefix) and its SADP responder is where the platform's agent probes.
 */
import { startFleet, type Fleet } from '../../src/emulator';
import type { DeviceSpec } from '../../src/emulator';
import type { TestPlatform } from './platform';

export async function startFleetFor(p: TestPlatform, specs: DeviceSpec[]): Promise<Fleet> {
  const fleet = await startFleet({
    count: specs.length,
    specs,
    cloudMqttUrl: p.app.platform.mqttUrl,
    cloudTopicPrefix: p.config.mqttTopicPrefix,
    sadpPort: 0,
    sadpAddress: '127.0.0.1',
    device: { rebootMs: 300 },
  });
  p.app.platform.sadpTargets.push({ address: '127.0.0.1', port: fleet.sadpPort });
  return fleet;
}

/** Wait until `check` returns a value (polling), or fail with the last value seen. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const v = await check();
    if (v) return v;
    last = v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
