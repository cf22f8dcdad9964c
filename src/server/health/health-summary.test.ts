import { describe, expect, it } from 'vitest';
import { summarize, summarizeCompany, summarizeSite, summaryKey, type CompanyHealthRow, type AlarmSnapshot, type ChannelSnapshot, type DiskSnapshot, type HealthSnapshot, type SiteDeviceHealth } from './health-summary';

const disk = (o: Partial<DiskSnapshot> = {}): DiskSnapshot => ({ id: 1, name: 'HDD 1', status: 'ok', smart: 'ok', capacityMb: 1000, freeMb: 500, ...o });
const channel = (o: Partial<ChannelSnapshot> = {}): ChannelSnapshot => ({ id: 1, name: 'Cam 1', online: true, videoLoss: false, recording: true, ...o });
const alarm = (o: Partial<AlarmSnapshot> = {}): AlarmSnapshot => ({ zones: [], mainsConnected: true, batteryLow: false, batteryPercent: 90, tamper: false, ...o });
const nvr = (o: Partial<HealthSnapshot> = {}): HealthSnapshot => ({ family: 'nvr', storage: { disks: [disk()], overwrite: true }, channels: [channel()], alarm: null, unavailable: [], ...o });
const hub = (a: Partial<AlarmSnapshot>): HealthSnapshot => ({ family: 'axpro', storage: null, channels: null, alarm: alarm(a), unavailable: [] });
const zone = (o: Partial<AlarmSnapshot['zones'][number]>) => ({ id: 3, name: 'Door', open: false, fault: false, tamper: false, bypassed: false, ...o });

describe('summarize', () => {
  const cases: Array<[string, Parameters<typeof summarize>[0], string, string[]]> = [
    ['offline wins over any snapshot', { reachability: 'offline', snapshot: nvr({ storage: { disks: [disk({ status: 'error' })], overwrite: true } }) }, 'offline', ['offline']],
    ['online without a snapshot: unknown', { reachability: 'online', snapshot: null }, 'unknown', ['not_collected']],
    ['never reached: unknown', { reachability: 'unknown', snapshot: null }, 'unknown', ['not_collected']],
    ['site agent offline: unknown, never offline', { reachability: 'unknown', snapshot: nvr(), agentOffline: true }, 'unknown', ['agent_offline']],
    ['credentials refused: fault', { reachability: 'online', snapshot: nvr(), authFailed: true }, 'fault', ['auth_failed']],
    ['all normal: healthy, no reasons', { reachability: 'online', snapshot: nvr() }, 'healthy', []],
    ['HDD status normal (vendor word): healthy', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ status: 'normal' })], overwrite: true } }) }, 'healthy', []],
    ['HDD abnormal: fault', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ status: 'abnormal' })], overwrite: true } }) }, 'fault', ['hdd_abnormal']],
    ['HDD error + S.M.A.R.T. failed: fault, both', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ status: 'error', smart: 'failed' })], overwrite: true } }) }, 'fault', ['hdd_abnormal', 'hdd_smart_failed']],
    ['HDD with an unknown status word: abnormal', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ status: 'weird' })], overwrite: true } }) }, 'fault', ['hdd_abnormal']],
    ['HDD unformatted: fault', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ status: 'unformatted' })], overwrite: true } }) }, 'fault', ['hdd_unformatted']],
    ['HDD sleeping: healthy, with an info reason', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ status: 'sleeping' })], overwrite: true } }) }, 'healthy', ['hdd_sleeping']],
    ['HDD idle is sleeping', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ status: 'idle' })], overwrite: true } }) }, 'healthy', ['hdd_sleeping']],
    ['S.M.A.R.T. warning: warning', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ smart: 'warning' })], overwrite: true } }) }, 'warning', ['hdd_smart_warning']],
    ['full with overwrite on: healthy (info)', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ freeMb: 0 })], overwrite: true } }) }, 'healthy', ['hdd_full_overwriting']],
    ['full with overwrite off: fault', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ freeMb: 0 })], overwrite: false } }) }, 'fault', ['hdd_full']],
    ['status "full" with overwrite unknown: info', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ status: 'full' })], overwrite: null } }) }, 'healthy', ['hdd_full_overwriting']],
    ['below 10 % free with overwrite off: warning', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ freeMb: 50 })], overwrite: false } }) }, 'warning', ['storage_low']],
    ['below 10 % free with overwrite on: healthy', { reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ freeMb: 50 })], overwrite: true } }) }, 'healthy', []],
    ['NVR without disks: warning', { reachability: 'online', snapshot: nvr({ storage: { disks: [], overwrite: true } }) }, 'warning', ['no_disk']],
    ['camera without a card: healthy', { reachability: 'online', snapshot: nvr({ family: 'camera', storage: { disks: [], overwrite: null } }) }, 'healthy', []],
    ['video loss: fault', { reachability: 'online', snapshot: nvr({ channels: [channel({ videoLoss: true, recording: false })] }) }, 'fault', ['video_loss']],
    ['not recording: warning', { reachability: 'online', snapshot: nvr({ channels: [channel({ recording: false })] }) }, 'warning', ['not_recording']],
    ['channel not connected: warning (not video loss)', { reachability: 'online', snapshot: nvr({ channels: [channel({ online: false, videoLoss: true })] }) }, 'warning', ['channel_offline']],
    ['a part the device did not give: info', { reachability: 'online', snapshot: nvr({ channels: null, unavailable: [{ part: 'channels', code: 'DEVICE_UNSUPPORTED' }] }) }, 'healthy', ['part_unavailable']],
    ['hub normal: healthy', { reachability: 'online', snapshot: hub({ zones: [zone({})] }) }, 'healthy', []],
    ['zone open: healthy (info)', { reachability: 'online', snapshot: hub({ zones: [zone({ open: true })] }) }, 'healthy', ['zone_open']],
    ['zone fault: fault', { reachability: 'online', snapshot: hub({ zones: [zone({ fault: true })] }) }, 'fault', ['zone_fault']],
    ['zone tamper: fault', { reachability: 'online', snapshot: hub({ zones: [zone({ tamper: true })] }) }, 'fault', ['zone_tamper']],
    ['zone bypassed: warning', { reachability: 'online', snapshot: hub({ zones: [zone({ bypassed: true })] }) }, 'warning', ['zone_bypassed']],
    ['battery low: warning', { reachability: 'online', snapshot: hub({ batteryLow: true, batteryPercent: 10 }) }, 'warning', ['battery_low']],
    ['mains lost: warning', { reachability: 'online', snapshot: hub({ mainsConnected: false }) }, 'warning', ['mains_lost']],
    ['hub tamper: fault', { reachability: 'online', snapshot: hub({ tamper: true }) }, 'fault', ['tamper']],
    ['mains unknown (null): no reason', { reachability: 'online', snapshot: hub({ mainsConnected: null, batteryLow: null, tamper: null }) }, 'healthy', []],
    ['worst reason decides: warning + fault = fault', { reachability: 'online', snapshot: hub({ mainsConnected: false, zones: [zone({ fault: true })] }) }, 'fault', ['mains_lost', 'zone_fault']],
  ];
  for (const [name, input, state, codes] of cases) {
    it(name, () => {
      const s = summarize(input);
      expect(s.state).toBe(state);
      expect(s.reasons.map((r) => r.code).sort()).toEqual([...codes].sort());
      for (const r of s.reasons) expect(r.message.length).toBeGreaterThan(5);
    });
  }

  it('reasons name the disk, channel or zone they are about', () => {
    const s = summarize({ reachability: 'online', snapshot: nvr({ storage: { disks: [disk({ id: 2, status: 'error' })], overwrite: true }, channels: [channel({ id: 7, videoLoss: true })] }) });
    expect(s.reasons.map((r) => r.subject)).toEqual([{ kind: 'disk', id: 2 }, { kind: 'channel', id: 7 }]);
  });
});

describe('summaryKey', () => {
  it('changes with the state or the reasons, not with wording or order', () => {
    const a = summarize({ reachability: 'online', snapshot: hub({ mainsConnected: false, batteryLow: true, batteryPercent: 10 }) });
    const b = summarize({ reachability: 'online', snapshot: hub({ mainsConnected: false, batteryLow: true, batteryPercent: 9 }) });
    expect(summaryKey(a)).toBe(summaryKey(b)); // only the percentage in the message differs
    expect(summaryKey({ ...a, reasons: [...a.reasons].reverse() })).toBe(summaryKey(a));
    expect(summaryKey(summarize({ reachability: 'online', snapshot: hub({ mainsConnected: false }) }))).not.toBe(summaryKey(a));
    expect(summaryKey(summarize({ reachability: 'offline', snapshot: null }))).not.toBe(summaryKey(a));
  });
});

describe('summarizeSite', () => {
  const dev = (name: string, state: SiteDeviceHealth['state'], faults = 0): SiteDeviceHealth => ({
    deviceId: name, name, state, reasons: Array.from({ length: faults }, () => ({ code: 'zone_fault' as const, severity: 'fault' as const, message: 'Zone fault.' })),
  });

  it('worst first: offline, fault, warning, unknown, healthy, monitoring off; then more problems first; then by name', () => {
    const s = summarizeSite([dev('h', 'healthy'), dev('off', null), dev('w', 'warning'), dev('f1', 'fault', 1), dev('u', 'unknown'), dev('o', 'offline'), dev('f2', 'fault', 2), dev('a', 'fault', 1)]);
    expect(s.devices.map((d) => d.name)).toEqual(['o', 'f2', 'a', 'f1', 'w', 'u', 'h', 'off']);
    expect(s.state).toBe('offline');
    expect(s.counts).toEqual({ healthy: 1, warning: 1, fault: 3, offline: 1, unknown: 1, off: 1 });
  });

  it('a site whose devices are all healthy is healthy; with none monitored, unknown', () => {
    expect(summarizeSite([dev('a', 'healthy'), dev('b', 'healthy')]).state).toBe('healthy');
    expect(summarizeSite([dev('a', null)]).state).toBe('unknown');
    expect(summarizeSite([]).state).toBe('unknown');
  });
});

describe('summarizeCompany', () => {
  const row = (siteId: string, siteName: string, deviceId: string | null, state: CompanyHealthRow['state']): CompanyHealthRow => ({ siteId, siteName, deviceId, state });
  it.each([
    ['no sites', [], [], { healthy: 0, warning: 0, fault: 0, offline: 0, unknown: 0, off: 0 }],
    ['a site without devices is unknown', [row('a', 'Alpha', null, null)], [['Alpha', 'unknown', 0]], { healthy: 0, warning: 0, fault: 0, offline: 0, unknown: 0, off: 0 }],
    [
      'sites with faults first, then by name; off counted apart',
      [row('a', 'Alpha', 'd1', 'healthy'), row('b', 'Bravo', 'd2', 'healthy'), row('b', 'Bravo', 'd3', 'fault'), row('c', 'Charlie', 'd4', 'offline'), row('d', 'Delta', 'd5', null), row('e', 'Echo', 'd6', 'warning')],
      [['Charlie', 'offline', 1], ['Bravo', 'fault', 2], ['Echo', 'warning', 1], ['Delta', 'unknown', 1], ['Alpha', 'healthy', 1]],
      { healthy: 2, warning: 1, fault: 1, offline: 1, unknown: 0, off: 1 },
    ],
  ] as const)('%s', (_name, rows, sites, counts) => {
    const s = summarizeCompany(rows as readonly CompanyHealthRow[]);
    expect(s.sites.map((x) => [x.name, x.state, x.devices])).toEqual(sites);
    expect(s.counts).toEqual(counts);
  });
});
