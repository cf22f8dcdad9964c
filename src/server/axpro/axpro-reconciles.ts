/**
 * Runs reconciles of one panel one at a time on this node: a request while one runs makes one more
 * run after it (what changed meanwhile is applied), never two in parallel. Across nodes the panel
 * itself refuses a second user of one name, and the 'creating' record makes the later run adopt it.
 */
import type { AxproAccountsService, ReconcileResult } from './axpro-accounts.service';

export class AxproReconciles {
  readonly #running = new Map<string, { run: Promise<ReconcileResult>; again: Promise<ReconcileResult> | null }>();

  constructor(private readonly accounts: Pick<AxproAccountsService, 'reconcile'>) {}

  /** Reconciles the panel now, or right after the run in progress. */
  run(deviceId: string): Promise<ReconcileResult> {
    const cur = this.#running.get(deviceId);
    if (cur) {
      cur.again ??= cur.run.catch(() => undefined).then(() => this.#start(deviceId));
      return cur.again;
    }
    return this.#start(deviceId);
  }

  #start(deviceId: string): Promise<ReconcileResult> {
    const entry = { run: this.accounts.reconcile(deviceId), again: null as Promise<ReconcileResult> | null };
    this.#running.set(deviceId, entry);
    void entry.run.catch(() => undefined).finally(() => {
      if (this.#running.get(deviceId) === entry && entry.again === null) this.#running.delete(deviceId);
    });
    return entry.run;
  }

  /** Waits for the runs in progress (shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()].flatMap((e) => [e.run, ...(e.again ? [e.again] : [])]));
  }
}
