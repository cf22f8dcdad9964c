/** Probing one candidate over a fake reach: which way it asks, with which site, and what it makes of the answer. */
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../errors/app-error';
import type { DeviceInfo } from '../../device-client/device-client';
import type { DeviceReach } from './device-reach';
import { probeCandidate, probeContextFor } from './probe';

const info = { serialNumber: 'DS-2CD2143G2-I20240101AAWRJ12345678', model: 'DS-2CD2143G2-I', deviceType: 'IPCamera', firmwareVersion: 'V5.7.3' } as DeviceInfo;

function fakeReach(identify: DeviceReach['identifyHost']) {
  return {
    cloudStatus: vi.fn(async () => null),
    verifyCloudCode: vi.fn(),
    cloudClient: vi.fn(),
    discoverLan: vi.fn(async () => []),
    lanClient: vi.fn(),
    directClient: vi.fn(),
    openCloudRegistration: vi.fn(async () => false),
    identifyHost: vi.fn(identify),
  } satisfies DeviceReach;
}

const where = { companyId: 'company-1', siteId: 'site-1' };
const nowhere = async () => undefined;
const direct = { name: 'Gate', host: '192.168.1.64', port: 8000, user: 'admin', password: 'Secret-pw1' };

describe('probeCandidate', () => {
  it('a device named by address is identified through identifyHost with the scan\'s site, and remembers the route', async () => {
    const reach = fakeReach(async () => ({ info, via: 'agent', address: '192.168.1.64' }));
    const p = await probeCandidate(direct, probeContextFor(reach, nowhere, where));
    expect(reach.identifyHost).toHaveBeenCalledWith('192.168.1.64', 8000, { user: 'admin', password: 'Secret-pw1' }, 'site-1');
    expect(reach.directClient).not.toHaveBeenCalled();
    expect(p).toMatchObject({ reachableVia: 'direct', route: 'agent', online: true, nextAction: 'add', serial: info.serialNumber });
  });

  it('an address that does not answer as a device: DEVICE_UNREACHABLE, nothing to do (not the offline guidance of a pending device)', async () => {
    const reach = fakeReach(async () => Promise.reject(new AppError('DEVICE_UNREACHABLE')));
    const p = await probeCandidate(direct, probeContextFor(reach, nowhere, where));
    expect(p).toMatchObject({ reachableVia: 'direct', online: false, nextAction: 'none', error: { code: 'DEVICE_UNREACHABLE' } });
  });

  it('a device that answered keeps its answer', async () => {
    const reach = fakeReach(async () => Promise.reject(new AppError('DEVICE_AUTH_FAILED')));
    const p = await probeCandidate(direct, probeContextFor(reach, nowhere, where));
    expect(p).toMatchObject({ online: true, nextAction: 'enter_password', error: { code: 'DEVICE_AUTH_FAILED' } });
  });

  it('no password in the code: asks for it, contacts nothing', async () => {
    const reach = fakeReach(async () => ({ info, via: 'direct', address: '8.8.8.8' }));
    const p = await probeCandidate({ name: 'Gate', host: '8.8.8.8', port: 80 }, probeContextFor(reach, nowhere, where));
    expect(p).toMatchObject({ nextAction: 'enter_password', online: false, error: null });
    expect(reach.identifyHost).not.toHaveBeenCalled();
  });

  it('a device by serial asks the scan\'s site for its LAN discovery', async () => {
    const reach = fakeReach(async () => Promise.reject(new Error('not used')));
    await probeCandidate({ name: 'Cam', serial: 'J12345678' }, probeContextFor(reach, nowhere, where));
    expect(reach.discoverLan).toHaveBeenCalledWith('site-1');
  });
});
