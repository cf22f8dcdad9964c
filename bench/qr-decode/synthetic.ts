/**
 * A synthetic degradation set, generated (deterministically) on every run: device-style QR codes
 * rendered with `qrcode`, placed in a scene with sharp, then degraded — blur, perspective, noise,
 * low contrast, small modules, glare, curvature. Each image holds one code with a known payload.
 */
import sharp, { type Sharp } from 'sharp';
import QRCode from 'qrcode';
import { encodeDeviceListQr, encodeLabelQr, encodeSitekeeperQr } from '../../src/protocol/qr';

export interface SyntheticImage {
  name: string;
  category: string;
  payload: string;
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function payloadFor(i: number, r: () => number): string {
  const serial = String(100000000 + Math.floor(r() * 899999999));
  const code = Array.from({ length: 6 }, () => String.fromCharCode(65 + Math.floor(r() * 26))).join('');
  switch (i % 3) {
    case 0:
      return encodeLabelQr({ domain: 'www.hik-connect.com', serial, verificationCode: code, model: 'DS-2CD2143G2-IS' });
    case 1:
      return encodeDeviceListQr(
        Array.from({ length: 1 + (i % 4) }, (_, k) => ({ name: `Camera ${k + 1}`, host: `192.168.1.${10 + k}`, port: 8000, user: 'admin', password: `Pw${code}${k}` })),
        { password: code, timestamp: 1_740_000_000 + i },
      );
    default:
      return encodeSitekeeperQr({ devices: [{ serial, verificationCode: code, model: 'DS-7608NI-K2' }] });
  }
}

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

async function toRaw(s: Sharp): Promise<Raw> {
  const { data, info } = await s.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function sharpOf(r: Raw): Sharp {
  return sharp(r.data, { raw: { width: r.width, height: r.height, channels: 4 } });
}

/** Inverse-maps every output pixel through f (output → source), bilinear sampling, grey outside. */
function warp(src: Raw, W: number, H: number, f: (x: number, y: number) => [number, number] | null): Raw {
  const out = Buffer.alloc(W * H * 4, 170);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const m = f(x + 0.5, y + 0.5);
      const o = (y * W + x) * 4;
      out[o + 3] = 255;
      if (!m) continue;
      const sx = m[0] - 0.5;
      const sy = m[1] - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= src.width || y0 + 1 >= src.height) continue;
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const p = (yy: number, xx: number) => src.data[(yy * src.width + xx) * 4 + c]!;
        out[o + c] = (p(y0, x0) * (1 - fx) + p(y0, x0 + 1) * fx) * (1 - fy) + (p(y0 + 1, x0) * (1 - fx) + p(y0 + 1, x0 + 1) * fx) * fy;
      }
    }
  }
  return { data: out, width: W, height: H };
}

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}

/** Perspective: the code (side s, at ox, oy in src) is mapped onto quad q in the output. */
function perspective(src: Raw, q: Array<[number, number]>): Raw {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q as [[number, number], [number, number], [number, number], [number, number]];
  // Unit square → quad (Heckbert's closed form), inverted to map output pixels back.
  const dx1 = x1 - x2, dx2 = x3 - x2, dx3 = x0 - x1 + x2 - x3;
  const dy1 = y1 - y2, dy2 = y3 - y2, dy3 = y0 - y1 + y2 - y3;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = (dx3 * dy2 - dx2 * dy3) / den;
  const h = (dx1 * dy3 - dx3 * dy1) / den;
  const M = [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
  const inv = invert3(M);
  return warp(src, src.width, src.height, (x, y) => {
    const w = inv[6]! * x + inv[7]! * y + inv[8]!;
    const u = (inv[0]! * x + inv[1]! * y + inv[2]!) / w;
    const v = (inv[3]! * x + inv[4]! * y + inv[5]!) / w;
    if (u < 0 || u > 1 || v < 0 || v > 1) return null;
    return [u * src.width, v * src.height];
  });
}

function addNoise(r: Raw, sigma: number, rand: () => number): Raw {
  const out = Buffer.from(r.data);
  for (let i = 0; i < out.length; i += 4) {
    // Box-Muller
    const n = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand()) * sigma;
    for (let c = 0; c < 3; c++) out[i + c] = Math.max(0, Math.min(255, out[i + c]! + n));
  }
  return { ...r, data: out };
}

async function codeImage(payload: string, scale: number, margin = 4): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', scale, margin });
}

async function scene(code: Buffer, W: number, H: number, left: number, top: number, bg = '#b4b0a8'): Promise<Raw> {
  return toRaw(sharp({ create: { width: W, height: H, channels: 3, background: bg } }).composite([{ input: code, left, top }]));
}

export const CATEGORIES = ['blur', 'perspective', 'noise', 'low_contrast', 'small_modules', 'glare', 'curvature'] as const;

export async function generateSyntheticSet(perCategory = 8, seed = 5): Promise<SyntheticImage[]> {
  const out: SyntheticImage[] = [];
  const W = 960;
  const H = 720;
  for (const category of CATEGORIES) {
    for (let i = 0; i < perCategory; i++) {
      const r = rng(seed * 1000 + CATEGORIES.indexOf(category) * 100 + i);
      const payload = payloadFor(i, r);
      const hard = i / Math.max(1, perCategory - 1); // 0 = mild … 1 = severe
      let img: Raw;
      if (category === 'small_modules') {
        const scale = hard < 0.3 ? 3 : hard < 0.7 ? 2 : 1;
        const code = await codeImage(payload, scale);
        const meta = await sharp(code).metadata();
        img = await scene(code, W, H, Math.floor(r() * (W - meta.width)), Math.floor(r() * (H - meta.height)));
        img = await toRaw(sharpOf(img).blur(0.3 + 0.5 * hard));
      } else {
        const code = await codeImage(payload, 5);
        const side = (await sharp(code).metadata()).width;
        const s = Math.min(side, 600);
        const resized = await sharp(code).resize(s, s, { kernel: 'nearest' }).png().toBuffer();
        const left = Math.floor((W - s) * (0.2 + 0.6 * r()));
        const top = Math.floor((H - s) * (0.2 + 0.6 * r()));
        img = await scene(resized, W, H, left, top);
        if (category === 'blur') img = await toRaw(sharpOf(img).blur(1 + 4 * hard));
        else if (category === 'noise') img = addNoise(img, 20 + 70 * hard, r);
        else if (category === 'low_contrast') img = await toRaw(sharpOf(img).linear(0.35 - 0.27 * hard, 110));
        else if (category === 'glare') {
          const cx = left + s * (0.3 + 0.4 * r());
          const cy = top + s * (0.3 + 0.4 * r());
          const rad = s * (0.2 + 0.3 * hard);
          const svg = `<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><defs><radialGradient id="g"><stop offset="0" stop-color="#fff" stop-opacity="${0.8 + 0.2 * hard}"/><stop offset="0.55" stop-color="#fff" stop-opacity="${0.55 + 0.4 * hard}"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs><ellipse cx="${cx}" cy="${cy}" rx="${rad * 1.6}" ry="${rad}" fill="url(#g)"/></svg>`;
          img = await toRaw(sharpOf(img).composite([{ input: Buffer.from(svg) }]));
        } else if (category === 'perspective') {
          const k = 0.1 + 0.25 * hard;
          const j = () => (r() - 0.5) * 2 * k;
          const q: Array<[number, number]> = [
            [W * (0.1 + Math.abs(j()) * 0.5), H * (0.1 + Math.abs(j()) * 0.5)],
            [W * (0.9 - Math.abs(j()) * 0.5), H * (0.1 + k * 0.8)],
            [W * (0.9 - Math.abs(j()) * 0.5), H * (0.9 - k * 0.8)],
            [W * (0.1 + Math.abs(j()) * 0.5), H * (0.9 - Math.abs(j()) * 0.5)],
          ];
          img = perspective(img, q);
          img = await toRaw(sharpOf(img).blur(0.6));
        } else {
          // curvature: the scene wraps around a vertical cylinder (a bottle, a bent label).
          const R = W / (0.9 + 1.8 * hard);
          const cxs = W / 2;
          img = warp(img, W, H, (x, y) => {
            const d = (x - cxs) / R;
            if (Math.abs(d) >= 1) return null;
            return [cxs + R * Math.asin(d), y];
          });
          img = await toRaw(sharpOf(img).blur(0.5));
        }
      }
      out.push({ name: `${category}/${String(i).padStart(2, '0')}`, category, payload, data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), width: img.width, height: img.height });
    }
  }
  return out;
}

/** A 1280×720 camera frame with a label QR, mildly blurred and noisy. */
export async function cameraFrame(): Promise<SyntheticImage> {
  const payload = encodeLabelQr({ domain: 'www.hik-connect.com', serial: 'J12345678', verificationCode: 'ABCDEF', model: 'DS-2CD2143G2-IS' });
  const code = await codeImage(payload, 6);
  let img = await scene(code, 1280, 720, 470, 150, '#8a8a84');
  img = await toRaw(sharpOf(img).blur(1));
  img = addNoise(img, 8, rng(42));
  return { name: 'frame', category: 'frame', payload, data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), width: img.width, height: img.height };
}

export async function savePng(img: SyntheticImage, file: string): Promise<void> {
  await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 4 } }).png().toFile(file);
}
