/**
 * Firmware package format understood by the emulator (real packages are vendor-signed blobs; we
 * only need the device to check "is this for my model, which version is it, is it intact").
 *
 *   offset 0  4 bytes  magic "SKFW"
 *   offset 4  1 byte   format version (1)
 *   offset 5  4 bytes  header length N, unsigned big-endian
 *   offset 9  N bytes  UTF-8 JSON header: { models: string[], version: "V5.7.5", build: "240101",
 *                      payloadSha256: hex }
 *   then      payload  any bytes (the "image")
 *
 * Pure: build and parse.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error';

export const FIRMWARE_MAGIC = 'SKFW';
const FORMAT_VERSION = 1;
const MAX_HEADER_BYTES = 64 * 1024;

export interface FirmwareHeader {
  /** Models this package installs on (exact model strings, case-insensitive match). */
  models: string[];
  /** Version as deviceInfo reports it, e.g. `V5.7.5`. */
  version: string;
  /** Build as deviceInfo's `firmwareReleasedDate` reports it without "build ", e.g. `240101`. */
  build: string;
}

export interface FirmwarePackage extends FirmwareHeader {
  payloadSha256: string;
  payload: Buffer;
}

export function buildFirmwarePackage(opts: { models: string[]; version: string; build?: string; payload?: Buffer | Uint8Array; payloadSize?: number }): Buffer {
  const payload = opts.payload ? Buffer.from(opts.payload) : Buffer.alloc(opts.payloadSize ?? 4096, 0x5a);
  const header = Buffer.from(
    JSON.stringify({ models: opts.models, version: opts.version, build: opts.build ?? '000000', payloadSha256: createHash('sha256').update(payload).digest('hex') }),
    'utf8',
  );
  const fixed = Buffer.alloc(9);
  fixed.write(FIRMWARE_MAGIC, 0, 'ascii');
  fixed.writeUInt8(FORMAT_VERSION, 4);
  fixed.writeUInt32BE(header.length, 5);
  return Buffer.concat([fixed, header, payload]);
}

function bad(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { hint: 'Use a firmware package built for this device model.' });
}

/** Parses and verifies a package. Throws VALIDATION_FAILED for anything that is not a good package. */
export function parseFirmwarePackage(data: Buffer | Uint8Array): FirmwarePackage {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 9 || buf.subarray(0, 4).toString('ascii') !== FIRMWARE_MAGIC) throw bad('Not a firmware package (bad magic).');
  if (buf.readUInt8(4) !== FORMAT_VERSION) throw bad('Unsupported firmware package format version.');
  const n = buf.readUInt32BE(5);
  if (n > MAX_HEADER_BYTES || 9 + n > buf.length) throw bad('Firmware package header is truncated.');
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(buf.subarray(9, 9 + n).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw bad('Firmware package header is not valid JSON.');
  }
  const models = h.models;
  if (!Array.isArray(models) || !models.every((m) => typeof m === 'string') || typeof h.version !== 'string' || typeof h.build !== 'string' || typeof h.payloadSha256 !== 'string') {
    throw bad('Firmware package header is incomplete.');
  }
  const payload = buf.subarray(9 + n);
  if (createHash('sha256').update(payload).digest('hex') !== h.payloadSha256) throw bad('Firmware package is corrupted (checksum mismatch).');
  return { models, version: h.version, build: h.build, payloadSha256: h.payloadSha256, payload };
}

export function firmwareFitsModel(pkg: FirmwareHeader, model: string): boolean {
  return pkg.models.some((m) => m.toLowerCase() === model.toLowerCase());
}
