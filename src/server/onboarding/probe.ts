/**
 * Probing one candidate: where the device is (cloud, LAN via the site agent, direct host:port),
 * what state it is in, whether it is already added, and the next action the user must take.
 */
import { AppError, isAppError } from '../../errors/app-error';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';
import { compareVersions, deviceFamily } from '../devices/firmware-compat';
import { compatibilityVerdict } from '../devices/firmware-catalogue';
import type { CandidateSpec } from './candidates';
import { serialMatches } from '../../protocol/qr';
import type { DeviceReach } from './device-reach';
import type { CodeGuesser } from '../gateway/device-gateway';
import { parseDeviceHost } from '../../protocol/net/device-host';
import { isStrongProof, type ClaimProof } from '../devices/claims';

export type NextAction = 'add' | 'activate' | 'enable_cloud' | 'enter_verification_code' | 'enter_password' | 'connect_to_network' | 'none';
export type ReachableVia = 'cloud' | 'lan' | 'direct';
export type AlreadyAdded = 'this_site' | 'other_site' | 'elsewhere';

export interface Probe {
  serial: string | null;
  model: string | null;
  deviceType: string | null;
  family: string | null;
  firmware: { version: string | null; compatible: boolean | null; minimum: string | null };
  reachableVia: ReachableVia | null;
  host: string | null;
  port: number | null;
  online: boolean;
  activated: boolean | null;
  cloudEnabled: boolean | null;
  cloudRegistered: boolean;
  alreadyAdded: AlreadyAdded | null;
  nextAction: NextAction;
  error: { code: string; message: string; hint: string } | null;
  /** A device added by address: reached from the server (`direct`) or through the site's agent (`agent`). */
  route?: 'direct' | 'agent';
}

export interface ProbeContext {
  reach: DeviceReach;
  /** One SADP discovery shared by all candidates of a scan (lazy). */
  lan(): Promise<DiscoveredDevice[] | null>;
  /** Where a device with this serial already is, if anywhere, and how its company proved the claim. */
  placement(serial: string): Promise<{ siteId: string; companyId: string; claimProof: ClaimProof } | undefined>;
  siteId: string;
  companyId: string;
  /** Whose code checks these are (per-user and per-company caps on wrong codes). */
  by?: CodeGuesser;
}

/** Probing for one site: one LAN discovery (lazy) shared by all the candidates probed with it. */
export function probeContextFor(reach: DeviceReach, placement: ProbeContext['placement'], where: { companyId: string; siteId: string }, by?: CodeGuesser): ProbeContext {
  let lan: Promise<DiscoveredDevice[] | null> | undefined;
  return { reach, lan: () => (lan ??= reach.discoverLan(where.siteId)), placement, siteId: where.siteId, companyId: where.companyId, ...(by ? { by } : {}) };
}

export const OFFLINE_GUIDANCE = [
  'Wired: connect the device to the router or PoE switch with a network cable and check that the link light is on.',
  'Wi-Fi: put the device in Wi-Fi setup mode (see its quick-start guide) and connect it to the site network.',
  'Make sure the device is powered and that the network gives it internet access (DHCP, gateway, DNS).',
  'Sitekeeper keeps the device pending and finishes adding it as soon as it comes online.',
];

function blank(): Probe {
  return {
    serial: null, model: null, deviceType: null, family: null, firmware: { version: null, compatible: null, minimum: null },
    reachableVia: null, host: null, port: null, online: false, activated: null, cloudEnabled: null, cloudRegistered: false,
    alreadyAdded: null, nextAction: 'connect_to_network', error: null,
  };
}

function withFirmware(p: Probe, version: string | null, deviceType: string | null, model: string | null): Probe {
  if (!version) return p;
  const fam = deviceFamily(deviceType ?? '', model ?? '');
  // The compatibility catalogue (per model): the minimum shown is the version that makes every feature available.
  const v = compatibilityVerdict(model ?? '', version);
  const minimum = v.features.map((f) => f.minimum).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  return { ...p, family: fam, firmware: { version, compatible: v.compatible, minimum } };
}

function errorOf(e: unknown): Probe['error'] {
  if (isAppError(e)) return { code: e.code, message: e.message, hint: e.hint };
  return { code: 'DEVICE_PROTOCOL_ERROR', message: 'The device gave an answer Sitekeeper could not read.', hint: 'Try again; if it persists, check the device firmware.' };
}

/** Where an existing device is, seen from the site being added to. */
export function placementKind(p: { siteId: string; companyId: string }, companyId: string, siteId: string): AlreadyAdded {
  if (p.companyId !== companyId) return 'elsewhere';
  return p.siteId === siteId ? 'this_site' : 'other_site';
}

/**
 * The verification code checked against the device's own cloud registration (decision 0005): only
 * the device, or whoever holds its label, knows it.
 */
export async function codeProven(reach: DeviceReach, serial: string, code: string, by?: CodeGuesser): Promise<boolean> {
  const full = (await reach.cloudStatus(serial))?.serial;
  return full ? reach.verifyCloudCode(full, code, by) : false;
}

export async function probeCandidate(c: CandidateSpec, ctx: ProbeContext): Promise<Probe> {
  const p = c.host ? await probeDirect(c, ctx) : await probeBySerial(c, ctx);
  const serial = p.serial ?? c.serial ?? null;
  const placed = serial ? await ctx.placement(serial) : undefined;
  if (!placed) return p;
  const where = placementKind(placed, ctx.companyId, ctx.siteId);
  if (where !== 'elsewhere') return { ...p, alreadyAdded: where, nextAction: 'none' };
  // Another company's device (decision 0005). A host added by address speaks for itself: what it
  // says is what any host would say, bound or not (a weak add then tells, see the decision).
  if (c.host) return p;
  // So does a device found on this site's own LAN (SADP shows it to anyone there): activating it,
  // or enabling its cloud service so that its code can be checked, is how the owner proves it.
  if (p.reachableVia === 'lan') return p;
  // Without the device's own proof, a serial bound elsewhere answers exactly like one nobody has:
  // no "elsewhere", no model, firmware, address or online state.
  if (!c.verificationCode || !(await codeProven(ctx.reach, serial!, c.verificationCode, ctx.by))) return notFound(c, null);
  // The code proves the device is in the scanner's hands: a strong claim elsewhere is said to be
  // there (still nothing about it); a weak one yields, and the add takes the serial over.
  if (isStrongProof(placed.claimProof)) return { ...blank(), serial, alreadyAdded: 'elsewhere', nextAction: 'none' };
  return p;
}

/** A serial neither the device cloud nor the LAN knows (or, with `cloud`, one registered but not connected). */
function notFound(c: CandidateSpec, cloud: { serial: string; model: string; type: string } | null): Probe {
  return { ...blank(), serial: cloud?.serial ?? null, model: cloud?.model ?? c.model ?? null, deviceType: cloud?.type ?? null, cloudRegistered: cloud !== null, nextAction: 'connect_to_network' };
}

async function probeDirect(c: CandidateSpec, ctx: ProbeContext): Promise<Probe> {
  let host: string;
  try {
    host = parseDeviceHost(c.host!).host;
  } catch (e) {
    // Not an address (a path, a user name, a port in the host…): nothing is contacted.
    return { ...blank(), reachableVia: 'direct', host: c.host!.slice(0, 255), port: c.port ?? 80, nextAction: 'none', error: errorOf(e) };
  }
  c = { ...c, host };
  const base: Probe = { ...blank(), reachableVia: 'direct', host, port: c.port ?? 80 };
  if (!c.user || !c.password) return { ...base, online: false, nextAction: 'enter_password' };
  try {
    // Routed by the connect policy; whatever does not answer as a device is one DEVICE_UNREACHABLE.
    const { info, via } = await ctx.reach.identifyHost(c.host!, c.port ?? 80, { user: c.user, password: c.password }, ctx.siteId);
    return withFirmware({ ...base, route: via, serial: info.serialNumber, model: info.model, deviceType: info.deviceType, online: true, activated: true, nextAction: 'add' }, info.firmwareVersion, info.deviceType, info.model);
  } catch (e) {
    const error = errorOf(e);
    switch (error?.code) {
      case 'DEVICE_AUTH_FAILED':
      case 'DEVICE_LOCKED':
        return { ...base, online: true, activated: true, nextAction: 'enter_password', error };
      case 'DEVICE_NOT_ACTIVATED':
        return { ...base, online: true, activated: false, nextAction: 'activate', error };
      default:
        // Not the network guidance of an offline cloud device: an address that does not answer is not kept pending.
        return { ...base, online: false, nextAction: 'none', error: error ?? errorOf(new AppError('DEVICE_UNREACHABLE')) };
    }
  }
}

async function probeBySerial(c: CandidateSpec, ctx: ProbeContext): Promise<Probe> {
  const serial = c.serial!;
  const cloud = await ctx.reach.cloudStatus(serial);
  if (cloud?.online) {
    const p: Probe = {
      ...blank(), serial: cloud.serial, model: cloud.model, deviceType: cloud.type, reachableVia: 'cloud', online: true, activated: true,
      cloudEnabled: true, cloudRegistered: true, nextAction: c.verificationCode ? 'add' : 'enter_verification_code',
    };
    return withFirmware(p, cloud.firmware, cloud.type, cloud.model);
  }
  let lan: DiscoveredDevice[] | null;
  try {
    lan = await ctx.lan();
  } catch {
    lan = null;
  }
  const found = lan?.find((d) => serialMatches(d.serial, serial));
  if (found) {
    const p: Probe = {
      ...blank(), serial: found.serial, model: found.model, reachableVia: 'lan', host: found.ipv4Address, port: found.httpPort, online: true,
      activated: found.activated, cloudEnabled: found.cloudEnabled, cloudRegistered: cloud !== null,
      nextAction: !found.activated ? 'activate' : !found.cloudEnabled ? 'enable_cloud' : c.verificationCode ? 'add' : 'enter_verification_code',
    };
    return withFirmware(p, found.softwareVersion, null, found.model);
  }
  // Registered once but not connected now, or never seen: the device is offline for us.
  return notFound(c, cloud);
}
