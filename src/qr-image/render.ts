/** Renders QR text to PNG, SVG or terminal art with `qrcode`. */
import QRCode from 'qrcode';
import { AppError } from '../errors/app-error';

export type QrImageFormat = 'png' | 'svg' | 'terminal';
export type EccLevel = 'L' | 'M' | 'Q' | 'H';

export interface RenderOptions {
  /** Error-correction level; M (15 %) by default: labels get scratched, phones are forgiving. */
  ecc?: EccLevel;
  /** Pixels per module for PNG (default 8). */
  scale?: number;
  /** Quiet zone in modules (default 4, as the standard asks). */
  margin?: number;
  /** Refuse codes above this version (default 20: larger ones are hard for phone cameras). */
  maxVersion?: number;
}

/** The QR version the text needs (1–40) at this error-correction level. */
export function qrVersionFor(text: string, ecc: EccLevel = 'M'): number {
  try {
    return QRCode.create(text, { errorCorrectionLevel: ecc }).version;
  } catch (e) {
    throw new AppError('QR_TOO_LARGE', 'This text does not fit in one QR code.', { cause: e, hint: 'Split it into parts (Sitekeeper codes do this) or export fewer devices.' });
  }
}

function check(text: string, opts: RenderOptions): EccLevel {
  const ecc = opts.ecc ?? 'M';
  const version = qrVersionFor(text, ecc);
  const max = opts.maxVersion ?? 20;
  if (version > max) {
    throw new AppError('QR_TOO_LARGE', `This text needs a version-${version} QR code; at most version ${max} is readable by phone cameras.`, {
      hint: 'Split it into parts (Sitekeeper codes do this) or export fewer devices.',
      details: { version, maxVersion: max },
    });
  }
  return ecc;
}

export async function renderQrPng(text: string, opts: RenderOptions = {}): Promise<Buffer> {
  const ecc = check(text, opts);
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: ecc, scale: opts.scale ?? 8, margin: opts.margin ?? 4 });
}

export async function renderQrSvg(text: string, opts: RenderOptions = {}): Promise<string> {
  const ecc = check(text, opts);
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: ecc, margin: opts.margin ?? 4 });
}

export async function renderQrTerminal(text: string, opts: RenderOptions = {}): Promise<string> {
  const ecc = check(text, opts);
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: ecc, margin: opts.margin ?? 2 });
}

export async function renderQr(text: string, format: QrImageFormat, opts: RenderOptions = {}): Promise<Buffer | string> {
  if (format === 'png') return renderQrPng(text, opts);
  if (format === 'svg') return renderQrSvg(text, opts);
  return renderQrTerminal(text, opts);
}
