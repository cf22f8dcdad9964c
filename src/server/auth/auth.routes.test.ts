import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { ApiClient } from '../../../test/helpers/api';
import { buildInstaller, signIn, TEST_PASSWORD, type TestCompany } from '../../../test/helpers/factories';

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx));

async function auditActions(): Promise<string[]> {
  const r = await company.admin.get('/api/audit?pageSize=200');
  return r.body.items.map((i: { action: string; outcome: string }) => `${i.action}:${i.outcome}`);
}

describe('first-run setup', () => {
  it('is done, and cannot be done twice', async () => {
    const c = new ApiClient(p.app);
    expect((await c.get('/api/setup/status')).body).toEqual({ needsSetup: false });
    const again = await c.post('/api/setup', { token: p.setupToken, companyName: 'X', name: 'Y', email: 'y@example.test', password: TEST_PASSWORD });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SETUP_ALREADY_DONE');
  });

  it('created an installer admin who is signed in', async () => {
    const me = await company.admin.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ role: 'installer_admin', companyName: 'Acme Security', email: company.adminEmail });
    expect(await auditActions()).toContain('setup.completed:success');
  });
});

describe('sign-in', () => {
  it('sets an httpOnly SameSite session cookie and never returns the password hash', async () => {
    const res = await p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: company.adminEmail, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((k) => k.name === 'sk_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(res.body).not.toContain('scrypt$');
  });

  it('answers a wrong password and an unknown e-mail the same way', async () => {
    const c = new ApiClient(p.app);
    const wrong = await c.post('/api/auth/login', { email: company.adminEmail, password: 'Wrong-password-1' });
    const unknown = await c.post('/api/auth/login', { email: 'nobody@example.test', password: 'Wrong-password-1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  // Growing delays, per address and per account, on an injected clock: login-throttle.routes.test.ts.
  it('pauses sign-in after repeated failures with a clear message and Retry-After', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    const c = new ApiClient(p.app);
    const attempts = [];
    for (let i = 0; i < p.config.loginMaxAttempts; i++) attempts.push(await c.post('/api/auth/login', { email: inst.email, password: `Wrong-password-${i}` }));
    const last = attempts[attempts.length - 1]!;
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe('AUTH_LOCKED');
    expect(last.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(last.headers['retry-after']).toBe('1');
    expect(await auditActions()).toContain('auth.login:failure');
  });

  it('signs out: the cookie stops working', async () => {
    const c = await signIn(p.app, company.adminEmail);
    const cookie = c.cookie;
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    const stale = new ApiClient(p.app);
    stale.cookie = cookie;
    expect((await stale.get('/api/auth/me')).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated mutation without the token', async () => {
    const c = await signIn(p.app, company.adminEmail);
    c.csrfToken = undefined;
    const r = await c.post('/api/sites', { name: 'No token' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('CSRF_TOKEN_INVALID');
  });

  it('accepts API tokens (Bearer) without CSRF, and stores them hashed', async () => {
    const t = await company.admin.post('/api/auth/tokens', { name: 'script' });
    expect(t.status).toBe(201);
    const script = new ApiClient(p.app);
    script.bearer = t.body.token;
    const r = await script.post('/api/sites', { name: 'From script' });
    expect(r.status).toBe(201);
    const row = await p.app.platform.database.db.selectFrom('api_tokens').select('token_hash').where('id', '=', t.body.id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(t.body.token);
    const bad = new ApiClient(p.app);
    bad.bearer = 'skt_not-a-token';
    expect((await bad.get('/api/sites')).status).toBe(401);
  });
});

describe('password change', () => {
  it('checks the current password and the rules, ends other sessions, emits an event and keeps no copy of the new password', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const other = await signIn(p.app, inst.email);
    const wrong = await inst.client.post('/api/auth/password', { currentPassword: 'nope-nope-1', newPassword: 'N3w-Password-ok' });
    expect(wrong.body.error.code).toBe('PASSWORD_INCORRECT');
    const weak = await inst.client.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('PASSWORD_TOO_WEAK');

    const ok = await inst.client.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'N3w-Password-ok' });
    expect(ok.status).toBe(204);
    expect((await inst.client.get('/api/auth/me')).status).toBe(200);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    await signIn(p.app, inst.email, 'N3w-Password-ok');

    const db = p.app.platform.database.db;
    const ev = await db.selectFrom('domain_events').selectAll().where('type', '=', 'user.password_changed').execute();
    expect(ev.some((e) => e.payload.userId === inst.id)).toBe(true);
    // Nothing decryptable is left behind for a later AX Pro sync (issue 13).
    expect(await db.selectFrom('pending_secrets').selectAll().execute()).toEqual([]);
    expect(await auditActions()).toContain('auth.password.change:success');
  });
});

describe('weak passwords', () => {
  // The probes of issue 13: each passed the old length-and-kinds rule.
  it.each(['aaaaaaaaa1', 'Password12', '1234567890!', 'Qwerty12345'])('refuses %s at change, invitation accept and setup, saying why', async (weak) => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const change = await inst.client.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: weak });
    expect(change.status).toBe(400);
    expect(change.body.error).toMatchObject({ code: 'PASSWORD_TOO_WEAK', details: { reason: expect.stringMatching(/\w/), problems: [expect.stringContaining('easily guessed')] } });

    const inv = await company.admin.post('/api/installers/invitations', { email: `weak-${Math.random().toString(36).slice(2)}@example.test`, name: 'W', permission: 'manage_all' });
    const token = new URL(inv.body.inviteUrl).searchParams.get('token')!;
    const accept = await new ApiClient(p.app).post(`/api/invitations/${token}/accept`, { name: 'W', password: weak });
    expect(accept.status).toBe(400);
    expect(accept.body.error.code).toBe('PASSWORD_TOO_WEAK');

    const setup = await new ApiClient(p.app).post('/api/setup', { token: 'x', companyName: 'C', name: 'N', email: 'n@example.test', password: weak });
    expect(setup.status).toBe(400);
    expect(setup.body.error.code).toBe('PASSWORD_TOO_WEAK');
  });
});

describe('bad input', () => {
  it('invalid JSON → INVALID_JSON', async () => {
    const r = await p.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('INVALID_JSON');
    expect(r.json().error.correlationId).toBe(r.headers['x-correlation-id']);
  });

  it('missing and unknown fields → VALIDATION_FAILED naming them', async () => {
    const r = await new ApiClient(p.app).post('/api/auth/login', { email: 'a@example.test', password: 'x', admin: true });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.message).toContain('admin');
    const missing = await new ApiClient(p.app).post('/api/auth/login', { email: 'a@example.test' });
    expect(missing.body.error.message).toContain('password');
  });

  it('oversize body → 413 BODY_TOO_LARGE', async () => {
    const big = JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(p.config.bodyLimitBytes + 10) });
    const r = await p.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: big });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('BODY_TOO_LARGE');
  });

  it('unknown route → 404 NOT_FOUND with a JSON body', async () => {
    const r = await new ApiClient(p.app).get('/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
  });
});
