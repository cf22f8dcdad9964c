/**
 * A small pool of worker threads that decode photos (decodeImageBuffer in decode-worker.ts): a
 * decode never blocks the event loop, at most `size` run at once, and the others wait in arrival
 * order. Who may queue how many is the caller's decision (the server's photo limits).
 *
 * Workers start on first use and end after `idleMs` without work: zxing's wasm memory only grows, so
 * an idle worker gives back what its largest photo took. A worker is never terminated in the middle
 * of a decode (terminating a thread inside libvips can take the process down, lovell/sharp#2263);
 * the pixel caps of decode-image.ts bound how long one takes. A worker that dies fails its own job
 * only, and the next job starts a new one.
 */
// Loaded by the main thread before any worker: libvips then stays loaded when a worker ends (lovell/sharp#2263).
import 'sharp';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/catalogue';
import type { DecodeImageOptions, DecodeImageResult } from './decode-image';

export interface DecodeJob {
  id: number;
  bytes: Uint8Array;
  options: DecodeImageOptions;
}

export type DecodeReply =
  | { id: number; ok: true; result: DecodeImageResult }
  | { id: number; ok: false; error: { code?: ErrorCode; message: string; hint?: string; details?: Record<string, unknown> | undefined } };

export interface DecodePoolOptions {
  /** Decodes at once, one worker thread each. */
  size: number;
  /** A worker without work for this long ends (default 30 s). */
  idleMs?: number;
  /** Options of every decode (plain data: they are copied to the worker). */
  options?: DecodeImageOptions;
  /** Nice value of the decoding threads (Linux; 0 = the server's priority). See decode-priority.ts. */
  nice?: number;
}

interface Waiting {
  job: DecodeJob;
  resolve: (r: DecodeImageResult) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  current: (Waiting & { startedMs: number }) | null;
  idleTimer: NodeJS.Timeout | null;
}

/** What a decode is assumed to take before the pool has timed one (a 12 MP photo, roughly). */
const FIRST_GUESS_MS = 1000;

export class DecodePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Waiting[] = [];
  private readonly idleMs: number;
  private nextId = 1;
  private closed = false;
  private averageMs = FIRST_GUESS_MS;

  constructor(private readonly opts: DecodePoolOptions) {
    if (!(opts.size >= 1)) throw new RangeError('A decode pool needs at least one worker.');
    this.idleMs = opts.idleMs ?? 30_000;
  }

  /** Decodes one photo in a worker; the same result and AppErrors as decodeImageBuffer. */
  decode(bytes: Uint8Array): Promise<DecodeImageResult> {
    if (this.closed) return Promise.reject(new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down; send the photo again in a moment.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, bytes, options: this.opts.options ?? {} }, resolve, reject });
      this.pump();
    });
  }

  /** Decodes running now. */
  get running(): number {
    return [...this.slots].filter((s) => s.current).length;
  }

  /** Decodes waiting for a worker. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Worker threads alive (busy or idle). */
  get workers(): number {
    return this.slots.size;
  }

  get size(): number {
    return this.opts.size;
  }

  /** About how long a decode asked for now would take to finish, from the recent decodes (for Retry-After). */
  expectedWaitMs(): number {
    return this.averageMs * Math.ceil((this.running + this.waiting + 1) / this.opts.size);
  }

  /** Refuses new decodes, fails the waiting ones, lets the running ones finish, and ends every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.reject(new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down; send the photo again in a moment.'));
    const busy = [...this.slots].filter((s) => s.current).map((s) => new Promise<void>((done) => s.worker.once('message', () => done()).once('exit', () => done())));
    await Promise.all(busy);
    await Promise.all([...this.slots].map((s) => this.end(s)));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => !s.current);
      if (!slot) {
        if (this.slots.size >= this.opts.size) return;
        slot = this.spawn();
      }
      const next = this.queue.shift()!;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.current = { ...next, startedMs: performance.now() };
      slot.worker.ref();
      slot.worker.postMessage(next.job);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startDecodeWorker({ nice: this.opts.nice ?? 0 }), current: null, idleTimer: null };
    let crash: unknown = null;
    slot.worker.on('message', (reply: DecodeReply) => this.settle(slot, reply));
    slot.worker.on('error', (e) => {
      crash = e;
    });
    slot.worker.on('exit', (exitCode) => {
      this.slots.delete(slot);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      if (slot.current) slot.current.reject(new Error(`The photo decode worker ended (exit code ${exitCode}).`, { cause: crash }));
      slot.current = null;
      if (!this.closed) this.pump();
    });
    this.slots.add(slot);
    return slot;
  }

  private settle(slot: Slot, reply: DecodeReply): void {
    const current = slot.current;
    if (!current || current.job.id !== reply.id) return;
    slot.current = null;
    this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - current.startedMs);
    if (reply.ok) current.resolve(reply.result);
    else if (reply.error.code) current.reject(new AppError(reply.error.code, reply.error.message, { ...(reply.error.hint ? { hint: reply.error.hint } : {}), ...(reply.error.details ? { details: reply.error.details } : {}) }));
    else current.reject(new Error(reply.error.message));
    slot.worker.unref();
    if (this.closed) return;
    this.pump();
    if (!slot.current) {
      slot.idleTimer = setTimeout(() => void this.end(slot), this.idleMs);
      slot.idleTimer.unref();
    }
  }

  private async end(slot: Slot): Promise<void> {
    if (slot.current) return;
    this.slots.delete(slot);
    await slot.worker.terminate();
  }
}

/**
 * From source (tsx, vitest) the worker is decode-worker.ts, run through tsx's loader; in the
 * production bundle (scripts/build.ts) it is dist/server/decode-worker.js beside the server's file.
 */
function startDecodeWorker(workerData: { nice: number }): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./decode-worker.ts', import.meta.url).href;
    const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(entry)});`;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { name: 'qr-decode', workerData });
  }
  return new Worker(new URL('./decode-worker.js', import.meta.url), { name: 'qr-decode', workerData });
}
