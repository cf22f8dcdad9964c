import { describe, expect, it } from 'vitest';
import { BUILT_IN_DEFAULT, exceptionsFromHealthChange, inSchedule, recipientsOf, rulesForSite, stormDecision, stormRecovered, type ExceptionRule } from './exception-rules';
import type { HealthSummaryPayload } from '../events/domain-events';

const healthy: HealthSummaryPayload = { state: 'healthy', reasons: [] };
const offline: HealthSummaryPayload = { state: 'offline', reasons: [{ code: 'offline', severity: 'fault', message: 'The device does not answer.' }] };
const hdd = (id: number): HealthSummaryPayload['reasons'][number] => ({ code: 'hdd_abnormal', severity: 'fault', message: `HDD ${id} is abnormal.`, subject: { kind: 'disk', id } });

describe('exceptions from a health change', () => {
  it.each([
    ['a new HDD fault', healthy, { state: 'fault', reasons: [hdd(1)] }, ['hdd_error']],
    ['the same fault again: nothing', { state: 'fault', reasons: [hdd(1)] }, { state: 'fault', reasons: [hdd(1)] }, []],
    ['a second disk: raised for it', { state: 'fault', reasons: [hdd(1)] }, { state: 'fault', reasons: [hdd(1), hdd(2)] }, ['hdd_error']],
    ['offline', healthy, offline, ['offline']],
    ['back online', offline, healthy, ['back_online']],
    ['offline to unknown: not back', offline, { state: 'unknown', reasons: [{ code: 'agent_offline', severity: 'warning', message: '' }] }, []],
    ['info reasons are no exception', healthy, { state: 'healthy', reasons: [{ code: 'zone_open', severity: 'info', message: '' }] }, []],
    ['AX Pro', healthy, { state: 'fault', reasons: [{ code: 'mains_lost', severity: 'warning', message: '' }, { code: 'battery_low', severity: 'warning', message: '' }, { code: 'zone_fault', severity: 'fault', message: '', subject: { kind: 'zone', id: 1 } }, { code: 'zone_tamper', severity: 'fault', message: '', subject: { kind: 'zone', id: 1 } }] }, ['mains_lost', 'low_battery', 'zone_fault', 'tamper']],
    ['first summary (old null)', null, { state: 'warning', reasons: [{ code: 'not_recording', severity: 'warning', message: '', subject: { kind: 'channel', id: 2 } }] }, ['recording_stopped']],
  ] as Array<[string, HealthSummaryPayload | null, HealthSummaryPayload, string[]]>)('%s', (_n, old, next, types) => {
    expect(exceptionsFromHealthChange(old, next).map((x) => x.type)).toEqual(types);
  });
});

const rule = (r: Partial<ExceptionRule>): ExceptionRule => ({ id: 'r', siteId: null, types: ['hdd_error'], recipients: { siteInstallers: true, installerAdmins: false }, schedule: null, enabled: true, ...r });

describe('rules and recipients', () => {
  it("a site's rules replace the company default; no rule at all: the built-in default", () => {
    const def = rule({ id: 'default' });
    const own = rule({ id: 'own', siteId: 's1' });
    expect(rulesForSite([def, own], 's1').map((r) => r.id)).toEqual(['own']);
    expect(rulesForSite([def, own], 's2').map((r) => r.id)).toEqual(['default']);
    expect(rulesForSite([], 's1')).toEqual([BUILT_IN_DEFAULT]);
    expect(rulesForSite([rule({ siteId: 's1', enabled: false })], 's1')).toEqual([]);
  });

  it('recipients: the union of matching rules, by type', () => {
    const people = { installerAdmins: ['a'], siteInstallers: ['i1', 'i2'] };
    const rules = [rule({ types: ['hdd_error'] }), rule({ types: ['hdd_error', 'offline'], recipients: { siteInstallers: false, installerAdmins: true } })];
    expect(recipientsOf(rules, 'hdd_error', new Date(), 'UTC', people)).toEqual(['a', 'i1', 'i2']);
    expect(recipientsOf(rules, 'offline', new Date(), 'UTC', people)).toEqual(['a']);
    expect(recipientsOf(rules, 'tamper', new Date(), 'UTC', people)).toEqual([]);
  });

  it("a schedule is read in the site's time zone (business hours)", () => {
    const business = { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' };
    // Friday 2026-12-04 16:30 UTC = 17:30 in Paris (in hours), 11:30 in New York (in hours), 01:30 Saturday in Tokyo (out).
    const at = new Date('2026-12-04T16:30:00Z');
    expect(inSchedule(business, at, 'Europe/Paris')).toBe(true);
    expect(inSchedule(business, at, 'Asia/Tokyo')).toBe(false);
    expect(inSchedule({ ...business, timeZone: 'America/New_York' }, at, 'Asia/Tokyo')).toBe(true);
    expect(inSchedule(business, new Date('2026-12-04T17:30:00Z'), 'Europe/Paris')).toBe(false);
    // Overnight window starting Friday 22:00 covers Saturday 03:00.
    expect(inSchedule({ days: [5], from: '22:00', to: '06:00' }, new Date('2026-12-05T03:00:00Z'), 'UTC')).toBe(true);
    expect(inSchedule(null, at, 'UTC')).toBe(true);
  });
});

describe('storm control', () => {
  it.each([
    [{ stormOpen: true, heldOffline: 1, minDevices: 5 }, 'absorb'],
    [{ stormOpen: false, heldOffline: 48, minDevices: 5 }, 'group'],
    [{ stormOpen: false, heldOffline: 5, minDevices: 5 }, 'group'],
    [{ stormOpen: false, heldOffline: 4, minDevices: 5 }, 'individual'],
  ] as const)('%o → %s', (s, want) => expect(stormDecision(s)).toBe(want));

  it('recovers once nothing is offline', () => {
    expect(stormRecovered({ stormOpen: true, offlineNow: 0 })).toBe(true);
    expect(stormRecovered({ stormOpen: true, offlineNow: 1 })).toBe(false);
    expect(stormRecovered({ stormOpen: false, offlineNow: 0 })).toBe(false);
  });
});
