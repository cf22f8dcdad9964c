import { describe, expect, it } from 'vitest';
import { KeyBatch } from './key-batch';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyBatch', () => {
  it('gives the keys of one burst to one flush, each once, the latest value winning', async () => {
    const flushed: Array<Array<[string, string]>> = [];
    const b = new KeyBatch<string, string>(async (m) => void flushed.push([...m]), () => undefined, 10_000);
    b.add('A', 'v1');
    b.add('B', 'v1');
    b.add('A', 'v2');
    expect(flushed).toEqual([]);
    await b.close();
    expect(flushed).toEqual([[['A', 'v2'], ['B', 'v1']]]);
  });

  it('flushes at once when max keys wait, and at most max per flush', async () => {
    const sizes: number[] = [];
    const first = deferred();
    const b = new KeyBatch<number>(async (m) => {
      sizes.push(m.size);
      if (sizes.length === 1) await first.promise;
    }, () => undefined, 10_000, 3);
    for (let i = 0; i < 3; i++) b.add(i, true);
    expect(sizes).toEqual([3]); // no window waited for
    // While that flush runs, 5 more arrive: the next flushes take 3, then 2.
    for (let i = 3; i < 8; i++) b.add(i, true);
    expect(sizes).toEqual([3]);
    first.resolve();
    await b.close();
    expect(sizes).toEqual([3, 3, 2]);
  });

  it('runs one flush at a time; a failed flush is reported and the next still runs', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const errors: Array<[string, number]> = [];
    const seen: string[][] = [];
    const gate = deferred();
    const b = new KeyBatch<string>(async (m) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      seen.push([...m.keys()]);
      try {
        if (seen.length === 1) {
          await gate.promise;
          throw new Error('database gone');
        }
      } finally {
        inFlight--;
      }
    }, (err, n) => errors.push([(err as Error).message, n]), 1, 2);
    b.add('a', true);
    b.add('b', true); // max reached: flush 1 starts
    b.add('c', true);
    gate.resolve();
    await b.close();
    expect(maxInFlight).toBe(1);
    expect(seen).toEqual([['a', 'b'], ['c']]);
    expect(errors).toEqual([['database gone', 2]]);
    b.add('d', true); // closed: ignored
    expect(b.waiting).toBe(0);
  });
});
