/**
 * Server side: decode every QR code in an uploaded photo (JPEG, PNG, WebP).
 *
 * - Size caps: bytes, and pixels read from the header before any decoding, so a decompression
 *   bomb (a tiny file claiming gigapixels) is refused in milliseconds.
 * - Pixel budget: an image larger than a phone photo (above 16 MP) is downscaled while it is
 *   decoded (sharp streams it; JPEG shrinks on load), so zxing never works on more than 16 MP
 *   however large the file claims to be below the hard cap.
 * - The EXIF orientation is applied (sharp `.rotate()`), and positions are mapped back to the
 *   pixels as stored, which is what clients overlaying the file and the ground-truth sets expect.
 * - Photo mode: zxing with tryHarder/tryRotate/tryInvert/tryDenoise first; when that finds
 *   nothing, further passes that the benchmark (bench/qr-decode) showed to find more codes.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { AppError } from '../errors/app-error';
import { mapPosition, mergeResults, readQrCodes, PRIMARY_READER_OPTIONS, FRAME_READER_OPTIONS, type DecodedQr, type DecodeMode, type QrPoint, type RgbaImage } from './decoder-core';
import { loadZxingForNode } from './zxing-node';

export const DEFAULT_MAX_IMAGE_BYTES = 25 * 1024 * 1024;
/** Hard cap, checked on the header: larger images are refused (IMAGE_TOO_LARGE) without decoding a pixel. */
export const DEFAULT_MAX_IMAGE_PIXELS = 50_000_000;
/**
 * Most pixels zxing is given: a 12 MP phone photo (4032×3024) and 16 MP ones are decoded as they
 * are; larger images are downscaled to this on decode (bench/qr-decode, "Large photos").
 */
export const DEFAULT_MAX_DECODE_PIXELS = 16_000_000;
/** The upscale fallback never works on more pixels than this (bounded time and memory). */
const MAX_UPSCALED_PIXELS = 4_000_000;
/** Upscaling by less than this does not give zxing the extra pixels per module it needs. */
const MIN_USEFUL_UPSCALE = 1.25;
const FORMATS = new Set(['jpeg', 'png', 'webp']);

/** Plain data only: the options cross to the decode worker (decode-pool.ts). */
export interface DecodeImageOptions {
  maxBytes?: number;
  /** Hard cap on the stored pixels (from the header); above it the image is refused. */
  maxPixels?: number;
  /** Images with more pixels are downscaled to this many while decoding. */
  maxDecodePixels?: number;
  mode?: DecodeMode;
  /** Run the fallback passes when the first finds nothing (photo mode only; default true). */
  fallbackPasses?: boolean;
}

export interface DecodeImageResult {
  /** Codes with positions in pixel coordinates of the image as stored (no EXIF rotation). */
  codes: DecodedQr[];
  /** Stored size. */
  width: number;
  height: number;
  format: string;
  /** EXIF orientation (1 when none). */
  orientation: number;
  /** The pixels zxing was given (as displayed, after EXIF rotation): smaller than stored when downscaled. */
  decoded: { width: number; height: number };
}

/** Reads the codes of decoded RGBA pixels (the displayed image); decodePhotoRgba unless a test watches it. */
export type PixelDecoder = (img: RgbaImage, opts: { mode?: DecodeMode; fallbackPasses?: boolean }) => Promise<DecodedQr[]>;

function toRgba(data: Buffer, width: number, height: number): RgbaImage {
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height };
}

async function rawOf(s: Sharp): Promise<RgbaImage> {
  const { data, info } = await s.toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return toRgba(data, info.width, info.height);
}

function sharpFromRgba(img: RgbaImage): Sharp {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 4 } });
}

interface FallbackPass {
  name: string;
  /** Scale factor relative to the input, from its size; 0 skips the pass. */
  scale: (w: number, h: number) => number;
  prepare?: (s: Sharp) => Sharp;
}

/**
 * Passes tried in order when the first pass finds no code; each is kept only because the
 * benchmark showed it finding codes the first pass missed (bench/RESULTS.md, "## QR decode").
 * Tried on the photo set and dropped: normalise, gamma, sharpen, median, blur, ½ and ¼ downscale,
 * GlobalHistogram binarizer (no extra code); CLAHE found 1 more code (a sheet where zxing already
 * read 2 of 3) but only when run on every photo, at ~1.9 s median per photo.
 */
export const FALLBACK_PASSES: FallbackPass[] = [
  // Small or far-away codes in small photos: zxing needs ~3 px per module; upscaling gives it that.
  {
    name: 'upscale',
    scale: (w, h) => {
      const f = Math.min(2, Math.sqrt(MAX_UPSCALED_PIXELS / (w * h)));
      return f >= MIN_USEFUL_UPSCALE ? f : 0;
    },
  },
];

/** Fallback passes skip denoise: it found nothing more there and costs 2–5× the time. */
const FALLBACK_READER_OPTIONS = { ...PRIMARY_READER_OPTIONS, tryDenoise: false };

async function runPass(img: RgbaImage, pass: FallbackPass): Promise<DecodedQr[]> {
  const f = pass.scale(img.width, img.height);
  if (!(f > 0)) return [];
  const w = Math.max(1, Math.round(img.width * f));
  const h = Math.max(1, Math.round(img.height * f));
  let s = sharpFromRgba(img);
  if (w !== img.width || h !== img.height) s = s.resize(w, h, { kernel: f < 1 ? 'lanczos3' : 'cubic', fit: 'fill' });
  if (pass.prepare) s = pass.prepare(s);
  const scaled = await rawOf(s);
  const sx = img.width / scaled.width;
  const sy = img.height / scaled.height;
  const found = await readQrCodes(scaled, FALLBACK_READER_OPTIONS);
  return found.map((r) => ({ ...r, position: mapPosition(r.position, (p) => ({ x: p.x * sx, y: p.y * sy })) }));
}

/**
 * Decodes RGBA pixels with our full strategy (first pass, then fallbacks when nothing was found).
 * This is what the benchmark times as "ours".
 */
export async function decodePhotoRgba(img: RgbaImage, opts: { mode?: DecodeMode; fallbackPasses?: boolean } = {}): Promise<DecodedQr[]> {
  await loadZxingForNode();
  const mode = opts.mode ?? 'photo';
  let codes = await readQrCodes(img, mode === 'frame' ? FRAME_READER_OPTIONS : PRIMARY_READER_OPTIONS);
  if (mode === 'frame' || opts.fallbackPasses === false) return codes;
  for (const pass of FALLBACK_PASSES) {
    if (codes.length > 0) break;
    codes = mergeResults(codes, await runPass(img, pass));
  }
  return codes;
}

/** Maps a point of the displayed (EXIF-rotated) image back to the stored pixels (W×H stored). */
export function displayedToStored(p: QrPoint, orientation: number, W: number, H: number): QrPoint {
  switch (orientation) {
    case 2:
      return { x: W - p.x, y: p.y };
    case 3:
      return { x: W - p.x, y: H - p.y };
    case 4:
      return { x: p.x, y: H - p.y };
    case 5:
      return { x: p.y, y: p.x };
    case 6:
      return { x: p.y, y: H - p.x };
    case 7:
      return { x: W - p.y, y: H - p.x };
    case 8:
      return { x: W - p.y, y: p.x };
    default:
      return { x: p.x, y: p.y };
  }
}

/** Reads an uploaded image and returns every QR code found. Throws IMAGE_* AppErrors for bad input. */
export async function decodeImageBuffer(buf: Uint8Array, opts: DecodeImageOptions = {}, decodePixels: PixelDecoder = decodePhotoRgba): Promise<DecodeImageResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const maxDecodePixels = opts.maxDecodePixels ?? DEFAULT_MAX_DECODE_PIXELS;
  if (buf.length > maxBytes) {
    throw new AppError('IMAGE_TOO_LARGE', `The image file has ${buf.length} bytes; the limit is ${maxBytes}.`, { details: { bytes: buf.length, maxBytes } });
  }
  if (buf.length === 0) throw new AppError('IMAGE_UNREADABLE', 'The image file is empty.');
  const input = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  let meta: Metadata;
  try {
    // The header only: no pixel is decoded before the size checks below.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new AppError('IMAGE_UNREADABLE', undefined, { cause: e });
  }
  if (!meta.format || !FORMATS.has(meta.format)) {
    throw new AppError('IMAGE_UNREADABLE', `Images in ${meta.format ?? 'this'} format are not accepted.`, { details: { format: meta.format ?? null } });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new AppError('IMAGE_UNREADABLE', 'The image has no size.');
  if (width * height > maxPixels) {
    throw new AppError('IMAGE_TOO_LARGE', `The image has ${width}×${height} pixels (${megapixels(width * height)} MP); the limit is ${megapixels(maxPixels)} MP.`, {
      details: { width, height, maxPixels },
      hint: 'Send a photo of at most the limit in details; a phone photo at its normal resolution (12 MP) is fine.',
    });
  }
  const orientation = meta.orientation ?? 1;
  // Displayed (EXIF-rotated) size; orientations 5–8 swap the sides.
  const [shownW, shownH] = orientation >= 5 ? [height, width] : [width, height];
  const f = width * height > maxDecodePixels ? Math.sqrt(maxDecodePixels / (width * height)) : 1;
  let pipeline = sharp(input, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true }).rotate();
  if (f < 1) pipeline = pipeline.resize(Math.max(1, Math.floor(shownW * f)), Math.max(1, Math.floor(shownH * f)), { fit: 'fill' });
  let displayed: RgbaImage;
  try {
    displayed = await rawOf(pipeline);
  } catch (e) {
    throw new AppError('IMAGE_UNREADABLE', 'The image file is damaged and cannot be decoded.', { cause: e });
  }
  const codes = await decodePixels(displayed, { ...(opts.mode ? { mode: opts.mode } : {}), ...(opts.fallbackPasses === undefined ? {} : { fallbackPasses: opts.fallbackPasses }) });
  const sx = shownW / displayed.width;
  const sy = shownH / displayed.height;
  return {
    codes: codes.map((c) => ({ ...c, position: mapPosition(c.position, (p) => displayedToStored({ x: p.x * sx, y: p.y * sy }, orientation, width, height)) })),
    width,
    height,
    format: meta.format,
    orientation,
    decoded: { width: displayed.width, height: displayed.height },
  };
}

const megapixels = (px: number) => (px / 1e6).toFixed(1).replace(/\.0$/, '');
