import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createPrivateKey, privateDecrypt, constants } from 'node:crypto';
import {
  decryptActivationPassword,
  decryptChallenge,
  encryptActivationPassword,
  encryptChallenge,
  fromB64Hex,
  generateActivationKeyPair,
  generateChallengeRandom,
  challengeKeyToPublicKey,
} from './activation-crypto';
import { isAppError } from '../../errors/app-error';

describe('activation crypto', () => {
  const pair = generateActivationKeyPair();

  it('sends the RSA-1024 modulus as base64(hex) and the device rebuilds the key from it', () => {
    const modulus = fromB64Hex(pair.challengeKey);
    expect(modulus.length).toBe(128);
    const rebuilt = challengeKeyToPublicKey(pair.challengeKey);
    expect(rebuilt.export({ format: 'jwk' }).n).toBe(pair.publicKey.export({ format: 'jwk' }).n);
  });

  it('device encrypts the random to the client key; the client recovers it (RSA PKCS#1 v1.5)', () => {
    const random = generateChallengeRandom();
    expect(random).toMatch(/^[0-9a-f]{32}$/);
    const answer = encryptChallenge(pair.challengeKey, random);
    // The ciphertext really is PKCS#1 v1.5 under the client key (checked with raw RSA here).
    const raw = privateDecrypt({ key: pair.privateKey, padding: constants.RSA_NO_PADDING }, fromB64Hex(answer));
    expect(raw[0]).toBe(0);
    expect(raw[1]).toBe(2);
    expect(decryptChallenge(pair.privateKey, answer)).toBe(random);
  });

  it('a different private key cannot read the challenge', () => {
    const other = generateActivationKeyPair();
    const answer = encryptChallenge(pair.challengeKey, generateChallengeRandom());
    expect(() => decryptChallenge(createPrivateKey(other.privateKey.export({ format: 'pem', type: 'pkcs8' })), answer)).toThrow();
  });

  it('password round-trips through AES-128-ECB under the random, for any password', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(...'abcXYZ019!@#-_'.split('')) }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (pw, bytes) => {
        const random = Buffer.from(bytes).toString('hex');
        expect(decryptActivationPassword(random, encryptActivationPassword(random, pw))).toBe(pw);
      }),
    );
  });

  it('rejects a password encrypted under another random with a typed error', () => {
    const a = generateChallengeRandom();
    const b = generateChallengeRandom();
    const enc = encryptActivationPassword(a, 'Abcdef123');
    try {
      decryptActivationPassword(b, enc);
      expect.fail('should throw');
    } catch (e) {
      expect(isAppError(e, 'VALIDATION_FAILED')).toBe(true);
    }
  });

  it('garbage never throws anything but a typed error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        for (const f of [() => challengeKeyToPublicKey(s), () => decryptChallenge(pair.privateKey, s), () => decryptActivationPassword('00112233445566778899aabbccddeeff', s)]) {
          try {
            f();
          } catch (e) {
            expect(isAppError(e)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
