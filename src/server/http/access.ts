/**
 * Every route declares who may call it in `config.access`; a route without a rule is refused at
 * startup (and fails the RBAC matrix test). Finer checks (site assignment, tenant) live in the
 * services, which report other tenants' objects as not found.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors/app-error';
import type { Actor } from '../auth/actor';
import type { AuthService } from '../auth/auth.service';
import type { Role } from '../db/schema';

export type AccessRule = 'public' | 'authenticated' | 'installer' | 'admin' | 'end_user';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule;
    /** The route checks its own Authorization header (GET /metrics): its Bearer is not an API token. */
    ownAuthorization?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
  }
  interface FastifyInstance {
    /** Every route with its access rule, in registration order (read by the RBAC matrix test). */
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  access: AccessRule;
}

export const SESSION_COOKIE = 'sk_session';
const ROLES_FOR: Record<Exclude<AccessRule, 'public' | 'authenticated'>, Role[]> = {
  installer: ['installer_admin', 'installer'],
  admin: ['installer_admin'],
  end_user: ['end_user'],
};
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('AUTH_REQUIRED');
  return req.actor;
}

async function accessPlugin(app: FastifyInstance, opts: { auth: AuthService }) {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);

  app.addHook('onRoute', (route) => {
    const access = (route.config)?.access;
    if (!access && route.url.startsWith('/api')) {
      throw new Error(`Route ${String(route.method)} ${route.url} has no access rule (config.access)`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') table.push({ method, url: route.url, access: access ?? 'public' });
    }
  });

  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const access = req.routeOptions.config.access ?? 'public';
    const authz = req.headers.authorization;
    if (authz?.startsWith('Bearer ') && !req.routeOptions.config.ownAuthorization) {
      const actor = await opts.auth.resolveApiToken(authz.slice(7).trim());
      if (!actor) throw new AppError('AUTH_REQUIRED', 'The API token is not valid.', { hint: 'It may have been revoked: create a new one in the portal at /account/tokens.' });
      req.actor = actor;
    } else {
      const token = req.cookies[SESSION_COOKIE];
      if (token) {
        const s = await opts.auth.resolveSession(token);
        if (s) {
          req.actor = s.user;
          req.sessionId = s.sessionId;
          // Cookie-authenticated mutations must carry the anti-forgery token.
          if (!SAFE_METHODS.has(req.method) && access !== 'public' && req.headers['x-csrf-token'] !== s.csrfToken) {
            throw new AppError('CSRF_TOKEN_INVALID');
          }
        }
      }
    }
    if (access === 'public') return;
    if (!req.actor) throw new AppError('AUTH_REQUIRED');
    if (access === 'authenticated') return;
    if (!ROLES_FOR[access].includes(req.actor.role)) throw new AppError('FORBIDDEN');
  });
}

export const access = fp(accessPlugin, { name: 'sitekeeper-access', dependencies: ['@fastify/cookie'] });
