import { useEffect, useState } from 'react';
import { onboardingApi } from '../../api/endpoints';
import type { BatchItem, BatchSummary, BatchView, ItemState } from '../../api/types';

/**
 * States a device does not leave (pending is not one: it continues when the device comes online).
 * Typed as string sets: the server's schema types `state` as a string (new states may appear).
 */
export const TERMINAL: ReadonlySet<string> = new Set<ItemState>(['added', 'already_added', 'failed', 'needs_action']);
export const PROBLEM: ReadonlySet<string> = new Set<ItemState>(['failed', 'needs_action']);

export interface BatchProgress {
  /** The latest item per candidate id. */
  items: Record<string, BatchItem>;
  summary: BatchSummary | null;
  /** Nothing is queued or running (pending devices may still continue). */
  settled: boolean;
  /** Every device is finished. */
  done: boolean;
  connection: 'connecting' | 'open' | 'retrying' | 'closed';
  /** Why the server ended the stream for good (the page says so); undefined while it may go on. */
  ended?: StreamEnd;
}

/** The `end` event's reasons (src/server/onboarding/batch-progress.ts EndReason). */
export type StreamEnd = 'settled' | 'done' | 'timeout' | 'signed_out' | 'access_lost' | 'shutdown' | 'unavailable';

/**
 * What the page does when the server ends a stream: stop for good (finished, or the caller may no
 * longer follow it: reconnecting would only be refused), or let EventSource reconnect (the stream's
 * time ran out, the node is stopping, the database was briefly unreachable). Unknown reasons stop:
 * a newer server must not make old pages reconnect in a loop.
 */
export function endAction(reason: string, follow: boolean): 'stop' | 'reconnect' {
  switch (reason) {
    case 'timeout':
    case 'shutdown':
    case 'unavailable':
      return 'reconnect';
    case 'settled':
      return follow ? 'reconnect' : 'stop';
    default:
      return 'stop';
  }
}

/** A line for a stream that ended for good before every device finished; null when there is nothing to say. */
export function endMessage(reason: StreamEnd | undefined): string | null {
  switch (reason) {
    case 'signed_out':
      return 'You were signed out: sign in again to follow this add. The devices carry on without you.';
    case 'access_lost':
      return 'You no longer have access to this site, so its progress is not shown any more.';
    default:
      return null;
  }
}

/** Fold a batch view (or its items) into the per-candidate map. */
export function mergeItems(into: Record<string, BatchItem>, items: BatchItem[]): Record<string, BatchItem> {
  const next = { ...into };
  for (const it of items) next[it.candidateId] = it;
  return next;
}

function parse<T>(e: Event): T | null {
  try {
    return JSON.parse((e as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}

/**
 * Per-device progress of a batch over server-sent events (`item`, `batch`, `settled`). EventSource
 * reconnects by itself; on each (re)connection the full view is read from GET /api/batches/:id so
 * nothing missed while away is lost. With `follow`, the stream stays open past `settled` until
 * every device is finished, which is how a pending offline device shows up once it is added.
 */
export function useBatchEvents(batchId: string | undefined, opts: { follow?: boolean } = {}): BatchProgress {
  const follow = opts.follow === true;
  const [items, setItems] = useState<Record<string, BatchItem>>({});
  const [summary, setSummary] = useState<BatchSummary | null>(null);
  const [connection, setConnection] = useState<BatchProgress['connection']>('connecting');
  const [ended, setEnded] = useState<StreamEnd | undefined>(undefined);

  useEffect(() => {
    if (!batchId) return;
    let closed = false;
    let unmounted = false;
    let current: Record<string, BatchItem> = {};
    const apply = (list: BatchItem[]) => {
      current = mergeItems(current, list);
      setItems(current);
    };
    const source = new EventSource(onboardingApi.batchEventsUrl(batchId, follow), { withCredentials: true });
    const finish = () => {
      closed = true;
      source.close();
      setConnection('closed');
    };
    const onSummary = (s: BatchSummary) => {
      setSummary(s);
      // The server ends the stream here; close first so EventSource does not reconnect.
      if (s.done || (s.settled && !follow)) finish();
    };
    const loadView = () => {
      onboardingApi.batch(batchId).then(
        (view: BatchView) => {
          if (unmounted) return;
          apply(view.items);
          onSummary({ batchId: view.batchId, counts: view.counts, settled: view.settled, done: view.done });
        },
        () => undefined, // the stream carries on; the next (re)connection tries again
      );
    };
    source.addEventListener('item', (e) => {
      const it = parse<BatchItem>(e);
      if (it && typeof it.candidateId === 'string') apply([it]);
    });
    source.addEventListener('batch', (e) => {
      const s = parse<BatchSummary>(e);
      if (s) onSummary(s);
    });
    source.addEventListener('settled', (e) => {
      const s = parse<BatchSummary>(e);
      if (s) onSummary({ ...s, settled: true });
    });
    // The server says why it ends the stream: stop for good, or let EventSource reconnect.
    source.addEventListener('end', (e) => {
      const reason = parse<{ reason?: string }>(e)?.reason;
      if (typeof reason !== 'string' || endAction(reason, follow) === 'reconnect') return;
      setEnded(reason as StreamEnd);
      finish();
    });
    let opened = false;
    source.addEventListener('open', () => {
      setConnection('open');
      // A reconnection: read the full view, in case events were missed while away.
      if (opened) loadView();
      opened = true;
    });
    source.addEventListener('error', () => {
      if (!closed) setConnection(source.readyState === EventSource.CLOSED ? 'closed' : 'retrying');
    });
    return () => {
      closed = true;
      unmounted = true;
      source.close();
    };
  }, [batchId, follow]);

  return { items, summary, settled: summary?.settled ?? false, done: summary?.done ?? false, connection, ...(ended ? { ended } : {}) };
}

export const STEP_LABEL: Record<string, string> = {
  queued: 'Waiting to start',
  starting: 'Starting',
  probing: 'Checking the device',
  activating: 'Activating',
  enabling_dhcp: 'Switching on DHCP',
  following: 'Finding the device at its new address',
  enabling_cloud: 'Enabling the cloud service',
  waiting_registration: 'Waiting for the device to connect to the cloud',
  verifying_code: 'Checking the verification code',
  waiting_online: 'Waiting for the device to come online',
  adding: 'Adding to the site',
  done: 'Added',
};

/** One line for a device's progress. */
export function stepLabel(it: BatchItem | undefined): string {
  if (!it) return 'Waiting to start';
  switch (it.state) {
    case 'added':
      return 'Added';
    case 'already_added':
      return it.error?.message ?? 'Already on this site';
    case 'failed':
    case 'needs_action':
      return it.error?.message ?? 'Failed';
    case 'pending':
      return STEP_LABEL.waiting_online!;
    default:
      return STEP_LABEL[it.step] ?? it.step.replace(/_/g, ' ');
  }
}

/** How the latest retry of a device went, for the row of its first batch. */
export function retryOutcome(r: NonNullable<BatchItem['latestRetry']>): string {
  switch (r.state) {
    case 'added':
      return 'Added by a later retry';
    case 'already_added':
      return `A later retry found it already added${r.error?.message ? `: ${r.error.message}` : ''}`;
    case 'failed':
    case 'needs_action':
      return `A later retry failed too: ${r.error?.message ?? 'see the retry'}`;
    case 'pending':
      return 'A later retry waits for it to come online';
    default:
      return `Being retried: ${STEP_LABEL[r.step] ?? r.step.replace(/_/g, ' ')}`;
  }
}
