/**
 * What every long-lived per-user stream on a node shares (onboarding progress, live notifications):
 * the caps on streams per user and per node, a waiter that is woken by the node's one listener,
 * and the credentials a stream checks again so that it ends when its caller signs out.
 */
import { AppError } from '../../errors/app-error';
import type { Actor } from '../auth/actor';

/** What a stream was opened with: the session cookie's token or an API token. */
export type Credentials = { sessionToken: string } | { apiToken: string };

/** Who holds these credentials now; undefined once the session or token is gone or the account disabled. */
export type Authenticate = (c: Credentials) => Promise<Actor | undefined>;

/** Runs `fn` every `ms` until the returned stop function is called (a timer that does not hold the process). */
export type Every = (ms: number, fn: () => void) => () => void;

export const intervalTimer: Every = (ms, fn) => {
  const t = setInterval(fn, ms);
  t.unref();
  return () => clearInterval(t);
};

/** Clients may try again after this many seconds when the caps are reached. */
export const STREAMS_RETRY_AFTER_SECONDS = 15;

/**
 * Stream slots per user and in all on this node. `reserve` throws PROGRESS_STREAMS_LIMIT (429,
 * with Retry-After) when none is free; `what` names the streams in the message ("progress streams").
 */
export class StreamSlots {
  private readonly perUserOpen = new Map<string, number>();
  private total = 0;

  constructor(private readonly caps: { perUser: number; perNode: number }, private readonly what: string) {}

  get open(): number {
    return this.total;
  }

  reserve(userId: string): void {
    const mine = this.perUserOpen.get(userId) ?? 0;
    const scope = mine >= this.caps.perUser ? 'user' : this.total >= this.caps.perNode ? 'node' : undefined;
    if (scope) {
      const limit = scope === 'user' ? this.caps.perUser : this.caps.perNode;
      const message = scope === 'user' ? `You already have ${limit} ${this.what} open, the most one user may have.` : `The server is serving as many ${this.what} as it may.`;
      throw new AppError('PROGRESS_STREAMS_LIMIT', message, { details: { scope, limit, retryAfterSeconds: STREAMS_RETRY_AFTER_SECONDS } });
    }
    this.perUserOpen.set(userId, mine + 1);
    this.total++;
  }

  release(userId: string): void {
    const mine = (this.perUserOpen.get(userId) ?? 1) - 1;
    if (mine > 0) this.perUserOpen.set(userId, mine);
    else this.perUserOpen.delete(userId);
    this.total--;
  }
}

/** One open stream: what woke it up and how to wake it. `R` is why it ended. */
export class Follower<R extends string> {
  /** What it follows changed (read it again) / access must be checked again. */
  changed = true; // a change between the first read and registration must not be missed
  recheck = false;
  ended: R | undefined;
  private wake: (() => void) | undefined;

  constructor(readonly userId: string, readonly deadlineMs: number) {}

  poke(what: 'changed' | 'recheck'): void {
    this[what] = true;
    this.wake?.();
  }

  stop(reason: R): void {
    this.ended ??= reason;
    this.wake?.();
  }

  /** Resolves once poked, stopped, or the client went away. */
  async next(signal: AbortSignal): Promise<void> {
    if (this.changed || this.recheck || this.ended || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.wake = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** The node's one listener, as the streams see it (onboarding/progress-signals.ts implements it). */
export interface StreamSignals {
  start(h: {
    changed(keys: readonly string[] | 'all'): void;
    accessChanged(userIds: readonly string[] | 'all'): void;
    followed(): readonly string[];
  }): Promise<void>;
  close(): Promise<void>;
}

/**
 * The open streams of one kind on a node: woken by the node's listener (what they follow changed,
 * or their callers' access), checked again every `accessCheckMs`, ended with `shutdown` on close.
 * A subclass says which key of a follower the listener names (a scan, a user).
 */
export abstract class FollowedStreams<F extends Follower<R | 'shutdown'>, R extends string> {
  protected readonly followers = new Set<F>();
  /** Open (and opening) streams per user, and in all. */
  protected readonly slots: StreamSlots;
  private stopTimer: (() => void) | undefined;

  constructor(
    protected readonly signals: StreamSignals,
    private readonly limits: { perUser: number; perNode: number; accessCheckMs: number },
    what: string,
    private readonly every: Every,
  ) {
    this.slots = new StreamSlots(limits, what);
  }

  /** The key the listener's `changed` names for this follower. */
  protected abstract followedKey(f: F): string;

  /** What the listener's change does to a follower (default: read again). */
  protected onChanged(f: F): void {
    f.poke('changed');
  }

  /** Starts the node's listener and the periodic access check. */
  async start(): Promise<void> {
    await this.signals.start({
      changed: (keys) => {
        for (const f of this.followers) if (keys === 'all' || keys.includes(this.followedKey(f))) this.onChanged(f);
      },
      accessChanged: (userIds) => {
        for (const f of this.followers) if (userIds === 'all' || userIds.includes(f.userId)) f.poke('recheck');
      },
      followed: () => [...new Set([...this.followers].map((f) => this.followedKey(f)))],
    });
    this.stopTimer = this.every(this.limits.accessCheckMs, () => {
      for (const f of this.followers) f.poke('recheck');
    });
  }

  /** Ends every stream (`end` shutdown) and stops listening. */
  async close(): Promise<void> {
    this.stopTimer?.();
    for (const f of this.followers) f.stop('shutdown');
    await this.signals.close();
  }

  /** Streams open on this node now. */
  get open(): number {
    return this.slots.open;
  }
}
