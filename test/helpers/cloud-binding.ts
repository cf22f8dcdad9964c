/**
 * Binding a cloud device the way the platform does (issue 12): the device registers and waits,
 * pending; the installer's code is checked against the device; the gateway issues its key. Tests
 * that need a bound device call this after starting its cloud connector.
 */
import type { DeviceGateway } from '../../src/server/gateway/device-gateway';
import type { CloudAgent } from '../../src/emulator/cloud-agent';
import { eventually } from './wait';

/** With `agent`, also waits until the device side took the platform's answer (it then publishes events and presence). */
export async function bindCloudDevice(gateway: DeviceGateway, serial: string, code: string, agent?: CloudAgent, timeoutMs = 15_000): Promise<void> {
  await eventually(() => gateway.pendingDevice(serial) ?? gateway.isOnline(serial), `${serial} connected to the device cloud`, timeoutMs, 25);
  if (!(await gateway.verifyCode(serial, code))) throw new Error(`${serial} did not prove the code ${code}`);
  await eventually(() => gateway.isOnline(serial) && (agent?.accepted() ?? true), `${serial} bound and online`, timeoutMs, 25);
}
