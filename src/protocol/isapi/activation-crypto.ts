/**
 * ISAPI activation crypto (the challenge flow of factory-new devices):
 *
 *  1. client → device  `POST /ISAPI/Security/challenge` with `<key>` = base64(hex(RSA-1024 modulus))
 *  2. device → client  `<key>` = base64(hex(RSA-PKCS#1 v1.5 encrypt(32-hex-char random string)))
 *  3. client → device  `PUT /ISAPI/System/activate` with `<password>` =
 *       base64(hex(AES-128-ECB(key = hex-decode(random), random[0..16] + password, zero padding)))
 *
 * Both directions are here: the client side (key pair, decrypt challenge, encrypt password) and
 * the device side (encrypt challenge, decrypt password), so the emulator and the device client
 * are tested against each other. Pure apart from `crypto` (randomness can be injected).
 */
import { createCipheriv, createDecipheriv, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, constants, type KeyObject } from 'node:crypto';
import { AppError } from '../../errors/app-error';

const MAX_KEY_CHARS = 4096;

function invalid(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message);
}

/** base64 of the ASCII hex of some bytes (the ISAPI wire format of every binary value here). */
export function toB64Hex(bytes: Buffer): string {
  return Buffer.from(bytes.toString('hex'), 'ascii').toString('base64');
}

export function fromB64Hex(value: string): Buffer {
  if (value.length > MAX_KEY_CHARS) throw invalid('Key value too long.');
  const hex = Buffer.from(value.trim(), 'base64').toString('ascii');
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) throw invalid('Expected base64 of a hex string.');
  return Buffer.from(hex, 'hex');
}

export interface ActivationKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** The value for `<PublicKey><key>` of `POST /ISAPI/Security/challenge`. */
  challengeKey: string;
}

/** Client side, step 1: a fresh RSA-1024 key pair (exponent 65537) and its `<key>` value. */
export function generateActivationKeyPair(): ActivationKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 65537 });
  return { publicKey, privateKey, challengeKey: publicKeyToChallengeKey(publicKey) };
}

export function publicKeyToChallengeKey(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (!jwk.n) throw invalid('Not an RSA public key.');
  return toB64Hex(Buffer.from(jwk.n, 'base64url'));
}

/** Device side: the client's public key from `<key>` (the modulus; exponent 65537). */
export function challengeKeyToPublicKey(challengeKey: string): KeyObject {
  let modulus = fromB64Hex(challengeKey);
  while (modulus.length > 0 && modulus[0] === 0) modulus = modulus.subarray(1);
  if (modulus.length < 64 || modulus.length > 512) throw invalid(`RSA modulus of ${modulus.length} bytes is not acceptable.`);
  try {
    return createPublicKey({ key: { kty: 'RSA', n: modulus.toString('base64url'), e: 'AQAB' }, format: 'jwk' });
  } catch {
    throw invalid('The public key is not a valid RSA modulus.');
  }
}

/** Device side, step 2: a fresh 32-hex-char random string. */
export function generateChallengeRandom(): string {
  return randomBytes(16).toString('hex');
}

/** Device side, step 2: the challenge answer `<key>` = base64(hex(RSA-PKCS#1 v1.5(random))). */
export function encryptChallenge(challengeKey: string, random: string): string {
  const key = challengeKeyToPublicKey(challengeKey);
  return toB64Hex(publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(random, 'ascii')));
}

/**
 * Client side, step 2: the random string from the device's answer. Node refuses PKCS#1 v1.5 for
 * private decryption (CVE-2023-46809), so decrypt raw and remove the padding here; the value is
 * a one-time activation nonce, not a long-lived secret, which is why that is acceptable.
 */
export function decryptChallenge(privateKey: KeyObject, encryptedKey: string): string {
  const ct = fromB64Hex(encryptedKey);
  let raw: Buffer;
  try {
    raw = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ct);
  } catch {
    throw invalid('The challenge answer cannot be decrypted with this key.');
  }
  // EM = 0x00 || 0x02 || PS (≥ 8 non-zero bytes) || 0x00 || M
  if (raw[0] !== 0x00 || raw[1] !== 0x02) throw invalid('The challenge answer has no PKCS#1 v1.5 padding.');
  const sep = raw.indexOf(0x00, 2);
  if (sep < 10) throw invalid('The challenge answer has no PKCS#1 v1.5 padding.');
  const random = raw.subarray(sep + 1).toString('ascii');
  if (!/^[0-9a-fA-F]{32}$/.test(random)) throw invalid('The challenge answer is not a 32-hex-char random string.');
  return random;
}

function aesKey(random: string): Buffer {
  if (!/^[0-9a-fA-F]{32}$/.test(random)) throw invalid('The activation random must be 32 hex characters.');
  return Buffer.from(random, 'hex');
}

/** Client side, step 3: `<password>` of `PUT /ISAPI/System/activate`. */
export function encryptActivationPassword(random: string, password: string): string {
  const key = aesKey(random);
  const plain = Buffer.from(random.slice(0, 16) + password, 'utf8');
  const padded = Buffer.alloc(Math.ceil(plain.length / 16) * 16);
  plain.copy(padded);
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return toB64Hex(Buffer.concat([cipher.update(padded), cipher.final()]));
}

/** Device side, step 3: the password (zero or PKCS#7 padding accepted). */
export function decryptActivationPassword(random: string, encrypted: string): string {
  const key = aesKey(random);
  const ct = fromB64Hex(encrypted);
  if (ct.length % 16 !== 0 || ct.length < 32) throw invalid('The encrypted password has a wrong length.');
  const decipher = createDecipheriv('aes-128-ecb', key, null);
  decipher.setAutoPadding(false);
  let plain = Buffer.concat([decipher.update(ct), decipher.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === plain.length) {
    const pad = plain[plain.length - 1] ?? 0;
    if (pad >= 1 && pad <= 16 && plain.subarray(plain.length - pad).every((b) => b === pad)) end = plain.length - pad;
  }
  plain = plain.subarray(0, end);
  if (plain.subarray(0, 16).toString('ascii') !== random.slice(0, 16)) throw invalid('The encrypted password was not made with this challenge.');
  return plain.subarray(16).toString('utf8');
}
