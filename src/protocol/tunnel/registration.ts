/**
 * Device registration by key agreement, with the device key issued by the platform (issue 12;
 * decision 0002). Pure: no I/O, no clock (randomness from node:crypto only).
 *
 * 1. An unbound device says hello with an ephemeral X25519 public key; the gateway answers on the
 *    device's ack topic with its own. Both derive a session key with HKDF over the shared secret,
 *    salted with the transcript (serial, registration id, both public keys). A broker observer sees
 *    two public keys: nothing that depends on the verification code.
 * 2. When an installer supplies the code, the gateway sends each pending session a random challenge
 *    sealed under the session key; the device answers HMAC(code key, challenge, transcript), sealed.
 *    The gateway computes the same HMAC from the installer's code and compares.
 * 3. On a match the gateway issues a random 32-byte device key, sealed under the session key.
 *
 * Session boxes are AES-256-GCM with the serial, registration id and message kind as associated
 * data, so a box can be neither read nor moved to another session, serial or step.
 */
import {
  createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes,
  type KeyObject,
} from 'node:crypto';
import { hmacHex, safeEqualHex } from './envelope';

export const REGISTRATION_INFO = 'sitekeeper-registration-v1';
/** DER prefix of an X25519 SubjectPublicKeyInfo: the raw 32-byte key follows it. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;

export interface Ephemeral {
  /** Raw public key, base64url (43 characters). */
  pub: string;
  privateKey: KeyObject;
}

export function newEphemeral(): Ephemeral {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { pub: der.subarray(X25519_SPKI_PREFIX.length).toString('base64url'), privateKey };
}

/** DER prefix of an X25519 PKCS#8 private key: the raw 32-byte key follows it. */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/**
 * The gateway's ephemeral key for one register hello, derived from a secret every platform node
 * holds and the hello itself (serial, registration id, device key): each node that hears the hello
 * answers with the same public key and holds the same session, so any node can later challenge the
 * device (two nodes, docs/SCALING.md). Fresh per hello as long as the device's key and id are.
 */
export function ephemeralFor(nodesSecret: Buffer, serial: string, rid: string, devicePub: string): Ephemeral {
  const seed = createHmac('sha256', nodesSecret).update(`${REGISTRATION_INFO}\0ephemeral\0${serial}\0${rid}\0${devicePub}`).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { pub: der.subarray(X25519_SPKI_PREFIX.length).toString('base64url'), privateKey };
}

/** A well-formed raw X25519 public key (base64url of 32 bytes)? */
export function isPublicKey(pub: unknown): pub is string {
  return typeof pub === 'string' && B64URL_32.test(pub) && Buffer.from(pub, 'base64url').length === 32;
}

export interface Transcript {
  serial: string;
  /** The registration id the device chose (its hello nonce). */
  rid: string;
  devicePub: string;
  gatewayPub: string;
}

export function transcriptHash(t: Transcript): Buffer {
  return createHash('sha256').update([REGISTRATION_INFO, t.serial, t.rid, t.devicePub, t.gatewayPub].join('\0')).digest();
}

/**
 * The session key of one registration: HKDF-SHA256 over the X25519 shared secret, salted with the
 * transcript. Null for a peer key that is malformed or of low order (an all-zero shared secret).
 */
export function sessionKey(own: KeyObject, peerPub: string, t: Transcript): Buffer | null {
  if (!isPublicKey(peerPub)) return null;
  let shared: Buffer;
  try {
    const peer = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, Buffer.from(peerPub, 'base64url')]), format: 'der', type: 'spki' });
    shared = diffieHellman({ privateKey: own, publicKey: peer });
  } catch {
    return null;
  }
  if (shared.every((b) => b === 0)) return null;
  return Buffer.from(hkdfSync('sha256', shared, transcriptHash(t), REGISTRATION_INFO, 32));
}

export type SessionStep = 'challenge' | 'proof' | 'key';

function ad(serial: string, rid: string, step: SessionStep): Buffer {
  return Buffer.from(`${REGISTRATION_INFO}\0${serial}\0${rid}\0${step}`);
}

/** Seal one step's JSON under a session key (or, for a bound device, its device key). base64url. */
export function sealStep(key: Buffer, serial: string, rid: string, step: SessionStep, value: Record<string, string>): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(ad(serial, rid, step));
  const ct = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url');
}

export function openStep(key: Buffer, serial: string, rid: string, step: SessionStep, box: unknown): Record<string, string> | null {
  if (typeof box !== 'string' || box.length > 4096) return null;
  try {
    const raw = Buffer.from(box, 'base64url');
    if (raw.length < 12 + 16 + 2) return null;
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAAD(ad(serial, rid, step));
    d.setAuthTag(raw.subarray(12, 28));
    const value: unknown = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8'));
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    for (const v of Object.values(value)) if (typeof v !== 'string') return null;
    return value as Record<string, string>;
  } catch {
    return null;
  }
}

/** The key only the verification code gives: what the device proves with (never sent, never stored). */
export function codeKey(serial: string, verificationCode: string): Buffer {
  return createHash('sha256').update(`sitekeeper-code-v2\0${serial}\0${verificationCode.trim()}`).digest();
}

/** The device's answer to a challenge: binds the code to this challenge and this session's transcript. */
export function codeProof(key: Buffer, challenge: string, transcript: Buffer): string {
  return hmacHex(key, 'code-proof', challenge, transcript.toString('hex'));
}

export function codeProofMatches(serial: string, code: string, challenge: string, transcript: Buffer, proof: unknown): boolean {
  return typeof proof === 'string' && safeEqualHex(proof, codeProof(codeKey(serial, code), challenge, transcript));
}

/** The "transcript" of a challenge to a bound device: there is no key agreement, only its serial and key id. */
export function boundTranscript(serial: string, rid: string): Buffer {
  return createHash('sha256').update(`${REGISTRATION_INFO}\0bound\0${serial}\0${rid}`).digest();
}

export function newDeviceKey(): Buffer {
  return randomBytes(32);
}

export function newChallenge(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Messages on the device's own topics during registration and proof (JSON):
 * - device → gateway, on `d/<serial>/hello`: `{ t: 'proof', rid, box }` (box: { proof } sealed, step 'proof')
 * - gateway → device, on `d/<serial>/ack`: `{ t: 'challenge', rid, box }` (box: { challenge }, step 'challenge'),
 *   `{ t: 'key', rid, box }` (box: { key: hex }, step 'key').
 * `rid` is the registration id (the register hello's nonce) or, for a bound device, a fresh id per
 * challenge; boxes of a bound device are sealed under its device key.
 */
export interface SessionMessage {
  t: 'challenge' | 'proof' | 'key';
  rid: string;
  /** Only for challenges to a bound device: its key sealed them, not a session key. */
  bound?: boolean;
  box: string;
}

export function parseSessionMessage(v: unknown): SessionMessage | null {
  const m = v as Partial<SessionMessage> | null;
  if (!m || typeof m !== 'object' || (m.t !== 'challenge' && m.t !== 'proof' && m.t !== 'key')) return null;
  if (typeof m.rid !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(m.rid) || typeof m.box !== 'string') return null;
  return { t: m.t, rid: m.rid, box: m.box, ...(m.bound === true ? { bound: true } : {}) };
}
