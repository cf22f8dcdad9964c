import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { HSTS_VALUE, securityHeaders } from './security-headers';

async function appWith(opts: { trustProxy: boolean; publicUrl: string }) {
  const app = Fastify({ trustProxy: opts.trustProxy });
  await app.register(securityHeaders, { publicUrl: opts.publicUrl });
  app.get('/x', async () => ({ ok: true }));
  return app;
}

describe('security headers', () => {
  it('sends the web app policy, no framing, a same-origin referrer policy, nosniff', async () => {
    const app = await appWith({ trustProxy: false, publicUrl: 'http://localhost:8080' });
    const r = await app.inject('/x');
    const csp = r.headers['content-security-policy'] as string;
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
    expect(directives).toEqual({
      'default-src': "'self'",
      'base-uri': "'self'",
      'script-src': "'self' 'wasm-unsafe-eval'",
      'script-src-attr': "'none'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'worker-src': "'self'",
      'manifest-src': "'self'",
      'object-src': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(r.headers).toMatchObject({ 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin', 'x-content-type-options': 'nosniff' });
  });

  // [case, trustProxy, PUBLIC_URL, X-Forwarded-Proto sent, HSTS expected]
  it.each([
    ['plain HTTP, no proxy', false, 'http://localhost:8080', undefined, false],
    ['a client claiming https without TRUST_PROXY (spoofed)', false, 'http://sk.lan:8080', 'https', false],
    ['a trusted proxy that terminated TLS', true, 'http://localhost:8080', 'https', true],
    ['a trusted proxy over plain HTTP', true, 'http://localhost:8080', 'http', false],
    ['PUBLIC_URL with https', false, 'https://sk.example.com', undefined, true],
  ] as const)('HSTS: %s → %s', async (_case, trustProxy, publicUrl, proto, expected) => {
    const app = await appWith({ trustProxy, publicUrl });
    const r = await app.inject({ url: '/x', headers: proto ? { 'x-forwarded-proto': proto } : {} });
    expect(r.headers['strict-transport-security']).toBe(expected ? HSTS_VALUE : undefined);
  });
});
