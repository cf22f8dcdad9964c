import { describe, expect, it } from 'vitest';
import { AxproReconciles } from './axpro-reconciles';
import type { ReconcileResult } from './axpro-accounts.service';

/** A reconcile that finishes when the test says so, counting runs per panel and the most at once. */
function gatedReconcile() {
  const gates: Array<() => void> = [];
  let running = 0;
  const stats = { runs: 0, maxParallel: 0 };
  const reconcile = async (_deviceId: string): Promise<ReconcileResult> => {
    stats.runs += 1;
    running += 1;
    stats.maxParallel = Math.max(stats.maxParallel, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running -= 1;
    return { outcome: 'done', steps: [] };
  };
  const release = async () => {
    // Let the runner start what it queued before opening the gate.
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { reconcile, release, stats };
}

describe('AxproReconciles', () => {
  it('never runs one panel twice at once; requests during a run make exactly one more run', async () => {
    const g = gatedReconcile();
    const r = new AxproReconciles({ reconcile: g.reconcile });
    const first = r.run('p1');
    const second = r.run('p1');
    const third = r.run('p1');
    expect(second).toBe(third);
    await g.release();
    await first;
    await g.release();
    await Promise.all([second, third]);
    expect(g.stats).toEqual({ runs: 2, maxParallel: 1 });
    await r.idle();
  });

  it('different panels run in parallel', async () => {
    const g = gatedReconcile();
    const r = new AxproReconciles({ reconcile: g.reconcile });
    const a = r.run('p1');
    const b = r.run('p2');
    await g.release();
    await g.release();
    await Promise.all([a, b]);
    expect(g.stats.maxParallel).toBe(2);
  });
});
