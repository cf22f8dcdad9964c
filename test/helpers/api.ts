/**
 * A small API client over app.inject() that keeps the session cookie and CSRF token like a browser.
 */
import type { App } from '../../src/server/http/types';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;
  bearer: string | undefined;

  constructor(private readonly app: App) {}

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') h['x-csrf-token'] = this.csrfToken;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const res = await this.app.inject({ method: method as 'GET', url, headers: h, ...(body !== undefined ? { payload: body as object } : {}) });
    const setCookie = res.cookies.find((c) => c.name === 'sk_session');
    if (setCookie) this.cookie = setCookie.value ? `sk_session=${setCookie.value}` : undefined;
    let parsed: unknown = res.body;
    if ((res.headers['content-type'] ?? '').toString().includes('json') && res.body) parsed = JSON.parse(res.body);
    if (parsed && typeof parsed === 'object' && 'csrfToken' in parsed && typeof (parsed).csrfToken === 'string') {
      this.csrfToken = (parsed as { csrfToken: string }).csrfToken;
    }
    return { status: res.statusCode, body: parsed as T, headers: res.headers as Record<string, string> };
  }

  /** A copy with the same session, so a call that signs in as someone else leaves this one alone. */
  clone(): ApiClient {
    const c = new ApiClient(this.app);
    c.cookie = this.cookie;
    c.csrfToken = this.csrfToken;
    c.bearer = this.bearer;
    return c;
  }

  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body ?? {});
  }
  patch<T = any>(url: string, body: unknown) {
    return this.request<T>('PATCH', url, body);
  }
  put<T = any>(url: string, body: unknown) {
    return this.request<T>('PUT', url, body);
  }
  delete<T = any>(url: string) {
    return this.request<T>('DELETE', url);
  }
}
