/**
 * The per-device steps over plain fakes (a device reach, a unit of work, a clock that each sleep
 * moves on): the order of the I/O, what is audited and inserted. No database, no sockets.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import { describe, expect, it } from 'vitest';
import type { DeviceClient } from '../../device-client/device-client';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';
import type { UnitOfWork } from '../db/unit-of-work';
import { SecretBox } from '../security/secret-box';
import type { Credentials, DeviceReach } from './device-reach';
import { DeviceSteps } from './device-steps';
import type { BatchRow, CandidateRow, DevicePlacement, ItemRow } from './onboarding.repository';
import type { Probe } from './probe';

const FULL = 'DS-2CD2143G2-I20240101AAWRJ12345678';
const secrets = new SecretBox(randomBytes(32).toString('hex'));

/**
 * A factory-new camera on the LAN; `registersAfterPolls`: looks at the cloud before it shows up there.
 * `managedAccounts`: the broker refuses it until its registration account is opened (Mosquitto
 * with dynamic security); `cloudOn`: activated, cloud service on (code ABCDEF), not bound.
 */
function fakeDevice(opts: { powered?: boolean; registersAfterPolls?: number; managedAccounts?: boolean; cloudOn?: boolean } = {}) {
  const d = { activated: opts.cloudOn === true, cloudEnabled: opts.cloudOn === true, code: opts.cloudOn ? 'ABCDEF' : '', host: '192.168.1.64', registered: false, account: false, polls: 0, io: [] as string[], sites: new Set<string | undefined>() };
  const client = (creds?: Credentials) =>
    ({
      activate: async (pw: string) => {
        d.io.push(`activate ${pw}`);
        d.activated = true;
      },
      setDhcp: async () => {
        d.io.push(`dhcp as ${creds?.password}`);
        d.host = '192.168.1.99';
      },
      enableCloud: async (code: string) => {
        d.io.push(`enable cloud ${code} at ${d.host}`);
        d.cloudEnabled = true;
        d.code = code;
      },
    }) as unknown as DeviceClient;
  const reach: DeviceReach = {
    cloudStatus: async () => {
      if (d.cloudEnabled && (d.account || !opts.managedAccounts) && opts.registersAfterPolls !== undefined && ++d.polls > opts.registersAfterPolls) d.registered = true;
      return d.registered ? { serial: FULL, model: 'DS-2CD2143G2-I', type: 'IPCamera', firmware: 'V5.7.3', online: true } : null;
    },
    verifyCloudCode: async (serial, code) => serial === FULL && code === d.code,
    openCloudRegistration: async (serial) => {
      if (!opts.managedAccounts || d.registered) return false;
      d.io.push(`registration account ${serial}`);
      d.account = true;
      return true;
    },
    cloudClient: () => ({ deviceInfo: async () => ({ serialNumber: FULL, model: 'DS-2CD2143G2-I', deviceType: 'IPCamera', firmwareVersion: 'V5.7.3' }) }) as unknown as DeviceClient,
    discoverLan: async (siteId) =>
      d.sites.add(siteId) && opts.powered === false ? [] : [{ serial: FULL, model: 'DS-2CD2143G2-I', ipv4Address: d.host, httpPort: 80, activated: d.activated, cloudEnabled: d.cloudEnabled, softwareVersion: 'V5.7.3' } as DiscoveredDevice],
    lanClient: (_host, _port, creds, siteId) => (d.sites.add(siteId), client(creds)),
    directClient: () => client(),
    identifyHost: async () => {
      throw new AppError('DEVICE_UNREACHABLE');
    },
  };
  return { d, reach };
}

/** `holder`: another company's row on the serial (released by a strong add, see decision 0005). */
function fakeUow(holder?: DevicePlacement) {
  const written = { audit: [] as string[], events: [] as string[], devices: [] as Array<Record<string, unknown>>, itemDevice: [] as string[], deleted: [] as string[] };
  let held = holder;
  const repos = {
    onboarding: {
      deviceBySerial: async () => held,
      siteExists: async () => true,
      insertDevice: async (row: Record<string, unknown>) => {
        if (held) return undefined; // unique serial
        written.devices.push(row);
        return 'device-1';
      },
      setItemDevice: async (_item: string, id: string) => void written.itemDevice.push(id),
    },
    audit: { record: async (r: { action: string }) => void written.audit.push(r.action) },
    events: { append: async (_company: string, type: string) => void written.events.push(type) },
    devices: {
      delete: async (id: string) => {
        written.deleted.push(id);
        held = undefined;
      },
    },
  };
  return { written, uow: { read: repos, tx: async (fn: (r: typeof repos) => Promise<unknown>) => fn(repos) } as unknown as UnitOfWork };
}

function steps(reach: DeviceReach, uow: UnitOfWork) {
  let t = Date.parse('2026-01-01T12:00:00Z');
  const waiting = {
    clock: { now: () => new Date(t) },
    sleep: async (ms: number) => {
      t += ms;
    },
  };
  return new DeviceSteps(uow, reach, secrets, waiting, { pendingTtlMs: 30 * 60_000, cloudRegisterTimeoutMs: 90_000, followTimeoutMs: 60_000, pollMs: 250 });
}

const batch: BatchRow = { id: 'batch-1', companyId: 'company-1', siteId: 'site-1', scanId: 'scan-1', createdBy: 'user-1', createdAt: new Date() };
const cand: CandidateRow = { id: 'cand-1', scanId: 'scan-1', position: 0, serial: 'J12345678', name: 'Gate', host: null, port: null, secretsSealed: null, probe: { reachableVia: 'lan' } as Probe };
function item(decisions: Record<string, string>): ItemRow {
  return {
    id: 'item-1', batchId: 'batch-1', candidateId: 'cand-1', siteId: 'site-1', serial: 'J12345678', state: 'running', step: 'starting',
    secretsSealed: secrets.seal(JSON.stringify(decisions), 'batch:batch-1'), errorCode: null, errorMessage: null, errorHint: null, deviceId: null, pendingUntil: null, updatedAt: new Date(),
  };
}

describe('adding one device', () => {
  it('factory new on the LAN: activate, DHCP, follow, enable the cloud service, wait, verify, insert', async () => {
    const { d, reach } = fakeDevice({ registersAfterPolls: 3 });
    const { written, uow } = fakeUow();
    const recorded: string[] = [];
    const out = await steps(reach, uow).run(item({ adminPassword: 'Install3r-Pass', verificationCode: 'NEWCODE1' }), batch, cand, async (s) => void recorded.push(s));
    expect(out).toEqual({ state: 'added', step: 'done', deviceId: 'device-1', serial: FULL, error: null });
    expect(recorded).toEqual(['probing', 'activating', 'enabling_dhcp', 'following', 'enabling_cloud', 'waiting_registration', 'verifying_code']);
    expect(d.io).toEqual(['activate Install3r-Pass', 'dhcp as Install3r-Pass', 'enable cloud NEWCODE1 at 192.168.1.99']);
    // Every LAN step (discovery, activation, DHCP, cloud) went to the batch's site's agent.
    expect([...d.sites]).toEqual(['site-1']);
    expect(written.audit).toEqual(['device.activate', 'device.cloud.enable', 'device.add']);
    expect(written.events).toEqual(['device.added']);
    expect(written.itemDevice).toEqual(['device-1']);
    expect(written.devices[0]).toMatchObject({ serial: FULL, name: 'Gate', addedVia: 'cloud', host: null, firmwareVersion: 'V5.7.3', addedBy: 'user-1', claimProof: 'activation' });
    expect(written.devices[0]!.credentialsSealed).toEqual(expect.any(String));
    expect(JSON.stringify(written.devices[0])).not.toMatch(/Install3r-Pass|NEWCODE1/);
  });

  it('on a broker that needs accounts: the registration account is made before the code is set', async () => {
    const { d, reach } = fakeDevice({ registersAfterPolls: 1, managedAccounts: true });
    const { written, uow } = fakeUow();
    const out = await steps(reach, uow).run(item({ adminPassword: 'Install3r-Pass', verificationCode: 'NEWCODE1' }), batch, cand, async () => undefined);
    expect(out).toMatchObject({ state: 'added', serial: FULL });
    expect(d.io).toEqual(['activate Install3r-Pass', 'dhcp as Install3r-Pass', `registration account ${FULL}`, 'enable cloud NEWCODE1 at 192.168.1.99']);
    expect(written.devices[0]).toMatchObject({ addedVia: 'cloud', claimProof: 'activation' });
  });

  it('cloud service already on but not bound, on a broker that needs accounts: its registration account, then it registers and is added by its code', async () => {
    const { d, reach } = fakeDevice({ registersAfterPolls: 2, managedAccounts: true, cloudOn: true });
    const { written, uow } = fakeUow();
    const recorded: string[] = [];
    const out = await steps(reach, uow).run(item({ devicePassword: 'Install3r-Pass', verificationCode: 'ABCDEF' }), batch, cand, async (s) => void recorded.push(s));
    expect(out).toMatchObject({ state: 'added', serial: FULL });
    expect(d.io).toEqual([`registration account ${FULL}`]);
    expect(recorded).toEqual(['probing', 'waiting_registration', 'verifying_code']);
    expect(written.devices[0]).toMatchObject({ addedVia: 'cloud', claimProof: 'code' });
  });

  it.each([
    ['credentials', 'released: the add proves the code', 'added'],
    ['code', 'kept: the holder proved it too', 'failed'],
  ] as const)('its serial held elsewhere with %s is %s (decision 0005)', async (proof, _what, state) => {
    const { reach } = fakeDevice({ registersAfterPolls: 0 });
    const { written, uow } = fakeUow({ id: 'theirs', siteId: 'site-9', companyId: 'company-9', serial: FULL, claimProof: proof, addedBy: 'user-9', name: 'Fake' });
    const out = await steps(reach, uow).run(item({ adminPassword: 'Install3r-Pass', verificationCode: 'NEWCODE1' }), batch, cand, async () => undefined);
    expect(out.state).toBe(state);
    if (state === 'added') {
      expect(written.deleted).toEqual(['theirs']);
      expect(written.audit).toEqual(['device.activate', 'device.cloud.enable', 'device.claim_lost', 'device.add']);
      expect(written.events).toEqual(['device.claim_lost', 'device.added']);
    } else {
      expect(out.error?.code).toBe('DEVICE_BOUND_ELSEWHERE');
      expect(written.deleted).toEqual([]);
      expect(written.devices).toEqual([]);
    }
  });

  it('a device that never registers fails with CLOUD_REGISTRATION_TIMEOUT once the time passed on the clock', async () => {
    const { reach } = fakeDevice();
    const { written, uow } = fakeUow();
    const run = steps(reach, uow).run(item({ adminPassword: 'Install3r-Pass', verificationCode: 'NEWCODE1' }), batch, cand, async () => undefined);
    await expect(run).rejects.toMatchObject({ code: 'CLOUD_REGISTRATION_TIMEOUT' });
    expect(written.devices).toEqual([]);
  });

  it('offline: pending for the configured time, nothing done to the device', async () => {
    const { d, reach } = fakeDevice({ powered: false });
    const { written, uow } = fakeUow();
    const out = await steps(reach, uow).run(item({ adminPassword: 'Install3r-Pass' }), batch, cand, async () => undefined);
    expect(out).toMatchObject({ state: 'pending', step: 'waiting_online', pendingUntil: new Date('2026-01-01T12:30:00Z'), serial: 'J12345678', error: { code: 'DEVICE_OFFLINE' } });
    expect(d.io).toEqual([]);
    expect(written.audit).toEqual([]);
  });

  it('its site deleted meanwhile: failed with SITE_NOT_FOUND before any device I/O', async () => {
    const { d, reach } = fakeDevice();
    const { uow } = fakeUow();
    const out = await steps(reach, uow).run(item({}), undefined, cand, async () => undefined);
    expect(out).toMatchObject({ state: 'failed', step: 'starting', error: { code: 'SITE_NOT_FOUND' } });
    expect(d.io).toEqual([]);
  });
});
