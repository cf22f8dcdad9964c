import { describe, expect, it } from 'vitest';
import { PresenceWriterLease, type PresenceLeaseStore } from './presence-lease';

/** The lease table's rule (health repository acquireLease): taken when free, expired or already ours. */
function memoryLease(): PresenceLeaseStore & { holder: string | undefined; fail: boolean } {
  const lease = { holder: undefined as string | undefined, until: 0, fail: false };
  return {
    get holder() {
      return lease.holder;
    },
    get fail() {
      return lease.fail;
    },
    set fail(v: boolean) {
      lease.fail = v;
    },
    async acquire(holder, now, until) {
      if (lease.fail) throw new Error('database unreachable');
      if (lease.holder === undefined || lease.holder === holder || lease.until < now.getTime()) {
        lease.holder = holder;
        lease.until = until.getTime();
      }
      return lease.holder === holder;
    },
    async release(holder) {
      if (lease.holder === holder) lease.holder = undefined;
    },
  };
}

function fakeGateway() {
  const g = { writer: true, flushes: 0, changes: [] as boolean[] };
  return Object.assign(g, {
    setPresenceWriter(on: boolean) {
      g.writer = on;
      g.changes.push(on);
    },
    async flushPresence() {
      g.flushes++;
    },
  });
}

describe('presence writer lease', () => {
  it('lets one node write; another takes over when it stops, and when its lease lapses', async () => {
    let now = 1_000_000;
    const store = memoryLease();
    const a = fakeGateway();
    const b = fakeGateway();
    const leaseA = new PresenceWriterLease({ store, gateway: a, nodeId: 'A', renewMs: 5_000, leaseMs: 15_000, now: () => now });
    const leaseB = new PresenceWriterLease({ store, gateway: b, nodeId: 'B', renewMs: 5_000, leaseMs: 15_000, now: () => now });
    await leaseA.tick();
    await leaseB.tick();
    expect([a.writer, b.writer, store.holder]).toEqual([true, false, 'A']);

    // A stops cleanly: writes what it has, gives the lease up; B takes it at its next renewal.
    await leaseA.stop();
    expect([a.flushes, a.writer, store.holder]).toEqual([1, false, undefined]);
    await leaseB.tick();
    expect([b.writer, store.holder]).toEqual([true, 'B']);

    // B dies without a word (no renewals): once its lease has lapsed, C takes over.
    const c = fakeGateway();
    const leaseC = new PresenceWriterLease({ store, gateway: c, nodeId: 'C', renewMs: 5_000, leaseMs: 15_000, now: () => now });
    await leaseC.tick();
    expect(c.writer).toBe(false);
    now += 15_001;
    await leaseC.tick();
    expect([c.writer, store.holder]).toEqual([true, 'C']);
  });

  it('keeps writing while a failed renewal leaves the lease surely held, and stops once it may have lapsed', async () => {
    let now = 0;
    const store = memoryLease();
    const g = fakeGateway();
    const errors: unknown[] = [];
    const lease = new PresenceWriterLease({ store, gateway: g, nodeId: 'A', renewMs: 5_000, leaseMs: 15_000, now: () => now, onError: (e) => errors.push(e) });
    await lease.tick();
    store.fail = true;
    now += 5_000;
    await lease.tick();
    expect([g.writer, errors.length]).toEqual([true, 1]);
    now += 10_000; // the lease taken at 0 ended at 15 000
    await lease.tick();
    expect([g.writer, lease.held, errors.length]).toEqual([false, false, 2]);
    store.fail = false;
    await lease.tick();
    expect(g.writer).toBe(true);
  });

  it('refuses a lease that would lapse between renewals', () => {
    const store = memoryLease();
    expect(() => new PresenceWriterLease({ store, gateway: fakeGateway(), nodeId: 'A', renewMs: 5_000, leaseMs: 5_000 })).toThrow(RangeError);
  });
});
