/**
 * One presence writer among the nodes (issue 14). Every node hears every device's presence and keeps
 * its own view (requests are routed by it); with a shared database, only the node holding the
 * `presence-writer` lease writes presence changes, instead of every node writing the same rows.
 * The lease is renewed every `renewMs` and lasts `leaseMs`; a node that stops (or dies) lets it
 * lapse, another takes it and writes its whole view once (DeviceGateway.setPresenceWriter), so a
 * change heard while the writer was gone is not lost.
 */
/** The lease's name (in the table of the health poller's lease). */
export const PRESENCE_WRITER_LEASE = 'presence-writer';

export interface PresenceLeaseStore {
  acquire(holder: string, now: Date, until: Date): Promise<boolean>;
  release(holder: string): Promise<void>;
}

export interface PresenceWriterLeaseOptions {
  store: PresenceLeaseStore;
  gateway: { setPresenceWriter(on: boolean): void; flushPresence(): Promise<void> };
  nodeId: string;
  renewMs: number;
  leaseMs: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

export class PresenceWriterLease {
  readonly #o: PresenceWriterLeaseOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #heldUntil = 0;
  #stopped = false;

  constructor(o: PresenceWriterLeaseOptions) {
    if (!(o.leaseMs > o.renewMs)) throw new RangeError('The presence lease must last longer than its renewal interval.');
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /** True while this node holds the lease (as of its last renewal). */
  get held(): boolean {
    return this.#heldUntil > this.#now();
  }

  /** Takes or renews the lease now, then every renewMs. */
  async start(): Promise<void> {
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#o.renewMs);
    this.#timer.unref();
  }

  /** One renewal: the gateway writes presence exactly while this node holds the lease. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#stopped) return this.#ticking;
    this.#ticking = this.#renew().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #renew(): Promise<void> {
    const now = this.#now();
    try {
      const until = now + this.#o.leaseMs;
      const got = await this.#o.store.acquire(this.#o.nodeId, new Date(now), new Date(until));
      this.#heldUntil = got ? until : 0;
    } catch (err) {
      // Unknown: keep writing only while the lease surely still holds.
      this.#o.onError?.(err);
    }
    this.#o.gateway.setPresenceWriter(this.held);
  }

  /** Writes what is pending and gives the lease up, so another node takes it at its next renewal. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#ticking;
    if (!this.held) return;
    await this.#o.gateway.flushPresence().catch((err: unknown) => this.#o.onError?.(err));
    this.#o.gateway.setPresenceWriter(false);
    this.#heldUntil = 0;
    await this.#o.store.release(this.#o.nodeId).catch((err: unknown) => this.#o.onError?.(err));
  }
}
