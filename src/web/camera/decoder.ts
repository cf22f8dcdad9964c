/** The page side of the decode worker: one worker, promise per request. */
import type { DecodeRequest, DecodeResponse } from './decode-protocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Pending = { resolve: (texts: string[]) => void; reject: (e: Error) => void };

export class QrDecoder {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: 'qr-decode' });
    this.worker.addEventListener('message', (e: MessageEvent<DecodeResponse>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data.texts);
      else p.reject(new Error(e.data.error));
    });
    this.worker.addEventListener('error', (e) => {
      const err = new Error(`QR decoder failed: ${e.message || 'worker error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  private send(req: DistributiveOmit<DecodeRequest, 'id'>, transfer: Transferable[] = []): Promise<string[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  warmup(): Promise<string[]> {
    return this.send({ kind: 'warmup' });
  }

  decodeFrame(image: ImageData): Promise<string[]> {
    return this.send({ kind: 'frame', image }, [image.data.buffer]);
  }

  decodeBlob(blob: Blob): Promise<string[]> {
    return this.send({ kind: 'blob', blob });
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('decoder stopped'));
    this.pending.clear();
  }
}
