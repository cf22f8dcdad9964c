/**
 * The health summary: pure decisions, table-tested (health-summary.test.ts). A snapshot (what the
 * poller read from a device) and its reachability in; a state (healthy / warning / fault / offline /
 * unknown) with the reasons for it out. Per site: every device, worst first.
 */

export type HealthState = 'healthy' | 'warning' | 'fault' | 'offline' | 'unknown';
export type ReasonSeverity = 'info' | 'warning' | 'fault';

/** Stable reason codes (clients and, later, exception and linkage rules match on them). */
export type ReasonCode =
  | 'offline'
  | 'not_collected'
  | 'agent_offline'
  | 'auth_failed'
  | 'part_unavailable'
  | 'hdd_abnormal'
  | 'hdd_unformatted'
  | 'hdd_sleeping'
  | 'hdd_full'
  | 'hdd_full_overwriting'
  | 'hdd_smart_warning'
  | 'hdd_smart_failed'
  | 'storage_low'
  | 'no_disk'
  | 'video_loss'
  | 'not_recording'
  | 'channel_offline'
  | 'zone_open'
  | 'zone_fault'
  | 'zone_tamper'
  | 'zone_bypassed'
  | 'battery_low'
  | 'mains_lost'
  | 'tamper';

export interface HealthReason {
  code: ReasonCode;
  severity: ReasonSeverity;
  /** Says what is wrong, for people. */
  message: string;
  /** The disk, channel or zone it is about (absent: the whole device). */
  subject?: { kind: 'disk' | 'channel' | 'zone'; id: number } | undefined;
}

export interface DiskSnapshot {
  id: number;
  name: string;
  /** As the device reports it: ok / normal, error / abnormal, unformatted, sleeping / idle, full, … */
  status: string;
  /** S.M.A.R.T. verdict: ok, warning, failed (null: not reported). */
  smart: string | null;
  capacityMb: number;
  freeMb: number;
}

export interface ChannelSnapshot {
  id: number;
  name: string;
  online: boolean;
  videoLoss: boolean;
  recording: boolean;
}

export interface ZoneSnapshot {
  id: number;
  name: string;
  open: boolean;
  fault: boolean;
  tamper: boolean;
  bypassed: boolean;
}

export interface AlarmSnapshot {
  zones: ZoneSnapshot[];
  /** Null: not reported. */
  mainsConnected: boolean | null;
  batteryLow: boolean | null;
  batteryPercent: number | null;
  tamper: boolean | null;
}

/** What one poll read from a device. A part the device could not give is null (and named in `unavailable`). */
export interface HealthSnapshot {
  family: 'camera' | 'nvr' | 'axpro' | 'unknown';
  storage: { disks: DiskSnapshot[]; overwrite: boolean | null } | null;
  channels: ChannelSnapshot[] | null;
  alarm: AlarmSnapshot | null;
  /** Parts the device did not answer for, with the error code (e.g. storage: DEVICE_UNSUPPORTED). */
  unavailable: Array<{ part: 'storage' | 'channels' | 'alarm'; code: string }>;
}

export interface SummaryInput {
  /** offline: unreachable for longer than the grace period (or the device cloud says so). */
  reachability: 'online' | 'offline' | 'unknown';
  snapshot: HealthSnapshot | null;
  /** The device refused the stored credentials at the last poll. */
  authFailed?: boolean | undefined;
  /** The site agent that reaches the device is offline: its status cannot be known. */
  agentOffline?: boolean | undefined;
}

export interface HealthSummary {
  state: HealthState;
  reasons: HealthReason[];
}

/** Free space below this share of a disk (with overwrite off) is a warning. */
export const LOW_FREE_SHARE = 0.1;

export function summarize(input: SummaryInput): HealthSummary {
  if (input.reachability === 'offline') return { state: 'offline', reasons: [{ code: 'offline', severity: 'fault', message: 'The device does not answer.' }] };
  if (input.agentOffline) return { state: 'unknown', reasons: [{ code: 'agent_offline', severity: 'warning', message: "The site agent that reaches this device is offline: the device's status is not known." }] };
  if (input.authFailed) return { state: 'fault', reasons: [{ code: 'auth_failed', severity: 'fault', message: 'The device refused the stored user name or password.' }] };
  if (!input.snapshot) return { state: 'unknown', reasons: [{ code: 'not_collected', severity: 'info', message: 'No health data collected yet.' }] };
  const s = input.snapshot;
  const reasons = [...storageReasons(s), ...channelReasons(s), ...alarmReasons(s), ...s.unavailable.map((u): HealthReason => ({ code: 'part_unavailable', severity: 'info', message: `The device did not report its ${u.part} (${u.code}).` }))];
  return { state: stateOf(reasons), reasons };
}

function stateOf(reasons: HealthReason[]): HealthState {
  if (reasons.some((r) => r.severity === 'fault')) return 'fault';
  if (reasons.some((r) => r.severity === 'warning')) return 'warning';
  return 'healthy';
}

const DISK_STATUS: Record<string, 'normal' | 'abnormal' | 'unformatted' | 'sleeping' | 'full'> = {
  ok: 'normal', normal: 'normal', abnormal: 'abnormal', error: 'abnormal', unformatted: 'unformatted', uninitialized: 'unformatted', notformatted: 'unformatted',
  sleeping: 'sleeping', idle: 'sleeping', sleep: 'sleeping', full: 'full',
};

function storageReasons(s: HealthSnapshot): HealthReason[] {
  if (!s.storage) return [];
  const out: HealthReason[] = [];
  const { disks, overwrite } = s.storage;
  if (disks.length === 0 && s.family === 'nvr') out.push({ code: 'no_disk', severity: 'warning', message: 'The recorder has no disk: nothing is recorded.' });
  for (const d of disks) {
    const subject = { kind: 'disk' as const, id: d.id };
    const label = d.name || `Disk ${d.id}`;
    // An unknown status word is treated as abnormal: a disk we cannot read is not healthy.
    const status = DISK_STATUS[d.status.toLowerCase()] ?? 'abnormal';
    if (status === 'abnormal') out.push({ code: 'hdd_abnormal', severity: 'fault', message: `${label} is abnormal (${d.status || 'no status'}).`, subject });
    if (status === 'unformatted') out.push({ code: 'hdd_unformatted', severity: 'fault', message: `${label} is not formatted: nothing is recorded on it.`, subject });
    if (status === 'sleeping') out.push({ code: 'hdd_sleeping', severity: 'info', message: `${label} is sleeping.`, subject });
    const smart = d.smart?.toLowerCase();
    if (smart === 'failed' || smart === 'functional') out.push({ code: 'hdd_smart_failed', severity: 'fault', message: `${label}: S.M.A.R.T. reports a failure; replace the disk.`, subject });
    else if (smart === 'warning') out.push({ code: 'hdd_smart_warning', severity: 'warning', message: `${label}: S.M.A.R.T. warning; plan to replace the disk.`, subject });
    if (status === 'abnormal' || status === 'unformatted') continue;
    const full = status === 'full' || (d.capacityMb > 0 && d.freeMb <= 0);
    if (full) {
      if (overwrite === false) out.push({ code: 'hdd_full', severity: 'fault', message: `${label} is full and overwrite is off: recording has stopped.`, subject });
      else out.push({ code: 'hdd_full_overwriting', severity: 'info', message: `${label} is full; the oldest footage is overwritten.`, subject });
    } else if (overwrite === false && d.capacityMb > 0 && d.freeMb / d.capacityMb < LOW_FREE_SHARE) {
      out.push({ code: 'storage_low', severity: 'warning', message: `${label} is almost full (${Math.round((d.freeMb / d.capacityMb) * 100)} % free) and overwrite is off.`, subject });
    }
  }
  return out;
}

function channelReasons(s: HealthSnapshot): HealthReason[] {
  if (!s.channels) return [];
  const out: HealthReason[] = [];
  for (const c of s.channels) {
    const subject = { kind: 'channel' as const, id: c.id };
    const label = c.name || `Channel ${c.id}`;
    if (!c.online) out.push({ code: 'channel_offline', severity: 'warning', message: `${label} is not connected.`, subject });
    else if (c.videoLoss) out.push({ code: 'video_loss', severity: 'fault', message: `${label}: video loss.`, subject });
    else if (!c.recording) out.push({ code: 'not_recording', severity: 'warning', message: `${label} is not recording.`, subject });
  }
  return out;
}

function alarmReasons(s: HealthSnapshot): HealthReason[] {
  if (!s.alarm) return [];
  const a = s.alarm;
  const out: HealthReason[] = [];
  if (a.tamper) out.push({ code: 'tamper', severity: 'fault', message: 'The alarm hub reports tampering.' });
  if (a.mainsConnected === false) out.push({ code: 'mains_lost', severity: 'warning', message: 'Mains power is lost: the hub runs on its battery.' });
  if (a.batteryLow) out.push({ code: 'battery_low', severity: 'warning', message: `The hub's battery is low${a.batteryPercent !== null ? ` (${a.batteryPercent} %)` : ''}.` });
  for (const z of a.zones) {
    const subject = { kind: 'zone' as const, id: z.id };
    const label = z.name || `Zone ${z.id}`;
    if (z.fault) out.push({ code: 'zone_fault', severity: 'fault', message: `${label}: detector fault.`, subject });
    if (z.tamper) out.push({ code: 'zone_tamper', severity: 'fault', message: `${label}: tamper.`, subject });
    if (z.bypassed) out.push({ code: 'zone_bypassed', severity: 'warning', message: `${label} is bypassed.`, subject });
    if (z.open) out.push({ code: 'zone_open', severity: 'info', message: `${label} is open.`, subject });
  }
  return out;
}

/** A summary's identity for change detection: its state and the reasons' codes and subjects (not the wording). */
export function summaryKey(s: HealthSummary): string {
  return `${s.state}|${s.reasons.map((r) => `${r.code}:${r.subject ? `${r.subject.kind}${r.subject.id}` : ''}`).sort().join(',')}`;
}

/** Worst first: offline (nothing known), fault, warning, unknown, healthy; monitoring off last. */
const RANK: Record<HealthState | 'off', number> = { offline: 0, fault: 1, warning: 2, unknown: 3, healthy: 4, off: 5 };

export interface SiteDeviceHealth {
  deviceId: string;
  name: string;
  /** Null while monitoring is off (no health is shown). */
  state: HealthState | null;
  reasons: HealthReason[];
}

export interface SiteHealthSummary<T extends SiteDeviceHealth = SiteDeviceHealth> {
  /** The site's state: its worst monitored device (unknown when none is monitored). */
  state: HealthState;
  counts: Record<HealthState | 'off', number>;
  /** Worst first, then by name. */
  devices: T[];
}

export function summarizeSite<T extends SiteDeviceHealth>(devices: T[]): SiteHealthSummary<T> {
  const rank = (d: SiteDeviceHealth) => RANK[d.state ?? 'off'];
  const sorted = [...devices].sort((a, b) => rank(a) - rank(b) || b.reasons.filter((r) => r.severity !== 'info').length - a.reasons.filter((r) => r.severity !== 'info').length || a.name.localeCompare(b.name) || a.deviceId.localeCompare(b.deviceId));
  const counts: Record<HealthState | 'off', number> = { healthy: 0, warning: 0, fault: 0, offline: 0, unknown: 0, off: 0 };
  for (const d of devices) counts[d.state ?? 'off'] += 1;
  const worst = sorted.find((d) => d.state !== null);
  return { state: worst?.state ?? 'unknown', counts, devices: sorted };
}

/** One device's state on the company dashboard (null while its monitoring is off); siteId alone for a site without devices. */
export interface CompanyHealthRow {
  siteId: string;
  siteName: string;
  deviceId: string | null;
  state: HealthState | null;
}

export interface CompanySiteHealth {
  siteId: string;
  name: string;
  /** Its worst monitored device (unknown when none is monitored). */
  state: HealthState;
  counts: Record<HealthState | 'off', number>;
  devices: number;
}

export interface CompanyHealthSummary {
  counts: Record<HealthState | 'off', number>;
  /** Sites with faults first: offline, fault, warning, unknown, healthy; then by name. */
  sites: CompanySiteHealth[];
}

const zeroCounts = (): Record<HealthState | 'off', number> => ({ healthy: 0, warning: 0, fault: 0, offline: 0, unknown: 0, off: 0 });

/** Every site the caller sees with its counts by state, worst site first, and the totals. */
export function summarizeCompany(rows: readonly CompanyHealthRow[]): CompanyHealthSummary {
  const sites = new Map<string, CompanySiteHealth>();
  const counts = zeroCounts();
  for (const r of rows) {
    let site = sites.get(r.siteId);
    if (!site) {
      site = { siteId: r.siteId, name: r.siteName, state: 'unknown', counts: zeroCounts(), devices: 0 };
      sites.set(r.siteId, site);
    }
    if (r.deviceId === null) continue;
    site.devices += 1;
    site.counts[r.state ?? 'off'] += 1;
    counts[r.state ?? 'off'] += 1;
  }
  for (const site of sites.values()) {
    const worst = (['offline', 'fault', 'warning', 'unknown', 'healthy'] as const).find((st) => site.counts[st] > 0);
    site.state = worst ?? 'unknown';
  }
  const sorted = [...sites.values()].sort((a, b) => RANK[a.state] - RANK[b.state] || a.name.localeCompare(b.name) || a.siteId.localeCompare(b.siteId));
  return { counts, sites: sorted };
}
