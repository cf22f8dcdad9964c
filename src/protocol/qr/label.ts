/**
 * Device label QR: the code printed on the back of a camera, NVR or alarm hub.
 *
 *   www.xxx.com\n456654855\nABCDEF\nCS-C3-21PPFR\n
 *
 * Lines are domain, serial, verification code, model; a 5-field variant carries one more field
 * after the model. Any mix of CR/LF separates the lines, the trailing newline is optional and
 * stray spaces around fields are tolerated.
 */
import { AppError } from '../../errors/app-error';
import { isValidSerial } from './serial';

export interface LabelFields {
  domain: string;
  serial: string;
  verificationCode: string;
  model: string;
  /** The fifth field of the 5-field variant, when present. */
  extra?: string;
}

export interface LabelQr extends LabelFields {
  kind: 'label';
  /** The short (9-character) serial. */
  shortSerial: string;
  /** The fields as found on the label (trimmed), in order. */
  rawFields: string[];
}

const DOMAIN = /^(?=.{3,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const VERIFICATION_CODE = /^[A-Za-z0-9]{4,32}$/;
// Model names: printable ASCII, e.g. "DS-2CD2143G2-IS", "CS-C3-21PPFR", "DS-PWA96-M-WE".
const MODEL = /^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/;
const EXTRA = MODEL;

/** Splits on any mix of CR/LF and drops the empty lines that mixing produces. */
export function splitLines(text: string): string[] {
  return text
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Returns the label when the text is one, or null when it is not shaped like a label at all. */
export function tryParseLabel(text: string): LabelQr | null {
  const fields = splitLines(text);
  if (fields.length !== 4 && fields.length !== 5) return null;
  const [domain, serial, verificationCode, model, extra] = fields as [string, string, string, string, string | undefined];
  if (!DOMAIN.test(domain)) return null;
  if (!isValidSerial(serial) || !VERIFICATION_CODE.test(verificationCode) || !MODEL.test(model)) return null;
  if (extra !== undefined && !EXTRA.test(extra)) return null;
  const upperSerial = serial.toUpperCase();
  return {
    kind: 'label',
    domain,
    serial: upperSerial,
    shortSerial: upperSerial.slice(-9),
    verificationCode,
    model,
    ...(extra !== undefined ? { extra } : {}),
    rawFields: fields,
  };
}

export function parseLabel(text: string): LabelQr {
  const label = tryParseLabel(text);
  if (!label) throw new AppError('QR_UNRECOGNIZED', 'This text is not a device label QR code.');
  return label;
}

/** Writes a label QR text exactly as devices print it (LF separated, trailing LF). */
export function encodeLabelQr(fields: LabelFields): string {
  const lines = [fields.domain, fields.serial, fields.verificationCode, fields.model].map((f) => f.trim());
  if (fields.extra !== undefined) lines.push(fields.extra.trim());
  const text = `${lines.join('\n')}\n`;
  if (!tryParseLabel(text)) throw new AppError('QR_ENCODE_INVALID', 'The label fields are not valid (domain, serial, verification code, model).');
  return text;
}
