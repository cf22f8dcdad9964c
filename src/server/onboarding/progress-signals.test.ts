/**
 * The embedded database's shared poller on fake fingerprints: one query per tick for every
 * followed scan, a signal only for scans that changed (or are new). Waits for the signals it
 * expects; never sleeps.
 */
import { describe, expect, it } from 'vitest';
import { pollForProgress } from './progress-signals';

describe('shared progress poller (embedded database)', () => {
  it('asks once per tick for all followed scans and signals new and changed ones only', async () => {
    const fingerprints = new Map([['s1', 'a'], ['s2', 'a']]);
    const asked: string[][] = [];
    const signals: string[][] = [];
    let signalled: () => void = () => undefined;
    const poller = pollForProgress(async (ids) => {
      asked.push([...ids]);
      return new Map(fingerprints);
    }, { intervalMs: 5, onError: (err) => { throw err; } });
    await poller.start({
      followed: () => ['s1', 's2'],
      changed: (ids) => {
        signals.push(ids === 'all' ? ['all'] : [...ids]);
        signalled();
      },
      accessChanged: () => undefined,
    });
    const nextSignal = () => new Promise<void>((resolve) => (signalled = resolve));
    await nextSignal();
    expect(signals).toEqual([['s1', 's2']]); // both new
    fingerprints.set('s2', 'b');
    await nextSignal();
    expect(signals.at(-1)).toEqual(['s2']);
    await poller.close();
    expect(asked.every((ids) => ids.join() === 's1,s2')).toBe(true);
  });

  it('does not query while nothing is followed', async () => {
    let queries = 0;
    let ticks = 0;
    let ticked: () => void = () => undefined;
    const poller = pollForProgress(async () => {
      queries++;
      return new Map();
    }, { intervalMs: 5, onError: () => undefined });
    await poller.start({
      followed: () => {
        ticks++;
        ticked();
        return [];
      },
      changed: () => undefined,
      accessChanged: () => undefined,
    });
    while (ticks < 3) await new Promise<void>((resolve) => (ticked = resolve));
    await poller.close();
    expect(queries).toBe(0);
  });
});
