import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ecbDecrypt, ecbEncrypt, expandKey } from './rijndael';

function nodeAes128Ecb(data: Uint8Array, key: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

describe('rijndael', () => {
  it('matches the FIPS-197 AES-128 example vector at 10 rounds', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const out = ecbEncrypt(Buffer.from('00112233445566778899aabbccddeeff', 'hex'), key, 10);
    expect(Buffer.from(out).toString('hex')).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
  });

  it('expands the FIPS-197 key schedule', () => {
    const w = expandKey(Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex'), 10);
    expect(Buffer.from(w.subarray(160, 176)).toString('hex')).toBe('d014f9a8c9ee2589e13f0cc8b6630ca6');
  });

  it('equals node:crypto AES-128-ECB at 10 rounds for random keys and data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 1, max: 4 }).chain((n) => fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n })), (key, data) => {
        expect(Buffer.from(ecbEncrypt(data, key, 10))).toEqual(Buffer.from(nodeAes128Ecb(data, key)));
      }),
      { numRuns: 200 },
    );
  });

  it('decrypts what it encrypts for any round count and does not mutate its input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: 14 }), (key, data, rounds) => {
        const copy = Buffer.from(data);
        const ct = ecbEncrypt(Buffer.from(data), key, rounds);
        expect(Buffer.from(data)).toEqual(copy);
        expect(Buffer.from(ecbDecrypt(ct, key, rounds))).toEqual(copy);
      }),
      { numRuns: 200 },
    );
  });

  it('reproduces enc("admin") of the multi-device QR at 4 rounds', () => {
    const p = new Uint8Array(16);
    p.set(new TextEncoder().encode('admin'));
    expect(Buffer.from(ecbEncrypt(p, new TextEncoder().encode('dkfj4593@#&*wlfm'), 4)).toString('base64')).toBe('ct1m4d7TxSCJH2bHiWjSRA==');
  });

  it('rejects bad keys, rounds and block lengths', () => {
    expect(() => ecbEncrypt(new Uint8Array(16), new Uint8Array(15), 4)).toThrow(RangeError);
    expect(() => ecbEncrypt(new Uint8Array(16), new Uint8Array(16), 0)).toThrow(RangeError);
    expect(() => ecbDecrypt(new Uint8Array(17), new Uint8Array(16), 4)).toThrow(RangeError);
  });
});
