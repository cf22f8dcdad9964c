/**
 * An emulator fleet connected to a test platform: its devices reach the platform's device gateway
 * (same broker and topic prefix) and its SADP responder is where the platform's agent probes.
 */
import { startFleet, type Fleet } from '../../src/emulator';
import type { DeviceOptions, DeviceSpec, VirtualDevice } from '../../src/emulator';
import type { TestPlatform } from './platform';

export async function startFleetFor(p: TestPlatform, specs: DeviceSpec[], device: DeviceOptions = {}): Promise<Fleet> {
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

/**
 * Puts a fleet device on a site as a row, the way an add leaves it: `direct` with its address (and,
 * unless `credentials: false`, its admin credentials sealed), `cloud` by serial alone, `agent` with
 * its address and credentials, reached through the site's agent (the platform's embedded one on a
 * site without its own: startFleetFor lets it reach the fleet).
 */
export async function insertFleetDevice(
  p: TestPlatform,
  fleet: Fleet,
  at: { companyId: string; siteId: string },
  d: VirtualDevice,
  via: 'direct' | 'cloud' | 'agent',
  opts: { credentials?: boolean; firmwareCompatible?: boolean | null } = {},
): Promise<string> {
  const desc = fleet.describe(d);
  const byAddress = via !== 'cloud';
  const sealCreds = byAddress && opts.credentials !== false;
  const r = await p.app.platform.database.db
    .insertInto('devices')
    .values({
      company_id: at.companyId, site_id: at.siteId, serial: desc.serial, name: `${desc.type} ${desc.shortSerial}`, type: desc.type, model: desc.model,
      added_via: via, host: byAddress ? desc.host : null, port: byAddress ? desc.httpPort : null,
      credentials_sealed: sealCreds ? p.app.platform.secrets.seal(JSON.stringify({ user: desc.adminUser, password: desc.adminPassword }), `device:${desc.serial}`) : null,
      verification_code_sealed: null, added_by: null, firmware_compatible: opts.firmwareCompatible === undefined ? true : opts.firmwareCompatible, status: 'online',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}
