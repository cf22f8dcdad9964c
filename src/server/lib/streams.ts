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
