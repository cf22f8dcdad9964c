/**
 * An emulator fleet connected to a test platform: its devices reach the platform's device gateway
 * (same broker and topic prefix) and its SADP responder is where the platform's agent probes.
 */
import { startFleet, type Fleet } from '../../src/emulator';
import type { DeviceOptions, DeviceSpec, VirtualDevice } from '../../src/emulator';
import { bindCloudDevice } from './cloud-binding';
import { eventually } from './wait';
import type { ApiClient } from './api';
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

export { eventually };

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

/**
 * A device of the fleet added over the device cloud as onboarding leaves it — in the device cloud,
 * bound with its verification code, added without a stored admin password — then given its admin
 * password through the API (as an installer does when an option needs it). Returns the device id.
 */
export async function addCloudDeviceWithAdmin(p: TestPlatform, fleet: Fleet, at: { companyId: string; siteId: string }, d: VirtualDevice, admin: ApiClient): Promise<string> {
  await eventually(() => p.inDeviceCloud(d.serial), `${d.serial} in the device cloud`);
  await bindCloudDevice(p.app.platform.gateway, d.serial, fleet.describe(d).verificationCode);
  const id = await insertFleetDevice(p, fleet, at, d, 'cloud', { credentials: false });
  const r = await admin.put(`/api/devices/${id}/admin-password`, { password: fleet.describe(d).adminPassword });
  if (r.status !== 200) throw new Error(`admin password for ${d.serial}: ${r.status} ${JSON.stringify(r.body)}`);
  return id;
}
