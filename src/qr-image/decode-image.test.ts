import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error';
import { centroid, decodeRgba, readQrCodes } from './decoder-core';
import { decodeImageBuffer, decodePhotoRgba, displayedToStored, DEFAULT_MAX_DECODE_PIXELS, type PixelDecoder } from './decode-image';
import { renderQrPng } from './render';
import { loadZxingForNode } from './zxing-node';

const LABEL = 'www.xxx.com\n456654855\nABCDEF\nCS-C3-21PPFR\n';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
}

/** A W×H grey canvas with the QR PNG pasted at (left, top). */
async function scene(qrPng: Buffer, W: number, H: number, left: number, top: number): Promise<Sharp> {
  return sharp({ create: { width: W, height: H, channels: 3, background: { r: 200, g: 200, b: 200 } } }).composite([{ input: qrPng, left, top }]);
}

describe('QR decoder before loading', () => {
  it('refuses to decode before the .wasm is supplied (never downloads it)', async () => {
    expect(await codeOf(readQrCodes({ data: new Uint8ClampedArray(4), width: 1, height: 1 }))).toBe('QR_DECODER_UNAVAILABLE');
  });
});

describe('QR decoding', () => {
  beforeAll(async () => {
    await loadZxingForNode();
  });

  it('decodes a rendered label QR with its position', async () => {
    const png = await renderQrPng(LABEL, { scale: 6 });
    const meta = await sharp(png).metadata();
    const img = await (await scene(png, 800, 600, 200, 100)).jpeg({ quality: 85 }).toBuffer();
    const r = await decodeImageBuffer(img);
    expect(r.codes.map((c) => c.text)).toEqual([LABEL]);
    const c = centroid(r.codes[0]!.position);
    expect(Math.abs(c.x - (200 + meta.width / 2))).toBeLessThan(8);
    expect(Math.abs(c.y - (100 + meta.height / 2))).toBeLessThan(8);
  });

  it('finds several codes in one image', async () => {
    const a = await renderQrPng('A12345678', { scale: 5 });
    const b = await renderQrPng('B12345678', { scale: 5 });
    const img = await sharp({ create: { width: 900, height: 400, channels: 3, background: '#fff' } })
      .composite([{ input: a, left: 40, top: 60 }, { input: b, left: 520, top: 90 }])
      .png()
      .toBuffer();
    const r = await decodeImageBuffer(img);
    expect(r.codes.map((c) => c.text).sort()).toEqual(['A12345678', 'B12345678']);
  });

  it('applies EXIF orientation and reports positions in stored pixels', async () => {
    const png = await renderQrPng(LABEL, { scale: 5 });
    const size = (await sharp(png).metadata()).width;
    const left = 500;
    const top = 60;
    for (const orientation of [3, 6, 8]) {
      const img = await (await scene(png, 1000, 700, left, top)).withMetadata({ orientation }).jpeg().toBuffer();
      const r = await decodeImageBuffer(img);
      expect(r.orientation).toBe(orientation);
      expect([r.width, r.height]).toEqual([1000, 700]);
      expect(r.codes).toHaveLength(1);
      const c = centroid(r.codes[0]!.position);
      expect([orientation, Math.round(c.x / 10), Math.round(c.y / 10)]).toEqual([orientation, Math.round((left + size / 2) / 10), Math.round((top + size / 2) / 10)]);
    }
  });

  it('maps displayed points back to stored ones for all orientations', () => {
    // Stored 100×50; the stored point (10, 20) as displayed under each orientation.
    const shown: Record<number, [number, number]> = { 1: [10, 20], 2: [90, 20], 3: [90, 30], 4: [10, 30], 5: [20, 10], 6: [30, 10], 7: [30, 90], 8: [20, 90] };
    for (const [o, [x, y]] of Object.entries(shown)) expect([o, displayedToStored({ x, y }, Number(o), 100, 50)]).toEqual([o, { x: 10, y: 20 }]);
  });

  it('returns no codes for an image without a QR code', async () => {
    const img = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080' } }).webp().toBuffer();
    expect((await decodeImageBuffer(img)).codes).toEqual([]);
  });

  it('decodes a frame in frame mode', async () => {
    const png = await renderQrPng('E12345678', { scale: 4 });
    const { data, info } = await (await scene(png, 1280, 720, 500, 200)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const codes = await decodeRgba({ data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height }, 'frame');
    expect(codes.map((c) => c.text)).toEqual(['E12345678']);
  });

  it('gives typed errors for bad images', async () => {
    const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    expect(await codeOf(decodeImageBuffer(good.subarray(0, good.length / 2)))).toBe('IMAGE_UNREADABLE');
    expect(await codeOf(decodeImageBuffer(new Uint8Array(1000).map((_, i) => (i * 7919) % 251)))).toBe('IMAGE_UNREADABLE');
    expect(await codeOf(decodeImageBuffer(new Uint8Array(0)))).toBe('IMAGE_UNREADABLE');
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).gif().toBuffer();
    expect(await codeOf(decodeImageBuffer(gif))).toBe('IMAGE_UNREADABLE');
    expect(await codeOf(decodeImageBuffer(good, { maxBytes: 100 }))).toBe('IMAGE_TOO_LARGE');
  });

  it('refuses a decompression-bomb PNG from its header', async () => {
    // A real 16×16 PNG whose header claims 60000×60000 pixels (3.6 gigapixels).
    const png = Buffer.from(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } }).png().toBuffer());
    png.writeUInt32BE(60000, 16);
    png.writeUInt32BE(60000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    // Refused from the header: the 3.6-gigapixel image is never decoded (it would exhaust memory).
    expect(await codeOf(decodeImageBuffer(png))).toBe('IMAGE_TOO_LARGE');
  });

  /** decodePhotoRgba, recording the size of every image zxing is asked to read. */
  function watchedDecoder(): { asked: Array<[number, number]>; decode: PixelDecoder } {
    const asked: Array<[number, number]> = [];
    return { asked, decode: async (img, o) => (asked.push([img.width, img.height]), decodePhotoRgba(img, o)) };
  }

  it('decodes a 7000×7000 PNG downscaled to the pixel budget, positions in stored pixels (issue 13)', async () => {
    const qr = await renderQrPng(LABEL, { scale: 16 });
    const size = (await sharp(qr).metadata()).width;
    const png = await (await scene(qr, 7000, 7000, 3000, 2500)).png().toBuffer();
    const watch = watchedDecoder();
    const r = await decodeImageBuffer(png, {}, watch.decode);
    expect(r.codes.map((c) => c.text)).toEqual([LABEL]);
    expect([r.width, r.height]).toEqual([7000, 7000]);
    // zxing was given one 16 MP image (4000×4000), never the 49 MP one.
    expect(r.decoded).toEqual({ width: 4000, height: 4000 });
    expect(watch.asked).toEqual([[4000, 4000]]);
    expect(DEFAULT_MAX_DECODE_PIXELS).toBe(16_000_000);
    const c = centroid(r.codes[0]!.position);
    expect([Math.round(c.x / 20), Math.round(c.y / 20)]).toEqual([Math.round((3000 + size / 2) / 20), Math.round((2500 + size / 2) / 20)]);
  });

  it('downscales a rotated (EXIF 6) photo above the budget and maps positions back to stored pixels', async () => {
    const qr = await renderQrPng(LABEL, { scale: 10 });
    const size = (await sharp(qr).metadata()).width;
    const jpeg = await (await scene(qr, 6000, 3000, 4000, 500)).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
    const watch = watchedDecoder();
    const r = await decodeImageBuffer(jpeg, { maxDecodePixels: 4_500_000 }, watch.decode);
    expect(r.codes.map((c) => c.text)).toEqual([LABEL]);
    // Displayed 3000×6000, halved: 1500×3000.
    expect(watch.asked).toEqual([[1500, 3000]]);
    const c = centroid(r.codes[0]!.position);
    expect([Math.round(c.x / 20), Math.round(c.y / 20)]).toEqual([Math.round((4000 + size / 2) / 20), Math.round((500 + size / 2) / 20)]);
  });

  it('refuses an image above the hard cap from its header: no pixel is decoded (issue 13)', async () => {
    // A real 16×16 PNG whose header claims 7500×7500 (56 MP, over the 50 MP cap): decoding it would fail as damaged.
    const png = Buffer.from(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } }).png().toBuffer());
    png.writeUInt32BE(7500, 16);
    png.writeUInt32BE(7500, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    const watch = watchedDecoder();
    const e = await decodeImageBuffer(png, {}, watch.decode).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'IMAGE_TOO_LARGE', details: { width: 7500, height: 7500, maxPixels: 50_000_000 } });
    expect((e as AppError).message).toMatch(/56\.3 MP.*limit is 50 MP/);
    expect(watch.asked).toEqual([]);
  });

  it('only ever fails with typed errors on mutated image files (fuzz)', async () => {
    const png = await renderQrPng('E12345678', { scale: 3 });
    const jpeg = await sharp(png).jpeg().toBuffer();
    const webp = await sharp(png).webp().toBuffer();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(png, jpeg, webp), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(), async (file, flips, cut) => {
        const b = Buffer.from(file.subarray(0, Math.max(8, file.length - (cut % file.length))));
        for (const [at, v] of flips) b[at % b.length] = v;
        const outcome = await codeOf(decodeImageBuffer(b));
        expect(['no error', 'IMAGE_UNREADABLE', 'IMAGE_TOO_LARGE']).toContain(outcome);
      }),
      { numRuns: 60 },
    );
  });
});
