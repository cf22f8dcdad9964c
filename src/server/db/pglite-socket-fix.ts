/**
 * pglite-socket 0.2 serialises PostgreSQL protocol messages from all connections onto one PGlite,
 * keeping a connection's messages together only inside a transaction. Outside one, the messages of
 * an extended-query exchange (Parse, Bind, Describe, Execute … Sync) of two connections interleave,
 * and one connection's Bind lands on the other's unnamed statement ("bind message supplies 1
 * parameters, but prepared statement requires 5"). This keeps each connection's exchange together
 * until its Sync, exactly as it already does for transactions. See docs/decisions/0001-embedded-postgres-over-the-wire.md.
 */
import type { PGlite } from '@electric-sql/pglite';

interface QueueEntry {
  handlerId: number;
  message: Uint8Array;
  resolve: (n: number) => void;
  reject: (e: unknown) => void;
  onData: (d: Uint8Array) => void;
}

interface QueryQueue {
  queue: QueueEntry[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(id: number): Promise<void>;
}

// Frontend message types that end an exchange: Sync and simple Query. Others continue one.
const ENDS_EXCHANGE = new Set(['S'.charCodeAt(0), 'Q'.charCodeAt(0), 'X'.charCodeAt(0)]);

export function keepExtendedQueryExchangesTogether(server: unknown): void {
  const q = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (!q || typeof q.processQueue !== 'function') throw new Error('pglite-socket internals changed: review src/server/db/pglite-socket-fix.ts');
  let midExchange = false;

  q.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let entry: QueueEntry | undefined;
        if ((midExchange || this.db.isInTransaction()) && this.lastHandlerId !== null) {
          const i = this.queue.findIndex((e) => e.handlerId === this.lastHandlerId);
          // Wait for the same connection's next message; its enqueue restarts processing.
          if (i === -1) break;
          entry = this.queue.splice(i, 1)[0];
        } else {
          entry = this.queue.shift();
        }
        if (!entry) break;
        const type = entry.message[0];
        let bytes = 0;
        try {
          await this.db.runExclusive(async () =>
            this.db.execProtocolRawStream(entry.message, {
              onRawData: (d: Uint8Array) => {
                bytes += d.length;
                entry.onData(d);
              },
            }),
          );
        } catch (err) {
          midExchange = false;
          entry.reject(err);
          continue;
        }
        // The startup packet has no type byte (its first byte is a length byte of 0).
        midExchange = type !== undefined && type !== 0 && !ENDS_EXCHANGE.has(type);
        this.lastHandlerId = entry.handlerId;
        entry.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = q.clearTransactionIfNeeded.bind(q);
  q.clearTransactionIfNeeded = async function (this: QueryQueue, id: number): Promise<void> {
    // A connection that goes away mid-exchange must not hold the others.
    if (this.lastHandlerId === id) midExchange = false;
    await clear(id);
    if (!this.processing) await this.processQueue();
  };
}
