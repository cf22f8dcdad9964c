/**
 * API tokens a user manages: create, list (never the secret), use as Bearer, revoke (stops working
 * at once), only your own, at most 50, every change audited.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { ApiClient } from '../../../test/helpers/api';
import { buildEndUser, buildInstaller, buildOtherCompany, TEST_PASSWORD, type TestCompany } from '../../../test/helpers/factories';
import { MAX_API_TOKENS_PER_USER } from './auth.service';
import type { Clock } from '../lib/clock';

let p: TestPlatform;
let company: TestCompany;

// A clock the test can move forward (the server takes "now" from it), instead of editing rows.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
usePlatformWithCompany((fx) => ({ p, company } = fx), { clock });

function bearer(token: string): ApiClient {
  const c = new ApiClient(p.app);
  c.bearer = token;
  return c;
}

interface TokenItem {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

async function listTokens(c: ApiClient): Promise<TokenItem[]> {
  const r = await c.get<{ items: TokenItem[] }>('/api/auth/tokens');
  expect(r.status).toBe(200);
  return r.body.items;
}

async function auditRows(query: string): Promise<Array<{ action: string; actorId: string; targetType: string; targetId: string; outcome: string; details: Record<string, unknown>; correlationId: string }>> {
  const r = await company.admin.get(`/api/audit?pageSize=200&${query}`);
  expect(r.status).toBe(200);
  return r.body.items;
}

describe('API tokens', () => {
  it('create → listed without the secret → works as Bearer (last use recorded) → revoked → 401', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const created = await inst.client.post('/api/auth/tokens', { name: 'laptop' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^skt_/);
    const { id, token } = created.body as { id: string; token: string };

    const before = await inst.client.get('/api/auth/tokens');
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([{ id, name: 'laptop', createdAt: expect.any(String), lastUsedAt: null }]);
    // Neither the secret nor its hash ever leaves the server.
    const row = await p.app.platform.database.db.selectFrom('api_tokens').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(before.body)).not.toContain(token);
    expect(JSON.stringify(before.body)).not.toContain(row.token_hash);
    expect(Object.keys(before.body.items[0]).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name']);

    const script = bearer(token);
    const beforeUse = clock.now().getTime();
    const me = await script.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: inst.id, email: inst.email });
    const [used] = await listTokens(inst.client);
    expect(used?.lastUsedAt).not.toBeNull();
    expect(new Date(used!.lastUsedAt!).getTime()).toBeGreaterThanOrEqual(beforeUse);

    const revoked = await inst.client.delete(`/api/auth/tokens/${id}`);
    expect(revoked.status).toBe(204);
    const after = await script.get('/api/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('AUTH_REQUIRED');
    expect(await listTokens(inst.client)).toEqual([]);
    // Revoking again: it is gone.
    const again = await inst.client.delete(`/api/auth/tokens/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('API_TOKEN_NOT_FOUND');
  });

  it('lists only your own tokens, newest first', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    const names = ['first', 'second', 'third'];
    const ids: string[] = [];
    for (const name of names) ids.push((await inst.client.post('/api/auth/tokens', { name })).body.id);
    await company.admin.post('/api/auth/tokens', { name: 'admin-own' });
    const items = await listTokens(inst.client);
    expect(items.map((t) => t.name)).toEqual(['third', 'second', 'first']);
    expect(items.map((t) => t.id)).toEqual([...ids].reverse());
    expect((await listTokens(company.admin)).some((t) => ids.includes(t.id))).toBe(false);
  });

  it("another user cannot see or revoke your token (404, same as an unknown id), and it keeps working", async () => {
    const owner = await buildInstaller(p.app, company, 'manage_all');
    const { id, token } = (await owner.client.post('/api/auth/tokens', { name: 'owner-script' })).body as { id: string; token: string };
    const sameCompany = await buildInstaller(p.app, company, 'manage_all');
    const endUser = await buildEndUser(p.app, company);
    const other = await buildOtherCompany(p.app);
    for (const intruder of [company.admin, sameCompany.client, endUser.client, other.admin]) {
      expect((await listTokens(intruder)).some((t) => t.id === id)).toBe(false);
      const r = await intruder.delete(`/api/auth/tokens/${id}`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('API_TOKEN_NOT_FOUND');
      expect(r.body.error.hint.length).toBeGreaterThan(5);
    }
    const unknown = await owner.client.delete(`/api/auth/tokens/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('API_TOKEN_NOT_FOUND');
    // Another user's own Bearer token cannot revoke it either.
    const otherToken = (await other.admin.post('/api/auth/tokens', { name: 'other-script' })).body.token as string;
    expect((await bearer(otherToken).delete(`/api/auth/tokens/${id}`)).status).toBe(404);

    expect((await bearer(token).get('/api/auth/me')).status).toBe(200);
    expect((await listTokens(owner.client)).map((t) => t.id)).toEqual([id]);
  });

  it('a token can revoke itself (Bearer, no CSRF needed), and is refused right after', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const { id, token } = (await inst.client.post('/api/auth/tokens', { name: 'self' })).body as { id: string; token: string };
    const script = bearer(token);
    expect((await script.get('/api/auth/tokens')).body.items.map((t: TokenItem) => t.id)).toEqual([id]);
    expect((await script.delete(`/api/auth/tokens/${id}`)).status).toBe(204);
    expect((await script.get('/api/auth/tokens')).status).toBe(401);
  });

  it('needs CSRF for a cookie-signed revoke, and a signed-in caller', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const { id } = (await inst.client.post('/api/auth/tokens', { name: 'csrf' })).body as { id: string };
    const noCsrf = inst.client.clone();
    noCsrf.csrfToken = undefined;
    const r = await noCsrf.delete(`/api/auth/tokens/${id}`);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await new ApiClient(p.app).get('/api/auth/tokens')).status).toBe(401);
    expect((await new ApiClient(p.app).delete(`/api/auth/tokens/${id}`)).status).toBe(401);
    expect((await listTokens(inst.client)).map((t) => t.id)).toEqual([id]);
    const bad = await inst.client.delete('/api/auth/tokens/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('records a use at most once a minute (a busy script is not a write per request)', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const { id, token } = (await inst.client.post('/api/auth/tokens', { name: 'busy' })).body as { id: string; token: string };
    const db = p.app.platform.database.db;
    const lastUsed = async () => new Date((await db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at!).getTime();
    try {
      expect((await bearer(token).get('/api/auth/me')).status).toBe(200);
      const first = await lastUsed();
      offsetMs = 59_000; // within the minute: the use is not written again
      expect((await bearer(token).get('/api/auth/me')).status).toBe(200);
      expect(await lastUsed()).toBe(first);
      offsetMs = 61_000; // past it: written
      expect((await bearer(token).get('/api/auth/me')).status).toBe(200);
      expect(await lastUsed()).toBeGreaterThanOrEqual(first + 60_000);
    } finally {
      offsetMs = 0;
    }
  });

  it(`allows at most ${MAX_API_TOKENS_PER_USER} tokens per user (409 API_TOKEN_LIMIT), and one more after a revoke`, async () => {
    expect(MAX_API_TOKENS_PER_USER).toBe(50);
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const ids: string[] = [];
    for (let i = 0; i < MAX_API_TOKENS_PER_USER; i++) {
      const r = await inst.client.post('/api/auth/tokens', { name: `t${i}` });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const over = await inst.client.post('/api/auth/tokens', { name: 'one too many' });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('API_TOKEN_LIMIT');
    expect(over.body.error.hint).toMatch(/revoke/i);
    expect(over.body.error.details).toEqual({ limit: MAX_API_TOKENS_PER_USER });
    expect(await listTokens(inst.client)).toHaveLength(MAX_API_TOKENS_PER_USER);
    // The cap is per user: others are not affected.
    expect((await company.admin.post('/api/auth/tokens', { name: 'admin-still-can' })).status).toBe(201);

    expect((await inst.client.delete(`/api/auth/tokens/${ids[0]}`)).status).toBe(204);
    // Concurrent creates cannot go past the cap together: one slot, one success.
    const burst = await Promise.all([1, 2, 3, 4].map((n) => inst.client.post('/api/auth/tokens', { name: `burst${n}` })));
    expect(burst.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await listTokens(inst.client)).toHaveLength(MAX_API_TOKENS_PER_USER);
  });

  it('keeps the name rules (1 to 100 characters, no other fields)', async () => {
    for (const body of [{ name: '' }, { name: 'x'.repeat(101) }, {}, { name: 'ok', admin: true }]) {
      const r = await company.admin.post('/api/auth/tokens', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await company.admin.post('/api/auth/tokens', { name: 'x'.repeat(100) })).status).toBe(201);
  });

  it('audits create and revoke with the token id, its name and the request correlation id', async () => {
    const { id } = (await company.admin.post('/api/auth/tokens', { name: 'audited' })).body as { id: string };
    const revoke = await company.admin.delete(`/api/auth/tokens/${id}`);
    expect(revoke.status).toBe(204);
    const rows = await auditRows(`targetId=${id}`);
    expect(rows.map((r) => `${r.action}:${r.outcome}`).sort()).toEqual(['auth.api_token.create:success', 'auth.api_token.revoke:success']);
    const rv = rows.find((r) => r.action === 'auth.api_token.revoke')!;
    expect(rv).toMatchObject({ actorId: company.adminId, targetType: 'api_token', targetId: id, details: { name: 'audited' } });
    expect(rv.correlationId).toBe(revoke.headers['x-correlation-id']);

    // A refused revoke changes nothing and writes nothing.
    const count = (await auditRows('action=auth.api_token.revoke')).length;
    expect((await company.admin.delete(`/api/auth/tokens/${id}`)).status).toBe(404);
    expect(await auditRows('action=auth.api_token.revoke')).toHaveLength(count);
  });

  it('a token cannot create tokens: only a signed-in session can (API_TOKEN_SESSION_REQUIRED, nothing created, nothing audited)', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const { token } = (await inst.client.post('/api/auth/tokens', { name: 'script' })).body as { token: string };
    const creates = (await auditRows('action=auth.api_token.create')).length;
    const r = await bearer(token).post('/api/auth/tokens', { name: 'minted by a token' });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'API_TOKEN_SESSION_REQUIRED', hint: expect.stringContaining('/account/tokens') });
    expect((await listTokens(inst.client)).map((t) => t.name)).toEqual(['script']);
    expect(await auditRows('action=auth.api_token.create')).toHaveLength(creates);
    // The token still reads and revokes (a script may clean up after itself).
    expect((await bearer(token).get('/api/auth/tokens')).status).toBe(200);
  });

  it('a password change revokes the user\'s tokens unless asked to keep them', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const mint = async (name: string) => ((await inst.client.post('/api/auth/tokens', { name })).body as { token: string }).token;
    const [a, b] = [await mint('a'), await mint('b')];
    const change = async (from: string, to: string, extra: object = {}) => {
      const r = await inst.client.post('/api/auth/password', { currentPassword: from, newPassword: to, ...extra });
      expect(r.status, JSON.stringify(r.body)).toBe(204);
    };
    await change(TEST_PASSWORD, 'Lantern-Orbit-42');
    expect((await bearer(a).get('/api/sites')).status).toBe(401);
    expect((await bearer(b).get('/api/sites')).status).toBe(401);
    expect(await listTokens(inst.client)).toEqual([]);
    const rows = await auditRows(`action=auth.password.change&targetId=${inst.id}`);
    expect(rows[0]!.details).toMatchObject({ apiTokensRevoked: 2 });

    const kept = await mint('kept');
    await change('Lantern-Orbit-42', 'Walnut-Harbour-97', { revokeApiTokens: false });
    expect((await bearer(kept).get('/api/sites')).status).toBe(200);
    expect((await listTokens(inst.client)).map((t) => t.name)).toEqual(['kept']);
  });
});
