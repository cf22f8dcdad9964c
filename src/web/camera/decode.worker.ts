/**
 * QR decoding off the main thread, so the camera preview stays smooth. Uses the shared decoding
 * core (src/qr-image/decoder-core: zxing-wasm with the same reader options as the server and the CLI),
 * with the .wasm served from our own origin (never fetched from a CDN).
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { decodeRgba, useZxingWasmUrl } from '../../qr-image/decoder-core';
import type { DecodeRequest, DecodeResponse } from './decode-protocol';

// Starts fetching and compiling the .wasm now, before the first frame arrives.
const ready = useZxingWasmUrl(wasmUrl);

/** Photos straight off a phone are 12+ megapixels; scale them down before decoding. */
const MAX_PHOTO_SIDE = 2000;

async function blobToImageData(blob: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob);
  const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable in worker');
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  return ctx.getImageData(0, 0, w, h);
}

interface WorkerScope {
  addEventListener(type: 'message', cb: (e: MessageEvent<DecodeRequest>) => void): void;
  postMessage(msg: DecodeResponse): void;
}
const scope = self as unknown as WorkerScope;

async function handle(req: DecodeRequest): Promise<string[]> {
  await ready;
  if (req.kind === 'warmup') return [];
  // Camera frames: one fast pass (the next frame is a retry). Album photos: every pass that helps.
  const image = req.kind === 'frame' ? req.image : await blobToImageData(req.blob);
  const results = await decodeRgba(image, req.kind === 'frame' ? 'frame' : 'photo');
  return results.map((r) => r.text);
}

scope.addEventListener('message', (e) => {
  const req = e.data;
  handle(req).then(
    (texts) => scope.postMessage({ id: req.id, ok: true, texts }),
    (err: unknown) => scope.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
