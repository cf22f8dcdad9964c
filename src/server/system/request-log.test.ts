import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/helpers/platform';
import { setupCompany, type TestCompany } from '../../../test/helpers/factories';
import { UrlRedactor } from './request-log';

describe('UrlRedactor', () => {
  const redactor = new UrlRedactor();
  for (const route of ['/api/invitations/:token', '/api/invitations/:token/accept', '/api/devices/:id', '/api/batches/:id/events', '/files/*']) redactor.addRoute(route);

  it.each([
    ['/api/invitations/tok123/accept', '/api/invitations/[redacted]/accept'],
    ['/api/invitations/tok123', '/api/invitations/[redacted]'],
    // A mistyped tail after a known prefix still hides the token.
    ['/api/invitations/tok123/acept?x=1', '/api/invitations/[redacted]/acept?x=1'],
    ['/api/invitations/', '/api/invitations/'],
    ['/api/devices/6f1c/qr', '/api/devices/6f1c/qr'],
    ['/api/batches/b1/events?follow=true', '/api/batches/b1/events?follow=true'],
    ['/setup?token=tok123', '/setup?token=[redacted]'],
    ['/invite?x=1&token=tok123', '/invite?x=1&token=[redacted]'],
    ['/x?a=1&Token=t&api_key=k&code=c&password=p&b', '/x?a=1&Token=[redacted]&api_key=[redacted]&code=[redacted]&password=[redacted]&b'],
    ['/x?%74oken=tok123', '/x?%74oken=[redacted]'],
    ['/sites?page=2', '/sites?page=2'],
  ])('%s → %s', (url, expected) => {
    expect(redactor.redact(url)).toBe(expected);
  });

  it('learns only routes with a secret parameter', () => {
    const r = new UrlRedactor();
    r.addRoute('/api/sites/:id');
    r.addRoute('/reset/:resetCode/confirm');
    expect(r.redact('/api/sites/s1')).toBe('/api/sites/s1');
    expect(r.redact('/reset/c1/confirm')).toBe('/reset/[redacted]/confirm');
  });
});

describe('request logs of the running platform', () => {
  const lines: string[] = [];
  let p: TestPlatform;
  let company: TestCompany;
  beforeAll(async () => {
    // The most verbose level: no log line of any level may carry a token.
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    p = await startTestPlatform({ logger });
    company = await setupCompany(p.app, p.setupToken);
  });
  afterAll(async () => p?.close());

  const loggedUrls = () => lines.map((l) => JSON.parse(l) as { msg?: string; req?: { url: string } }).filter((l) => l.msg === 'incoming request').map((l) => l.req!.url);

  it('never logs an invitation token (describe, accept, a mistyped link) or a token in a query', async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'ivan@example.test', name: 'Ivan Installer', permission: 'manage_all' });
    expect(inv.status).toBe(201);
    const token = new URL(inv.body.inviteUrl as string).searchParams.get('token')!;
    expect((await p.app.inject(`/api/invitations/${token}`)).statusCode).toBe(200);
    expect((await p.app.inject({ method: 'POST', url: `/api/invitations/${token}/acept`, payload: {} })).statusCode).toBe(404);
    const accept = await p.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { name: 'Ivan Installer', password: 'Ladder-Safe-2026' } });
    expect(accept.statusCode).toBe(201);
    await p.app.inject({ url: `/invite?token=${token}&from=mail`, headers: { accept: 'text/html' } });
    const setupSecret = 'setup-secret-0123456789abcdef';
    await p.app.inject({ url: `/setup?token=${setupSecret}`, headers: { accept: 'text/html' } });

    const urls = loggedUrls();
    expect(urls).toEqual(expect.arrayContaining([
      '/api/invitations/[redacted]',
      '/api/invitations/[redacted]/acept',
      '/api/invitations/[redacted]/accept',
      '/invite?token=[redacted]&from=mail',
      '/setup?token=[redacted]',
    ]));
    const leaks = lines.filter((l) => l.includes(token) || l.includes(setupSecret) || l.includes(p.setupToken));
    expect(leaks).toEqual([]);
  });

  it('hides every secret route parameter the platform has (from its route table)', async () => {
    const secretRoutes = p.app.routeTable.filter((r) => /:[A-Za-z_]*(token|secret|password|key|code|signature)/i.test(r.url));
    expect(secretRoutes.length).toBeGreaterThan(0);
    const secret = 'route-secret-9f8e7d6c5b4a';
    for (const r of secretRoutes) {
      await p.app.inject({ method: r.method as 'GET', url: r.url.replace(/:[A-Za-z0-9_]+/g, secret), payload: r.method === 'GET' ? undefined : {} });
    }
    expect(lines.filter((l) => l.includes(secret))).toEqual([]);
  });
});
