import { describe, expect, it } from 'vitest';
import { PlatformDeviceReach } from './device-reach';
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
    gateway: {} as DeviceGateway, hub, agentId: () => 'agent-1', canDiscover: () => true, registration: async () => undefined,
    timeoutMs: 1000, discoverTimeoutMs: 1500, lanCacheMs: 1000, now: () => clock.t,
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
