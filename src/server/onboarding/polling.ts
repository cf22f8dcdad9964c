/**
 * Waiting for something to happen (a device to reappear, to register, a batch to change) on the
 * platform's clock: deadlines come from the injected Clock, pauses from an injected Sleep.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../lib/clock';

/** Pause for `ms`, or until `signal` aborts (it then resolves early, it does not throw). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const timerSleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (e) {
    if (!signal?.aborted) throw e;
  }
};

export interface Waiting {
  clock: Clock;
  sleep: Sleep;
}

/**
 * Ask `check` every `intervalMs` until it gives a value; undefined once `timeoutMs` have passed on
 * the clock or `signal` aborted.
 */
export async function pollUntil<T>(w: Waiting, o: { timeoutMs: number; intervalMs: number; signal?: AbortSignal }, check: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = w.clock.now().getTime() + o.timeoutMs;
  while (w.clock.now().getTime() < deadline && !o.signal?.aborted) {
    const v = await check();
    if (v !== undefined) return v;
    await w.sleep(o.intervalMs, o.signal);
  }
  return undefined;
}
