/**
 * The decode worker thread (started by decode-pool.ts): one photo at a time, decoded with
 * decodeImageBuffer. Typed failures go back as their code, so the caller gets the same AppError it
 * would get decoding in its own thread.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors/app-error';
import { decodeImageBuffer } from './decode-image';
import type { DecodeJob, DecodeReply } from './decode-pool';

const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs as a worker thread (see decode-pool.ts).');

port.on('message', (job: DecodeJob) => {
  void decodeImageBuffer(job.bytes, job.options).then(
    (result): void => port.postMessage({ id: job.id, ok: true, result } satisfies DecodeReply),
    (e: unknown): void => {
      const error = e instanceof AppError ? { code: e.code, message: e.message, hint: e.hint, details: e.details } : { message: e instanceof Error ? e.message : String(e) };
      port.postMessage({ id: job.id, ok: false, error } satisfies DecodeReply);
    },
  );
});
