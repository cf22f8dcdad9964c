/**
 * Serves the built web app (dist/web) with SPA fallback: unknown GETs that want HTML get
 * index.html; /api and other non-HTML requests keep their JSON 404.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { App } from '../http/types';
import { webDistDir } from '../lib/paths';

/** Registers the web app when it is built; false when it is not (the API works without it). */
export async function webRoutes(app: App, dir = webDistDir()): Promise<boolean> {
  if (!existsSync(path.join(dir, 'index.html'))) {
    app.log.warn(`Web app not built (${dir} missing): "npm start" builds it, or run "npm run build". The API works without it.`);
    return false;
  }
  await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: ['index.html'] });
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' || req.url.startsWith('/api') || req.url.startsWith('/docs')) return;
    if (req.routeOptions.url !== undefined) return; // a real route matched
    if (!(req.headers.accept ?? '').includes('text/html')) return;
    return reply.sendFile('index.html');
  });
  return true;
}
