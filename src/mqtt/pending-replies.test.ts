import { afterEach, describe, expect, it, vi } from 'vitest';
import { PendingReplies } from './pending-replies';

afterEach(() => {
  vi.useRealTimers();
});

describe('PendingReplies', () => {
  it('hands an answer to its waiter once, with the context it registered', async () => {
    const p = new PendingReplies<string, number>();
    const w = p.wait('a', 'key-a', 1000, () => new Error('timeout'));
    expect(p.context('a')).toBe('key-a');
    expect(p.settle('a', 42)).toBe(true);
    await expect(w).resolves.toBe(42);
    expect(p.settle('a', 43)).toBe(false); // answered already: a second answer goes nowhere
    expect(p.context('a')).toBeUndefined();
    expect(p.settle('never-asked', 1)).toBe(false);
    expect(p.size).toBe(0);
  });

  it('fails a wait after its timeout with the error made then, and forgets it', async () => {
    vi.useFakeTimers();
    const p = new PendingReplies<null, number>();
    let state = 'offline';
    const w = p.wait('a', null, 500, () => new Error(`timed out while ${state}`));
    const caught = w.catch((e: unknown) => e);
    state = 'online';
    await vi.advanceTimersByTimeAsync(499);
    expect(p.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(((await caught) as Error).message).toBe('timed out while online');
    expect(p.settle('a', 1)).toBe(false);
  });

  it('rejectAll fails every waiter and clears their timers', async () => {
    vi.useFakeTimers();
    const p = new PendingReplies<null, number>();
    const onTimeout = vi.fn(() => new Error('timeout'));
    const waits = ['a', 'b'].map((id) => p.wait(id, null, 1000, onTimeout).catch((e: unknown) => (e as Error).message));
    p.rejectAll(new Error('closing'));
    expect(await Promise.all(waits)).toEqual(['closing', 'closing']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(onTimeout).not.toHaveBeenCalled();
    expect(p.size).toBe(0);
  });
});
