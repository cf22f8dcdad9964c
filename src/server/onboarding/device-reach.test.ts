import { describe, expect, it, vi } from 'vitest';
import { PlatformDeviceReach, type UnreachableDetail } from './device-reach';
import { AppError, isAppError } from '../../errors/app-error';
import type { DeviceClient, DeviceInfo } from '../../device-client/device-client';
import { parseCidrList } from '../../protocol/net/connect-policy';
import type { DeviceGateway } from '../gateway/device-gateway';
import type { AgentHub } from '../gateway/agent-hub';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';

/** A hub whose SADP rounds the test finishes by hand, counting them. */
function fakeHub() {
  const rounds: Array<{ resolve: (d: DiscoveredDevice[]) => void; reject: (e: Error) => void }> = [];
  const hub = {
    isOnline: () => true,
    discover: () => new Promise<DiscoveredDevice[]>((resolve, reject) => rounds.push({ resolve, reject })),
  };
  return { hub: hub as unknown as AgentHub, rounds };
}

function reach(hub: AgentHub, clock: { t: number }) {
  return new PlatformDeviceReach({
    gateway: {} as DeviceGateway, hub, agentId: (siteId) => (siteId === 'site-b' ? undefined : 'agent-1'), canDiscover: () => true, registration: async () => undefined,
    timeoutMs: 1000, discoverTimeoutMs: 1500, lanCacheMs: 1000, now: () => clock.t, connectPolicy: () => ({ allowedRanges: [], ownPorts: [] }),
  });
}

const found = [{ serial: 'DS1', activated: true }] as unknown as DiscoveredDevice[];

describe('LAN discovery through the site agent', () => {
  it('callers at the same time share one SADP round, and its answer for a second after', async () => {
    const { hub, rounds } = fakeHub();
    const clock = { t: 0 };
    const r = reach(hub, clock);
    const many = Array.from({ length: 64 }, () => r.discoverLan());
    expect(rounds).toHaveLength(1);
    rounds[0]!.resolve(found);
    expect(await Promise.all(many)).toEqual(Array.from({ length: 64 }, () => found));
    clock.t = 900;
    await expect(r.discoverLan()).resolves.toBe(found);
    expect(rounds).toHaveLength(1);
    clock.t = 1100; // stale: a new round
    const next = r.discoverLan();
    expect(rounds).toHaveLength(2);
    rounds[1]!.resolve([]);
    await expect(next).resolves.toEqual([]);
  });

  it('a failed round is not reused', async () => {
    const { hub, rounds } = fakeHub();
    const r = reach(hub, { t: 0 });
    const first = r.discoverLan();
    rounds[0]!.reject(new Error('agent went away'));
    await expect(first).rejects.toThrow('agent went away');
    const second = r.discoverLan();
    expect(rounds).toHaveLength(2);
    rounds[1]!.resolve(found);
    await expect(second).resolves.toBe(found);
  });
});

describe('the device cloud as onboarding sees it', () => {
  const pendingGateway = {
    pendingDevice: (s: string) => (s === 'F12345678' || s === 'DS-2CD2143G2-I20240101AAWRF12345678' ? { serial: 'DS-2CD2143G2-I20240101AAWRF12345678', model: 'DS-2CD2143G2-I', type: 'camera', firmware: 'V5.7.3' } : null),
    isOnline: () => undefined,
  } as unknown as DeviceGateway;
  const reachWith = (registration: () => Promise<undefined>) =>
    new PlatformDeviceReach({ gateway: pendingGateway, hub: fakeHub().hub, agentId: () => 'agent-1', canDiscover: () => true, registration, timeoutMs: 1000, discoverTimeoutMs: 1500, now: () => 0, connectPolicy: () => ({ allowedRanges: [], ownPorts: [] }) });

  it('a device waiting to prove its code (not bound yet) is in the cloud and online, so the add can bind it', async () => {
    const r = reachWith(async () => undefined);
    expect(await r.cloudStatus('F12345678')).toEqual({ serial: 'DS-2CD2143G2-I20240101AAWRF12345678', model: 'DS-2CD2143G2-I', type: 'camera', firmware: 'V5.7.3', online: true });
    expect(await r.cloudStatus('X99999999')).toBeNull();
  });
});

describe('devices named by address (identifyHost)', () => {
  const info = { serialNumber: 'DS-1', model: 'DS-2CD2143G2-I', deviceType: 'IPCamera', firmwareVersion: 'V5.7.3' } as DeviceInfo;
  const creds = { user: 'admin', password: 'Secret-pw1' };

  /** A reach on a clock that only the injected sleep moves, with the device behind `answer`. */
  function hostReach(opts: { answer?: () => Promise<DeviceInfo>; resolve?: (n: string) => Promise<string[]>; allowed?: string } = {}) {
    const clock = { t: 0 };
    const sleeps: number[] = [];
    const unreachable: UnreachableDetail[] = [];
    const r = new PlatformDeviceReach({
      gateway: {} as DeviceGateway, hub: {} as AgentHub, agentId: () => 'agent-1', canDiscover: () => true, registration: async () => undefined,
      timeoutMs: 4000, discoverTimeoutMs: 1500, now: () => 0, monotonicMs: () => clock.t,
      connectPolicy: () => ({ allowedRanges: parseCidrList(opts.allowed ?? ''), ownPorts: [8080] }),
      ...(opts.resolve ? { resolve: opts.resolve } : {}),
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.t += ms;
      },
      onUnreachable: (d) => unreachable.push(d),
    });
    const device = { deviceInfo: opts.answer ?? (async () => info) } as unknown as DeviceClient;
    const lan = vi.spyOn(r, 'lanClient').mockReturnValue(device);
    const direct = vi.spyOn(r, 'directClient').mockReturnValue(device);
    return { r, clock, sleeps, unreachable, lan, direct };
  }

  async function failure(p: Promise<unknown>): Promise<unknown> {
    return p.then(() => 'resolved', (e: unknown) => e);
  }

  it('a private address goes through the site agent of the given site', async () => {
    const h = hostReach();
    await expect(h.r.identifyHost('192.168.1.64', 80, creds, 'site-1')).resolves.toEqual({ info, via: 'agent', address: '192.168.1.64' });
    expect(h.lan).toHaveBeenCalledWith('192.168.1.64', 80, creds, 'site-1');
    expect(h.direct).not.toHaveBeenCalled();
  });

  it('a public address goes direct, without retries', async () => {
    const h = hostReach();
    await expect(h.r.identifyHost('8.8.8.8', 80, creds, 'site-1')).resolves.toMatchObject({ via: 'direct', address: '8.8.8.8' });
    expect(h.direct).toHaveBeenCalledWith('8.8.8.8', 80, creds, false);
  });

  it.each(['127.0.0.1', '::ffff:127.0.0.1', '169.254.169.254', '0.0.0.0'])('%s is refused before any connection, with the one answer at the floor', async (host) => {
    const h = hostReach();
    const e = await failure(h.r.identifyHost(host, 80, creds, 'site-1'));
    expect(isAppError(e, 'DEVICE_UNREACHABLE')).toBe(true);
    expect(h.lan).not.toHaveBeenCalled();
    expect(h.direct).not.toHaveBeenCalled();
    expect(h.clock.t).toBe(4000);
    expect(h.unreachable).toEqual([expect.objectContaining({ host, port: 80, via: null })]);
  });

  it('a host name is resolved once, every address checked, and the checked address connected to', async () => {
    const resolve = vi.fn(async () => ['10.0.0.7', '10.0.0.8']);
    const h = hostReach({ resolve });
    await expect(h.r.identifyHost('nvr.site.example', 8000, creds, 'site-1')).resolves.toMatchObject({ via: 'agent', address: '10.0.0.7' });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(h.lan).toHaveBeenCalledWith('10.0.0.7', 8000, creds, 'site-1');
  });

  it('a host name with any refused address is refused (no rebinding to loopback or metadata)', async () => {
    const h = hostReach({ resolve: async () => ['8.8.8.8', '169.254.169.254'] });
    expect(isAppError(await failure(h.r.identifyHost('evil.example', 80, creds)), 'DEVICE_UNREACHABLE')).toBe(true);
    expect(h.direct).not.toHaveBeenCalled();
    expect(h.unreachable[0]).toMatchObject({ cause: 'link_local' });
  });

  it('a name that does not resolve is the same answer', async () => {
    const h = hostReach({ resolve: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) });
    expect(isAppError(await failure(h.r.identifyHost('gone.example', 80, creds)), 'DEVICE_UNREACHABLE')).toBe(true);
    expect(h.unreachable[0]).toMatchObject({ cause: 'unresolved' });
  });

  it.each(['DEVICE_OFFLINE', 'DEVICE_TIMEOUT', 'DEVICE_UNSUPPORTED', 'DEVICE_PROTOCOL_ERROR', 'AGENT_OFFLINE'] as const)('%s becomes DEVICE_UNREACHABLE, no earlier than the floor, its cause kept for the log', async (code) => {
    const h = hostReach({ answer: async () => Promise.reject(new AppError(code)) });
    h.clock.t = 0;
    const e = await failure(h.r.identifyHost('192.168.1.64', 80, creds, 'site-1'));
    expect(isAppError(e, 'DEVICE_UNREACHABLE')).toBe(true);
    expect((e as AppError).message).toBe(new AppError('DEVICE_UNREACHABLE').message);
    expect(h.sleeps).toEqual([4000]);
    expect(h.unreachable).toEqual([{ host: '192.168.1.64', port: 80, via: 'agent', address: '192.168.1.64', cause: code }]);
  });

  it('an address that is not one keeps DEVICE_HOST_INVALID, at once and without a connection', async () => {
    const h = hostReach();
    expect(isAppError(await failure(h.r.identifyHost('10.0.0.5/x?', 80, creds)), 'DEVICE_HOST_INVALID')).toBe(true);
    expect(h.sleeps).toEqual([]);
    expect(h.lan).not.toHaveBeenCalled();
  });

  it.each(['DEVICE_AUTH_FAILED', 'DEVICE_LOCKED', 'DEVICE_NOT_ACTIVATED'] as const)('a device that answered keeps its answer (%s)', async (code) => {
    const h = hostReach({ answer: async () => Promise.reject(new AppError(code)) });
    const e = await failure(h.r.identifyHost('192.168.1.64', 80, creds));
    expect(isAppError(e, code)).toBe(true);
    expect(h.sleeps).toEqual([]);
  });

  it('the operator allow-list sends a range direct (still never the platform\'s own port)', async () => {
    const h = hostReach({ allowed: '127.0.0.0/8' });
    await expect(h.r.identifyHost('127.0.0.1', 18901, creds)).resolves.toMatchObject({ via: 'direct', address: '127.0.0.1' });
    expect(isAppError(await failure(h.r.identifyHost('127.0.0.1', 8080, creds)), 'DEVICE_UNREACHABLE')).toBe(true);
    expect(h.unreachable.at(-1)).toMatchObject({ cause: 'own_port' });
  });
});

describe('directClient', () => {
  const r = new PlatformDeviceReach({
    gateway: {} as DeviceGateway, hub: {} as AgentHub, agentId: () => 'agent-1', canDiscover: () => true, registration: async () => undefined,
    timeoutMs: 1000, discoverTimeoutMs: 1500, now: () => 0, connectPolicy: () => ({ allowedRanges: [], ownPorts: [8080] }),
  });
  it.each([['127.0.0.1', 80], ['10.0.0.5', 80], ['localhost', 80], ['8.8.8.8', 0]])('refuses %s:%i (not routed direct) before any socket', (host, port) => {
    expect(() => r.directClient(host, port, { user: 'admin', password: 'x' })).toThrow(expect.objectContaining({ code: 'DEVICE_UNREACHABLE' }));
  });
});
