import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SitekeeperApi, TOKEN_HINT, apiError } from './client';

describe('apiError', () => {
  it("the server's error keeps its code, message, hint and status", () => {
    const e = apiError(404, JSON.stringify({ error: { code: 'SITE_NOT_FOUND', message: 'No such site.', hint: 'Check the id.', correlationId: 'x' } }));
    expect(e).toMatchObject({ code: 'SITE_NOT_FOUND', message: 'No such site.', hint: 'Check the id.', status: 404 });
  });
  it('AUTH_REQUIRED adds how to get a token', () => {
    expect(apiError(401, JSON.stringify({ error: { code: 'AUTH_REQUIRED', message: 'Sign in.', hint: 'Sign in first.' } })).hint).toBe(`Sign in first. ${TOKEN_HINT}`);
  });
  it('an answer that is not ours says to check --server', () => {
    expect(apiError(502, '<html>Bad gateway</html>')).toMatchObject({ code: 'INTERNAL_ERROR', message: 'The server answered 502: <html>Bad gateway</html>', hint: expect.stringContaining('--server') });
    expect(apiError(404, '')).toMatchObject({ code: 'VALIDATION_FAILED', status: 404 });
  });
});

describe('SitekeeperApi (against a loopback server)', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  let answer: (res: ServerResponse) => void = (res) => res.end();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        answer(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sk`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends the token and JSON, and returns the JSON answer', async () => {
    answer = (res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    const api = new SitekeeperApi(base, 'tok');
    expect(await api.request('POST', 'api/x', { a: 1 })).toEqual({ ok: true });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', url: '/sk/api/x', body: '{"a":1}' });
    expect(req.headers).toMatchObject({ authorization: 'Bearer tok', 'content-type': 'application/json', accept: 'application/json' });
  });

  it("an error answer is thrown as the server's error", async () => {
    answer = (res) => res.writeHead(409, { 'content-type': 'application/json' }).end('{"error":{"code":"CONFLICT","message":"Busy.","hint":"Wait."}}');
    await expect(new SitekeeperApi(base, 't').request('GET', '/api/y')).rejects.toMatchObject({ code: 'CONFLICT', status: 409, hint: 'Wait.' });
    await expect(new SitekeeperApi(base, 't').stream('/api/y', new AbortController().signal)).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
  });

  it('a server that is not there, or too slow, is SERVICE_UNAVAILABLE with what to check', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    await expect(new SitekeeperApi(gone, 't').request('GET', '/api/z')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('ECONNREFUSED'), hint: expect.stringContaining('--server') });

    answer = () => undefined; // never answers
    await expect(new SitekeeperApi(base, 't', 50).request('GET', '/api/slow')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('did not answer in time') });
  });
});
