/**
 * Reads a health snapshot from a device through whichever DeviceClient reaches it (cloud tunnel,
 * site agent, or directly). The parts a family has are read side by side; a part the device does
 * not support is named in `unavailable` (the summary says so) rather than failing the poll. When no
 * part answers because the device cannot be reached, or the device refuses the credentials, the
 * error is thrown: the poller counts it as unreachable (or auth failed).
 */
import { isAppError, type AppError } from '../../errors/app-error';
import type { DeviceClient } from '../../device-client/device-client';
import type { AlarmSnapshot, ChannelSnapshot, DiskSnapshot, HealthSnapshot } from './health-summary';

/** Errors that mean "no answer from the device", as opposed to "the device answered no". */
const UNREACHABLE = new Set(['DEVICE_OFFLINE', 'DEVICE_TIMEOUT', 'DEVICE_UNREACHABLE', 'AGENT_OFFLINE', 'DEVICE_NOT_FOUND']);
const AUTH = new Set(['DEVICE_AUTH_FAILED', 'DEVICE_LOCKED']);

/** Errors only a device that answered can give (so it is online). */
const ANSWERED = new Set(['DEVICE_PROTOCOL_ERROR', 'DEVICE_UNSUPPORTED', 'DEVICE_REJECTED', 'DEVICE_BUSY', 'DEVICE_NOT_ACTIVATED', 'DEVICE_BODY_TOO_LARGE']);

export function isUnreachable(err: unknown): boolean {
  return !isAppError(err) || UNREACHABLE.has(err.code);
}

/** The device answered, with an error (e.g. a request its firmware does not support). */
export function isAnswer(err: unknown): boolean {
  return isAppError(err) && ANSWERED.has(err.code);
}

export function isAuthFailure(err: unknown): boolean {
  return isAppError(err) && AUTH.has(err.code);
}

export type Family = HealthSnapshot['family'];

/**
 * The health checks a device type gets: cameras, NVRs and DVRs (recorders: the NVR checks) disks
 * and channels, AX Pro its alarm system; access control, doorbell, other and unknown reachability
 * only. The type is the device's own or the one an installer set (PUT /api/devices/:id/type).
 */
export function familyOf(type: string): Family {
  if (type === 'dvr') return 'nvr';
  return type === 'camera' || type === 'nvr' || type === 'axpro' ? type : 'unknown';
}

/** A cheap "are you there" (deviceInfo) that also says which firmware the device runs now. */
export async function checkReachable(client: DeviceClient): Promise<string> {
  return (await client.deviceInfo()).firmwareVersion;
}

export async function collectSnapshot(client: DeviceClient, family: Family): Promise<HealthSnapshot> {
  type Part = 'storage' | 'channels' | 'alarm';
  const parts: Array<[Part, () => Promise<unknown>]> =
    family === 'axpro' ? [['alarm', () => readAlarm(client)]] : family === 'unknown' ? [] : [['storage', () => readStorage(client)], ['channels', () => readChannels(client)]];
  // Reachability only: the poller's own deviceInfo (checkReachable, read beside this) says it is there.
  if (parts.length === 0) return { family, storage: null, channels: null, alarm: null, unavailable: [] };
  const results = await Promise.allSettled(parts.map(([, read]) => read()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const auth = failures.find((f): f is AppError => isAuthFailure(f));
  if (auth) throw auth;
  const first = failures[0];
  // No part answered: the poll failed as a whole (unreachable, or nothing learnt); never a snapshot of nothing.
  if (failures.length === results.length) throw first instanceof Error ? first : new Error(String(first));
  const snap: HealthSnapshot = { family, storage: null, channels: null, alarm: null, unavailable: [] };
  results.forEach((r, i) => {
    const part = parts[i]![0];
    if (r.status === 'fulfilled') Object.assign(snap, { [part]: r.value });
    else snap.unavailable.push({ part, code: isAppError(r.reason) ? r.reason.code : 'DEVICE_PROTOCOL_ERROR' });
  });
  return snap;
}

async function readStorage(client: DeviceClient): Promise<NonNullable<HealthSnapshot['storage']>> {
  const s = await client.storage();
  const disks: DiskSnapshot[] = [];
  for (const h of s.hdds) {
    let smart = h.smartStatus ?? null;
    if (smart === null) {
      // Firmware without the inline verdict: ask the disk (best effort; no verdict is not a fault).
      try {
        const st = await client.hddSmart(h.id);
        const all = (st.allEvaluaingStatus ?? st.allEvaluationStatus ?? '').toLowerCase();
        const self = (st.selfEvaluaingStatus ?? st.selfEvaluationStatus ?? '').toLowerCase();
        smart = all === 'functional' || self === 'failed' ? 'failed' : all === 'warning' ? 'warning' : all || self ? 'ok' : null;
      } catch (err) {
        if (isUnreachable(err) || isAuthFailure(err)) throw err;
      }
    }
    disks.push({ id: h.id, name: h.hddName, status: h.status, smart, capacityMb: h.capacity, freeMb: h.freeSpace });
  }
  return { disks, overwrite: s.overwrite ?? null };
}

async function readChannels(client: DeviceClient): Promise<ChannelSnapshot[]> {
  const chs = await client.channels();
  return chs.map((c) => ({ id: c.id, name: c.name, online: c.online, videoLoss: c.videoLoss, recording: c.recording }));
}

const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null);

async function readAlarm(client: DeviceClient): Promise<AlarmSnapshot> {
  const [zones, host] = await Promise.all([client.axproZones(), client.axproHostStatus()]);
  const mains = bool(host.ACConnect) ?? (typeof host.mainsPowerStatus === 'string' ? host.mainsPowerStatus === 'connected' : null);
  const lowBattery = bool(host.lowBattery) ?? (typeof host.batteryStatus === 'string' ? host.batteryStatus !== 'normal' : null);
  return {
    zones: zones.map((z) => ({
      id: z.id,
      name: typeof z.name === 'string' ? z.name : '',
      open: z.status === 'trigger' || z.magnetOpenStatus === true,
      fault: z.status === 'offline' || z.sensorStatus === 'fault',
      tamper: z.tamperEvident === true || z.sensorStatus === 'tamper',
      bypassed: z.bypassed === true,
    })),
    mainsConnected: mains,
    batteryLow: lowBattery,
    batteryPercent: typeof host.batteryLevel === 'number' ? host.batteryLevel : null,
    tamper: bool(host.tamperEvident),
  };
}
