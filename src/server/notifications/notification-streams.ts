/**
 * Live in-app notifications: a signed-in user's new notifications as a stream of events, read from
 * the database so that a notification written by any node reaches it. `ready` with the counts
 * first, then `notification` for each new one and `counts` after them, and last `end` with the
 * reason it ended.
 *
 * Built on what the onboarding progress streams use (lib/streams.ts, progress-signals.ts): one
 * listener per node for all its notification streams (LISTEN sk_notifications, or one shared
 * poller on the embedded database), per-user and per-node caps (PROGRESS_STREAMS_LIMIT, 429), and
 * the caller checked again every `accessCheckMs` and at once when their sessions change, so that
 * a stream ends with `signed_out` when they sign out.
 */
import type { Clock } from '../lib/clock';
import type { Actor } from '../auth/actor';
import type { ProgressSignals } from '../onboarding/progress-signals';
import { FollowedStreams, Follower, intervalTimer, type Authenticate, type Credentials, type Every } from '../lib/streams';
import type { NotificationRepository, NotificationRow } from './notification.repository';

export interface NotificationStreamSettings {
  /** A stream ends after this long (`end` timeout; the client reconnects). */
  maxMs: number;
  perUser: number;
  perNode: number;
  accessCheckMs: number;
}

export type NotificationStreamEvent = 'ready' | 'notification' | 'counts' | 'end';

export type NotificationEndReason =
  | 'timeout' // maxMs passed: reconnect to go on
  | 'signed_out' // the session or API token ended, or the account was disabled
  | 'shutdown' // the node is stopping: reconnect
  | 'unavailable'; // the notifications could not be read (database unreachable)

export type NotificationSend = (event: NotificationStreamEvent, data: unknown) => void;

export interface NotificationStream {
  run(send: NotificationSend, signal: AbortSignal): Promise<NotificationEndReason | 'gone'>;
}

/**
 * A notification's created_at is its transaction's start, so one committed a little after the
 * stream opened (or after the last read) may carry an earlier time: each read looks back this far
 * and skips what the stream already sent.
 */
const LOOKBACK_MS = 120_000;
/** At most this many notifications per read (a burst beyond is left to the inbox). */
const READ_LIMIT = 100;

type Reader = Pick<NotificationRepository, 'createdSince' | 'counts'>;

export class NotificationStreams extends FollowedStreams<Follower<NotificationEndReason>, NotificationEndReason> {
  constructor(
    private readonly reader: () => Reader,
    private readonly clock: Clock,
    signals: ProgressSignals,
    private readonly authenticate: Authenticate,
    private readonly settings: NotificationStreamSettings,
    every: Every = intervalTimer,
  ) {
    super(signals, settings, 'notification streams', every);
  }

  /** The listener names the users whose notifications changed. */
  protected followedKey(f: Follower<NotificationEndReason>): string {
    return f.userId;
  }

  /** Takes one of the caller's stream slots (PROGRESS_STREAMS_LIMIT when none is free); sends only notifications newer than the stream. */
  async openStream(actor: Actor, credentials: Credentials, opts: { maxMs?: number } = {}): Promise<NotificationStream> {
    this.slots.reserve(actor.id);
    const seen = new Map<string, number>();
    let counts: { total: number; unread: number };
    try {
      const since = new Date(this.clock.now().getTime() - LOOKBACK_MS);
      for (const n of await this.reader().createdSince(actor.id, since, READ_LIMIT)) seen.set(n.id, n.createdAt.getTime());
      counts = await this.reader().counts(actor.id);
    } catch (e) {
      this.slots.release(actor.id);
      throw e;
    }
    const maxMs = Math.min(opts.maxMs ?? this.settings.maxMs, this.settings.maxMs);
    const f = new Follower<NotificationEndReason>(actor.id, this.clock.now().getTime() + maxMs);
    f.changed = false; // read just now; a change since then pokes it (it is registered before any await below)
    this.followers.add(f);
    return {
      run: async (send, signal) => {
        // Quiet streams end on time too, not only when something wakes them.
        const deadline = setTimeout(() => f.stop('timeout'), maxMs);
        deadline.unref();
        try {
          return await this.run(f, seen, counts, credentials, send, signal);
        } finally {
          clearTimeout(deadline);
          this.followers.delete(f);
          this.slots.release(actor.id);
        }
      },
    };
  }

  private async run(f: Follower<NotificationEndReason>, seen: Map<string, number>, counts: { total: number; unread: number }, credentials: Credentials, send: NotificationSend, signal: AbortSignal): Promise<NotificationEndReason | 'gone'> {
    send('ready', counts);
    // Anything written between the first read and registration: read once more.
    f.poke('changed');
    for (;;) {
      if (signal.aborted) return 'gone';
      if (f.ended) {
        send('end', { reason: f.ended });
        return f.ended;
      }
      await f.next(signal);
      if (signal.aborted || f.ended) continue;
      if (this.clock.now().getTime() >= f.deadlineMs) {
        f.stop('timeout');
        continue;
      }
      const { recheck, changed } = f;
      f.recheck = false;
      f.changed = false;
      try {
        if (recheck && !(await this.authenticate(credentials))) {
          f.stop('signed_out');
          continue;
        }
        if (changed) {
          const fresh = await this.readNew(f.userId, seen);
          if (fresh.length === 0) continue;
          for (const n of fresh) send('notification', n);
          send('counts', await this.reader().counts(f.userId));
        }
      } catch {
        f.stop('unavailable');
      }
    }
  }

  /** What the stream has not sent yet; forgets what is older than the look-back. */
  private async readNew(userId: string, seen: Map<string, number>): Promise<NotificationRow[]> {
    const newest = Math.max(this.clock.now().getTime(), ...seen.values());
    const since = newest - LOOKBACK_MS;
    const rows = await this.reader().createdSince(userId, new Date(since), READ_LIMIT);
    for (const [id, at] of seen) if (at < since) seen.delete(id);
    const fresh = rows.filter((n) => !seen.has(n.id));
    for (const n of fresh) seen.set(n.id, n.createdAt.getTime());
    return fresh;
  }
}
