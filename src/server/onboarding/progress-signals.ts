/**
 * How a node learns that what its progress streams follow has changed: one listener per node for
 * all its streams (issue 13), never a poller per stream.
 *
 * - PostgreSQL (DATABASE_URL): one connection LISTENs. Triggers (migration 0006) NOTIFY in the
 *   writer's transaction, so a change committed by any node reaches every node, and sign-out or
 *   unassignment reaches the user's streams at once.
 * - The embedded PGlite: pglite-socket serves every connection from one PGlite session and does not
 *   deliver a NOTIFY to another connection that LISTENs (tested: the listener gets nothing). So
 *   one shared poller per node asks, in one query per tick, for a fingerprint of every followed
 *   scan and signals the scans whose fingerprint changed. Access changes are not signalled there:
 *   streams rely on their periodic access check. The embedded database serves a single node.
 */
import pg from 'pg';

export const PROGRESS_CHANNEL = 'sk_onboarding_progress';
export const ACCESS_CHANNEL = 'sk_access_changed';
/** A user's new in-app notifications (payload: the user id), sent by NotificationRepository.insert. */
export const NOTIFICATIONS_CHANNEL = 'sk_notifications';

export interface SignalHandlers {
  /** Items of these scans changed; 'all' when changes may have been missed (reconnected). */
  changed(scanIds: readonly string[] | 'all'): void;
  /** These users' sessions, tokens, assignments or accounts changed; 'all' after a reconnect. */
  accessChanged(userIds: readonly string[] | 'all'): void;
  /** The scans the node's streams follow now. */
  followed(): readonly string[];
}

export interface ProgressSignals {
  start(h: SignalHandlers): Promise<void>;
  close(): Promise<void>;
}

/**
 * LISTEN on one dedicated connection; reconnects after `reconnectMs` and then reports 'all'.
 * `channel` is what `changed` reports (default: onboarding progress; the live notification streams
 * pass NOTIFICATIONS_CHANNEL, whose payloads are user ids).
 */
export function listenForProgress(url: string, opts: { reconnectMs: number; onError: (err: unknown) => void; channel?: string }): ProgressSignals {
  const channel = opts.channel ?? PROGRESS_CHANNEL;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (h: SignalHandlers): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, keepAlive: true });
    c.on('notification', (n) => {
      if (!n.payload) return;
      if (n.channel === channel) h.changed([n.payload]);
      else if (n.channel === ACCESS_CHANNEL) h.accessChanged([n.payload]);
    });
    const lost = (err?: unknown) => {
      if (err) opts.onError(err);
      if (client !== c) return;
      client = undefined;
      void c.end().catch(() => undefined);
      schedule(h);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    await c.connect();
    await c.query(`LISTEN ${channel}; LISTEN ${ACCESS_CHANNEL}`);
    if (closed) {
      await c.end();
      return;
    }
    client = c;
  };

  const schedule = (h: SignalHandlers) => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect(h).then(
        () => {
          // NOTIFYs sent while disconnected are gone: every stream reads and checks again.
          h.changed('all');
          h.accessChanged('all');
        },
        (err: unknown) => {
          opts.onError(err);
          schedule(h);
        },
      );
    }, opts.reconnectMs);
    retry.unref();
  };

  return {
    start: connect,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}

/**
 * The embedded database's fallback: one timer per node; each tick one query (`fingerprints`) for
 * all followed scans. A scan seen for the first time counts as changed, so a change between a
 * stream's first read and its first tick is not lost.
 */
export function pollForProgress(fingerprints: (scanIds: readonly string[]) => Promise<Map<string, string>>, opts: { intervalMs: number; onError: (err: unknown) => void }): ProgressSignals {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const last = new Map<string, string>();

  const tick = async (h: SignalHandlers) => {
    const scans = h.followed();
    for (const id of last.keys()) if (!scans.includes(id)) last.delete(id);
    if (scans.length === 0) return;
    const now = await fingerprints(scans);
    const changed = scans.filter((id) => last.get(id) !== (now.get(id) ?? ''));
    for (const id of scans) last.set(id, now.get(id) ?? '');
    if (changed.length > 0) h.changed(changed);
  };

  return {
    async start(h) {
      timer = setInterval(() => {
        // One tick at a time: a slow query is not stacked up by the next.
        running ??= tick(h)
          .catch(opts.onError)
          .finally(() => (running = undefined));
      }, opts.intervalMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
