import { createHash, timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import client from 'prom-client';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error';
import type { App } from '../http/types';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

const Readiness = Type.Object({ status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]), checks: Type.Record(Type.String(), Type.Boolean()) });

/**
 * Whether the request carries the metrics token (Authorization: Bearer). Both sides are hashed
 * first so the comparison takes the same time whatever the length or content of the guess.
 */
export function hasMetricsToken(req: FastifyRequest, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

export function systemRoutes(app: App, deps: { checks: ReadinessCheck[]; registry: client.Registry; metricsToken: string | undefined }): void {
  app.get('/healthz', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Liveness: the process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Readiness: database and broker reachable', response: { 200: Readiness, 503: Readiness } },
  }, async (_req, reply) => {
    const results = await Promise.all(deps.checks.map(async (c) => [c.name, await c.check().catch(() => false)] as const));
    const checks = Object.fromEntries(results);
    const ok = results.every(([, v]) => v);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });

  // Not a session route: Prometheus scrapes with METRICS_TOKEN; without one configured, nothing is here.
  app.get('/metrics', {
    config: { access: 'public', ownAuthorization: true },
    schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true },
  }, async (req, reply) => {
    if (deps.metricsToken === undefined) throw new AppError('NOT_FOUND', `Nothing is at GET /metrics.`);
    if (!hasMetricsToken(req, deps.metricsToken)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError('METRICS_TOKEN_INVALID');
    }
    void reply.header('content-type', deps.registry.contentType);
    return deps.registry.metrics();
  });
}
