/**
 * A batch's progress as a stream of events, read from the database so that progress made by any
 * node reaches it: `item` for each device whose state changed, `batch` with the totals, `settled`
 * once nothing is running. The route only writes what this sends as Server-Sent Events.
 */
import type { Actor } from '../auth/actor';
import type { BatchService, BatchView } from './batch.service';
import type { Waiting } from './polling';

export interface ProgressSettings {
  /** How often the stream reads the batch again. */
  pollMs: number;
  /** A stream ends after this long even if the batch is still running (the client reconnects). */
  maxMs: number;
}

export type ProgressEvent = 'item' | 'batch' | 'settled';

/** What makes a device's entry worth sending again. */
function signature(it: BatchView['items'][number]): string {
  return `${it.state}|${it.step}|${it.error?.code ?? ''}|${it.latestRetry?.batchId ?? ''}|${it.latestRetry?.state ?? ''}|${it.latestRetry?.step ?? ''}`;
}

export class BatchProgress {
  constructor(
    private readonly batches: Pick<BatchService, 'batchStatus' | 'batchProgress'>,
    private readonly waiting: Waiting,
    private readonly settings: ProgressSettings,
  ) {}

  /**
   * Checks access to the batch (throwing before anything is sent) and returns the stream to run:
   * it sends until the batch has settled (with `follow`: until every device is finished), the
   * signal aborts (the client went away), or `maxMs` passed on the clock.
   */
  async open(actor: Actor, batchId: string, opts: { follow: boolean }): Promise<(send: (event: ProgressEvent, data: unknown) => void, signal: AbortSignal) => Promise<void>> {
    const first = await this.batches.batchStatus(actor, batchId);
    return (send, signal) => this.run(first, opts.follow, send, signal);
  }

  private async run(first: BatchView, follow: boolean, send: (event: ProgressEvent, data: unknown) => void, signal: AbortSignal): Promise<void> {
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
    const { clock, sleep } = this.waiting;
    const deadline = clock.now().getTime() + this.settings.maxMs;
    while (!signal.aborted && !last.done && !(last.settled && !follow) && clock.now().getTime() < deadline) {
      await sleep(this.settings.pollMs, signal);
      if (signal.aborted) return;
      let next: BatchView;
      try {
        // Access was checked when the stream opened; only the items (and their retries) change.
        next = await this.batches.batchProgress(last);
      } catch {
        return;
      }
      const changed = JSON.stringify(next.items) !== JSON.stringify(last.items);
      last = next;
      if (changed) emit(next);
    }
  }
}
