import { Type } from 'typebox';
import client from 'prom-client';
import type { App } from '../http/types';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

const Readiness = Type.Object({ status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]), checks: Type.Record(Type.String(), Type.Boolean()) });

export function systemRoutes(app: App, deps: { checks: ReadinessCheck[]; registry: client.Registry }): void {
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

  app.get('/metrics', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true },
  }, async (_req, reply) => {
    void reply.header('content-type', deps.registry.contentType);
    return deps.registry.metrics();
  });
}
