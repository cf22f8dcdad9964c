/**
 * A batch's progress as a stream of events, read from the database so that progress made by any
 * node reaches it: `item` for each device whose state changed, `batch` with the totals, `settled`
 * once nothing is running, and last `end` with the reason it ended. The route only writes what
 * this sends as Server-Sent Events.
 *
 * One BatchProgress per node serves all its streams (issue 13). Streams do not poll: the node's
 * one ProgressSignals (progress-signals.ts: LISTEN/NOTIFY, or one shared poller on the embedded
 * database) says which scans changed, and only the streams of those scans read their batch again
 * (streams of one batch share that read). Every `accessCheckMs`, and at once when the signals
 * report a change to the user's sessions or assignments, a stream checks again that its caller is
 * still signed in (`end` signed_out) and still sees the batch's site (`end` access_lost). A user
 * holds at most `perUser` streams and a node `perNode`; beyond, opening one is refused with
 * PROGRESS_STREAMS_LIMIT (429).
 */
import { isAppError } from '../../errors/app-error';
import type { Actor } from '../auth/actor';
import type { Clock } from '../lib/clock';
import type { BatchService, BatchView } from './batch.service';
import type { ProgressSignals } from './progress-signals';
import { FollowedStreams, Follower, intervalTimer, type Authenticate, type Credentials, type Every } from '../lib/streams';

export { STREAMS_RETRY_AFTER_SECONDS, type Authenticate, type Credentials, type Every } from '../lib/streams';

export interface ProgressSettings {
  /** A stream ends after this long even if the batch is still running (the client reconnects). */
  maxMs: number;
  /** Streams one user may hold open on this node. */
  perUser: number;
  /** Streams this node serves in all. */
  perNode: number;
  /** How often every stream checks its caller's session and site access again. */
  accessCheckMs: number;
}

export type ProgressEvent = 'item' | 'batch' | 'settled' | 'end';

/** Why a stream ended, sent as the `end` event's `reason`. */
export type EndReason =
  | 'settled' // nothing runs any more (without follow)
  | 'done' // every device finished
  | 'timeout' // maxMs passed: reconnect to go on
  | 'signed_out' // the session or API token ended, or the account was disabled
  | 'access_lost' // the user no longer sees the batch's site (unassigned, site or batch deleted)
  | 'shutdown' // the node is stopping: reconnect (to another node)
  | 'unavailable'; // the batch could not be read (database unreachable)

export type Send = (event: ProgressEvent, data: unknown) => void;

export interface ProgressStream {
  /** Sends until the stream ends (returns its reason) or the client goes away (`signal`). */
  run(send: Send, signal: AbortSignal): Promise<EndReason | 'gone'>;
}

/** What makes a device's entry worth sending again. */
function signature(it: BatchView['items'][number]): string {
  return `${it.state}|${it.step}|${it.error?.code ?? ''}|${it.latestRetry?.batchId ?? ''}|${it.latestRetry?.state ?? ''}|${it.latestRetry?.step ?? ''}`;
}

/** A batch stream's follower: the batch it reads and the scan whose signals wake it. */
class BatchFollower extends Follower<EndReason> {
  constructor(userId: string, readonly batchId: string, readonly scanId: string, deadlineMs: number) {
    super(userId, deadlineMs);
  }
}

export class BatchProgress extends FollowedStreams<BatchFollower, EndReason> {
  /** Reads in flight per batch, shared by its streams. */
  private readonly reads = new Map<string, Promise<BatchView>>();

  constructor(
    private readonly batches: Pick<BatchService, 'batchStatus' | 'batchProgress'>,
    private readonly clock: Clock,
    signals: ProgressSignals,
    private readonly authenticate: Authenticate,
    private readonly settings: ProgressSettings,
    every: Every = intervalTimer,
  ) {
    super(signals, settings, 'progress streams', every);
  }

  /** The listener names the scans whose items changed. */
  protected followedKey(f: BatchFollower): string {
    return f.scanId;
  }

  /** A read that started before this change may miss it: the next one starts afresh. */
  protected override onChanged(f: BatchFollower): void {
    this.reads.delete(f.batchId);
    f.poke('changed');
  }

  /**
   * Takes one of the caller's stream slots (PROGRESS_STREAMS_LIMIT when none is free) and checks
   * access to the batch (throwing before anything is sent); returns the stream to run. It sends
   * until the batch has settled (with `follow`: until every device is finished), access is lost,
   * the client goes away, or `maxMs` passed on the clock.
   */
  async openStream(actor: Actor, batchId: string, opts: { follow: boolean; credentials: Credentials }): Promise<ProgressStream> {
    this.slots.reserve(actor.id);
    let first: BatchView;
    try {
      first = await this.batches.batchStatus(actor, batchId);
    } catch (e) {
      this.slots.release(actor.id);
      throw e;
    }
    const f = new BatchFollower(actor.id, first.batchId, first.scanId, this.clock.now().getTime() + this.settings.maxMs);
    this.followers.add(f);
    return {
      run: async (send, signal) => {
        try {
          return await this.run(f, first, opts, send, signal);
        } finally {
          this.followers.delete(f);
          this.slots.release(actor.id);
        }
      },
    };
  }

  private async run(f: BatchFollower, first: BatchView, opts: { follow: boolean; credentials: Credentials }, send: Send, signal: AbortSignal): Promise<EndReason | 'gone'> {
    const seen = new Map<string, string>();
    const emit = (view: BatchView) => {
      for (const it of view.items) {
        const sig = signature(it);
        if (seen.get(it.id) !== sig) {
          seen.set(it.id, sig);
          send('item', it);
        }
      }
      send('batch', { batchId: view.batchId, counts: view.counts, settled: view.settled, done: view.done });
      if (view.settled) send('settled', { batchId: view.batchId, counts: view.counts, done: view.done });
    };
    emit(first);
    let last = first;
    for (;;) {
      if (signal.aborted) return 'gone';
      const reason = last.done ? 'done' : last.settled && !opts.follow ? 'settled' : f.ended;
      if (reason) {
        send('end', { batchId: last.batchId, reason });
        return reason;
      }
      await f.next(signal);
      if (signal.aborted || f.ended) continue;
      if (this.clock.now().getTime() >= f.deadlineMs) {
        f.stop('timeout');
        continue;
      }
      const next = await this.nextView(f, last, opts.credentials);
      if (next === undefined || next === last) continue;
      if (JSON.stringify(next.items) !== JSON.stringify(last.items)) emit(next);
      last = next;
    }
  }

  /**
   * Checks access again when asked to, and reads the batch again (shared with its other streams)
   * when it changed. Only signals change what a stream shows: the access check is not a poll.
   * Undefined when the stream must end (f.ended says why).
   */
  private async nextView(f: BatchFollower, last: BatchView, credentials: Credentials): Promise<BatchView | undefined> {
    const { recheck, changed } = f;
    f.recheck = false;
    f.changed = false;
    try {
      if (recheck) {
        const who = await this.authenticate(credentials);
        if (!who) {
          f.stop('signed_out');
          return undefined;
        }
        await this.batches.batchStatus(who, f.batchId);
      }
      return changed ? await this.read(last) : last;
    } catch (e) {
      // Not found or forbidden now: the site, the batch or the assignment went away.
      f.stop(isAppError(e) && e.status < 500 ? 'access_lost' : 'unavailable');
      return undefined;
    }
  }

  private read(v: BatchView): Promise<BatchView> {
    let p = this.reads.get(v.batchId);
    if (!p) {
      p = this.batches.batchProgress(v).finally(() => {
        if (this.reads.get(v.batchId) === p) this.reads.delete(v.batchId);
      });
      this.reads.set(v.batchId, p);
    }
    return p;
  }
}
