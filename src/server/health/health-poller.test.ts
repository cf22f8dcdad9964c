/**
 * The poller's schedule with plain fakes (no sockets, a hand-moved clock): bounded concurrency,
 * grace before offline, backoff once offline, recovery, one batched write per round, and
 * status-only polls while monitoring is off.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/app-error';
import type { DeviceClient } from '../../device-client/device-client';
import type { UnitOfWork } from '../db/unit-of-work';
import type { PollTarget } from './health.repository';
import type { PollOutcome } from './health-recorder';
import { HealthPoller } from './health-poller';

const target = (i: number, o: Partial<PollTarget> = {}): PollTarget => ({
  id: `d${i}`, companyId: 'c', siteId: 's', serial: `S${i}`, type: 'unknown', addedVia: 'direct', host: '127.0.0.1', port: 8000 + i, credentialsSealed: 'sealed', healthMonitoring: true, status: 'online', model: 'DS-2CD2143G2-I', firmwareVersion: '', firmwareVerdict: null, ...o,
});

function setup(targets: PollTarget[], opts: { concurrency?: number; graceMs?: number } = {}) {
  let nowMs = 1_000_000;
  const clock = { now: () => new Date(nowMs) };
  const recorded: PollOutcome[][] = [];
  const down = new Set<string>();
  const agentDown = new Set<string>();
  const calls: Record<string, { health: number; status: number }> = {};
  let inFlight = 0;
  let maxInFlight = 0;
  const gates: Array<() => void> = [];
  let hold = false;
  const client = (host: string, port: number) => {
    const id = `d${port - 8000}`;
    const answer = async (kind: 'health' | 'status') => {
      (calls[id] ??= { health: 0, status: 0 })[kind] += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (hold) await new Promise<void>((r) => gates.push(r));
      inFlight -= 1;
      if (down.has(id)) throw new AppError('DEVICE_OFFLINE');
      if (agentDown.has(id)) throw new AppError('AGENT_OFFLINE');
      return { deviceName: host } as never;
    };
    // family "unknown" reads deviceInfo for health too: tell the two apart by the caller's intent below.
    return { deviceInfo: () => answer(currentKind(id)) } as unknown as DeviceClient;
  };
  const kinds = new Map(targets.map((t) => [t.id, t.healthMonitoring ? 'health' : 'status'] as const));
  const currentKind = (id: string) => kinds.get(id) ?? 'status';
  const uow = {
    read: {
      health: {
        acquireLease: async () => true,
        releaseLease: async () => undefined,
        pollTargets: async () => targets,
      },
    },
  } as unknown as UnitOfWork;
  const poller = new HealthPoller({
    uow, clock, nodeId: 'n1', pollIntervalMs: 1000, concurrency: opts.concurrency ?? 8, offlineGraceMs: opts.graceMs ?? 3000, random: () => 0.5,
    recorder: { record: async (b) => (recorded.push(b), { changed: 0 }) },
    reach: { directClient: client, lanClient: client, cloudClient: () => { throw new Error('no cloud here'); } },
    openCredentials: () => ({ user: 'admin', password: 'pw' }),
  });
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    poller, recorded, down, agentDown, calls, settle,
    advance: (ms: number) => { nowMs += ms; },
    hold: (on: boolean) => { hold = on; if (!on) for (const g of gates.splice(0)) g(); },
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    outcomes: (id: string) => recorded.flat().filter((o) => o.target.id === id).map((o) => o.reachability),
  };
}

describe('HealthPoller', () => {
  it('runs at most `concurrency` polls at once', async () => {
    const f = setup(Array.from({ length: 6 }, (_, i) => target(i)), { concurrency: 2 });
    f.hold(true);
    await f.poller.tick(); // first round: spread over one interval (random 0.5: due in 500 ms)
    f.advance(600);
    await f.poller.tick();
    await f.settle();
    expect(f.inFlight()).toBe(2);
    f.advance(10);
    await f.poller.tick();
    await f.settle();
    expect(f.inFlight()).toBe(2); // still full: nothing more started
    f.hold(false);
    await f.settle();
    f.advance(10);
    await f.poller.tick();
    await f.settle();
    f.hold(false);
    await f.settle();
    expect(f.maxInFlight()).toBe(2);
    await f.poller.stop();
  });

  it('a finished poll starts the next due device at once: a round is not capped at `concurrency` polls', async () => {
    // With polls started only at ticks (one a second), a poller of concurrency 32 did at most 32
    // polls a second: 1,920 devices per 60 s interval, whatever the fleet (bench/health, 10,000 devices).
    const f = setup(Array.from({ length: 6 }, (_, i) => target(i)), { concurrency: 2 });
    await f.poller.tick(); // first round: spread over one interval (random 0.5: due in 500 ms)
    f.advance(600);
    await f.poller.tick();
    await f.settle();
    expect(Object.keys(f.calls)).toHaveLength(6);
    expect(f.maxInFlight()).toBeLessThanOrEqual(2);
    await f.poller.tick();
    expect(f.recorded.flat().map((o) => o.reachability)).toEqual(Array(6).fill('online'));
    await f.poller.stop();
  });

  it('an unreachable device: pending within the grace period, offline after it, then backoff; online again when it answers', async () => {
    const f = setup([target(1)], { graceMs: 3000 });
    await f.poller.tick();
    f.advance(600);
    await f.poller.tick();
    await f.settle();
    f.down.add('d1');
    // Poll every second: within the grace period the outcome is pending, never offline.
    for (let i = 0; i < 2; i++) {
      f.advance(1000);
      await f.poller.tick();
      await f.settle();
    }
    await f.poller.tick(); // write the last round's outcomes
    expect(f.outcomes('d1')).toEqual(['online', 'pending', 'pending']);
    // The grace period (3 s from the last answer) ends: offline.
    f.advance(1000);
    await f.poller.tick();
    await f.settle();
    await f.poller.tick();
    expect(f.outcomes('d1').at(-1)).toBe('offline');
    // Backoff: the next poll is not due one interval later.
    const polls = f.calls.d1!.health;
    f.advance(1000);
    await f.poller.tick();
    await f.settle();
    expect(f.calls.d1!.health).toBe(polls);
    // Back: once due, it answers and is online.
    f.down.delete('d1');
    f.advance(5000);
    await f.poller.tick();
    await f.settle();
    await f.poller.tick();
    expect(f.outcomes('d1').at(-1)).toBe('online');
    await f.poller.stop();
  });

  it('a device behind an offline site agent is never declared offline (its status is not known)', async () => {
    const f = setup([target(1, { addedVia: 'agent' })], { graceMs: 1000 });
    await f.poller.tick();
    f.advance(600);
    await f.poller.tick();
    await f.settle();
    f.agentDown.add('d1');
    for (let i = 0; i < 4; i++) {
      f.advance(1000);
      await f.poller.tick();
      await f.settle();
    }
    await f.poller.tick();
    expect(f.outcomes('d1')).toEqual(['online', 'no_agent', 'no_agent', 'no_agent', 'no_agent']);
    await f.poller.stop();
  });

  it('writes one batch per round, whatever the number of devices polled', async () => {
    const f = setup(Array.from({ length: 5 }, (_, i) => target(i)));
    await f.poller.tick();
    f.advance(600);
    await f.poller.tick();
    await f.settle();
    await f.poller.tick();
    expect(f.recorded).toHaveLength(1);
    expect(f.recorded[0]).toHaveLength(5);
    await f.poller.stop();
  });

  it('monitoring off: status-only polls (no health collection) for a direct device', async () => {
    const f = setup([target(1, { healthMonitoring: false })]);
    await f.poller.tick();
    f.advance(600);
    await f.poller.tick();
    await f.settle();
    await f.poller.tick();
    expect(f.poller.stats('d1')).toEqual({ polls: 1, lastKind: 'status' });
    expect(f.recorded.flat()[0]).toMatchObject({ reachability: 'online', snapshot: undefined });
    await f.poller.stop();
  });
});
