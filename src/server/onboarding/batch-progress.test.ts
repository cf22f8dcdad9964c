/**
 * The progress streams' rules on fake batches, fake signals, a fake clock and a fake access timer:
 * no database, no sockets, no sleeping.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/app-error';
import type { Actor } from '../auth/actor';
import { BatchProgress, type Credentials, type EndReason, type ProgressEvent } from './batch-progress';
import type { BatchView } from './batch.service';
import type { SignalHandlers } from './progress-signals';

const alice = { id: 'u1', companyId: 'c1' } as Actor;
const bob = { id: 'u2', companyId: 'c1' } as Actor;

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

/** A node's streams over a batch whose current view the test sets; signals and the access timer fired by hand. */
async function harness(opts: { perUser?: number; perNode?: number; maxMs?: number } = {}) {
  let t = 0;
  let current = view(['queued']);
  let reads = 0;
  let handlers: SignalHandlers | undefined;
  let tick: () => void = () => undefined;
  const signedIn = new Set(['alice-session', 'bob-session']);
  let siteAccess = true;
  let readFails = false;
  const progress = new BatchProgress(
    {
      batchStatus: async () => {
        if (!siteAccess) throw new AppError('FORBIDDEN');
        return current;
      },
      batchProgress: async () => {
        reads++;
        if (readFails) throw new Error('database went away');
        return current;
      },
    },
    { now: () => new Date(t) },
    { start: async (h) => void (handlers = h), close: async () => undefined },
    async (c) => ('sessionToken' in c && signedIn.has(c.sessionToken) ? (c.sessionToken === 'alice-session' ? alice : bob) : undefined),
    { maxMs: opts.maxMs ?? 60_000, perUser: opts.perUser ?? 5, perNode: opts.perNode ?? 100, accessCheckMs: 1000 },
    (_ms, fn) => {
      tick = fn;
      return () => undefined;
    },
  );
  await progress.start();

  /**
   * Opens a stream and runs it in the background. `next(event)` resolves with the next event of
   * that kind not taken yet (one sent already counts), so a test waits for events, never sleeps.
   */
  const open = async (who: Actor = alice, follow = true) => {
    const sent: Array<[ProgressEvent, unknown]> = [];
    const taken = new Map<ProgressEvent, number>();
    let arrived = () => undefined as void;
    const gone = new AbortController();
    const credentials: Credentials = { sessionToken: who === alice ? 'alice-session' : 'bob-session' };
    const stream = await progress.openStream(who, 'b1', { follow, credentials });
    const ended: Promise<EndReason | 'gone'> = stream.run((event, data) => {
      sent.push([event, data]);
      arrived();
    }, gone.signal);
    const next = async (event: ProgressEvent): Promise<unknown> => {
      const n = taken.get(event) ?? 0;
      for (;;) {
        const hit = sent.filter(([e]) => e === event)[n];
        if (hit) {
          taken.set(event, n + 1);
          return hit[1];
        }
        await new Promise<void>((resolve) => (arrived = resolve));
      }
    };
    return { sent, ended, next, leave: () => gone.abort() };
  };
  return {
    progress,
    open,
    set: (v: BatchView) => (current = v),
    changed: (scanIds: string[] | 'all') => handlers!.changed(scanIds),
    accessChanged: (userIds: string[]) => handlers!.accessChanged(userIds),
    followed: () => handlers!.followed(),
    tick: () => tick(),
    advance: (ms: number) => (t += ms),
    signOut: (session: string) => signedIn.delete(session),
    unassign: () => (siteAccess = false),
    failReads: () => (readFails = true),
    reads: () => reads,
  };
}

/** Lets the fake reads (already resolved) finish: not a wait on the clock. */
const flush = () => new Promise((r) => setImmediate(r));

const names = (sent: Array<[ProgressEvent, unknown]>) =>
  sent.map(([e, d]) => (e === 'item' ? `item:${(d as { id: string }).id}=${(d as { state: string }).state}` : e === 'end' ? `end:${(d as { reason: string }).reason}` : e));

describe('batch progress stream', () => {
  it('a settled batch: every device, the totals, settled, end, and no reads beyond the first', async () => {
    const h = await harness();
    h.set(view(['added', 'pending']));
    const s = await h.open(alice, false);
    expect(await s.ended).toBe('settled');
    expect(names(s.sent)).toEqual(['item:i0=added', 'item:i1=pending', 'batch', 'settled', 'end:settled']);
    expect(h.reads()).toBe(0);
  });

  it('reads again only when its scan is signalled, sends only the devices that changed, until done', async () => {
    const h = await harness();
    h.set(view(['queued', 'queued']));
    const s = await h.open(alice, false);
    await s.next('batch'); // the first view
    await flush(); // the read right after registering (nothing changed: nothing sent)
    const readsBefore = h.reads();
    h.changed(['another-scan']);
    h.set(view(['running', 'queued']));
    h.changed(['sc1']);
    await s.next('batch');
    h.set(view(['added', 'failed']));
    h.changed(['sc1']);
    expect(await s.ended).toBe('done');
    expect(h.reads()).toBe(readsBefore + 2);
    expect(names(s.sent)).toEqual([
      'item:i0=queued', 'item:i1=queued', 'batch',
      'item:i0=running', 'batch',
      'item:i0=added', 'item:i1=failed', 'batch', 'settled', 'end:done',
    ]);
  });

  it('follow: stays open past settled until every device is finished', async () => {
    const h = await harness();
    h.set(view(['pending']));
    const s = await h.open(alice, true);
    await s.next('settled');
    h.set(view(['added']));
    h.changed(['sc1']);
    expect(await s.ended).toBe('done');
    expect(names(s.sent)).toEqual(['item:i0=pending', 'batch', 'settled', 'item:i0=added', 'batch', 'settled', 'end:done']);
  });

  it('the streams of one batch share one read per change; the node follows each scan once', async () => {
    const h = await harness();
    const streams = await Promise.all([h.open(), h.open(), h.open()]);
    expect(h.followed()).toEqual(['sc1']);
    await Promise.all(streams.map((s) => s.next('batch')));
    await flush();
    const before = h.reads();
    h.set(view(['running']));
    h.changed(['sc1']);
    await Promise.all(streams.map((s) => s.next('item')));
    expect(h.reads()).toBe(before + 1);
    for (const s of streams) s.leave();
  });

  it("refuses a user's stream beyond perUser with PROGRESS_STREAMS_LIMIT; another user still gets one; a closed stream frees its slot", async () => {
    const h = await harness({ perUser: 2 });
    const [a1] = [await h.open(alice), await h.open(alice)];
    await expect(h.open(alice)).rejects.toMatchObject({ code: 'PROGRESS_STREAMS_LIMIT', status: 429, details: { scope: 'user', limit: 2 } });
    const b = await h.open(bob);
    expect(h.progress.open).toBe(3);
    a1!.leave();
    expect(await a1!.ended).toBe('gone');
    await h.open(alice);
    b.leave();
  });

  it('refuses any stream beyond perNode', async () => {
    const h = await harness({ perNode: 2 });
    await h.open(alice);
    await h.open(bob);
    await expect(h.open(bob)).rejects.toMatchObject({ code: 'PROGRESS_STREAMS_LIMIT', details: { scope: 'node' } });
  });

  it('a refused open (no access) gives its slot back', async () => {
    const h = await harness({ perUser: 1 });
    h.unassign();
    await expect(h.open(alice)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(h.progress.open).toBe(0);
  });

  it('a passing access check is not a poll: it reads and sends nothing', async () => {
    const h = await harness();
    const a = await h.open(alice);
    await a.next('batch');
    await flush();
    const reads = h.reads();
    const sent = a.sent.length;
    h.set(view(['running']));
    h.tick();
    await flush();
    expect(h.reads()).toBe(reads);
    expect(a.sent.length).toBe(sent);
    a.leave();
  });

  it('ends with signed_out when the periodic check finds the session gone', async () => {
    const h = await harness();
    const a = await h.open(alice);
    const b = await h.open(bob);
    h.signOut('alice-session');
    h.tick();
    expect(await a.ended).toBe('signed_out');
    expect(names(a.sent).at(-1)).toBe('end:signed_out');
    expect(h.progress.open).toBe(1);
    b.leave();
  });

  it("ends with access_lost when the user's access changes (signalled) and the site is no longer theirs", async () => {
    const h = await harness();
    const a = await h.open(alice);
    await a.next('batch');
    h.unassign();
    h.accessChanged(['u1']);
    expect(await a.ended).toBe('access_lost');
  });

  it('ends with timeout after maxMs on the clock, checked at the next wake', async () => {
    const h = await harness({ maxMs: 1000 });
    const a = await h.open(alice);
    await a.next('batch');
    h.advance(1000);
    h.tick();
    expect(await a.ended).toBe('timeout');
  });

  it('ends with unavailable when the batch can no longer be read, and with shutdown when the node closes', async () => {
    const h = await harness();
    const a = await h.open(alice);
    h.failReads();
    h.changed('all');
    expect(await a.ended).toBe('unavailable');
    const h2 = await harness();
    const b = await h2.open(alice);
    await h2.progress.close();
    expect(await b.ended).toBe('shutdown');
  });

  it('ends silently when the client goes away', async () => {
    const h = await harness();
    const a = await h.open(alice);
    a.leave();
    expect(await a.ended).toBe('gone');
    expect(names(a.sent)).not.toContain('end:gone');
    expect(h.progress.open).toBe(0);
  });
});
