/** The progress stream's rules on fake batches, a fake clock and a fake sleep: no database, no sockets. */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor';
import { BatchProgress, type ProgressEvent } from './batch-progress';
import type { BatchView } from './batch.service';

const actor = { id: 'u1', companyId: 'c1' } as Actor;

function view(states: string[], extra: Partial<BatchView> = {}): BatchView {
  const terminal = ['added', 'already_added', 'failed', 'needs_action'];
  return {
    batchId: 'b1', siteId: 's1', scanId: 'sc1',
    settled: states.every((s) => terminal.includes(s) || s === 'pending'),
    done: states.every((s) => terminal.includes(s)),
    counts: {},
    items: states.map((state, i) => ({ id: `i${i}`, candidateId: `c${i}`, name: null, serial: null, state, step: 'x', deviceId: null, error: null, pendingUntil: null, guidance: [], latestRetry: null })) as BatchView['items'],
    ...extra,
  };
}

/** A stream over these successive views of the batch (the last one repeats), on a clock that each sleep moves on. */
function harness(views: BatchView[], opts: { maxMs?: number; failAt?: number } = {}) {
  let t = 0;
  let reads = 0;
  const sleeps: number[] = [];
  const progress = new BatchProgress(
    {
      batchStatus: async () => views[0]!,
      batchProgress: async () => {
        reads++;
        if (opts.failAt === reads) throw new Error('database went away');
        return views[Math.min(reads, views.length - 1)]!;
      },
    },
    {
      clock: { now: () => new Date(t) },
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
    },
    { pollMs: 300, maxMs: opts.maxMs ?? 60_000 },
  );
  const sent: Array<[ProgressEvent, unknown]> = [];
  const run = async (follow = false, signal = new AbortController().signal) => {
    const stream = await progress.open(actor, 'b1', { follow });
    await stream((event, data) => sent.push([event, data]), signal);
  };
  return { run, sent, sleeps, reads: () => reads };
}

const names = (sent: Array<[ProgressEvent, unknown]>) => sent.map(([e, d]) => (e === 'item' ? `item:${(d as { id: string; state: string }).id}=${(d as { state: string }).state}` : e));

describe('batch progress stream', () => {
  it('a settled batch: every device, the totals, settled, and no polling', async () => {
    const h = harness([view(['added', 'pending'])]);
    await h.run();
    expect(names(h.sent)).toEqual(['item:i0=added', 'item:i1=pending', 'batch', 'settled']);
    expect(h.reads()).toBe(0);
  });

  it('a running batch: polls every pollMs and sends only the devices that changed, until settled', async () => {
    const h = harness([view(['queued', 'queued']), view(['running', 'queued']), view(['running', 'queued']), view(['added', 'failed'])]);
    await h.run();
    expect(names(h.sent)).toEqual([
      'item:i0=queued', 'item:i1=queued', 'batch',
      'item:i0=running', 'batch',
      'item:i0=added', 'item:i1=failed', 'batch', 'settled',
    ]);
    expect(h.sleeps).toEqual([300, 300, 300]);
  });

  it('follow: stays open past settled until every device is finished', async () => {
    const h = harness([view(['pending']), view(['pending']), view(['added'])]);
    await h.run(true);
    expect(names(h.sent)).toEqual(['item:i0=pending', 'batch', 'settled', 'item:i0=added', 'batch', 'settled']);
  });

  it('ends when the client goes away', async () => {
    const gone = new AbortController();
    gone.abort();
    const h = harness([view(['running'])]);
    await h.run(false, gone.signal);
    expect(h.reads()).toBe(0);
    expect(names(h.sent)).toEqual(['item:i0=running', 'batch']);
  });

  it('ends after maxMs on the clock while the batch is still running', async () => {
    const h = harness([view(['running'])], { maxMs: 1000 });
    await h.run();
    expect(h.sleeps).toEqual([300, 300, 300, 300]);
    expect(names(h.sent)).toEqual(['item:i0=running', 'batch']);
  });

  it('ends quietly when the batch can no longer be read', async () => {
    const h = harness([view(['running'])], { failAt: 2 });
    await h.run();
    expect(h.reads()).toBe(2);
  });
});
