/**
 * Test media made on the spot: a QR code rendered into a .y4m video for Chromium's fake camera,
 * and a "photo" of a label (rotated, blurred, on a grey table) for the album.
 */
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';
import sharp from 'sharp';

/** The QR as a grey image (0 black, 255 white) of `size` px, with a 4-module quiet zone. */
export function qrGrey(text: string, size: number): { pixels: Uint8Array; size: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const modules = n + 8;
  const scale = Math.max(1, Math.floor(size / modules));
  const px = modules * scale;
  const pixels = new Uint8Array(px * px).fill(255);
  for (let y = 0; y < px; y++) {
    for (let x = 0; x < px; x++) {
      const my = Math.floor(y / scale) - 4;
      const mx = Math.floor(x / scale) - 4;
      if (my >= 0 && mx >= 0 && my < n && mx < n && qr.modules.get(my, mx)) pixels[y * px + x] = 0;
    }
  }
  return { pixels, size: px };
}

/** A 640×480 y4m (C420jpeg) showing the QR centred at about 300 px, repeated for `frames` frames. */
export function writeQrY4m(file: string, text: string, frames = 10): void {
  const W = 640;
  const H = 480;
  const y = new Uint8Array(W * H).fill(235);
  const qr = qrGrey(text, 300);
  const ox = Math.floor((W - qr.size) / 2);
  const oy = Math.floor((H - qr.size) / 2);
  for (let r = 0; r < qr.size; r++) y.set(qr.pixels.subarray(r * qr.size, (r + 1) * qr.size), (oy + r) * W + ox);
  const chroma = new Uint8Array((W / 2) * (H / 2)).fill(128);
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F30:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

/**
 * A JPEG that looks like a phone photo of a label: QR on a white sticker, tilted, soft. Long codes
 * (multi-device lists) need more pixels per module: pass a larger `qrPx`.
 */
export async function labelPhoto(text: string | null, opts: { qrPx?: number } = {}): Promise<Buffer> {
  const qrPx = opts.qrPx ?? 300;
  const sticker = qrPx + 120;
  let label: Buffer;
  if (text) {
    const qr = qrGrey(text, qrPx);
    const qrPng = await sharp(Buffer.from(qr.pixels), { raw: { width: qr.size, height: qr.size, channels: 1 } }).png().toBuffer();
    label = await sharp({ create: { width: sticker, height: sticker, channels: 3, background: '#fafafa' } })
      .composite([{ input: qrPng, top: Math.floor((sticker - qr.size) / 2), left: Math.floor((sticker - qr.size) / 2) }])
      .png()
      .toBuffer();
  } else {
    label = await sharp({ create: { width: sticker, height: sticker, channels: 3, background: '#fafafa' } }).png().toBuffer();
  }
  const tilted = await sharp(label).rotate(9, { background: '#7d838a' }).png().toBuffer();
  const meta = await sharp(tilted).metadata();
  const W = Math.max(1200, (meta.width ?? sticker) + 200);
  const H = Math.max(900, (meta.height ?? sticker) + 200);
  return sharp({ create: { width: W, height: H, channels: 3, background: '#7d838a' } })
    .composite([{ input: tilted, top: Math.floor((H - (meta.height ?? sticker)) / 2), left: Math.floor((W - (meta.width ?? sticker)) / 2) }])
    .blur(0.8)
    .jpeg({ quality: 82 })
    .toBuffer();
}
