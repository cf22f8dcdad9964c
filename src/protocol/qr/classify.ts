/**
 * classifyQr: QR text → what kind of device QR it is, parsed. Anything else is QR_UNRECOGNIZED
 * with a hint saying what the code is instead (Wi-Fi, web link, contact card, ...).
 */
import { AppError } from '../../errors/app-error';
import { isDeviceListQr, parseDeviceList, type DeviceListQr } from './device-list';
import { tryParseLabel, type LabelQr } from './label';
import { looksLikeSerial, parseSerial, type SerialQr } from './serial';
import { isSitekeeperPart, isSitekeeperQr, parseSitekeeperPart, parseSitekeeperQr, type SitekeeperPart, type SitekeeperQr } from './sitekeeper';

export type ClassifiedQr = LabelQr | SerialQr | DeviceListQr | SitekeeperQr | SitekeeperPart;
export type QrKind = ClassifiedQr['kind'];

export interface ClassifyOptions {
  /** Password for a protected multi-device code or an encrypted Sitekeeper code. */
  password?: string;
  /** Current time, to compute the age of a multi-device export (pure code has no clock). */
  now?: Date;
}

/** Longest QR text accepted: a version-40 code holds at most 7089 digits. */
export const MAX_QR_TEXT_CHARS = 8192;

const OTHER_KINDS: Array<[RegExp, string]> = [
  [/^WIFI:/i, 'This is a Wi-Fi QR code (network name and password), not a device QR code.'],
  [/^https?:\/\//i, 'This is a web-link QR code, not a device QR code. Open the link in a browser if you expected a web page.'],
  [/^(?:www\.)[^\s]*$/i, 'This is a web-link QR code, not a device QR code.'],
  [/^(?:BEGIN:VCARD|MECARD:)/i, 'This is a contact card QR code, not a device QR code.'],
  [/^BEGIN:VEVENT/i, 'This is a calendar event QR code, not a device QR code.'],
  [/^mailto:|^MATMSG:/i, 'This is an e-mail QR code, not a device QR code.'],
  [/^tel:/i, 'This is a phone number QR code, not a device QR code.'],
  [/^(?:smsto?|mms):/i, 'This is a text-message QR code, not a device QR code.'],
  [/^geo:/i, 'This is a map location QR code, not a device QR code.'],
  [/^otpauth:/i, 'This is a two-factor authentication QR code, not a device QR code. Scan it with your authenticator app.'],
  [/^(?:bitcoin|ethereum):/i, 'This is a payment QR code, not a device QR code.'],
];

const DEFAULT_HINT = 'Scan the QR code on the device label (domain, serial, verification code, model), a code exported by iVMS-4200 / Hik-Connect, or one made by Sitekeeper.';

function unrecognized(text: string): AppError {
  for (const [re, hint] of OTHER_KINDS) if (re.test(text)) return new AppError('QR_UNRECOGNIZED', undefined, { hint });
  return new AppError('QR_UNRECOGNIZED', undefined, { hint: DEFAULT_HINT });
}

/**
 * Classifies and parses QR text. Password-protected codes without a password come back with
 * `locked: true` (ask the user, then classify again with `password`); a wrong password throws
 * QR_PASSWORD_WRONG. Never throws anything but AppError.
 */
export function classifyQr(text: string, opts: ClassifyOptions = {}): ClassifiedQr {
  try {
    return classify(text, opts);
  } catch (e) {
    if (e instanceof AppError) throw e;
    // A parser bug must not surface as a crash of the caller: report it as a damaged code.
    throw new AppError('QR_CORRUPT', undefined, { cause: e });
  }
}

function classify(text: string, opts: ClassifyOptions): ClassifiedQr {
  if (typeof text !== 'string') throw new AppError('QR_UNRECOGNIZED', 'The QR code holds no text.');
  if (text.length > MAX_QR_TEXT_CHARS) {
    throw new AppError('QR_TOO_LARGE', `The QR text has ${text.length} characters; device QR codes have at most ${MAX_QR_TEXT_CHARS}.`);
  }
  // A BOM or stray whitespace around a code is noise from copy-paste, never content.
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t === '') throw new AppError('QR_UNRECOGNIZED', 'The QR code is empty.', { hint: DEFAULT_HINT });

  if (isSitekeeperPart(t)) return parseSitekeeperPart(t);
  if (isSitekeeperQr(t)) return parseSitekeeperQr(t, opts.password === undefined ? {} : { password: opts.password });
  if (isDeviceListQr(t)) return parseDeviceList(t, opts);

  if (/[\r\n]/.test(t)) {
    const label = tryParseLabel(t);
    if (label) return label;
    throw unrecognized(t);
  }
  for (const [re] of OTHER_KINDS) if (re.test(t)) throw unrecognized(t);
  if (looksLikeSerial(t)) return parseSerial(t);
  throw unrecognized(t);
}

/** Throws QR_PASSWORD_REQUIRED when the classified code still needs a password. */
export function requireUnlocked<T extends ClassifiedQr>(qr: T): Exclude<T, { locked: true }> {
  if ('locked' in qr && qr.locked) throw new AppError('QR_PASSWORD_REQUIRED');
  return qr as Exclude<T, { locked: true }>;
}
