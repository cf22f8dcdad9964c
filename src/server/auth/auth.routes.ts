import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta, setSessionCookie } from '../http/types';
import { errorResponses, IdParams } from '../http/common.schema';
import { requireActor } from '../http/access';
import type { AuthService } from './auth.service';
import { ApiTokenBody, ApiTokenCreated, ApiTokenList, ChangePasswordBody, LoginBody, LoginResponse, SessionResponse, SetupBody } from './auth.schema';

export function authRoutes(app: App, deps: { auth: AuthService; loginRateLimitPerMinute: number }): void {
  const { auth } = deps;

  app.get('/api/setup/status', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Whether the first-run setup is still to be done', response: { 200: Type.Object({ needsSetup: Type.Boolean() }) } },
  }, async () => ({ needsSetup: await auth.needsSetup() }));

  app.post('/api/setup', {
    config: { access: 'public', rateLimit: { max: deps.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], summary: 'Create the company and its installer admin (once)', body: SetupBody, response: { 201: SessionResponse, ...errorResponses } },
  }, async (req, reply) => {
    const s = await auth.setup(req.body, meta(req));
    setSessionCookie(req, reply, s.sessionToken, s.expiresAt);
    return reply.status(201).send({ user: s.user, csrfToken: s.csrfToken });
  });

  app.post('/api/auth/login', {
    config: { access: 'public', rateLimit: { max: deps.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'Sign in',
      description: 'Failed attempts are throttled per client address and per account: past a few, each further attempt waits 1, 2, 4, … seconds (AUTH_LOCKED, 429, Retry-After).',
      body: LoginBody,
      response: { 200: LoginResponse, ...errorResponses },
    },
  }, async (req, reply) => {
    const s = await auth.login(req.body.email, req.body.password, req.ip, meta(req));
    setSessionCookie(req, reply, s.sessionToken, s.expiresAt);
    return { user: s.user, csrfToken: s.csrfToken, failedAttemptsSinceLastLogin: s.failedAttemptsSinceLastLogin };
  });

  app.post('/api/auth/logout', {
    config: { access: 'authenticated' },
    schema: { tags: ['auth'], summary: 'Sign out', response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    const actor = requireActor(req);
    if (req.sessionId) await auth.logout(req.sessionId, actor, meta(req));
    void reply.clearCookie('sk_session', { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { access: 'authenticated' },
    schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: SessionResponse, ...errorResponses } },
  }, async (req) => {
    const actor = requireActor(req);
    const token = req.cookies.sk_session;
    const s = token ? await auth.resolveSession(token) : undefined;
    return { user: actor, csrfToken: s?.csrfToken ?? '' };
  });

  app.post('/api/auth/password', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['auth'],
      summary: 'Change your own password (ends your other sessions and, unless revokeApiTokens is false, revokes your API tokens)',
      body: ChangePasswordBody,
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (req, reply) => {
    await auth.changePassword(requireActor(req), req.sessionId ?? undefined, req.body, meta(req));
    return reply.status(204).send(null);
  });

  app.get('/api/auth/tokens', {
    config: { access: 'authenticated' },
    schema: { tags: ['auth'], summary: 'Your own API tokens, newest first (never the secret)', response: { 200: ApiTokenList, ...errorResponses } },
  }, async (req) => ({ items: await auth.listApiTokens(requireActor(req)) }));

  app.post('/api/auth/tokens', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['auth'],
      summary: 'Create an API token for scripts (shown once; stored hashed; at most 50 per user; signed-in sessions only, not with a token)',
      body: ApiTokenBody,
      response: { 201: ApiTokenCreated, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await auth.createApiToken(requireActor(req), req.sessionId ? 'session' : 'api_token', req.body.name, meta(req))));

  app.delete('/api/auth/tokens/:id', {
    config: { access: 'authenticated' },
    schema: { tags: ['auth'], summary: 'Revoke one of your API tokens (it stops working at once)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await auth.revokeApiToken(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });
}
