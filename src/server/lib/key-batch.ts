/**
 * Coalesces per-key work into batches: keys added within `windowMs` (or until `max` are waiting)
 * go to one `flush` call, each key once (the latest value wins). One flush at a time: keys added
 * while one runs wait for the next, so a slow database gets fewer, larger batches instead of a
 * queue of single-row reads (9,000 devices connecting at once made 27,000 reads otherwise).
 */
export class KeyBatch<K, V = true> {
  readonly #waiting = new Map<K, V>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly flush: (batch: Map<K, V>) => Promise<void>,
    private readonly onError: (err: unknown, keys: number) => void,
    private readonly windowMs = 200,
    private readonly max = 1000,
  ) {}

  add(key: K, value: V): void {
    if (this.#closed) return;
    this.#waiting.set(key, value);
    if (this.#running) return; // picked up when the running flush ends
    if (this.#waiting.size >= this.max) this.#fire();
    else this.#timer ??= setTimeout(() => this.#fire(), this.windowMs);
  }

  /** Keys waiting for a flush (not counting a running one). */
  get waiting(): number {
    return this.#waiting.size;
  }

  #fire(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running || this.#waiting.size === 0) return;
    const batch = new Map<K, V>();
    for (const [k, v] of this.#waiting) {
      if (batch.size >= this.max) break;
      batch.set(k, v);
    }
    for (const k of batch.keys()) this.#waiting.delete(k);
    this.#running = this.flush(batch)
      .catch((err: unknown) => this.onError(err, batch.size))
      .finally(() => {
        this.#running = undefined;
        if (this.#waiting.size > 0) this.#fire();
      });
  }

  /** Flushes what waits (and what arrives meanwhile) and stops taking keys. */
  async close(): Promise<void> {
    this.#fire();
    while (this.#running) await this.#running;
    this.#closed = true;
  }
}
