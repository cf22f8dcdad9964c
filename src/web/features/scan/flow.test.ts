import { describe, expect, it } from 'vitest';
import type { Candidate, ScanResult } from '../../api/types';
import { devicesNeeding, needsOf, retryNeeds, withoutDevicesNeeding } from './add-flow';
import { nextPageFor } from './ScanPage';
import { candidateLabel, candidateStatus, selectable } from './store';

const c = (over: Partial<Candidate> = {}): Candidate => ({
  id: 'c1',
  serial: 'E1',
  name: '',
  model: null,
  type: 'camera',
  host: null,
  port: null,
  reachableVia: 'cloud',
  online: true,
  activated: true,
  cloudEnabled: true,
  cloudRegistered: true,
  alreadyAdded: null,
  nextAction: 'add',
  firmware: { version: null, compatible: null, minimum: null },
  error: null,
  guidance: [],
  ...over,
});
const scan = (kind: string, candidates: Candidate[]): ScanResult => ({ scanId: 's', classified: { kind }, candidates });

describe('scan flow decisions', () => {
  it('routes a scan to manual entry, selection or confirmation', () => {
    expect(nextPageFor(scan('serial', [c({ nextAction: 'enter_verification_code', serial: 'E9' })]), 'site 1')).toBe('/m/manual?site=site%201&serial=E9');
    expect(nextPageFor(scan('device-list', [c(), c({ id: 'c2' })]), 's1')).toBe('/m/select?site=s1');
    expect(nextPageFor(scan('label', [c()]), 's1')).toBe('/m/confirm?site=s1');
    expect(nextPageFor(scan('serial', [c()]), 's1')).toBe('/m/confirm?site=s1');
  });

  it('asks each secret once for the chosen devices', () => {
    expect(needsOf([c()])).toEqual([]);
    expect(needsOf([c({ nextAction: 'activate' }), c({ nextAction: 'activate' }), c({ nextAction: 'enable_cloud' })])).toEqual(['activate', 'password', 'cloud']);
    expect(needsOf([c({ nextAction: 'enter_password' }), c({ nextAction: 'enter_verification_code' })])).toEqual(['password', 'code']);
    expect(needsOf([c({ nextAction: 'enable_cloud' }), c({ nextAction: 'enter_verification_code' })])).toEqual(['password', 'cloud']);
    expect(needsOf([c({ nextAction: 'connect_to_network' }), c({ nextAction: 'add' })])).toEqual([]);
  });

  it('disables devices already here or owned elsewhere, and says why', () => {
    expect(selectable(c())).toBe(true);
    expect(selectable(c({ alreadyAdded: 'other_site' }))).toBe(true);
    expect(selectable(c({ alreadyAdded: 'this_site' }))).toBe(false);
    expect(selectable(c({ alreadyAdded: 'elsewhere' }))).toBe(false);
    expect(candidateStatus(c({ alreadyAdded: 'this_site' }))).toBe('Already on this site');
    expect(candidateStatus(c({ firmware: { version: 'V4.0', compatible: false, minimum: 'V5.5' } }))).toBe('Firmware V4.0 not supported');
    expect(candidateStatus(c({ firmware: { version: 'V4.40.015build 210922', compatible: false, minimum: 'V5.5' } }))).toBe('Firmware V4.40.015 build 210922 not supported');
    expect(candidateStatus(c({ online: false }))).toBe('Ready to add (offline)');
    expect(candidateStatus(c({ nextAction: 'activate' }))).toBe('Factory new: needs activation');
    expect(candidateStatus(c({ nextAction: 'enter_password', error: { code: 'DEVICE_AUTH_FAILED', message: 'm', hint: 'h' } }))).toMatch(/refused/);
  });

  it('an address that did not answer as a device cannot be ticked, and says so (not "already added")', () => {
    const unreachable = c({ online: false, nextAction: 'none', error: { code: 'DEVICE_UNREACHABLE', message: 'm', hint: 'h' } });
    expect(selectable(unreachable)).toBe(false);
    expect(candidateStatus(unreachable)).toBe('No device answered at this address');
    expect(candidateStatus(c({ nextAction: 'none', error: { code: 'DEVICE_HOST_INVALID', message: 'm', hint: 'h' } }))).toBe('Cannot be added');
  });
});

describe('retrying a device from the progress page', () => {
  it('asks for what the error says is missing, plus what the device needed at scan time', () => {
    expect(retryNeeds(c(), 'DEVICE_AUTH_FAILED')).toEqual(['password']);
    expect(retryNeeds(c(), 'DEVICE_PASSWORD_REQUIRED')).toEqual(['password']);
    expect(retryNeeds(c(), 'VERIFICATION_CODE_INVALID')).toEqual(['code']);
    expect(retryNeeds(c(), 'ADMIN_PASSWORD_REQUIRED')).toEqual(['activate']);
    // Cloud off: the password and the new code again (secrets are not kept between tries).
    expect(retryNeeds(c({ nextAction: 'enable_cloud' }), 'VERIFICATION_CODE_REQUIRED')).toEqual(['password', 'cloud']);
    expect(retryNeeds(c({ nextAction: 'activate' }), 'DEVICE_TIMEOUT')).toEqual(['activate']);
  });

  it('a plain retry for passing trouble; none where a retry cannot help', () => {
    expect(retryNeeds(c(), 'DEVICE_TIMEOUT')).toEqual([]);
    expect(retryNeeds(c(), 'ONBOARDING_EXPIRED')).toEqual([]);
    expect(retryNeeds(c(), 'DEVICE_BOUND_ELSEWHERE')).toBeNull();
    expect(retryNeeds(c(), 'DEVICE_UNSUPPORTED')).toBeNull();
  });
});

describe('dialogs name their devices, and can skip them', () => {
  const gate = c({ id: 'g', name: 'Gate', nextAction: 'add' });
  const hall = c({ id: 'h', name: 'Hall', nextAction: 'enter_password' });
  const barn = c({ id: 'b', name: 'Barn', nextAction: 'enable_cloud' });

  it('a dialog is about the devices that need it; a retry dialog about all of them', () => {
    expect(devicesNeeding('password', [gate, hall, barn]).map((x) => x.id)).toEqual(['h', 'b']);
    expect(devicesNeeding('cloud', [gate, hall, barn]).map((x) => x.id)).toEqual(['b']);
    expect(devicesNeeding('password', [gate]).map((x) => x.id)).toEqual(['g']);
  });

  it('skipping leaves the rest of the batch and only what it still needs', () => {
    // Skipping the password skips the cloud-off device too, and with it the cloud step.
    expect(withoutDevicesNeeding('password', [gate, hall, barn], ['cloud'])).toEqual({ ids: ['g'], skipped: ['h', 'b'], needs: [] });
    expect(withoutDevicesNeeding('cloud', [gate, barn], [])).toEqual({ ids: ['g'], skipped: ['b'], needs: [] });
    // Nothing would be left: no skip (Cancel is the way out).
    expect(withoutDevicesNeeding('password', [hall], [])).toBeNull();
  });

  it('names a device typed by its serial by its model, as label scans are', () => {
    expect(candidateLabel(c({ name: 'J12345678', serial: 'DS-7608NI-K220240101AAWRJ12345678', model: 'DS-7608NI-K2' }))).toBe('DS-7608NI-K2');
    expect(candidateLabel(c({ name: 'Hall camera', serial: 'E1', model: 'DS-2CD' }))).toBe('Hall camera');
  });
});
