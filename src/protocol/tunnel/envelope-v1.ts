/**
 * Envelope version 1 (issue 4): `'S' 0x01 | uint32 BE header length | header JSON | body`, signed
 * with HMAC-SHA256 but readable by anyone on the broker (method, path, headers, args, body).
 * Superseded by version 2 (envelope.ts: encrypted and authenticated with AES-256-GCM); no opener
 * accepts it any more (no downgrade). Kept only as the sign-only baseline of bench/tunnel and for
 * tests that prove a well-signed v1 message is refused. Pure: no I/O, no clock.
 */
import { ENVELOPE_MAGIC, EnvelopeError, MAX_HEADER_BYTES, MAX_TUNNEL_BODY_BYTES, hmacHex, safeEqualHex, type EnvelopeHeader } from './envelope';

export const ENVELOPE_VERSION_1 = 1;

export type EnvelopeHeaderV1 = EnvelopeHeader & { sig?: string };

export function encodeEnvelopeV1(header: EnvelopeHeaderV1, body: Buffer = Buffer.alloc(0)): Buffer {
  if (body.length > MAX_TUNNEL_BODY_BYTES) throw new EnvelopeError('tunnel body too large');
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  if (h.length > MAX_HEADER_BYTES) throw new EnvelopeError('tunnel header too large');
  const pre = Buffer.alloc(6);
  pre[0] = ENVELOPE_MAGIC;
  pre[1] = ENVELOPE_VERSION_1;
  pre.writeUInt32BE(h.length, 2);
  return Buffer.concat([pre, h, body]);
}

export function decodeEnvelopeV1(buf: Buffer): { header: EnvelopeHeaderV1; body: Buffer } {
  if (buf.length < 6 || buf[0] !== ENVELOPE_MAGIC) throw new EnvelopeError('not a tunnel envelope');
  if (buf[1] !== ENVELOPE_VERSION_1) throw new EnvelopeError(`unsupported envelope version ${buf[1]}`);
  const len = buf.readUInt32BE(2);
  if (len > MAX_HEADER_BYTES || 6 + len > buf.length) throw new EnvelopeError('bad envelope header length');
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(6, 6 + len).toString('utf8'));
  } catch {
    throw new EnvelopeError('envelope header is not JSON');
  }
  const h = header as Partial<EnvelopeHeaderV1> | null;
  if (!h || typeof h !== 'object' || (h.t !== 'req' && h.t !== 'res') || typeof h.id !== 'string' || typeof h.ts !== 'number') {
    throw new EnvelopeError('envelope header is incomplete');
  }
  return { header: h as EnvelopeHeaderV1, body: buf.subarray(6 + len) };
}

function canonical(header: EnvelopeHeaderV1): string {
  const { sig: _sig, ...rest } = header;
  return JSON.stringify(rest);
}

export function signEnvelopeV1<T extends EnvelopeHeaderV1>(key: Buffer, header: T, body: Buffer): T {
  return { ...header, sig: hmacHex(key, canonical(header), body) };
}

export function verifyEnvelopeV1(key: Buffer, header: EnvelopeHeaderV1, body: Buffer): boolean {
  return typeof header.sig === 'string' && safeEqualHex(header.sig, hmacHex(key, canonical(header), body));
}
