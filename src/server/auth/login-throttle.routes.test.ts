/**
 * Issue 13's probe, repeated: wrong passwords no longer lock an account for 15 minutes. Attempts
 * are throttled per client address and per account with growing delays (429 + Retry-After), the
 * owner gets in after at most a minute, and hears of the failures at the next sign-in. Time comes
 * from an injected clock: the test moves it instead of waiting.
 */
import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { ApiClient } from '../../../test/helpers/api';
import { buildInstaller, TEST_PASSWORD, type TestCompany } from '../../../test/helpers/factories';
import type { Clock } from '../lib/clock';
import { ACCOUNT_MAX_DELAY_SECONDS } from './auth.service';
import { THROTTLE_FORGET_MS } from './login-throttle';

let p: TestPlatform;
let company: TestCompany;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
const advance = (seconds: number) => (offsetMs += seconds * 1000);
// Addresses come from X-Forwarded-For, so the test can be several clients.
usePlatformWithCompany((fx) => ({ p, company } = fx), { clock, config: { trustProxy: true } });

const from = (ip: string) => ({
  login: (email: string, password: string) => new ApiClient(p.app).request('POST', '/api/auth/login', { email, password }, { 'x-forwarded-for': ip }),
});

describe('sign-in throttling', () => {
  it('waits 1, 2, 4, … seconds past the free attempts, never locks the owner out for more than a minute, and tells them', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    const attacker = from('203.0.113.9');
    const owner = from('198.51.100.7');
    const n = p.config.loginMaxAttempts;
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await attacker.login(inst.email, `Wrong-guess-${i}`)).status);
    expect(statuses).toEqual([...Array<number>(n - 1).fill(401), 429]);

    // Even the right password waits, without being looked at.
    const early = await owner.login(inst.email, TEST_PASSWORD);
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ code: 'AUTH_LOCKED', details: { retryAfterSeconds: 1 } });
    expect(early.headers['retry-after']).toBe('1');

    // Each further failure, once its wait is over, doubles the wait, up to the account's cap.
    const waits: string[] = [];
    let wait = 1;
    for (let i = 0; i < 8; i++) {
      advance(wait);
      const r = await attacker.login(inst.email, `Wrong-again-${i}`);
      waits.push(String(r.headers['retry-after']));
      wait = Number(r.headers['retry-after']);
    }
    expect(waits).toEqual(['2', '4', '8', '16', '32', '60', '60', '60']);
    expect(ACCOUNT_MAX_DELAY_SECONDS).toBe(60);

    // Attempts made while waiting are refused unseen and do not make the wait longer.
    advance(30);
    const during = await attacker.login(inst.email, 'Wrong-while-waiting');
    expect(during.headers['retry-after']).toBe('30');

    advance(30);
    const ok = await owner.login(inst.email, TEST_PASSWORD);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.failedAttemptsSinceLastLogin).toBe(n + 8);
    const again = await owner.login(inst.email, TEST_PASSWORD);
    expect(again.body.failedAttemptsSinceLastLogin).toBe(0);
    advance(THROTTLE_FORGET_MS / 1000 + 1);
  });

  it('one address guessing at many accounts waits; other addresses sign in as usual', async () => {
    const guesser = from('203.0.113.50');
    const perAddress = p.config.loginMaxAttempts * 4;
    let last;
    for (let i = 0; i < perAddress; i++) last = await guesser.login(`nobody-${i}@example.test`, 'Wrong-guess-1');
    expect(last?.status).toBe(429);
    expect(last?.headers['retry-after']).toBe('1');

    // The admin's own account has no failures: the wait is the address's.
    expect((await guesser.login(company.adminEmail, TEST_PASSWORD)).status).toBe(429);
    const elsewhere = await from('198.51.100.8').login(company.adminEmail, TEST_PASSWORD);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.failedAttemptsSinceLastLogin).toBe(0);

    advance(1);
    expect((await guesser.login(company.adminEmail, TEST_PASSWORD)).status).toBe(200);
    // A success does not clear the address: its next failure waits longer.
    const next = await guesser.login('nobody-else@example.test', 'Wrong-guess-1');
    expect(next.status).toBe(429);
    expect(next.headers['retry-after']).toBe('2');

    // An hour without failures and the count starts again.
    advance(THROTTLE_FORGET_MS / 1000 + 1);
    expect((await guesser.login('nobody-else@example.test', 'Wrong-guess-1')).status).toBe(401);
  });
});
