/** Waiting on the injected clock: a fake clock that each sleep moves on, no timers. */
import { describe, expect, it } from 'vitest';
import { pollUntil, timerSleep, type Waiting } from './polling';

function fakeWaiting(): Waiting & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: { now: () => new Date(t) },
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

describe('pollUntil', () => {
  it('gives the first value the check returns, asking every intervalMs', async () => {
    const w = fakeWaiting();
    let asked = 0;
    const v = await pollUntil(w, { timeoutMs: 10_000, intervalMs: 250 }, async () => (++asked === 3 ? 'found' : undefined));
    expect(v).toBe('found');
    expect(w.sleeps).toEqual([250, 250]);
  });

  it('gives undefined once the timeout passed on the clock', async () => {
    const w = fakeWaiting();
    expect(await pollUntil(w, { timeoutMs: 1000, intervalMs: 250 }, async () => undefined)).toBeUndefined();
    expect(w.sleeps).toHaveLength(4);
  });

  it('stops at once when the signal aborted', async () => {
    const w = fakeWaiting();
    const ac = new AbortController();
    ac.abort();
    expect(await pollUntil(w, { timeoutMs: 1000, intervalMs: 250, signal: ac.signal }, async () => 'never asked')).toBeUndefined();
  });
});

describe('timerSleep', () => {
  it('resolves early, without throwing, when the signal aborts', async () => {
    const ac = new AbortController();
    const slept = timerSleep(60_000, ac.signal);
    ac.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});
