/**
 * Linkage rules (issue 15): what a rule listens to, what it does, its templates, which events a
 * device's health change is (the AX Pro zone alarm among them), whether a rule matches one, and
 * whether a rule's definition holds together. Pure: rules, summaries and devices in; decisions out
 * (table-tested in linkage-rules.test.ts). Validity (devices present, on the site, monitoring on,
 * firmware compatible) is the health policy's: `linkageRuleGate` in ../health/health-policy.ts.
 */
import type { HealthSummaryPayload } from '../events/domain-events';
import { inSchedule, type Recipients, type Schedule } from '../exceptions/exception-rules';

/** The events a rule can listen to. `zone_alarm`: an AX Pro zone triggered (open). */
export const LINKAGE_EVENT_TYPES = [
  'offline', 'back_online', 'hdd_error', 'hdd_full', 'video_loss', 'recording_stopped', 'tamper',
  'zone_alarm', 'zone_fault', 'low_battery', 'mains_lost',
] as const;
export type LinkageEventType = (typeof LINKAGE_EVENT_TYPES)[number];

/** The device actions a rule may run on another device of its site: this fixed list, nothing else. */
export const DEVICE_OPERATIONS = ['start_recording', 'stop_recording', 'trigger_output', 'clear_output'] as const;
export type DeviceOperation = (typeof DEVICE_OPERATIONS)[number];

export type LinkageAction =
  | { kind: 'notify'; recipients: Recipients }
  | { kind: 'webhook'; endpointIds: string[] }
  | { kind: 'device'; deviceId: string; operation: DeviceOperation; channel?: number | undefined; output?: number | undefined };

export interface LinkageConditions {
  /** Fires only within this schedule (null or absent: always). */
  schedule?: Schedule | null | undefined;
}

export interface LinkageRuleDefinition {
  name: string;
  template: string | null;
  eventType: LinkageEventType;
  sourceDeviceId: string;
  sourceChannel: number | null;
  sourceZone: number | null;
  conditions: LinkageConditions;
  actions: LinkageAction[];
  enabled: boolean;
}

export interface LinkageRule extends LinkageRuleDefinition {
  id: string;
  companyId: string;
  siteId: string;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One event a health change is for linkage rules. */
export interface LinkageTrigger {
  type: LinkageEventType;
  subject: { kind: 'disk' | 'channel' | 'zone'; id: number } | null;
  message: string;
}

/** Health reason codes (src/server/health/health-summary.ts) that are linkage events, and which. */
const BY_REASON: Record<string, LinkageEventType> = {
  offline: 'offline',
  hdd_abnormal: 'hdd_error',
  hdd_smart_failed: 'hdd_error',
  no_disk: 'hdd_error',
  hdd_unformatted: 'hdd_error',
  hdd_full: 'hdd_full',
  video_loss: 'video_loss',
  not_recording: 'recording_stopped',
  tamper: 'tamper',
  zone_tamper: 'tamper',
  zone_open: 'zone_alarm',
  zone_fault: 'zone_fault',
  battery_low: 'low_battery',
  mains_lost: 'mains_lost',
};

const keyOf = (type: string, s: LinkageTrigger['subject']): string => `${type}/${s ? `${s.kind}:${s.id}` : ''}`;

/**
 * The events a change of health summary is: each reason that is new (by event type and subject;
 * a zone that opens is a zone alarm), and "back online" when an offline device answers again. A
 * reason that stays is not an event again (an open zone alarms once until it closes).
 */
export function triggersFromHealthChange(old: HealthSummaryPayload | null, next: HealthSummaryPayload): LinkageTrigger[] {
  const before = new Set((old?.reasons ?? []).flatMap((r) => (BY_REASON[r.code] ? [keyOf(BY_REASON[r.code]!, r.subject ?? null)] : [])));
  const out: LinkageTrigger[] = [];
  const seen = new Set<string>();
  for (const r of next.reasons) {
    const type = BY_REASON[r.code];
    if (!type) continue;
    const subject = r.subject ?? null;
    const key = keyOf(type, subject);
    if (before.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push({ type, subject, message: r.message });
  }
  if (old?.state === 'offline' && next.state !== 'offline' && next.state !== 'unknown') out.unshift({ type: 'back_online', subject: null, message: 'The device answers again.' });
  return out;
}

/** The first of an event's triggers the rule listens to (enabled, same source, type, channel or zone), if any. */
export function matchRule(rule: Pick<LinkageRule, 'enabled' | 'eventType' | 'sourceDeviceId' | 'sourceChannel' | 'sourceZone'>, deviceId: string, triggers: readonly LinkageTrigger[]): LinkageTrigger | undefined {
  if (!rule.enabled || rule.sourceDeviceId !== deviceId) return undefined;
  return triggers.find((t) => {
    if (t.type !== rule.eventType) return false;
    if (rule.sourceChannel !== null && !(t.subject?.kind === 'channel' && t.subject.id === rule.sourceChannel)) return false;
    if (rule.sourceZone !== null && !(t.subject?.kind === 'zone' && t.subject.id === rule.sourceZone)) return false;
    return true;
  });
}

/** Whether the rule's conditions hold at `at` (its schedule, in the site's time zone unless it names one). */
export function conditionsHold(c: LinkageConditions, at: Date, siteTimeZone: string): boolean {
  return inSchedule(c.schedule ?? null, at, siteTimeZone);
}

export const subjectText = (s: LinkageTrigger['subject']): string => (s ? `${s.kind}:${s.id}` : '');

// ---- templates -------------------------------------------------------------------------------------

export interface LinkageTemplate {
  id: string;
  name: string;
  description: string;
  eventType: LinkageEventType;
  /** The device types the source may be. */
  sourceTypes: string[];
  /** The actions a rule made from it has (device actions: the installer picks the device and channel or output). */
  actions: Array<{ kind: 'notify' } | { kind: 'device'; operation: DeviceOperation }>;
}

export const LINKAGE_TEMPLATES: readonly LinkageTemplate[] = [
  { id: 'device_offline_notify', name: 'Device offline → notify', description: 'Tell the site\'s installers when the device stops answering.', eventType: 'offline', sourceTypes: ['camera', 'nvr', 'axpro', 'unknown'], actions: [{ kind: 'notify' }] },
  { id: 'hdd_error_notify', name: 'HDD error → notify', description: 'Tell the site\'s installers when a disk of the recorder fails.', eventType: 'hdd_error', sourceTypes: ['nvr', 'camera'], actions: [{ kind: 'notify' }] },
  { id: 'video_loss_notify', name: 'Video loss → notify', description: 'Tell the site\'s installers when a channel loses its video.', eventType: 'video_loss', sourceTypes: ['nvr', 'camera'], actions: [{ kind: 'notify' }] },
  { id: 'zone_alarm_record', name: 'AX Pro zone alarm → notify and record', description: 'When a zone of the alarm hub triggers: tell the installers and start recording on a camera of the site.', eventType: 'zone_alarm', sourceTypes: ['axpro'], actions: [{ kind: 'notify' }, { kind: 'device', operation: 'start_recording' }] },
  { id: 'zone_alarm_output', name: 'AX Pro zone alarm → notify and alarm output', description: 'When a zone of the alarm hub triggers: tell the installers and trigger an alarm output of a camera or recorder of the site.', eventType: 'zone_alarm', sourceTypes: ['axpro'], actions: [{ kind: 'notify' }, { kind: 'device', operation: 'trigger_output' }] },
];

// ---- definition checks -------------------------------------------------------------------------------

/** Events of the alarm hub only, and events of video devices only. */
const HUB_EVENTS = new Set<LinkageEventType>(['zone_alarm', 'zone_fault', 'low_battery', 'mains_lost']);
const VIDEO_EVENTS = new Set<LinkageEventType>(['hdd_error', 'hdd_full', 'video_loss', 'recording_stopped']);
/** Device types that take the device actions (an AX Pro has no manual recording or IO outputs). */
export const ACTION_TARGET_TYPES = ['camera', 'nvr'];

export interface DefinitionDevice {
  id: string;
  type: string;
}

/**
 * What is wrong with a rule's definition (empty: nothing): the source fits the event, a channel or
 * zone only where the device has them, the template's event and actions, and each device action on
 * another device that takes it, with its channel or output. Site membership and monitoring are the
 * gate's (linkageRuleGate), checked by the caller.
 */
export function definitionProblems(def: LinkageRuleDefinition, devices: ReadonlyMap<string, DefinitionDevice>): string[] {
  const out: string[] = [];
  const source = devices.get(def.sourceDeviceId);
  if (source) {
    if (HUB_EVENTS.has(def.eventType) && source.type !== 'axpro') out.push(`${def.eventType} is an event of an AX Pro alarm hub; the source device is a ${source.type}.`);
    if (VIDEO_EVENTS.has(def.eventType) && source.type === 'axpro') out.push(`${def.eventType} is an event of cameras and recorders, not of an alarm hub.`);
    if (def.sourceZone !== null && source.type !== 'axpro') out.push('Only an AX Pro alarm hub has zones.');
    if (def.sourceChannel !== null && source.type === 'axpro') out.push('An alarm hub has zones, not channels.');
  }
  if (def.sourceChannel !== null && def.sourceZone !== null) out.push('A rule listens to one channel or one zone, not both.');
  if (def.actions.length === 0) out.push('A rule needs at least one action.');
  if (def.template !== null) {
    const t = LINKAGE_TEMPLATES.find((x) => x.id === def.template);
    if (t) {
      if (t.eventType !== def.eventType) out.push(`The template "${t.name}" is for ${t.eventType} events.`);
      if (source && !t.sourceTypes.includes(source.type)) out.push(`The template "${t.name}" needs a source of type ${t.sourceTypes.join(' or ')}.`);
      for (const a of t.actions) {
        const has = a.kind === 'device' ? def.actions.some((x) => x.kind === 'device' && x.operation === a.operation) : def.actions.some((x) => x.kind === a.kind);
        if (!has) out.push(`The template "${t.name}" needs a ${a.kind === 'device' ? a.operation.replace('_', ' ') : a.kind} action.`);
      }
    }
  }
  for (const a of def.actions) {
    if (a.kind === 'notify' && !a.recipients.installerAdmins && !a.recipients.siteInstallers) out.push('A notify action needs at least one kind of recipient.');
    if (a.kind === 'webhook' && a.endpointIds.length === 0) out.push('A webhook action needs at least one webhook endpoint.');
    if (a.kind !== 'device') continue;
    if (a.deviceId === def.sourceDeviceId) out.push('A device action acts on another device of the site, not on the source device.');
    const target = devices.get(a.deviceId);
    if (target && !ACTION_TARGET_TYPES.includes(target.type)) out.push(`${a.operation.replace('_', ' ')} needs a camera or recorder; the device is a ${target.type}.`);
    const recording = a.operation === 'start_recording' || a.operation === 'stop_recording';
    if (recording && a.channel === undefined) out.push(`${a.operation.replace('_', ' ')} needs the channel to record.`);
    if (!recording && a.output === undefined) out.push(`${a.operation.replace('_', ' ')} needs the alarm output.`);
  }
  return out;
}

/** The devices a rule names: its source, then each device an action acts on. */
export function ruleDevices(def: Pick<LinkageRuleDefinition, 'sourceDeviceId' | 'actions'>): Array<{ role: 'source' | 'target'; deviceId: string }> {
  return [{ role: 'source', deviceId: def.sourceDeviceId }, ...def.actions.flatMap((a) => (a.kind === 'device' ? [{ role: 'target' as const, deviceId: a.deviceId }] : []))];
}
