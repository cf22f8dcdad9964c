/**
 * Multi-device QR exported by iVMS-4200 / iVMS-4500 / the Hik-Connect app ("export local devices").
 *
 *   QRC03010003 + base64(zlib(payload))
 *   payload = enc(qrPassword) ":" devices ":" enc(unixTimestamp)   (1, 2 or 3 parts)
 *   devices = device "$" device "$" ... "$"
 *   device  = b64(name) "&0&" b64(host) "&" port "&&" enc(user) "&" enc(password)
 *   enc(x)  = base64(AES-ECB, key "dkfj4593@#&*wlfm", 4 rounds, x NUL-padded to 16 bytes)
 *
 * Also accepted: header QRC03010002, 12-character headers starting with "iVMS", and ";" / ","
 * instead of "$" / "&". The QR password is not real protection (it travels in the code under a
 * public key); clients still ask for it, and so do we.
 */
import { inflateSync, deflateSync } from 'node:zlib';
import { AppError } from '../../errors/app-error';
import { ecbDecrypt, ecbEncrypt } from './rijndael';

export const DEVICE_LIST_KEY = new TextEncoder().encode('dkfj4593@#&*wlfm');
export const DEVICE_LIST_ROUNDS = 4;
export const DEVICE_LIST_HEADER = 'QRC03010003';
const HEADERS_11 = ['QRC03010003', 'QRC03010002'];
/** zlib output cap: a real export of hundreds of devices stays far below; bombs stop here. */
export const MAX_INFLATED_BYTES = 256 * 1024;
export const MAX_DEVICES = 1024;
/** Exports older than this get a warning (credentials may have changed since). */
export const STALE_AFTER_DAYS = 30;

export interface ListedDevice {
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
}

interface DeviceListCommon {
  kind: 'device-list';
  /** The header as found, e.g. QRC03010003. */
  header: string;
  passwordProtected: boolean;
  /** Unix time (seconds) of the export, when the code carries one. */
  timestamp?: number;
  /** Age of the export in whole days at `now` (only when `now` was given and a timestamp exists). */
  ageDays?: number;
  /** Human-readable warnings, e.g. the export is old. */
  warnings: string[];
}

export type DeviceListQr =
  | (DeviceListCommon & { locked: false; devices: ListedDevice[] })
  /** Password-protected and no password given: ask for it, then parse again with it. */
  | (DeviceListCommon & { locked: true; passwordProtected: true });

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function corrupt(message: string, cause?: unknown): AppError {
  return new AppError('QR_CORRUPT', `This multi-device QR code is damaged: ${message}.`, cause === undefined ? undefined : { cause });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function b64decode(s: string, what: string): Uint8Array {
  if (!BASE64.test(s) || s.length % 4 === 1) throw corrupt(`${what} is not base64`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

function b64encode(b: Uint8Array): string {
  return Buffer.from(b).toString('base64');
}

function decodeUtf8(b: Uint8Array, what: string): string {
  try {
    return utf8.decode(b);
  } catch (e) {
    throw corrupt(`${what} is not text`, e);
  }
}

/** enc(x): NUL-padded to whole 16-byte blocks, AES-ECB with 4 rounds, base64. enc("") = "". */
export function encryptField(plain: string): string {
  if (plain.includes('\0')) throw new AppError('QR_ENCODE_INVALID', 'Text fields cannot contain NUL characters.');
  const bytes = encoder.encode(plain);
  if (bytes.length === 0) return '';
  const padded = new Uint8Array(Math.ceil(bytes.length / 16) * 16);
  padded.set(bytes);
  return b64encode(ecbEncrypt(padded, DEVICE_LIST_KEY, DEVICE_LIST_ROUNDS));
}

export function decryptField(cipherB64: string, what: string): string {
  if (cipherB64 === '') return '';
  const bytes = b64decode(cipherB64, what);
  if (bytes.length === 0 || bytes.length % 16 !== 0) throw corrupt(`${what} has a bad AES block length`);
  const plain = ecbDecrypt(bytes, DEVICE_LIST_KEY, DEVICE_LIST_ROUNDS);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  const body = plain.subarray(0, end);
  // Padding is NULs only at the end; a NUL inside means a wrong key or garbage.
  if (body.includes(0)) throw corrupt(`${what} has bad padding`);
  return decodeUtf8(body, what);
}

/** Splits the header off; returns null when the text does not start with a known header. */
export function splitDeviceListHeader(text: string): { header: string; body: string } | null {
  for (const h of HEADERS_11) if (text.startsWith(h)) return { header: h, body: text.slice(h.length) };
  if (text.startsWith('iVMS') && text.length > 12) return { header: text.slice(0, 12), body: text.slice(12) };
  return null;
}

export function isDeviceListQr(text: string): boolean {
  return splitDeviceListHeader(text.trim()) !== null;
}

function parseDevice(fieldsText: string, index: number): ListedDevice {
  const f = fieldsText.split(/[&,]/);
  if (f.length !== 7) throw corrupt(`device ${index + 1} has ${f.length} fields instead of 7`);
  const [name, , host, port, , user, password] = f as [string, string, string, string, string, string, string];
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw corrupt(`device ${index + 1} has a bad port`);
  return {
    name: decodeUtf8(b64decode(name, 'a device name'), 'a device name'),
    host: decodeUtf8(b64decode(host, 'a device address'), 'a device address'),
    port: Number(port),
    user: decryptField(user, 'a user name'),
    password: decryptField(password, 'a password'),
  };
}

export function parseDeviceList(text: string, opts: { password?: string; now?: Date } = {}): DeviceListQr {
  const split = splitDeviceListHeader(text.trim());
  if (!split) throw new AppError('QR_UNRECOGNIZED', 'This is not a multi-device QR code.');
  const compressed = b64decode(split.body.replace(/\s+/g, ''), 'the code body');
  if (compressed.length < 2) throw corrupt('the code body is empty');
  let payload: string;
  try {
    payload = decodeUtf8(inflateSync(compressed, { maxOutputLength: MAX_INFLATED_BYTES }), 'the payload');
  } catch (e) {
    if (e instanceof AppError) throw e;
    const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || (e instanceof RangeError);
    throw tooBig
      ? new AppError('QR_TOO_LARGE', 'The multi-device QR code unpacks to more data than any real export holds.', { cause: e })
      : corrupt('its compressed data is broken', e);
  }

  const parts = payload.split(':');
  if (parts.length > 3) throw corrupt(`it has ${parts.length} sections instead of 1 to 3`);
  const encPassword = parts.length >= 2 ? parts[0]! : '';
  const devicesText = parts.length === 1 ? parts[0]! : parts[1]!;
  const encTimestamp = parts.length === 3 ? parts[2]! : '';

  const qrPassword = decryptField(encPassword, 'the QR password');
  let timestamp: number | undefined;
  if (encTimestamp !== '') {
    const ts = decryptField(encTimestamp, 'the timestamp');
    if (!/^\d{1,12}$/.test(ts)) throw corrupt('the timestamp is not a number');
    timestamp = Number(ts);
  }
  const warnings: string[] = [];
  let ageDays: number | undefined;
  if (timestamp !== undefined && opts.now) {
    ageDays = Math.floor((opts.now.getTime() / 1000 - timestamp) / 86400);
    if (ageDays > STALE_AFTER_DAYS) warnings.push(`This code was exported ${ageDays} days ago; passwords may have changed since.`);
    if (ageDays < -1) warnings.push('This code claims to be exported in the future; check the exporting device clock.');
  }
  const common = {
    kind: 'device-list' as const,
    header: split.header,
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(ageDays !== undefined ? { ageDays } : {}),
    warnings,
  };

  // Devices are parsed before the password check so that a damaged code says so up front.
  const chunks = devicesText.split(/[$;]/);
  if (chunks.length > 0 && chunks[chunks.length - 1] === '') chunks.pop();
  if (chunks.length > MAX_DEVICES) throw new AppError('QR_TOO_LARGE', `The code lists ${chunks.length} devices; at most ${MAX_DEVICES} are accepted.`);
  const devices = chunks.map((c, i) => parseDevice(c, i));

  if (qrPassword !== '') {
    if (opts.password === undefined) return { ...common, passwordProtected: true, locked: true };
    if (opts.password !== qrPassword) throw new AppError('QR_PASSWORD_WRONG');
    return { ...common, passwordProtected: true, locked: false, devices };
  }
  return { ...common, passwordProtected: false, locked: false, devices };
}

export interface EncodeDeviceListOptions {
  /** QR password the scanning user must type. */
  password?: string;
  /** Unix time in seconds of the export (callers pass their clock's time). */
  timestamp?: number;
  header?: 'QRC03010003' | 'QRC03010002';
}

export function encodeDeviceListQr(devices: ListedDevice[], opts: EncodeDeviceListOptions = {}): string {
  if (devices.length > MAX_DEVICES) throw new AppError('QR_ENCODE_INVALID', `At most ${MAX_DEVICES} devices fit in one export.`);
  const body = devices
    .map((d) => {
      if (typeof d !== 'object' || d === null || ![d.name, d.host, d.user, d.password].every((v) => typeof v === 'string')) {
        throw new AppError('QR_ENCODE_INVALID', 'Each device needs name, host, user and password as text, and a port.');
      }
      if (!Number.isInteger(d.port) || d.port < 0 || d.port > 65535) throw new AppError('QR_ENCODE_INVALID', `The port of "${d.name}" is not valid.`);
      return [b64encode(encoder.encode(d.name)), '0', b64encode(encoder.encode(d.host)), String(d.port), '', encryptField(d.user), encryptField(d.password)].join('&');
    })
    .map((d) => `${d}$`)
    .join('');
  if (opts.timestamp !== undefined && (!Number.isInteger(opts.timestamp) || opts.timestamp < 0)) {
    throw new AppError('QR_ENCODE_INVALID', 'The timestamp must be whole seconds since 1970.');
  }
  const encPassword = opts.password ? encryptField(opts.password) : '';
  let payload: string;
  if (opts.timestamp !== undefined) payload = `${encPassword}:${body}:${encryptField(String(opts.timestamp))}`;
  else if (encPassword !== '') payload = `${encPassword}:${body}`;
  else payload = body;
  return `${opts.header ?? DEVICE_LIST_HEADER}${b64encode(deflateSync(Buffer.from(payload, 'utf8')))}`;
}
