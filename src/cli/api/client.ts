/**
 * The CLI's HTTP client for a Sitekeeper server: API token (Bearer) auth, JSON or multipart
 * bodies, a timeout on every request, and every failure turned into a CliError (the server's
 * error code, message and hint; or what to check when the server cannot be reached).
 * Typed endpoint functions live beside it (./onboarding.ts), typed with the generated API types.
 */
import type { ApiErrorBody } from '../../web/api/generated';
import { CliError } from '../cli-error';

export const TOKEN_HINT = 'Create an API token in the portal under Account › API tokens (/account/tokens; it is shown once), then pass --token or set SITEKEEPER_TOKEN.';

const DEFAULT_TIMEOUT_MS = 120_000;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class SitekeeperApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  url(path: string): string {
    return new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`).toString();
  }

  /** A JSON request (or multipart, when `body` is FormData); the answer's JSON, typed by the caller. */
  async request<T>(method: Method, path: string, body?: unknown, opts: { timeoutMs?: number } = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await this.fetch(path, { method, headers, ...(payload !== undefined ? { body: payload } : {}), signal: AbortSignal.timeout(opts.timeoutMs ?? this.timeoutMs) });
    const text = await res.text();
    if (!res.ok) throw apiError(res.status, text);
    return parseJson(text) as T;
  }

  /** Opens a Server-Sent Events stream (no overall timeout: the caller aborts). */
  async stream(path: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.fetch(path, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' }, signal });
    if (!res.ok || !res.body) throw apiError(res.status, await res.text().catch(() => ''));
    return res.body;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.url(path), init);
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError') throw new CliError('SERVICE_UNAVAILABLE', `The server at ${this.baseUrl} did not answer in time.`, 'Try again; devices that are slow to answer make scans take longer.');
      if (err.name === 'AbortError') throw err;
      throw new CliError('SERVICE_UNAVAILABLE', `Cannot reach the Sitekeeper server at ${this.baseUrl}${err.cause?.code ? ` (${err.cause.code})` : ''}.`, 'Check --server (or SITEKEEPER_URL) and that the server is running.');
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A failed answer → CliError: the server's error when it sent one, else what the status says. */
export function apiError(status: number, text: string): CliError {
  const e = (parseJson(text) as Partial<ApiErrorBody> | undefined)?.error as Partial<ApiErrorBody['error']> | undefined;
  if (e?.code) return new CliError(e.code, e.message ?? `The server answered ${status}.`, e.code === 'AUTH_REQUIRED' ? `${e.hint ?? ''} ${TOKEN_HINT}`.trim() : (e.hint ?? ''), status);
  return new CliError(status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED', `The server answered ${status}: ${text.slice(0, 200)}`, 'Check --server: it must point at a Sitekeeper server.', status);
}
