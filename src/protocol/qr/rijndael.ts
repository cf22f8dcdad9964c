/**
 * A small Rijndael (AES block cipher, 128-bit key) with a configurable number of rounds.
 *
 * Why hand-written: the multi-device QR of iVMS-4200 / Hik-Connect encrypts with AES-128-ECB
 * cut down to 4 rounds, which no library (node:crypto, WebCrypto) offers. At 10 rounds this is
 * standard AES-128 and is tested against node:crypto. Not constant-time: it protects nothing
 * secret here (the key is public), it only reproduces a vendor format.
 */

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);

function xtime(b: number): number {
  return ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;
}

function gmul(a: number, b: number): number {
  let p = 0;
  let x = a;
  let y = b;
  while (y) {
    if (y & 1) p ^= x;
    x = xtime(x);
    y >>= 1;
  }
  return p;
}

// Build the S-box from the field inverse and the affine map (saves a 512-entry literal table).
(() => {
  for (let i = 0; i < 256; i++) {
    let inv = 0;
    if (i !== 0) {
      for (let j = 1; j < 256; j++) {
        if (gmul(i, j) === 1) {
          inv = j;
          break;
        }
      }
    }
    let s = inv;
    let x = inv;
    for (let k = 0; k < 4; k++) {
      x = ((x << 1) | (x >> 7)) & 0xff;
      s ^= x;
    }
    s ^= 0x63;
    SBOX[i] = s;
    INV_SBOX[s] = i;
  }
})();

export const BLOCK_BYTES = 16;

/** Expands a 16-byte key into (rounds + 1) round keys of 16 bytes each. */
export function expandKey(key: Uint8Array, rounds: number): Uint8Array {
  if (key.length !== 16) throw new RangeError('Rijndael key must be 16 bytes');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 14) throw new RangeError('rounds must be 1..14');
  const words = 4 * (rounds + 1);
  const w = new Uint8Array(words * 4);
  w.set(key);
  let rcon = 1;
  for (let i = 4; i < words; i++) {
    let t0 = w[(i - 1) * 4]!;
    let t1 = w[(i - 1) * 4 + 1]!;
    let t2 = w[(i - 1) * 4 + 2]!;
    let t3 = w[(i - 1) * 4 + 3]!;
    if (i % 4 === 0) {
      const tmp = t0;
      t0 = SBOX[t1]! ^ rcon;
      t1 = SBOX[t2]!;
      t2 = SBOX[t3]!;
      t3 = SBOX[tmp]!;
      rcon = xtime(rcon);
    }
    w[i * 4] = w[(i - 4) * 4]! ^ t0;
    w[i * 4 + 1] = w[(i - 4) * 4 + 1]! ^ t1;
    w[i * 4 + 2] = w[(i - 4) * 4 + 2]! ^ t2;
    w[i * 4 + 3] = w[(i - 4) * 4 + 3]! ^ t3;
  }
  return w;
}

function addRoundKey(s: Uint8Array, w: Uint8Array, round: number): void {
  for (let i = 0; i < 16; i++) s[i]! ^= w[round * 16 + i]!;
}

// State is column-major as in FIPS-197: byte index = row + 4 * column.
function shiftRows(s: Uint8Array, inverse: boolean): void {
  const t = new Uint8Array(s);
  for (let r = 1; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const from = inverse ? (c - r + 4) % 4 : (c + r) % 4;
      s[r + 4 * c] = t[r + 4 * from]!;
    }
  }
}

function mixColumns(s: Uint8Array, inverse: boolean): void {
  for (let c = 0; c < 4; c++) {
    const a0 = s[4 * c]!;
    const a1 = s[4 * c + 1]!;
    const a2 = s[4 * c + 2]!;
    const a3 = s[4 * c + 3]!;
    if (!inverse) {
      s[4 * c] = gmul(a0, 2) ^ gmul(a1, 3) ^ a2 ^ a3;
      s[4 * c + 1] = a0 ^ gmul(a1, 2) ^ gmul(a2, 3) ^ a3;
      s[4 * c + 2] = a0 ^ a1 ^ gmul(a2, 2) ^ gmul(a3, 3);
      s[4 * c + 3] = gmul(a0, 3) ^ a1 ^ a2 ^ gmul(a3, 2);
    } else {
      s[4 * c] = gmul(a0, 14) ^ gmul(a1, 11) ^ gmul(a2, 13) ^ gmul(a3, 9);
      s[4 * c + 1] = gmul(a0, 9) ^ gmul(a1, 14) ^ gmul(a2, 11) ^ gmul(a3, 13);
      s[4 * c + 2] = gmul(a0, 13) ^ gmul(a1, 9) ^ gmul(a2, 14) ^ gmul(a3, 11);
      s[4 * c + 3] = gmul(a0, 11) ^ gmul(a1, 13) ^ gmul(a2, 9) ^ gmul(a3, 14);
    }
  }
}

export function encryptBlock(block: Uint8Array, roundKeys: Uint8Array, rounds: number): Uint8Array {
  const s = new Uint8Array(block.subarray(0, 16));
  addRoundKey(s, roundKeys, 0);
  for (let r = 1; r <= rounds; r++) {
    for (let i = 0; i < 16; i++) s[i] = SBOX[s[i]!]!;
    shiftRows(s, false);
    if (r !== rounds) mixColumns(s, false);
    addRoundKey(s, roundKeys, r);
  }
  return s;
}

export function decryptBlock(block: Uint8Array, roundKeys: Uint8Array, rounds: number): Uint8Array {
  const s = new Uint8Array(block.subarray(0, 16));
  addRoundKey(s, roundKeys, rounds);
  for (let r = rounds - 1; r >= 0; r--) {
    shiftRows(s, true);
    for (let i = 0; i < 16; i++) s[i] = INV_SBOX[s[i]!]!;
    addRoundKey(s, roundKeys, r);
    if (r !== 0) mixColumns(s, true);
  }
  return s;
}

/** ECB over whole blocks; `data.length` must be a multiple of 16. */
function ecb(data: Uint8Array, key: Uint8Array, rounds: number, cipherBlock: typeof encryptBlock): Uint8Array {
  if (data.length % 16 !== 0) throw new RangeError('ECB input must be a multiple of 16 bytes');
  const w = expandKey(key, rounds);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 16) out.set(cipherBlock(data.subarray(i, i + 16), w, rounds), i);
  return out;
}

export function ecbEncrypt(data: Uint8Array, key: Uint8Array, rounds: number): Uint8Array {
  return ecb(data, key, rounds, encryptBlock);
}

export function ecbDecrypt(data: Uint8Array, key: Uint8Array, rounds: number): Uint8Array {
  return ecb(data, key, rounds, decryptBlock);
}
