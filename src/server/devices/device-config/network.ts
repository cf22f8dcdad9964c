/**
 * Remote configuration of the device's network settings and service ports (issue 16): LAN
 * interface 1 (DHCP or a static IPv4 address, mask and gateway; DNS servers) and the HTTP and RTSP
 * ports, read from the device and written back over whichever way Sitekeeper reaches it, each change
 * audited with old and new values (`device.config.update`, areas `network` and `ports`).
 *
 * Devices store such changes and apply them when they restart (ResponseStatus 7 "Reboot Required"):
 * the answer says `rebootRequired`, and nothing restarts the device for the installer. A device
 * Sitekeeper reaches by its address (directly or through a site agent) is reached where it was only
 * until then: when the change moves that address or HTTP port the answer says `reachAddressChanges`
 * (after the restart Sitekeeper must be given the new one with "Edit device information"). Nothing is
 * refused for that; values that cannot work are (VALIDATION_FAILED, `details.fields`), before the
 * device is written.
 */
import { AppError } from '../../../errors/app-error';
import type { AdminAccessProtocol, IpAddressConfig, WriteResult } from '../../../device-client/device-client';
import { checkIpv4Settings, checkPorts, NO_ADDRESS, type Ipv4Settings, type SettingProblem } from '../../../protocol/net/ipv4-settings';
import type { Actor, RequestMeta } from '../../auth/actor';
import type { Device, DeviceRemoteService } from '../device-remote.service';

/** The settings as the device reports them; an address it does not have (or `0.0.0.0`) is empty. */
export type NetworkSettings = Ipv4Settings;

/**
 * A change. Static needs `ipAddress` and `subnetMask`; with DHCP the server gives address, mask and
 * gateway (those fields are ignored). Gateway and DNS servers: absent = as they are, empty = none.
 */
export interface NetworkChange {
  addressing: 'dhcp' | 'static';
  ipAddress?: string | undefined;
  subnetMask?: string | undefined;
  defaultGateway?: string | undefined;
  primaryDns?: string | undefined;
  secondaryDns?: string | undefined;
}

export interface PortSettingsView {
  httpPort: number;
  /** Null: the device has no RTSP service (an alarm panel). */
  rtspPort: number | null;
}

export interface PortsChange {
  httpPort: number;
  /** Absent: as it is. */
  rtspPort?: number | undefined;
}

export interface WriteOutcome {
  /** The device applies the change when it restarts (it was not restarted). */
  rebootRequired: boolean;
  /** A device reached by its address will be reached elsewhere after that restart. */
  reachAddressChanges: boolean;
}

const refused = (what: string, problems: SettingProblem[]): AppError =>
  new AppError('VALIDATION_FAILED', `The ${what} are not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join(' ')}`, {
    hint: 'Correct the fields listed in details.fields; nothing was written to the device.',
    details: { fields: problems },
  });

/** Sitekeeper reaches the device at an address of its own (directly or through a site agent), not through the device cloud. */
const reachedByAddress = (d: Device): boolean => d.addedVia !== 'cloud';

function networkView(c: IpAddressConfig): NetworkSettings {
  const addr = (v: string | undefined) => (v === undefined || v === NO_ADDRESS ? '' : v);
  return {
    addressing: c.addressingType === 'dynamic' ? 'dhcp' : 'static',
    ipAddress: addr(c.ipAddress),
    subnetMask: addr(c.subnetMask),
    defaultGateway: addr(c.defaultGateway),
    primaryDns: addr(c.primaryDns),
    secondaryDns: addr(c.secondaryDns),
  };
}

export async function readNetwork(remote: DeviceRemoteService, actor: Actor, id: string): Promise<NetworkSettings> {
  const { client } = await remote.forConfig(actor, id);
  return networkView(await client.getNetwork());
}

export async function writeNetwork(remote: DeviceRemoteService, actor: Actor, id: string, change: NetworkChange, meta: RequestMeta): Promise<NetworkSettings & WriteOutcome> {
  const { d, client } = await remote.forConfig(actor, id);
  const missing: SettingProblem[] = [];
  if (change.addressing === 'static') {
    if (!change.ipAddress) missing.push({ field: 'ipAddress', message: 'A static address needs the IPv4 address.' });
    if (!change.subnetMask) missing.push({ field: 'subnetMask', message: 'A static address needs the subnet mask.' });
  }
  if (missing.length > 0) throw refused('network settings', missing);
  const read = await client.getNetwork();
  const old = networkView(read);
  const dns = { primaryDns: change.primaryDns ?? old.primaryDns, secondaryDns: change.secondaryDns ?? old.secondaryDns };
  const next: NetworkSettings =
    change.addressing === 'static'
      ? { addressing: 'static', ipAddress: change.ipAddress ?? '', subnetMask: change.subnetMask ?? '', defaultGateway: change.defaultGateway ?? old.defaultGateway, ...dns }
      : { ...old, addressing: 'dhcp', ...dns };
  const problems = checkIpv4Settings(next);
  if (problems.length > 0) throw refused('network settings', problems);

  const orNone = (v: string) => v || NO_ADDRESS;
  // DHCP: only the mode and the DNS servers are written; the server gives the rest.
  const written: IpAddressConfig =
    next.addressing === 'static'
      ? { ipVersion: read.ipVersion, addressingType: 'static', ipAddress: next.ipAddress, subnetMask: next.subnetMask, defaultGateway: orNone(next.defaultGateway), primaryDns: orNone(next.primaryDns), secondaryDns: orNone(next.secondaryDns) }
      : { ipVersion: read.ipVersion, addressingType: 'dynamic', primaryDns: orNone(next.primaryDns), secondaryDns: orNone(next.secondaryDns) };
  const audited = next.addressing === 'static' ? next : { addressing: next.addressing, primaryDns: next.primaryDns, secondaryDns: next.secondaryDns };
  let result: WriteResult = { rebootRequired: false };
  await remote.write(actor, d, 'network', old, audited, async () => {
    result = await client.setNetwork(written);
  }, meta);
  const moves = (old.addressing === 'static' && next.addressing === 'dhcp') || (next.addressing === 'static' && next.ipAddress !== old.ipAddress);
  return { ...networkView(await client.getNetwork()), rebootRequired: result.rebootRequired, reachAddressChanges: reachedByAddress(d) && moves };
}

function portsView(list: readonly AdminAccessProtocol[]): PortSettingsView {
  const http = list.find((p) => p.protocol === 'HTTP');
  if (!http) throw new AppError('DEVICE_PROTOCOL_ERROR', 'The device lists no HTTP service among its ports.');
  return { httpPort: http.portNo, rtspPort: list.find((p) => p.protocol === 'RTSP')?.portNo ?? null };
}

export async function readPorts(remote: DeviceRemoteService, actor: Actor, id: string): Promise<PortSettingsView> {
  const { client } = await remote.forConfig(actor, id);
  return portsView(await client.adminAccesses());
}

export async function writePorts(remote: DeviceRemoteService, actor: Actor, id: string, change: PortsChange, meta: RequestMeta): Promise<PortSettingsView & WriteOutcome> {
  const { d, client } = await remote.forConfig(actor, id);
  const list = await client.adminAccesses();
  const old = portsView(list);
  if (change.rtspPort !== undefined && old.rtspPort === null) throw refused('port settings', [{ field: 'rtspPort', message: 'This device has no RTSP service.' }]);
  const next: PortSettingsView = { httpPort: change.httpPort, rtspPort: change.rtspPort ?? old.rtspPort };
  const others = list.filter((p) => p.protocol !== 'HTTP' && p.protocol !== 'RTSP');
  const problems = checkPorts({ httpPort: next.httpPort, rtspPort: next.rtspPort ?? undefined }, others);
  if (problems.length > 0) throw refused('port settings', problems);

  // The whole list as read, with the two ports changed (as devices expect it back).
  const written = list.map((p) => (p.protocol === 'HTTP' ? { ...p, portNo: next.httpPort } : p.protocol === 'RTSP' && next.rtspPort !== null ? { ...p, portNo: next.rtspPort } : p));
  let result: WriteResult = { rebootRequired: false };
  await remote.write(actor, d, 'ports', old, next, async () => {
    result = await client.setAdminAccesses(written);
  }, meta);
  return { ...portsView(await client.adminAccesses()), rebootRequired: result.rebootRequired, reachAddressChanges: reachedByAddress(d) && next.httpPort !== old.httpPort };
}
