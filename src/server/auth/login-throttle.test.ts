import { describe, expect, it } from 'vitest';
import { delaySeconds, loginWaitSeconds, THROTTLE_FORGET_MS, throttleKeys, waitSeconds } from './login-throttle';

const policy = { freeAttempts: 5, maxDelaySeconds: 60 };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

describe('login throttle', () => {
  it.each([
    [0, 0], [4, 0], [5, 1], [6, 2], [7, 4], [10, 32], [11, 60], [50, 60], [10_000, 60],
  ])('after %i failures the next attempt waits %i s', (failed, wait) => {
    expect(delaySeconds(failed, policy)).toBe(wait);
  });

  it.each([
    ['no failures', undefined, 0, 0],
    ['free attempts left', { failed: 3, lastFailureAt: at(0) }, 0, 0],
    ['just failed the 7th time', { failed: 7, lastFailureAt: at(0) }, 0, 4],
    ['part of the wait gone', { failed: 7, lastFailureAt: at(0) }, 2.5, 2],
    ['wait over', { failed: 7, lastFailureAt: at(0) }, 4, 0],
    ['idle for the forget window', { failed: 500, lastFailureAt: at(0) }, THROTTLE_FORGET_MS / 1000, 0],
  ])('%s', (_name, state, nowS, wait) => {
    expect(waitSeconds(state, at(nowS), policy)).toBe(wait);
  });

  it('an attempt waits for the slower of its address and its account', () => {
    const policies = { ip: { freeAttempts: 20, maxDelaySeconds: 900 }, account: policy };
    expect(loginWaitSeconds({ ip: { failed: 30, lastFailureAt: at(0) }, account: { failed: 6, lastFailureAt: at(0) } }, at(0), policies)).toBe(900);
    expect(loginWaitSeconds({ ip: { failed: 2, lastFailureAt: at(0) }, account: { failed: 6, lastFailureAt: at(0) } }, at(0), policies)).toBe(2);
    expect(loginWaitSeconds({}, at(0), policies)).toBe(0);
  });

  it('keys the account by its e-mail whatever its case', () => {
    expect(throttleKeys('10.0.0.1', ' Ana@Example.test ')).toEqual({ ip: 'ip:10.0.0.1', account: 'account:ana@example.test' });
  });
});
