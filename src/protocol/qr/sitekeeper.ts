/**
 * Sitekeeper device QR ("Generate Device QR Code"): what is needed to add devices again.
 *
 *   SKQR1:P:<base64url(deflateRaw(JSON))>                       plain
 *   SKQR1:E:<base64url(salt16 | iv12 | tag16 | AES-256-GCM(deflateRaw(JSON)))>   encrypted
 *   SKQR1:PART:<i>/<n>:<set>:<chunk>                            one of n parts of a long code
 *
 * Encrypted codes derive the key with scrypt (N=2^14, r=8, p=1) from the password and a random
 * salt; the version prefix pins these parameters. Parts carry a slice of the full single-code text;
 * <set> is the first 8 hex digits of SHA-256 of that full text, so a merge detects mixed sets and
 * damaged parts. Crypto is not I/O: randomness comes from node:crypto unless the caller injects it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { AppError } from '../../errors/app-error';
import { isValidSerial } from './serial';

export const SITEKEEPER_PREFIX = 'SKQR1:';
export const SITEKEEPER_VERSION = 1;
const SCRYPT = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_JSON_BYTES = 256 * 1024;
const MAX_DEVICES = 1024;
const MAX_FIELD = 256;
/** Characters of one part: with the header this stays ≤ QR version 20 at ECC level M (666 bytes). */
export const DEFAULT_PART_CHARS = 560;
export const MAX_PARTS = 64;

export interface SitekeeperDevice {
  name?: string;
  /** Devices added by serial (cloud): label fields. */
  serial?: string;
  verificationCode?: string;
  model?: string;
  domain?: string;
  /** Devices added by IP / domain. */
  host?: string;
  port?: number;
  user?: string;
  password?: string;
}

export interface SitekeeperPayload {
  devices: SitekeeperDevice[];
  /** Free text, e.g. the site name. */
  note?: string;
}

export type SitekeeperQr =
  | { kind: 'sitekeeper'; version: number; encrypted: boolean; locked: false; devices: SitekeeperDevice[]; note?: string }
  /** Encrypted and no password given: ask for it and parse again. */
  | { kind: 'sitekeeper'; version: number; encrypted: true; locked: true };

export interface SitekeeperPart {
  kind: 'sitekeeper-part';
  index: number;
  total: number;
  setId: string;
  chunk: string;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const STRING_FIELDS = ['name', 'serial', 'verificationCode', 'model', 'domain', 'host', 'user', 'password'] as const;

function invalid(message: string): AppError {
  return new AppError('QR_ENCODE_INVALID', message);
}

function corrupt(message: string, cause?: unknown): AppError {
  return new AppError('QR_CORRUPT', `This Sitekeeper QR code is damaged: ${message}.`, cause === undefined ? undefined : { cause });
}

/** Checks one device; `make` builds the error (encode: invalid input, parse: corrupt code). */
function checkDevice(d: unknown, i: number, make: (m: string) => AppError): SitekeeperDevice {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw make(`device ${i + 1} is not an object`);
  const src = d as Record<string, unknown>;
  const out: SitekeeperDevice = {};
  for (const key of Object.keys(src)) {
    if (!(STRING_FIELDS as readonly string[]).includes(key) && key !== 'port') throw make(`device ${i + 1} has an unknown field "${key}"`);
  }
  for (const key of STRING_FIELDS) {
    const v = src[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > MAX_FIELD) throw make(`device ${i + 1} has a bad ${key}`);
    out[key] = v;
  }
  if (src.port !== undefined) {
    if (typeof src.port !== 'number' || !Number.isInteger(src.port) || src.port < 1 || src.port > 65535) throw make(`device ${i + 1} has a bad port`);
    out.port = src.port;
  }
  if (out.serial === undefined && out.host === undefined) throw make(`device ${i + 1} has neither a serial nor a host`);
  if (out.serial !== undefined && !isValidSerial(out.serial)) throw make(`device ${i + 1} has an invalid serial`);
  return out;
}

function checkPayload(p: unknown, make: (m: string) => AppError): SitekeeperPayload {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw make('the payload is not an object');
  const src = p as Record<string, unknown>;
  if (!Array.isArray(src.devices) || src.devices.length === 0) throw make('it lists no devices');
  if (src.devices.length > MAX_DEVICES) throw make(`it lists more than ${MAX_DEVICES} devices`);
  if (src.note !== undefined && (typeof src.note !== 'string' || src.note.length > MAX_FIELD)) throw make('the note is not valid');
  const devices = src.devices.map((d, i) => checkDevice(d, i, make));
  return { devices, ...(src.note !== undefined ? { note: src.note } : {}) };
}

function deriveKey(password: string, salt: Uint8Array): Buffer {
  return scryptSync(password.normalize('NFC'), salt, 32, SCRYPT);
}

export interface EncodeSitekeeperOptions {
  /** Encrypts the code (recommended). Empty or absent: plain. */
  password?: string;
  /** Source of randomness (salt, IV); tests inject a deterministic one. */
  randomBytes?: (n: number) => Uint8Array;
}

/** Encodes devices as one Sitekeeper QR text (may be long: pass it to splitIntoParts). */
export function encodeSitekeeperQr(payload: SitekeeperPayload, opts: EncodeSitekeeperOptions = {}): string {
  const clean = checkPayload(payload, invalid);
  const packed = deflateRawSync(Buffer.from(JSON.stringify(clean), 'utf8'));
  if (!opts.password) return `${SITEKEEPER_PREFIX}P:${packed.toString('base64url')}`;
  const rnd = opts.randomBytes ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const salt = rnd(SALT_BYTES);
  const iv = rnd(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(opts.password, salt), iv);
  cipher.setAAD(Buffer.from(`${SITEKEEPER_PREFIX}E:`));
  const ct = Buffer.concat([cipher.update(packed), cipher.final()]);
  const blob = Buffer.concat([salt, iv, cipher.getAuthTag(), ct]);
  return `${SITEKEEPER_PREFIX}E:${blob.toString('base64url')}`;
}

function unpackJson(packed: Uint8Array): SitekeeperPayload {
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(inflateRawSync(packed, { maxOutputLength: MAX_JSON_BYTES }));
  } catch (e) {
    throw corrupt('its compressed data is broken or too large', e);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw corrupt('its data is not JSON', e);
  }
  return checkPayload(parsed, corrupt);
}

export function isSitekeeperQr(text: string): boolean {
  return text.trimStart().startsWith(SITEKEEPER_PREFIX);
}

export function parseSitekeeperQr(text: string, opts: { password?: string } = {}): SitekeeperQr {
  const t = text.trim();
  if (!t.startsWith(SITEKEEPER_PREFIX)) throw new AppError('QR_UNRECOGNIZED', 'This is not a Sitekeeper device QR code.');
  const rest = t.slice(SITEKEEPER_PREFIX.length);
  const mode = rest.slice(0, 2);
  const body = rest.slice(2);
  if (mode !== 'P:' && mode !== 'E:') {
    if (rest.startsWith('PART:')) throw corrupt('this is one part of a multi-part code; merge the parts first');
    throw corrupt('unknown mode');
  }
  if (!B64URL.test(body) || body.length % 4 === 1) throw corrupt('the body is not base64url');
  const bytes = new Uint8Array(Buffer.from(body, 'base64url'));
  if (mode === 'P:') {
    const p = unpackJson(bytes);
    return { kind: 'sitekeeper', version: SITEKEEPER_VERSION, encrypted: false, locked: false, ...p };
  }
  if (bytes.length < SALT_BYTES + IV_BYTES + TAG_BYTES + 1) throw corrupt('the encrypted data is too short');
  if (opts.password === undefined || opts.password === '') return { kind: 'sitekeeper', version: SITEKEEPER_VERSION, encrypted: true, locked: true };
  const salt = bytes.subarray(0, SALT_BYTES);
  const iv = bytes.subarray(SALT_BYTES, SALT_BYTES + IV_BYTES);
  const tag = bytes.subarray(SALT_BYTES + IV_BYTES, SALT_BYTES + IV_BYTES + TAG_BYTES);
  const ct = bytes.subarray(SALT_BYTES + IV_BYTES + TAG_BYTES);
  let packed: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(opts.password, salt), iv);
    decipher.setAAD(Buffer.from(`${SITEKEEPER_PREFIX}E:`));
    decipher.setAuthTag(tag);
    packed = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch (e) {
    // GCM cannot tell a wrong password from a damaged code; a damaged code rarely scans at all
    // (QR error correction), so the password is the likely cause.
    throw new AppError('QR_PASSWORD_WRONG', undefined, { cause: e });
  }
  const p = unpackJson(packed);
  return { kind: 'sitekeeper', version: SITEKEEPER_VERSION, encrypted: true, locked: false, ...p };
}

// ---- multi-part -------------------------------------------------------------------------------

const PART = /^SKQR1:PART:(\d{1,3})\/(\d{1,3}):([0-9a-f]{8}):(.*)$/s;

function setIdOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}

export function isSitekeeperPart(text: string): boolean {
  return text.trimStart().startsWith(`${SITEKEEPER_PREFIX}PART:`);
}

export function parseSitekeeperPart(text: string): SitekeeperPart {
  const m = PART.exec(text.trim());
  if (!m) throw corrupt('the part header is not valid');
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 2 || total > MAX_PARTS || index < 1 || index > total) throw corrupt('the part number is not valid');
  return { kind: 'sitekeeper-part', index, total, setId: m[3]!, chunk: m[4]! };
}

/**
 * Splits a long Sitekeeper QR text into numbered parts that each fit one camera-readable code.
 * Returns the text itself (one element) when it fits already.
 */
export function splitIntoParts(text: string, maxPartChars = DEFAULT_PART_CHARS): string[] {
  if (!text.startsWith(SITEKEEPER_PREFIX)) throw invalid('Only Sitekeeper QR texts can be split into parts.');
  if (maxPartChars < 64) throw invalid('Parts must hold at least 64 characters.');
  if (text.length <= maxPartChars) return [text];
  const setId = setIdOf(text);
  // Header is at most "SKQR1:PART:64/64:xxxxxxxx:" (27 chars).
  const chunkChars = maxPartChars - 27;
  const total = Math.ceil(text.length / chunkChars);
  if (total > MAX_PARTS) throw new AppError('QR_TOO_LARGE', `This export needs ${total} QR codes; at most ${MAX_PARTS} are allowed. Export fewer devices at a time.`);
  const parts: string[] = [];
  for (let i = 0; i < total; i++) parts.push(`${SITEKEEPER_PREFIX}PART:${i + 1}/${total}:${setId}:${text.slice(i * chunkChars, (i + 1) * chunkChars)}`);
  return parts;
}

/**
 * Merges scanned parts (any order, duplicates tolerated) into the full Sitekeeper QR text.
 * Throws QR_PARTS_INCOMPLETE (details.missing lists the part numbers) or QR_PARTS_MISMATCH.
 */
export function mergeParts(parts: Array<string | SitekeeperPart>): string {
  const parsed = parts.map((p) => (typeof p === 'string' ? parseSitekeeperPart(p) : p));
  if (parsed.length === 0) throw new AppError('QR_PARTS_INCOMPLETE', undefined, { details: { missing: [] } });
  const first = parsed[0]!;
  const byIndex = new Map<number, string>();
  for (const p of parsed) {
    if (p.setId !== first.setId || p.total !== first.total) throw new AppError('QR_PARTS_MISMATCH');
    const prev = byIndex.get(p.index);
    if (prev !== undefined && prev !== p.chunk) throw new AppError('QR_PARTS_MISMATCH', 'Two scanned parts carry the same number but different data.');
    byIndex.set(p.index, p.chunk);
  }
  const missing: number[] = [];
  for (let i = 1; i <= first.total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    throw new AppError('QR_PARTS_INCOMPLETE', `Scanned ${byIndex.size} of ${first.total} parts.`, { details: { missing, total: first.total, setId: first.setId } });
  }
  let text = '';
  for (let i = 1; i <= first.total; i++) text += byIndex.get(i)!;
  if (setIdOf(text) !== first.setId) throw corrupt('the merged parts do not match their checksum');
  return text;
}
