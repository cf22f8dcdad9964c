/**
 * Requests waiting for their answer, by correlation id: what a node that asks over MQTT keeps
 * between publishing a request and hearing back (the device gateway and the agent hub).
 *
 * It lives here rather than in src/protocol/tunnel because it holds timers, and protocol is pure
 * (no clock, no timers). It knows nothing of the envelope (mqtt imports nothing of ours): each
 * entry carries a context the caller needs to accept the answer (the key the request was signed
 * with), and src/protocol/tunnel/exchange.ts decides what counts as an answer.
 */
interface Entry<C, V> {
  context: C;
  resolve: (v: V) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class PendingReplies<C, V> {
  readonly #entries = new Map<string, Entry<C, V>>();

  /**
   * Wait for the answer to `id`. Register before publishing the request, so an answer can never
   * arrive unexpected. After `timeoutMs` the wait fails with `onTimeout()` (called then, so it can
   * look at the state of the world at that moment). The timer does not hold the process open.
   */
  wait(id: string, context: C, timeoutMs: number, onTimeout: () => Error): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#entries.delete(id);
        reject(onTimeout());
      }, timeoutMs);
      timer.unref();
      this.#entries.set(id, { context, resolve, reject, timer });
    });
  }

  /** The context of a request still waiting, or undefined (answered, timed out, never asked). */
  context(id: string): C | undefined {
    return this.#entries.get(id)?.context;
  }

  /** Hand the answer to whoever waits for `id`; false when nobody does (any more). */
  settle(id: string, value: V): boolean {
    const e = this.#entries.get(id);
    if (!e) return false;
    this.#entries.delete(id);
    clearTimeout(e.timer);
    e.resolve(value);
    return true;
  }

  /** Fail every wait (the node is closing). */
  rejectAll(err: Error): void {
    for (const [id, e] of this.#entries) {
      clearTimeout(e.timer);
      this.#entries.delete(id);
      e.reject(err);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
