import { describe, expect, it } from 'vitest';
import { isCacheable } from './cache-policy';

const O = 'https://sk.example.test';
const u = (p: string, origin = O) => new URL(p, origin);

describe('service worker cache policy', () => {
  it('caches the shell and assets of our own origin', () => {
    expect(isCacheable(u('/'), O)).toBe(true);
    expect(isCacheable(u('/assets/main-abc.js'), O)).toBe(true);
    expect(isCacheable(u('/assets/zxing_reader-x.wasm'), O)).toBe(true);
    expect(isCacheable(u('/apiary'), O)).toBe(true);
  });

  it('never caches the API, the API docs or other origins', () => {
    expect(isCacheable(u('/api'), O)).toBe(false);
    expect(isCacheable(u('/api/devices?page=1'), O)).toBe(false);
    expect(isCacheable(u('/api/batches/b1/events'), O)).toBe(false);
    expect(isCacheable(u('/docs/json'), O)).toBe(false);
    expect(isCacheable(u('/assets/x.js', 'https://cdn.example.test'), O)).toBe(false);
  });
});
