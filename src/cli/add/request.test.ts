import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRequest, parseWaitSeconds, readScanInput, scanRequest } from './request';

describe('addRequest (flags and answers → POST /api/scans/:id/add)', () => {
  it('sends the chosen candidates, the key, and only the answers given', () => {
    expect(addRequest([{ id: 'c1' }, { id: 'c2' }], { verificationCode: 'ABCDEF', adminPassword: '', devicePassword: undefined }, 'cli-k')).toEqual({
      candidateIds: ['c1', 'c2'],
      idempotencyKey: 'cli-k',
      verificationCode: 'ABCDEF',
    });
    expect(addRequest([{ id: 'c1' }], { adminPassword: 'Adm1n!pass', devicePassword: 'd' }, 'k')).toEqual({ candidateIds: ['c1'], idempotencyKey: 'k', adminPassword: 'Adm1n!pass', devicePassword: 'd' });
  });
});

describe('scanRequest (input → POST /api/sites/:id/scans)', () => {
  it('text is JSON, with the QR password only when there is one', () => {
    expect(scanRequest({ text: 'J12345678' }, undefined)).toEqual({ text: 'J12345678' });
    expect(scanRequest({ text: 'QRCODE' }, 'pw')).toEqual({ text: 'QRCODE', qrPassword: 'pw' });
  });
  it('a photo is multipart: the image under its file name, and the QR password', async () => {
    const form = scanRequest({ image: { name: 'label.png', bytes: Buffer.from([1, 2, 3]) } }, 'pw');
    expect(form).toBeInstanceOf(FormData);
    const f = form as FormData;
    expect(f.get('qrPassword')).toBe('pw');
    const image = f.get('image') as File;
    expect(image.name).toBe('label.png');
    expect([...new Uint8Array(await image.arrayBuffer())]).toEqual([1, 2, 3]);
    expect((scanRequest({ image: { name: 'a.jpg', bytes: Buffer.alloc(1) } }, undefined) as FormData).has('qrPassword')).toBe(false);
  });
});

describe('readScanInput', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sk-add-input-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it('a path to a file is a photo; anything else is the QR text', async () => {
    const file = join(dir, 'label.png');
    await writeFile(file, Buffer.from('png'));
    expect(await readScanInput(file)).toEqual({ image: { name: 'label.png', bytes: Buffer.from('png') } });
    expect(await readScanInput('www.hik-connect.com\nJ12345678\nABCDEF\nDS-2CD2143G2-IS\n')).toEqual({ text: 'www.hik-connect.com\nJ12345678\nABCDEF\nDS-2CD2143G2-IS\n' });
    expect(await readScanInput(join(dir, 'missing.png'))).toEqual({ text: join(dir, 'missing.png') });
  });
});

describe('parseWaitSeconds', () => {
  it('defaults to 900; a positive number is taken; anything else is refused', () => {
    expect(parseWaitSeconds(undefined)).toBe(900);
    expect(parseWaitSeconds('30')).toBe(30);
    for (const bad of ['0', '-5', 'soon', 'Infinity']) expect(() => parseWaitSeconds(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
