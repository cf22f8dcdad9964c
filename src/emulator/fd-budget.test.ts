import { describe, expect, it } from 'vitest';
import { defaultMaxHttpServers, openFileLimit } from './fleet';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

describe('file-descriptor budget of a fleet', () => {
  it('reads the soft open-file limit from /proc/self/limits text', () => {
    expect(openFileLimit(LIMITS)).toBe(20000);
    expect(openFileLimit(LIMITS.replace('20000                20000', 'unlimited            unlimited'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(openFileLimit('nothing here')).toBeUndefined();
  });

  it('gives every device a listener when the limit allows, and stays inside it when not', () => {
    expect(defaultMaxHttpServers(100, 100, 20000)).toBe(100);
    // 10,000 devices, all in the cloud (one connection each), 20,000 files: the rest minus a reserve.
    expect(defaultMaxHttpServers(10000, 10000, 20000)).toBe(8976);
    // Without cloud connections the same limit holds all 10,000 listeners.
    expect(defaultMaxHttpServers(10000, 0, 20000)).toBe(10000);
    expect(defaultMaxHttpServers(5000, 5000, 1024)).toBe(0);
    expect(defaultMaxHttpServers(10000, 0, undefined)).toBe(4096);
  });

  it.runIf(process.platform === 'linux')('this process has a limit on Linux', () => {
    expect(openFileLimit()).toBeGreaterThan(0);
  });
});
