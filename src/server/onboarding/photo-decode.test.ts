import type { Multipart } from '@fastify/multipart';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/app-error';
import type { DecodeImageResult } from '../../qr-image/decode-image';
import { PhotoDecodes, readPhotoScan, type PhotoDecoder, type PhotoPlace } from './photo-decode';

/** A decoder whose decodes finish only when the test says so. */
function heldDecoder(expectedWaitMs = 2500): PhotoDecoder & { finishAll(texts: string[]): void; asked: number } {
  const waiting: Array<(r: DecodeImageResult) => void> = [];
  const d = {
    asked: 0,
    decode: (_bytes: Uint8Array) => {
      d.asked++;
      return new Promise<DecodeImageResult>((resolve) => waiting.push(resolve));
    },
    expectedWaitMs: () => expectedWaitMs,
    finishAll: (texts: string[]) => {
      for (const resolve of waiting.splice(0)) {
        resolve({ codes: texts.map((text) => ({ text, position: { topLeft: { x: 0, y: 0 }, topRight: { x: 0, y: 0 }, bottomRight: { x: 0, y: 0 }, bottomLeft: { x: 0, y: 0 } } })) as DecodeImageResult['codes'], width: 1, height: 1, format: 'png', orientation: 1, decoded: { width: 1, height: 1 } });
      }
    },
  };
  return d;
}

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('PhotoDecodes (issue 13)', () => {
  it('refuses a user over their limit with IMAGE_DECODE_BUSY and a retry time, while another user is served', async () => {
    const decoder = heldDecoder(2500);
    const photos = new PhotoDecodes(decoder, { perUser: 2, max: 4 });
    const a1 = photos.admit('alice');
    const a2 = photos.admit('alice');
    const running = [a1.decode(new Uint8Array(1)), a2.decode(new Uint8Array(1))];
    const e = refusal(() => photos.admit('alice'));
    expect(e).toMatchObject({ code: 'IMAGE_DECODE_BUSY', status: 429, details: { scope: 'user', limit: 2, retryAfterSeconds: 3 } });
    expect(e.message).toMatch(/already have 2 photos/);
    const b = photos.admit('bob');
    expect([photos.inProgress('alice'), photos.inProgress('bob'), photos.inProgress()]).toEqual([2, 1, 3]);
    decoder.finishAll(['A12345678']);
    expect(await Promise.all(running)).toEqual([['A12345678'], ['A12345678']]);
    a1.release();
    a1.release(); // twice is harmless: a place is given back once.
    expect(photos.inProgress('alice')).toBe(1);
    photos.admit('alice');
    b.release();
    expect(photos.inProgress()).toBe(2);
  });

  it('refuses everyone once the node is full, whatever their own count', () => {
    const photos = new PhotoDecodes(heldDecoder(100), { perUser: 2, max: 3 });
    photos.admit('alice');
    photos.admit('alice');
    const bob = photos.admit('bob');
    expect(refusal(() => photos.admit('carol'))).toMatchObject({ code: 'IMAGE_DECODE_BUSY', details: { scope: 'server', limit: 3, retryAfterSeconds: 1 } });
    bob.release();
    expect(photos.admit('carol')).toBeDefined();
  });
});

/** Multipart parts as the route sees them; after the listed parts, the upload never goes on (like a stalled client). */
async function* partsThenStall(parts: Array<Partial<Multipart> & { fieldname: string; type: 'file' | 'field' }>): AsyncGenerator<Multipart> {
  for (const p of parts) yield p as Multipart;
  await new Promise(() => {});
}

const place = (texts: string[]): PhotoPlace & { decoded: number } => {
  const p = { decoded: 0, decode: async () => (p.decoded++, texts), release: () => {} };
  return p;
};

describe('readPhotoScan', () => {
  it('refuses a part that is not expected at once, without reading further (issue 13)', async () => {
    const cases: Array<[Partial<Multipart> & { fieldname: string; type: 'file' | 'field' }, RegExp]> = [
      [{ type: 'file', fieldname: 'photo' }, /file "photo" is not expected here/],
      [{ type: 'field', fieldname: 'note', value: 'x' } as never, /field "note" is not expected here/],
      [{ type: 'field', fieldname: 'image', value: 'x' } as never, /"image" must be a file/],
      [{ type: 'file', fieldname: 'qrPassword' }, /"qrPassword" must be a text field/],
    ];
    for (const [part, message] of cases) {
      const p = place(['A12345678']);
      const e = await readPhotoScan(partsThenStall([part]), p).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'UPLOAD_FIELD_UNKNOWN', status: 400, details: { field: part.fieldname, type: part.type, expected: { image: 'file', qrPassword: 'field' } } });
      expect((e as AppError).message).toMatch(message);
      expect(p.decoded).toBe(0);
    }
  });

  it('refuses a part sent twice, and more parts than the multipart limits allow', async () => {
    const p = place(['A12345678']);
    const twice = partsThenStall([{ type: 'field', fieldname: 'qrPassword', value: 'a' } as never, { type: 'field', fieldname: 'qrPassword', value: 'b' } as never]);
    expect(await readPhotoScan(twice, p).catch((x: unknown) => x)).toMatchObject({ code: 'UPLOAD_FIELD_UNKNOWN', message: expect.stringMatching(/"qrPassword" more than once/) });
    async function* overLimit(): AsyncGenerator<Multipart> {
      yield* [];
      throw Object.assign(new Error('reach fields limit'), { code: 'FST_FIELDS_LIMIT', statusCode: 413 });
    }
    expect(await readPhotoScan(overLimit(), p).catch((x: unknown) => x)).toMatchObject({ code: 'UPLOAD_FIELD_UNKNOWN', details: { problem: 'FST_FIELDS_LIMIT' } });
  });

  it('reads the photo and the QR password; a photo without a code is QR_NOT_FOUND', async () => {
    const file = { type: 'file' as const, fieldname: 'image', toBuffer: async () => Buffer.from('png') };
    async function* parts(list: unknown[]): AsyncGenerator<Multipart> {
      for (const p of list) yield p as Multipart;
    }
    expect(await readPhotoScan(parts([file, { type: 'field', fieldname: 'qrPassword', value: 'pw' }]), place(['A12345678', 'B']))).toEqual({ text: 'A12345678', qrPassword: 'pw' });
    expect(await readPhotoScan(parts([file]), place([])).catch((x: unknown) => x)).toMatchObject({ code: 'QR_NOT_FOUND' });
  });

  it('an upload that stalls gets UPLOAD_TIMEOUT once its time is up, and nothing is decoded (its place goes back with the answer)', async () => {
    const p = place(['A12345678']);
    const file = { type: 'file' as const, fieldname: 'image', toBuffer: async () => Buffer.from('png') };
    // The photo arrived, the rest of the upload never does.
    const e = await readPhotoScan(partsThenStall([file as never]), p, 50).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'UPLOAD_TIMEOUT', status: 408 });
    expect(p.decoded).toBe(0);
    // In time: decoded as usual.
    async function* whole(): AsyncGenerator<Multipart> {
      yield file as never;
    }
    expect(await readPhotoScan(whole(), p, 10_000)).toEqual({ text: 'A12345678', qrPassword: undefined });
  });
});
