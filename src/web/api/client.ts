/**
 * The one place the web app talks HTTP to the Sitekeeper server. Cookie credentials, the CSRF
 * header on every mutation, and errors turned into ApiError (message + hint shown to the user).
 * Endpoint functions live in endpoints.ts, typed with ./generated (from the server's OpenAPI).
 */

/**
 * Hand-written, client-only: what an ApiError is made from. The server's `error` object
 * (`ApiErrorBody['error']` in ./generated) fits; the client also makes its own (REQUEST_TIMEOUT,
 * a non-JSON answer), hence the optional hint and correlation id.
 */
export interface ApiErrorInit {
  code: string;
  message: string;
  hint?: string;
  correlationId?: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly correlationId: string | undefined;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, body: ApiErrorInit) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.hint = body.hint ?? '';
    this.correlationId = body.correlationId;
    this.details = body.details;
  }
}

/** Shape any thrown value into something the UI can show: a message and a hint. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DOMException && e.name === 'AbortError') {
    return new ApiError(0, { code: 'REQUEST_ABORTED', message: 'The request was cancelled.', hint: 'Try again.' });
  }
  if (e instanceof TypeError) {
    return new ApiError(0, {
      code: 'NETWORK_UNREACHABLE',
      message: 'The Sitekeeper server could not be reached.',
      hint: 'Check your network connection, then try again.',
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError(0, { code: 'CLIENT_ERROR', message, hint: 'Reload the page and try again.' });
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Called when any API call (other than /api/auth/*) answers 401. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** Remembered from sign-in / me / setup responses; sent as x-csrf-token on every mutation. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/**
 * Query parameters: a flat object of scalars, typically a generated `…Query` interface (interfaces
 * have no index signature, hence `object`). Empty strings, null and undefined are left out.
 */
type Query = object;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Per-request timeout; the default keeps a hung server from freezing a screen forever. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (value === '') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function parseError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic message.
  }
  const err = (body as { error?: ApiErrorInit } | null)?.error;
  if (err && typeof err.code === 'string' && typeof err.message === 'string') return new ApiError(res.status, err);
  return new ApiError(res.status, {
    code: res.status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR',
    message: `The server answered ${res.status} ${res.statusText}.`.replace(/ \.$/, '.'),
    hint: res.status >= 500 ? 'Try again in a moment; if it persists, contact your administrator.' : 'Reload the page and try again.',
  });
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), { method, headers, body, credentials: 'same-origin', signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'TimeoutError') {
      throw new ApiError(0, {
        code: 'REQUEST_TIMEOUT',
        message: 'The server did not answer in time.',
        hint: 'Check your connection and try again.',
      });
    }
    throw toApiError(e);
  }
  if (!res.ok) {
    const err = await parseError(res);
    // A session that ended (expired, password changed elsewhere) sends the user to sign-in.
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  del: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};
