/** The decision tree of adding one device, branch by branch: no database, no sockets. */
import { describe, expect, it } from 'vitest';
import { alreadyAddedOutcome, nextStep, pendingOutcome, type Decisions, type Done, type Step } from './next-step';
import type { Probe } from './probe';

function probe(p: Partial<Probe>): Probe {
  return {
    serial: 'DS-2CD2143G2-I20240101AAWRJ12345678', model: 'DS-2CD2143G2-I', deviceType: 'IPCamera', family: 'camera',
    firmware: { version: 'V5.7.3', compatible: true, minimum: 'V5.5.0' }, reachableVia: 'cloud', host: null, port: null, online: true,
    activated: true, cloudEnabled: true, cloudRegistered: true, alreadyAdded: null, nextAction: 'add', error: null, ...p,
  };
}

const err = (code: string) => ({ code, message: `${code} message`, hint: 'hint' });
const lan = (p: Partial<Probe> = {}) => probe({ reachableVia: 'lan', host: '192.168.1.64', port: 80, cloudRegistered: false, ...p });
const direct = (p: Partial<Probe> = {}) => probe({ reachableVia: 'direct', host: '10.0.0.5', port: 80, ...p });
const admin = (password: string) => ({ user: 'admin', password });

/** What a step is, in one comparable shape: the action, or the end state with its error code. */
function summary(s: Step): unknown {
  if (s.do !== 'end') return s;
  return { end: s.outcome.state, step: s.outcome.step, code: s.outcome.error?.code };
}

const table: Array<[string, Probe, Decisions, Done, unknown]> = [
  // Already somewhere.
  ['on this site already', probe({ alreadyAdded: 'this_site' }), {}, {}, { do: 'already_added', where: 'this_site' }],
  ['on another site of the company', direct({ alreadyAdded: 'other_site' }), {}, {}, { do: 'already_added', where: 'other_site' }],
  ['bound to another company', lan({ alreadyAdded: 'elsewhere' }), {}, {}, { do: 'already_added', where: 'elsewhere' }],
  // Offline.
  ['found nowhere', probe({ reachableVia: null, online: false }), {}, {}, { do: 'wait_online' }],
  ['registered but offline', probe({ online: false }), { verificationCode: 'ABCDEF' }, {}, { do: 'wait_online' }],
  // Added by address and not answering as a device: fails at once, never pending (no retries for a day).
  ['direct, unreachable', direct({ online: false, nextAction: 'none', error: err('DEVICE_UNREACHABLE') }), {}, {}, { end: 'failed', step: 'probing', code: 'DEVICE_UNREACHABLE' }],
  ['direct, stored offline probe (before DEVICE_UNREACHABLE)', direct({ online: false, error: err('DEVICE_OFFLINE') }), {}, {}, { end: 'failed', step: 'probing', code: 'DEVICE_OFFLINE' }],
  ['direct, offline without an error', direct({ online: false, nextAction: 'none' }), {}, {}, { end: 'failed', step: 'probing', code: 'DEVICE_UNREACHABLE' }],
  ['direct, no credentials in the code', direct({ online: false, nextAction: 'enter_password' }), {}, {}, { end: 'needs_action', step: 'probing', code: 'DEVICE_PASSWORD_REQUIRED' }],
  ['direct, invalid address', direct({ online: false, nextAction: 'none', error: err('DEVICE_HOST_INVALID') }), {}, {}, { end: 'failed', step: 'probing', code: 'DEVICE_HOST_INVALID' }],
  // Direct (host and port).
  ['direct, wrong password', direct({ nextAction: 'enter_password', error: err('DEVICE_AUTH_FAILED') }), {}, {}, { end: 'failed', step: 'probing', code: 'DEVICE_AUTH_FAILED' }],
  ['direct, asks for a password', direct({ nextAction: 'enter_password' }), {}, {}, { end: 'needs_action', step: 'probing', code: 'DEVICE_PASSWORD_REQUIRED' }],
  ['direct, not activated', direct({ nextAction: 'activate', activated: false }), { adminPassword: 'Install3r-Pass' }, {}, { end: 'failed', step: 'probing', code: 'DEVICE_NOT_ACTIVATED' }],
  ['direct, ready', direct(), {}, {}, { do: 'add_direct' }],
  // LAN, factory new.
  ['LAN, not activated, no admin password', lan({ activated: false, cloudEnabled: false }), { verificationCode: 'ABCDEF' }, {}, { end: 'needs_action', step: 'probing', code: 'ADMIN_PASSWORD_REQUIRED' }],
  ['LAN, not activated', lan({ activated: false, cloudEnabled: false }), { adminPassword: 'Install3r-Pass' }, {}, { do: 'activate', adminPassword: 'Install3r-Pass' }],
  ['activated by us, cloud off: enabled with the new admin password', lan({ cloudEnabled: false }), { verificationCode: 'NEWCODE1', adminPassword: 'Install3r-Pass', devicePassword: 'Other-pass1' }, { activated: true }, { do: 'enable_cloud', code: 'NEWCODE1', creds: admin('Install3r-Pass') }],
  ['activated by us, cloud on: look for its registration', lan(), { adminPassword: 'Install3r-Pass' }, { activated: true }, { do: 'check_cloud' }],
  // LAN, cloud service off.
  ['cloud off, no code', lan({ cloudEnabled: false }), { devicePassword: 'Device-pass1' }, {}, { end: 'needs_action', step: 'probing', code: 'VERIFICATION_CODE_REQUIRED' }],
  ['cloud off, code breaks the rules', lan({ cloudEnabled: false }), { verificationCode: 'ab', devicePassword: 'Device-pass1' }, {}, { end: 'failed', step: 'probing', code: 'VERIFICATION_CODE_RULES' }],
  ['cloud off, no password', lan({ cloudEnabled: false }), { verificationCode: 'CLOUD123' }, {}, { end: 'needs_action', step: 'probing', code: 'DEVICE_PASSWORD_REQUIRED' }],
  ['cloud off, device password', lan({ cloudEnabled: false }), { verificationCode: 'CLOUD123', devicePassword: 'Device-pass1' }, {}, { do: 'enable_cloud', code: 'CLOUD123', creds: admin('Device-pass1') }],
  ['cloud off, only an admin password', lan({ cloudEnabled: false }), { verificationCode: 'CLOUD123', adminPassword: 'Admin-pass1' }, {}, { do: 'enable_cloud', code: 'CLOUD123', creds: admin('Admin-pass1') }],
  ['cloud off, both passwords: the device password wins', lan({ cloudEnabled: false }), { verificationCode: 'CLOUD123', adminPassword: 'Admin-pass1', devicePassword: 'Device-pass1' }, {}, { do: 'enable_cloud', code: 'CLOUD123', creds: admin('Device-pass1') }],
  // LAN, cloud service on.
  ['cloud on, not looked yet', lan(), {}, {}, { do: 'check_cloud' }],
  ['cloud on but not connected, password known: a LAN device', lan(), { devicePassword: 'Device-pass1' }, { cloudChecked: true }, { do: 'add_lan', creds: admin('Device-pass1') }],
  ['cloud on but not connected, no password', lan(), { verificationCode: 'ABCDEF' }, { cloudChecked: true }, { end: 'needs_action', step: 'probing', code: 'DEVICE_PASSWORD_REQUIRED' }],
  // Device cloud.
  ['in the cloud, no code', probe({}), {}, {}, { end: 'needs_action', step: 'probing', code: 'VERIFICATION_CODE_REQUIRED' }],
  ['in the cloud, code', probe({}), { verificationCode: 'ABCDEF', devicePassword: 'Device-pass1' }, {}, { do: 'add_cloud', code: 'ABCDEF', creds: null }],
  ['registered after we enabled it', probe({}), { verificationCode: 'CLOUD123', devicePassword: 'Device-pass1' }, { cloudEnabled: true }, { do: 'add_cloud', code: 'CLOUD123', creds: admin('Device-pass1') }],
  ['registered after activation', probe({}), { verificationCode: 'NEWCODE1', adminPassword: 'Install3r-Pass' }, { activated: true, cloudEnabled: true }, { do: 'add_cloud', code: 'NEWCODE1', creds: admin('Install3r-Pass') }],
  ['found registering on the LAN, no password', probe({}), { verificationCode: 'ABCDEF' }, { cloudChecked: true }, { do: 'add_cloud', code: 'ABCDEF', creds: null }],
];

describe('nextStep', () => {
  it.each(table)('%s', (_name, p, decisions, done, want) => {
    expect(summary(nextStep(p, decisions, done))).toEqual(want);
  });

  it('a failure it makes up carries a message and a hint for the installer', () => {
    const s = nextStep(lan({ cloudEnabled: false }), { devicePassword: 'Device-pass1' });
    expect(s).toEqual({ do: 'end', outcome: { state: 'needs_action', step: 'probing', error: { code: 'VERIFICATION_CODE_REQUIRED', message: expect.stringMatching(/6 to 12/), hint: expect.any(String) } } });
    const d = nextStep(direct({ nextAction: 'activate', activated: false }), {});
    expect(d.do === 'end' && d.outcome.error?.hint).toMatch(/SADP/);
  });

  it('walks a factory-new LAN device to the cloud, one step per answer', () => {
    const choice: Decisions = { verificationCode: 'NEWCODE1', adminPassword: 'Install3r-Pass' };
    const steps: string[] = [];
    let p = lan({ activated: false, cloudEnabled: false });
    const done: Done = {};
    for (let i = 0; i < 10; i++) {
      const s = nextStep(p, choice, done);
      steps.push(s.do);
      if (s.do === 'activate') {
        p = { ...p, activated: true, host: '192.168.1.99' };
        done.activated = true;
      } else if (s.do === 'enable_cloud') {
        p = { ...p, reachableVia: 'cloud', cloudEnabled: true, cloudRegistered: true };
        done.cloudEnabled = true;
      } else {
        break;
      }
    }
    expect(steps).toEqual(['activate', 'enable_cloud', 'add_cloud']);
  });
});

describe('pendingOutcome', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const ttl = 30 * 60_000;
  it.each<[string, Date | null, unknown]>([
    ['first wait: pending for the whole time', null, { state: 'pending', pendingUntil: new Date('2026-01-01T12:30:00Z'), code: 'DEVICE_OFFLINE' }],
    ['a later wait keeps its deadline', new Date('2026-01-01T12:10:00Z'), { state: 'pending', pendingUntil: new Date('2026-01-01T12:10:00Z'), code: 'DEVICE_OFFLINE' }],
    ['deadline reached: expired', now, { state: 'failed', pendingUntil: undefined, code: 'ONBOARDING_EXPIRED' }],
    ['deadline passed: expired', new Date('2026-01-01T11:00:00Z'), { state: 'failed', pendingUntil: undefined, code: 'ONBOARDING_EXPIRED' }],
  ])('%s', (_name, until, want) => {
    const o = pendingOutcome(now, until, ttl);
    expect({ state: o.state, pendingUntil: o.pendingUntil, code: o.error?.code }).toEqual(want);
    expect(o.step).toBe('waiting_online');
  });
});

describe('alreadyAddedOutcome', () => {
  it.each<[string, Parameters<typeof alreadyAddedOutcome>, unknown]>([
    ['our own earlier attempt added it (crash after the insert)', ['this_site', { id: 'd1' }, 'd1'], { state: 'added', deviceId: 'd1', code: undefined }],
    ['someone else added it to this site', ['this_site', { id: 'd1' }, null], { state: 'already_added', deviceId: 'd1', code: 'DEVICE_ALREADY_ADDED' }],
    ['on this site but gone meanwhile', ['this_site', undefined, null], { state: 'already_added', deviceId: null, code: 'DEVICE_ALREADY_ADDED' }],
    ['on another site', ['other_site', undefined, null], { state: 'failed', deviceId: undefined, code: 'DEVICE_ON_OTHER_SITE' }],
    ['bound elsewhere', ['elsewhere', undefined, null], { state: 'failed', deviceId: undefined, code: 'DEVICE_BOUND_ELSEWHERE' }],
  ])('%s', (_name, args, want) => {
    const o = alreadyAddedOutcome(...args);
    expect({ state: o.state, deviceId: o.deviceId, code: o.error?.code }).toEqual(want);
  });
});
