/**
 * Exceptions (issue 15): which exceptions a device's health change raises, which rules apply to a
 * site, who receives an exception and when, and what storm control does with offline exceptions.
 * Pure: summaries, rules and clocks in; decisions out (table-tested in exception-rules.test.ts).
 */
import type { HealthSummaryPayload } from '../events/domain-events';

export const EXCEPTION_TYPES = [
  'offline', 'back_online', 'hdd_error', 'hdd_full', 'hdd_unformatted', 'hdd_smart_warning', 'video_loss',
  'recording_stopped', 'tamper', 'zone_fault', 'low_battery', 'mains_lost', 'firmware_upgrade_failed',
] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

/** Health reason codes (src/server/health/health-summary.ts) that are exceptions, and which. */
const BY_REASON: Record<string, ExceptionType> = {
  offline: 'offline',
  hdd_abnormal: 'hdd_error',
  hdd_smart_failed: 'hdd_error',
  no_disk: 'hdd_error',
  hdd_full: 'hdd_full',
  hdd_unformatted: 'hdd_unformatted',
  hdd_smart_warning: 'hdd_smart_warning',
  video_loss: 'video_loss',
  not_recording: 'recording_stopped',
  tamper: 'tamper',
  zone_tamper: 'tamper',
  zone_fault: 'zone_fault',
  battery_low: 'low_battery',
  mains_lost: 'mains_lost',
};

export interface RaisedException {
  type: ExceptionType;
  /** What in the device ('disk:1', 'channel:3', 'zone:2'; '' for the device itself). */
  subject: string;
  severity: 'info' | 'warning' | 'fault';
  message: string;
}

type Reason = HealthSummaryPayload['reasons'][number];
const subjectOf = (r: Reason): string => (r.subject ? `${r.subject.kind}:${r.subject.id}` : '');

/**
 * The exceptions a change of summary raises: each exception reason that is new (by type and
 * subject), and "back online" when a device that was offline answers again. A reason that stays is
 * not raised again; one that clears raises nothing (only the device coming back does).
 */
export function exceptionsFromHealthChange(old: HealthSummaryPayload | null, next: HealthSummaryPayload): RaisedException[] {
  const before = new Set((old?.reasons ?? []).flatMap((r) => (BY_REASON[r.code] ? [`${BY_REASON[r.code]}/${subjectOf(r)}`] : [])));
  const out: RaisedException[] = [];
  const seen = new Set<string>();
  for (const r of next.reasons) {
    const type = BY_REASON[r.code];
    if (!type) continue;
    const key = `${type}/${subjectOf(r)}`;
    if (before.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push({ type, subject: subjectOf(r), severity: r.severity, message: r.message });
  }
  if (old?.state === 'offline' && next.state !== 'offline' && next.state !== 'unknown') {
    out.unshift({ type: 'back_online', subject: '', severity: 'info', message: 'The device answers again.' });
  }
  return out;
}

export interface Schedule {
  /** Days of the week, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** 'HH:MM' local time; `to` before `from` spans midnight. */
  from: string;
  to: string;
  /** Default: the site's time zone. */
  timeZone?: string | undefined;
}

export interface Recipients {
  /** Installers who manage the site (manage-all, and manage-assigned assigned to it). */
  siteInstallers: boolean;
  installerAdmins: boolean;
}

export interface ExceptionRule {
  id: string;
  siteId: string | null;
  types: string[];
  recipients: Recipients;
  schedule: Schedule | null;
  enabled: boolean;
}

/** Used when a company has no rule at all: everything, to everybody who manages the site, always. */
export const BUILT_IN_DEFAULT: ExceptionRule = { id: 'built-in', siteId: null, types: [...EXCEPTION_TYPES], recipients: { siteInstallers: true, installerAdmins: true }, schedule: null, enabled: true };

/**
 * The rules for a site: its own enabled rules when it has any, else the company default rules
 * (site null), else the built-in default. A site's rules replace the default, they do not add to it.
 */
export function rulesForSite(rules: readonly ExceptionRule[], siteId: string): ExceptionRule[] {
  const own = rules.filter((r) => r.siteId === siteId);
  if (own.length > 0) return own.filter((r) => r.enabled);
  const defaults = rules.filter((r) => r.siteId === null);
  if (defaults.length > 0) return defaults.filter((r) => r.enabled);
  return [BUILT_IN_DEFAULT];
}

/** Minutes since local midnight and the local day of week of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { day: number; minutes: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  } catch {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Whether `at` falls in the schedule (null: always). A window spanning midnight belongs to the day it starts. */
export function inSchedule(schedule: Schedule | null, at: Date, siteTimeZone: string): boolean {
  if (!schedule) return true;
  const { day, minutes } = localTime(at, schedule.timeZone ?? siteTimeZone);
  const from = minutesOf(schedule.from);
  const to = minutesOf(schedule.to);
  if (from <= to) return schedule.days.includes(day) && minutes >= from && minutes < to;
  return (schedule.days.includes(day) && minutes >= from) || (schedule.days.includes((day + 6) % 7) && minutes < to);
}

/** Who receives an exception of `type` at `at`: the union over the site's rules that match it. */
export function recipientsOf(
  rules: readonly ExceptionRule[],
  type: string,
  at: Date,
  siteTimeZone: string,
  people: { installerAdmins: readonly string[]; siteInstallers: readonly string[] },
): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    if (!r.enabled || !r.types.includes(type) || !inSchedule(r.schedule, at, siteTimeZone)) continue;
    if (r.recipients.installerAdmins) people.installerAdmins.forEach((u) => out.add(u));
    if (r.recipients.siteInstallers) people.siteInstallers.forEach((u) => out.add(u));
  }
  return [...out].sort();
}

/**
 * Storm control for a site's offline exceptions whose hold window has ended. Offline exceptions are
 * held for the window (a device back within it is damped: neither is sent); then
 * - a storm is open for the site: absorbed (its one grouped alert was sent);
 * - at least `minDevices` are held together: one grouped alert per recipient, the storm opens;
 * - otherwise: each is delivered on its own.
 */
export function stormDecision(s: { stormOpen: boolean; heldOffline: number; minDevices: number }): 'absorb' | 'group' | 'individual' {
  if (s.stormOpen) return 'absorb';
  return s.heldOffline >= s.minDevices ? 'group' : 'individual';
}

/** An open storm ends (one recovery notice per recipient) when no device of the site is offline any more. */
export function stormRecovered(s: { stormOpen: boolean; offlineNow: number }): boolean {
  return s.stormOpen && s.offlineNow === 0;
}
