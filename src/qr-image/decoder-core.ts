/**
 * QR decoding core on zxing-wasm (ZXing-C++), for Node and for a browser Web Worker.
 *
 * Input is raw RGBA pixels ({data, width, height}), output every QR code found with its text and
 * its 4 corners in the input's pixel coordinates. Nothing here touches the file system or the
 * network: the .wasm must be supplied first (Node: ./zxing-node `loadZxingForNode`; browser:
 * `useZxingWasmUrl('/assets/zxing_reader.wasm')` with the file served from our own origin).
 * Left alone, zxing-wasm would download its .wasm from a CDN, which fails offline.
 */
import { prepareZXingModule, readBarcodes, type ReaderOptions, type ReadResult } from 'zxing-wasm/reader';
import { AppError } from '../errors/app-error';

export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface QrPoint {
  x: number;
  y: number;
}

export interface QrPosition {
  topLeft: QrPoint;
  topRight: QrPoint;
  bottomRight: QrPoint;
  bottomLeft: QrPoint;
}

export interface DecodedQr {
  text: string;
  /** Raw bytes of the code (the text is these bytes decoded per ECI / guessed charset). */
  bytes: Uint8Array;
  position: QrPosition;
}

/** 'photo': every pass that helps (album photos). 'frame': one fast pass (camera frames, ≤ 15 ms). */
export type DecodeMode = 'photo' | 'frame';

let ready: Promise<unknown> | null = null;

/** Supplies the .wasm bytes (Node, or a browser that fetched them itself). Call once before decoding. */
export function useZxingWasmBinary(wasmBinary: ArrayBuffer | Uint8Array): Promise<void> {
  const bytes = wasmBinary instanceof Uint8Array ? wasmBinary : new Uint8Array(wasmBinary);
  // Emscripten wants an ArrayBuffer-backed view; copy so the caller's buffer may be reused.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const p = prepareZXingModule({ overrides: { wasmBinary: copy.buffer }, fireImmediately: true });
  ready = p;
  return p.then(() => undefined);
}

/** Browser: tells zxing-wasm to load its .wasm from this URL (our own origin), never from a CDN. */
export function useZxingWasmUrl(wasmUrl: string): Promise<void> {
  const p = prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
    fireImmediately: true,
  });
  ready = p;
  return p.then(() => undefined);
}

export function isDecoderReady(): boolean {
  return ready !== null;
}

/** Reader options of our first pass (the reader defaults plus denoise, QR only). */
export const PRIMARY_READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  tryDenoise: true,
  maxNumberOfSymbols: 255,
};

/**
 * Camera frames: no denoise (a missed frame is followed by the next one) and stop at the first
 * code, which saves ~40 % of the time per 1280×720 frame (bench/qr-decode). Pass `maxCodes` to
 * `decodeRgba` when a frame may hold several codes that all matter.
 */
export const FRAME_READER_OPTIONS: ReaderOptions = { ...PRIMARY_READER_OPTIONS, tryDenoise: false, maxNumberOfSymbols: 1 };

function toDecoded(r: ReadResult): DecodedQr {
  const p = r.position;
  return {
    text: r.text,
    bytes: r.bytes,
    position: {
      topLeft: { x: p.topLeft.x, y: p.topLeft.y },
      topRight: { x: p.topRight.x, y: p.topRight.y },
      bottomRight: { x: p.bottomRight.x, y: p.bottomRight.y },
      bottomLeft: { x: p.bottomLeft.x, y: p.bottomLeft.y },
    },
  };
}

/** One zxing call on RGBA pixels. Only valid, non-empty results are returned. */
export async function readQrCodes(image: RgbaImage, options: ReaderOptions = PRIMARY_READER_OPTIONS): Promise<DecodedQr[]> {
  if (!ready) {
    throw new AppError('QR_DECODER_UNAVAILABLE', 'The QR decoder was used before its .wasm was supplied.', {
      hint: 'Call loadZxingForNode() (Node) or useZxingWasmUrl() (browser) first.',
    });
  }
  await ready;
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || data.length !== width * height * 4) {
    throw new AppError('IMAGE_UNREADABLE', 'The pixel buffer does not match its width and height.');
  }
  // No global ImageData in Node: zxing-wasm accepts this shape.
  const input = { data, width, height, colorSpace: 'srgb' } as unknown as ImageData;
  const results = await readBarcodes(input, options);
  return results.filter((r) => r.isValid && r.text !== '').map(toDecoded);
}

export function centroid(p: QrPosition): QrPoint {
  return {
    x: (p.topLeft.x + p.topRight.x + p.bottomRight.x + p.bottomLeft.x) / 4,
    y: (p.topLeft.y + p.topRight.y + p.bottomRight.y + p.bottomLeft.y) / 4,
  };
}

function meanSide(p: QrPosition): number {
  const d = (a: QrPoint, b: QrPoint) => Math.hypot(a.x - b.x, a.y - b.y);
  return (d(p.topLeft, p.topRight) + d(p.topRight, p.bottomRight) + d(p.bottomRight, p.bottomLeft) + d(p.bottomLeft, p.topLeft)) / 4;
}

/** True when two results are the same physical code (centres within half a code side). */
export function sameCode(a: QrPosition, b: QrPosition): boolean {
  const ca = centroid(a);
  const cb = centroid(b);
  return Math.hypot(ca.x - cb.x, ca.y - cb.y) < 0.5 * Math.max(meanSide(a), meanSide(b));
}

/** Adds the results of a further pass that are not already known (by position). */
export function mergeResults(known: DecodedQr[], extra: DecodedQr[]): DecodedQr[] {
  const out = [...known];
  for (const r of extra) if (!out.some((k) => sameCode(k.position, r.position))) out.push(r);
  return out;
}

export function mapPosition(p: QrPosition, f: (pt: QrPoint) => QrPoint): QrPosition {
  return { topLeft: f(p.topLeft), topRight: f(p.topRight), bottomRight: f(p.bottomRight), bottomLeft: f(p.bottomLeft) };
}

/**
 * Decodes a camera frame or any RGBA image in one zxing pass (the browser worker's entry point).
 * Album photos on the server get further passes in ./decode-image.
 */
export async function decodeRgba(image: RgbaImage, mode: DecodeMode = 'photo', opts: { maxCodes?: number } = {}): Promise<DecodedQr[]> {
  const base = mode === 'frame' ? FRAME_READER_OPTIONS : PRIMARY_READER_OPTIONS;
  const maxCodes = opts.maxCodes === undefined ? undefined : Math.max(1, Math.min(255, Math.floor(opts.maxCodes)));
  return readQrCodes(image, maxCodes === undefined ? base : { ...base, maxNumberOfSymbols: maxCodes });
}
