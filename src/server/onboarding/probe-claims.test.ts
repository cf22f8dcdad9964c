/**
 * probeCandidate and claims (decision 0005), with plain fakes: a serial bound in another company
 * answers like one nobody has unless the scan proves the device (its code) or the device speaks
 * for itself (by address, or on the site's own LAN).
 */
import { describe, expect, it } from 'vitest';
import type { DeviceClient, DeviceInfo } from '../../device-client/device-client';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';
import type { ClaimProof } from '../devices/claims';
import type { CandidateSpec } from './candidates';
import type { DeviceReach } from './device-reach';
import { probeCandidate, probeContextFor, type Probe } from './probe';

const CLOUD = 'DS-2CD2143G2-I20240101AAWRJ11111111';
const LAN = 'DS-2CD2143G2-I20240101AAWRJ22222222';
const CODE = 'ABCDEF';

const reach: DeviceReach = {
  cloudStatus: async (s) => (CLOUD.endsWith(s) ? { serial: CLOUD, model: 'DS-2CD2143G2-I', type: 'IPCamera', firmware: 'V5.7.3', online: true } : null),
  verifyCloudCode: async (s, code) => s === CLOUD && code === CODE,
  openCloudRegistration: async () => false,
  cloudClient: () => ({}) as DeviceClient,
  discoverLan: async () => [{ serial: LAN, model: 'DS-2CD2143G2-I', ipv4Address: '192.168.1.20', httpPort: 80, activated: false, cloudEnabled: false, softwareVersion: 'V5.7.3' } as DiscoveredDevice],
  lanClient: () => ({}) as DeviceClient,
  directClient: () => ({ deviceInfo: async () => ({ serialNumber: CLOUD, model: 'DS-2CD2143G2-I', deviceType: 'IPCamera', firmwareVersion: 'V5.7.3' }) }) as unknown as DeviceClient,
  identifyHost: async (host) => ({ info: { serialNumber: CLOUD, model: 'DS-2CD2143G2-I', deviceType: 'IPCamera', firmwareVersion: 'V5.7.3' } as DeviceInfo, via: 'direct', address: host }),
};

type Held = { companyId: string; siteId: string; claimProof: ClaimProof } | undefined;
const probe = (c: CandidateSpec, held: Held) =>
  probeCandidate(c, probeContextFor(reach, async (s) => (held && (CLOUD.endsWith(s) || LAN.endsWith(s)) ? held : undefined), { companyId: 'mine', siteId: 'site-1' }));
const elsewhere = (claimProof: ClaimProof): Held => ({ companyId: 'theirs', siteId: 'site-9', claimProof });
const label = (serial: string, code?: string): CandidateSpec => ({ name: 'Cam', serial: serial.slice(-9), model: 'DS-2CD2143G2-I', ...(code ? { verificationCode: code } : {}) });
const nobodys = (): Promise<Probe> => probe(label('DS-2CD2143G2-I20240101AAWRJ99999999', 'ZZZZZZ'), undefined);

describe('probeCandidate: claims', () => {
  it.each<[string, CandidateSpec, ClaimProof]>([
    ['no code, strong holder', { name: 'Cam', serial: CLOUD.slice(-9), model: 'DS-2CD2143G2-I' }, 'code'],
    ['no code, weak holder', { name: 'Cam', serial: CLOUD.slice(-9), model: 'DS-2CD2143G2-I' }, 'credentials'],
    ['wrong code, strong holder', label(CLOUD, 'ZZZZZZ'), 'activation'],
    ['wrong code, weak holder', label(CLOUD, 'ZZZZZZ'), 'none'],
  ])('without proof (%s) a serial bound elsewhere is a serial nobody has', async (_what, c, proof) => {
    const got = await probe(c, elsewhere(proof));
    expect(got).toEqual(await nobodys());
    expect(got).toMatchObject({ alreadyAdded: null, nextAction: 'connect_to_network', online: false, reachableVia: null, serial: null });
  });

  it('the right code against a weak holder: shown as it is, ready to add (the add takes it over)', async () => {
    expect(await probe(label(CLOUD, CODE), elsewhere('credentials'))).toMatchObject({ serial: CLOUD, reachableVia: 'cloud', online: true, alreadyAdded: null, nextAction: 'add' });
  });

  it('the right code against a strong holder: "elsewhere", and nothing about the device', async () => {
    const got = await probe(label(CLOUD, CODE), elsewhere('code'));
    expect(got).toMatchObject({ serial: CLOUD, alreadyAdded: 'elsewhere', nextAction: 'none', reachableVia: null, online: false, model: null, firmware: { version: null } });
  });

  it('a host by address and a device on the LAN speak for themselves, held or not', async () => {
    const direct: CandidateSpec = { name: 'Gate', host: '192.168.1.10', port: 80, user: 'admin', password: 'x' };
    expect(await probe(direct, elsewhere('code'))).toEqual(await probe(direct, undefined));
    expect(await probe(label(LAN), elsewhere('credentials'))).toEqual(await probe(label(LAN), undefined));
    expect(await probe(label(LAN), elsewhere('credentials'))).toMatchObject({ reachableVia: 'lan', nextAction: 'activate', alreadyAdded: null });
  });

  it('this company: where it is, whatever the proof', async () => {
    expect(await probe(label(CLOUD), { companyId: 'mine', siteId: 'site-1', claimProof: 'none' })).toMatchObject({ alreadyAdded: 'this_site', nextAction: 'none' });
    expect(await probe(label(CLOUD), { companyId: 'mine', siteId: 'site-2', claimProof: 'code' })).toMatchObject({ alreadyAdded: 'other_site', nextAction: 'none' });
  });
});
