/**
 * Serial-only QR codes: one line that is the device serial. Some labels carry only the serial,
 * and installers paste serials into the manual-add field. The 9-character short serial is the
 * common form; a full serial (model + date + ... + short serial) ends with the short one.
 */
import { AppError } from '../../errors/app-error';

export interface SerialQr {
  kind: 'serial';
  /** The serial as written (trimmed, upper-cased). */
  serial: string;
  /** The 9-character short serial (the last 9 characters of a full serial). */
  shortSerial: string;
}

const SHORT_SERIAL = /^[A-Z0-9]{9}$/;
// Full serials mix the model name (with dashes), a date and the short serial.
const FULL_SERIAL = /^[A-Z0-9][A-Z0-9-]{8,62}[A-Z0-9]$/;
/** Characters that may appear in something the user meant as a serial (to choose the error). */
const SERIAL_LIKE = /^[A-Za-z0-9-]{1,64}$/;

export function isValidSerial(serial: string): boolean {
  const s = serial.trim().toUpperCase();
  return SHORT_SERIAL.test(s) || (FULL_SERIAL.test(s) && SHORT_SERIAL.test(s.slice(-9)));
}

/** True when the text looks like an attempt at a serial (letters, digits, dashes only). */
export function looksLikeSerial(text: string): boolean {
  return SERIAL_LIKE.test(text.trim());
}

export function parseSerial(text: string): SerialQr {
  const serial = text.trim().toUpperCase();
  if (!isValidSerial(serial)) {
    throw new AppError('QR_SERIAL_INVALID', undefined, { details: { length: serial.length } });
  }
  return { kind: 'serial', serial, shortSerial: serial.slice(-9) };
}

export function encodeSerialQr(serial: string): string {
  if (!isValidSerial(serial)) throw new AppError('QR_ENCODE_INVALID', 'The serial number is not valid.');
  return serial.trim().toUpperCase();
}

/** Does this full serial match what the user gave (full serial, or its last 9 characters)? */
export function serialMatches(fullSerial: string, given: string): boolean {
  const a = fullSerial.toUpperCase();
  const b = given.toUpperCase();
  return a === b || (b.length >= 9 && a.endsWith(b));
}
