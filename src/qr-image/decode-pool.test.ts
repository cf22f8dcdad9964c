import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error';
import { DecodePool } from './decode-pool';
import { threadNiceValues } from './decode-priority';
import { renderQrPng } from './render';

const pools: DecodePool[] = [];
const newPool = (...args: ConstructorParameters<typeof DecodePool>) => {
  const pool = new DecodePool(...args);
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function photoOf(text: string): Promise<Buffer> {
  const qr = await renderQrPng(text, { scale: 5 });
  return sharp({ create: { width: 400, height: 300, channels: 3, background: '#fff' } }).composite([{ input: qr, left: 60, top: 40 }]).png().toBuffer();
}

describe('DecodePool', () => {
  it('decodes in a worker thread with the same result as decodeImageBuffer', async () => {
    const pool = newPool({ size: 1 });
    const r = await pool.decode(await photoOf('A12345678'));
    expect(r.codes.map((c) => c.text)).toEqual(['A12345678']);
    expect([r.width, r.height, r.decoded]).toEqual([400, 300, { width: 400, height: 300 }]);
    expect(pool.workers).toBe(1);
  });

  it('decodes at the nice value given: the decode thread and libvips threads yield, the server thread does not (Linux)', async () => {
    expect(process.platform).toBe('linux'); // CI and the supported deployment; elsewhere priorities are left alone
    const lowered = () => threadNiceValues().filter((t) => t.nice === 19);
    expect(lowered()).toEqual([]);
    const pool = newPool({ size: 1, nice: 19 });
    // Large enough for libvips to work with its threads.
    const qr = await renderQrPng('A12345678', { scale: 8 });
    const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#fff' } }).composite([{ input: qr, left: 900, top: 700 }]).png().toBuffer();
    expect((await pool.decode(photo)).codes.map((c) => c.text)).toEqual(['A12345678']);
    const threads = threadNiceValues();
    const vips = threads.filter((t) => t.name.startsWith('libvips worker'));
    expect(vips.length).toBeGreaterThan(0);
    expect(vips.every((t) => t.nice === 19), JSON.stringify(vips)).toBe(true);
    // The decode worker thread itself (named like every Node thread) is lowered too …
    expect(lowered().filter((t) => !t.name.startsWith('libvips worker')).length).toBeGreaterThanOrEqual(1);
    // … and the process's main thread (tid = pid) is not.
    expect(threads.find((t) => t.tid === String(process.pid))?.nice).toBe(0);
  });

  it('runs at most `size` decodes at once; the others wait in order and all finish', async () => {
    const pool = newPool({ size: 2 });
    const photos = await Promise.all(['A1', 'B2', 'C3', 'D4', 'E5'].map((t) => photoOf(`${t}2345678`)));
    const all = photos.map((p) => pool.decode(p));
    expect([pool.running, pool.waiting, pool.workers]).toEqual([2, 3, 2]);
    const texts = (await Promise.all(all)).map((r) => r.codes.map((c) => c.text));
    expect(texts).toEqual([['A12345678'], ['B22345678'], ['C32345678'], ['D42345678'], ['E52345678']]);
    expect([pool.running, pool.waiting, pool.workers]).toEqual([0, 0, 2]);
  });

  it('gives back typed errors from the worker as AppErrors', async () => {
    const pool = newPool({ size: 1, options: { maxPixels: 1000 } });
    const e = await pool.decode(await photoOf('A12345678')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'IMAGE_TOO_LARGE', details: { width: 400, height: 300, maxPixels: 1000 } });
    const bad = await pool.decode(new Uint8Array([1, 2, 3])).catch((x: unknown) => x);
    expect(bad).toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  it('ends an idle worker and starts a new one for the next photo', async () => {
    const pool = newPool({ size: 1, idleMs: 1 });
    await pool.decode(await photoOf('A12345678'));
    // The worker's exit is the event this waits for, not a time.
    await new Promise<void>((done) => {
      const check = setInterval(() => {
        if (pool.workers === 0) {
          clearInterval(check);
          done();
        }
      }, 5);
    });
    expect((await pool.decode(await photoOf('B12345678'))).codes.map((c) => c.text)).toEqual(['B12345678']);
  });

  it('fails waiting decodes when closed and refuses new ones', async () => {
    const pool = newPool({ size: 1 });
    const photo = await photoOf('A12345678');
    const running = pool.decode(photo);
    const queued = pool.decode(photo).catch((x: unknown) => x);
    await pool.close();
    expect((await running).codes).toHaveLength(1);
    expect(await queued).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await pool.decode(photo).catch((x: unknown) => x)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(pool.workers).toBe(0);
  });
});
