/**
 * The decode worker thread (started by decode-pool.ts): one photo at a time, decoded with
 * decodeImageBuffer. Typed failures go back as their code, so the caller gets the same AppError it
 * would get decoding in its own thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors/app-error';
import { decodeImageBuffer } from './decode-image';
import { decodePriority } from './decode-priority';
import type { DecodeJob, DecodeReply } from './decode-pool';

const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs as a worker thread (see decode-pool.ts).');

// Decodes yield the CPU to the server (decode-priority.ts). libvips starts its threads during a
// decode, so while one runs they are looked for every 100 ms (cheap: a /proc listing).
const priority = decodePriority(Number((workerData as { nice?: number } | undefined)?.nice ?? 0));
priority.apply();

port.on('message', (job: DecodeJob) => {
  priority.apply();
  const watch = setInterval(() => priority.apply(), 100);
  void decodeImageBuffer(job.bytes, job.options).finally(() => clearInterval(watch)).then(
    (result): void => port.postMessage({ id: job.id, ok: true, result } satisfies DecodeReply),
    (e: unknown): void => {
      const error = e instanceof AppError ? { code: e.code, message: e.message, hint: e.hint, details: e.details } : { message: e instanceof Error ? e.message : String(e) };
      port.postMessage({ id: job.id, ok: false, error } satisfies DecodeReply);
    },
  );
});
