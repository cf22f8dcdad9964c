import { describe, expect, it } from 'vitest';
import type { HealthSummaryPayload } from '../events/domain-events';
import { linkageRuleGate } from '../health/health-policy';
import { definitionProblems, LINKAGE_TEMPLATES, matchRule, ruleDevices, triggersFromHealthChange, type LinkageRuleDefinition } from './linkage-rules';

const zone = (id: number, code = 'zone_open') => ({ code, severity: 'info' as const, message: `Zone ${id}: ${code}.`, subject: { kind: 'zone' as const, id } });
const summary = (state: HealthSummaryPayload['state'], reasons: HealthSummaryPayload['reasons'] = []): HealthSummaryPayload => ({ state, reasons });

describe('triggersFromHealthChange', () => {
  it('a zone that opens is a zone alarm, once until it closes', () => {
    expect(triggersFromHealthChange(summary('healthy'), summary('healthy', [zone(1)]))).toEqual([{ type: 'zone_alarm', subject: { kind: 'zone', id: 1 }, message: 'Zone 1: zone_open.' }]);
    expect(triggersFromHealthChange(summary('healthy', [zone(1)]), summary('healthy', [zone(1), zone(2)]))).toEqual([expect.objectContaining({ type: 'zone_alarm', subject: { kind: 'zone', id: 2 } })]);
    expect(triggersFromHealthChange(summary('healthy', [zone(1)]), summary('healthy'))).toEqual([]);
  });

  it('maps health reasons to events and a device back to back_online', () => {
    const hdd = { code: 'hdd_abnormal', severity: 'fault' as const, message: 'Disk 1 is abnormal.', subject: { kind: 'disk' as const, id: 1 } };
    const vl = { code: 'video_loss', severity: 'fault' as const, message: 'Channel 2: video loss.', subject: { kind: 'channel' as const, id: 2 } };
    expect(triggersFromHealthChange(null, summary('fault', [hdd, vl, { code: 'zone_bypassed', severity: 'warning', message: 'x' }])).map((t) => t.type)).toEqual(['hdd_error', 'video_loss']);
    expect(triggersFromHealthChange(summary('healthy'), summary('offline', [{ code: 'offline', severity: 'fault', message: 'gone' }])).map((t) => t.type)).toEqual(['offline']);
    expect(triggersFromHealthChange(summary('offline', [{ code: 'offline', severity: 'fault', message: 'gone' }]), summary('healthy')).map((t) => t.type)).toEqual(['back_online']);
  });
});

describe('matchRule', () => {
  const rule = { enabled: true, eventType: 'zone_alarm' as const, sourceDeviceId: 'hub', sourceChannel: null, sourceZone: 1 };
  const triggers = triggersFromHealthChange(summary('healthy'), summary('healthy', [zone(0), zone(1)]));

  it('matches the source, the event type and the zone', () => {
    expect(matchRule(rule, 'hub', triggers)?.subject).toEqual({ kind: 'zone', id: 1 });
    expect(matchRule({ ...rule, sourceZone: null }, 'hub', triggers)?.subject).toEqual({ kind: 'zone', id: 0 });
  });

  it('does not match another device, zone, type, or a disabled rule', () => {
    expect(matchRule(rule, 'other', triggers)).toBeUndefined();
    expect(matchRule({ ...rule, sourceZone: 3 }, 'hub', triggers)).toBeUndefined();
    expect(matchRule({ ...rule, eventType: 'zone_fault' }, 'hub', triggers)).toBeUndefined();
    expect(matchRule({ ...rule, enabled: false }, 'hub', triggers)).toBeUndefined();
    expect(matchRule({ ...rule, sourceZone: null, sourceChannel: 1 }, 'hub', triggers)).toBeUndefined();
  });
});

describe('definitionProblems', () => {
  const devices = new Map([['hub', { id: 'hub', type: 'axpro' }], ['cam', { id: 'cam', type: 'camera' }], ['nvr', { id: 'nvr', type: 'nvr' }]]);
  const def: LinkageRuleDefinition = {
    name: 'r', template: 'zone_alarm_record', eventType: 'zone_alarm', sourceDeviceId: 'hub', sourceChannel: null, sourceZone: 1, conditions: {}, enabled: true,
    actions: [{ kind: 'notify', recipients: { siteInstallers: true, installerAdmins: false } }, { kind: 'device', deviceId: 'cam', operation: 'start_recording', channel: 1 }],
  };

  it('accepts every template filled in', () => {
    expect(definitionProblems(def, devices)).toEqual([]);
    expect(definitionProblems({ ...def, template: 'zone_alarm_output', actions: [def.actions[0]!, { kind: 'device', deviceId: 'nvr', operation: 'trigger_output', output: 2 }] }, devices)).toEqual([]);
    for (const t of LINKAGE_TEMPLATES.filter((x) => x.actions.length === 1)) {
      expect(definitionProblems({ ...def, template: t.id, eventType: t.eventType, sourceDeviceId: 'nvr', sourceZone: null, actions: [def.actions[0]!] }, devices)).toEqual([]);
    }
  });

  it('refuses what does not hold together', () => {
    const problems = (d: Partial<LinkageRuleDefinition>) => definitionProblems({ ...def, ...d }, devices).join(' | ');
    expect(problems({ sourceDeviceId: 'cam' })).toMatch(/AX Pro alarm hub/);
    expect(problems({ actions: [def.actions[0]!] })).toMatch(/needs a start recording action/);
    expect(problems({ actions: [{ kind: 'device', deviceId: 'hub', operation: 'start_recording', channel: 1 }] })).toMatch(/not on the source device/);
    expect(problems({ actions: [{ kind: 'device', deviceId: 'cam', operation: 'start_recording' }] })).toMatch(/needs the channel/);
    expect(problems({ template: null, actions: [{ kind: 'device', deviceId: 'cam', operation: 'trigger_output' }] })).toMatch(/needs the alarm output/);
    expect(problems({ template: 'video_loss_notify' })).toMatch(/is for video_loss events/);
    expect(problems({ template: null, eventType: 'video_loss' })).toMatch(/not of an alarm hub/);
  });
});

describe('linkageRuleGate (validity, derived)', () => {
  const dev = (o: Partial<{ siteId: string; healthMonitoring: boolean }> = {}) => ({ siteId: 's1', name: 'Cam', healthMonitoring: true, firmwareVerdict: null, ...o });
  const parts = ruleDevices({ sourceDeviceId: 'hub', actions: [{ kind: 'device', deviceId: 'cam', operation: 'start_recording', channel: 1 }] });

  it('valid when every device is present, on the site, monitored', () => {
    expect(linkageRuleGate('s1', parts.map((x) => ({ ...x, device: dev() })))).toEqual({ valid: true, reasons: [] });
  });

  it('gives each reason: deleted, another site, monitoring off, firmware incompatible', () => {
    const incompatible = { compatible: false, catalogueVersion: 'x', upgradeTo: 'V5.7.0', features: [{ feature: 'linkage_rules', compatible: false, minimum: 'V5.6.0' }] };
    const v = linkageRuleGate('s1', [
      { role: 'source', deviceId: 'hub', device: undefined },
      { role: 'target', deviceId: 'cam', device: dev({ siteId: 's2' }) },
      { role: 'target', deviceId: 'cam2', device: dev({ healthMonitoring: false }) },
      { role: 'target', deviceId: 'cam3', device: { ...dev(), firmwareVerdict: incompatible as never } },
    ]);
    expect(v.valid).toBe(false);
    expect(v.reasons.map((r) => [r.code, r.role, r.deviceId])).toEqual([['device_missing', 'source', 'hub'], ['device_on_other_site', 'target', 'cam'], ['health_monitoring_off', 'target', 'cam2'], ['firmware_incompatible', 'target', 'cam3']]);
    expect(v.reasons[2]!.message).toMatch(/linkage rules are invalid/);
    expect(v.reasons[3]!.upgradeTo).toBe('V5.7.0');
  });
});
