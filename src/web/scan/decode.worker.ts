/**
 * QR decoding off the main thread, so the camera preview stays smooth. zxing-wasm's reader with
 * its .wasm served from our own origin (never fetched from a CDN).
 */
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { DecodeRequest, DecodeResponse } from './decode-protocol';

prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) } });

const FRAME_OPTIONS: ReaderOptions = { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 };
// Album photos are taken once: spend more effort on them (denoise, inverted labels).
const PHOTO_OPTIONS: ReaderOptions = { formats: ['QRCode'], tryHarder: true, tryInvert: true, tryDenoise: true, maxNumberOfSymbols: 4 };

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
  if (req.kind === 'warmup') {
    // Load and compile the .wasm before the first frame arrives.
    await readBarcodes(new ImageData(1, 1), FRAME_OPTIONS);
    return [];
  }
  const image = req.kind === 'frame' ? req.image : await blobToImageData(req.blob);
  const results = await readBarcodes(image, req.kind === 'frame' ? FRAME_OPTIONS : PHOTO_OPTIONS);
  return results.filter((r) => r.isValid && r.text.length > 0).map((r) => r.text);
}

scope.addEventListener('message', (e) => {
  const req = e.data;
  handle(req).then(
    (texts) => scope.postMessage({ id: req.id, ok: true, texts }),
    (err: unknown) => scope.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
