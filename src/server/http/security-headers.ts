/**
 * Security headers on every response (@fastify/helmet): a Content-Security-Policy the web app
 * passes as built (no inline script or style, see test/browser/csp.test.ts), no framing, a
 * referrer that never leaves the platform, and HSTS only when the request came over HTTPS.
 * The Swagger UI at /docs gets its own policy (DOCS_CSP, set by @fastify/swagger-ui on its routes).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

/**
 * The web app's policy. Everything comes from our own origin (Vite bundles, the service worker,
 * the QR decode worker, its .wasm, the API and its event streams); nothing inline.
 */
export const APP_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  // The QR decoder (zxing-wasm, in the decode worker) compiles WebAssembly: allowed without
  // allowing eval() of JavaScript.
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'script-src-attr': ["'none'"],
  // React's style props go through the CSSOM, which style-src does not govern: no 'unsafe-inline'.
  'style-src': ["'self'"],
  // The device QR export shows its SVG as a data: URL.
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  // No upgrade-insecure-requests: a platform served over plain HTTP on a LAN would lose its own assets.
} as const;

/** Swagger UI styles its own elements inline; its scripts are files (no inline script either). */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** One year; not includeSubDomains: the platform may sit beside other hosts of the installer's domain. */
export const HSTS_VALUE = 'max-age=31536000';

/**
 * HTTPS as the browser saw it: the request's protocol (with TRUST_PROXY, the proxy's
 * X-Forwarded-Proto), or a PUBLIC_URL with https (browsers ignore HSTS received over plain HTTP,
 * so a LAN user on http:// is never locked out by it).
 */
export function servedOverHttps(req: FastifyRequest, publicUrl: string): boolean {
  return req.protocol === 'https' || publicUrl.startsWith('https://');
}

async function securityHeadersPlugin(app: FastifyInstance, opts: { publicUrl: string }) {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: APP_CSP_DIRECTIVES },
    strictTransportSecurity: false,
    // Same-origin requests keep their Referer (and fetch its Origin); links out send nothing, so
    // a token in the address (/invite?token=…) never reaches another site.
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onRequest', async (req, reply) => {
    if (servedOverHttps(req, opts.publicUrl)) void reply.header('strict-transport-security', HSTS_VALUE);
  });
}

export const securityHeaders = fp(securityHeadersPlugin, { name: 'sitekeeper-security-headers' });
