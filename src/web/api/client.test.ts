import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, buildUrl, setCsrfToken, setUnauthorizedHandler } from './client';

type Call = { url: string; init: RequestInit };

function stubFetch(respond: (call: Call) => Response | Promise<Response>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return respond(call);
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setUnauthorizedHandler(null);
});

describe('api client', () => {
  it('builds query strings, skipping empty values', () => {
    expect(buildUrl('/api/sites', { search: '', page: 2, pageSize: 25, x: undefined, y: null })).toBe('/api/sites?page=2&pageSize=25');
    expect(buildUrl('/api/sites', { search: 'a b&c' })).toBe('/api/sites?search=a+b%26c');
    expect(buildUrl('/api/sites')).toBe('/api/sites');
  });

  it('sends the CSRF token on mutations only, with same-origin credentials', async () => {
    const calls = stubFetch(() => new Response(JSON.stringify({ ok: 1 }), { status: 200 }));
    setCsrfToken('tok-1');
    await api.get('/api/sites');
    await api.post('/api/sites', { name: 'A' });
    const [get, post] = calls;
    expect((get?.init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
    expect((post?.init.headers as Record<string, string>)['x-csrf-token']).toBe('tok-1');
    expect((post?.init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(post?.init.body).toBe('{"name":"A"}');
    expect(post?.init.credentials).toBe('same-origin');
  });

  it('turns the server error body into an ApiError with message, hint and correlation id', async () => {
    stubFetch(
      () =>
        new Response(JSON.stringify({ error: { code: 'SITE_NOT_FOUND', message: 'No such site.', hint: 'Pick another site.', correlationId: 'c-9' } }), {
          status: 404,
        }),
    );
    const err = await api.get('/api/sites/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'SITE_NOT_FOUND', message: 'No such site.', hint: 'Pick another site.', correlationId: 'c-9' });
  });

  it('explains non-JSON failures and network failures', async () => {
    stubFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(await api.get('/api/x').catch((e: unknown) => e)).toMatchObject({ code: 'HTTP_ERROR', message: 'The server answered 502 Bad Gateway.' });
    stubFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    expect(await api.get('/api/x').catch((e: unknown) => e)).toMatchObject({ code: 'NETWORK_UNREACHABLE' });
  });

  it('returns undefined for 204', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    expect(await api.del('/api/sites/1')).toBeUndefined();
  });

  it('reports an ended session (401) except from the auth endpoints themselves', async () => {
    const seen: string[] = [];
    setUnauthorizedHandler(() => seen.push('401'));
    stubFetch(() => new Response(JSON.stringify({ error: { code: 'AUTH_REQUIRED', message: 'Sign in first.' } }), { status: 401 }));
    await api.get('/api/auth/me').catch(() => undefined);
    expect(seen).toEqual([]);
    await api.get('/api/sites').catch(() => undefined);
    expect(seen).toEqual(['401']);
  });
});
