/**
 * Direct HTTP transport: ISAPI over HTTP with digest authentication. Digest is done by urllib
 * (`digestAuth: 'user:pass'`), never by hand. urllib's own retries are off: DeviceClient decides
 * what may be retried (idempotent reads only).
 */
import type { Readable } from 'node:stream';
import { HttpClient } from 'urllib';
import { AppError } from '../errors/app-error';
import { errorFromTransport } from './device-errors';
import { parseDeviceHost, urlHost } from '../protocol/net/device-host';
import { DEFAULT_TIMEOUT_MS, MAX_RESPONSE_BYTES, normalizeHeaders, type IsapiRequest, type IsapiResponse, type IsapiTransport } from './transport';

export interface HttpTarget {
  host: string;
  port?: number;
  https?: boolean;
  username?: string;
  password?: string;
  /**
   * Accept the device's self-signed HTTPS certificate (real devices ship one; there is no CA to
   * check it against). Only meaningful with `https`.
   */
  acceptSelfSignedCert?: boolean;
}

export interface HttpTransportOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Share one urllib client (connection pool) between transports. */
  client?: HttpClient;
}

let sharedClient: HttpClient | undefined;
let selfSignedClient: HttpClient | undefined;
function defaultClient(acceptSelfSigned: boolean): HttpClient {
  if (acceptSelfSigned) {
    selfSignedClient ??= new HttpClient({ defaultArgs: { keepAliveTimeout: 4000 }, connect: { rejectUnauthorized: false } });
    return selfSignedClient;
  }
  sharedClient ??= new HttpClient({ defaultArgs: { keepAliveTimeout: 4000 } });
  return sharedClient;
}

async function readCapped(stream: Readable, maxBytes: number, target: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBytes) {
      stream.destroy();
      throw new AppError('DEVICE_PROTOCOL_ERROR', 'The device sent an answer that is too large.', { details: { target, maxBytes } });
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export class HttpTransport implements IsapiTransport {
  readonly target: string;
  readonly deviceKey: string;
  readonly #base: string;
  readonly #auth: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #client: HttpClient;

  constructor(target: HttpTarget, opts: HttpTransportOptions = {}) {
    // The address is checked and made canonical before it goes into a URL: a host text carrying a
    // port, path, query or user name ("10.0.0.5/x?", "[::ffff:127.0.0.1]:80/y") is refused here.
    const host = urlHost(parseDeviceHost(target.host));
    const scheme = target.https ? 'https' : 'http';
    const port = target.port ?? (target.https ? 443 : 80);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AppError('DEVICE_HOST_INVALID', `Port ${String(port)} is not a TCP port.`, { hint: 'Use a port from 1 to 65535 (80 for HTTP, 443 for HTTPS).' });
    this.#base = `${scheme}://${host}:${port}`;
    this.target = this.#base;
    this.deviceKey = `http:${host}:${port}`;
    this.#auth = target.username !== undefined ? `${target.username}:${target.password ?? ''}` : undefined;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.#client = opts.client ?? defaultClient(target.https === true && target.acceptSelfSignedCert === true);
  }

  async request(req: IsapiRequest): Promise<IsapiResponse> {
    const timeoutMs = req.timeoutMs ?? this.#timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (req.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['content-type'] = Buffer.isBuffer(req.body) ? 'application/octet-stream' : 'application/xml; charset="UTF-8"';
    }
    try {
      const res = await this.#client.request<Readable>(`${this.#base}${req.path}`, {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { content: req.body } : {}),
        ...(this.#auth !== undefined ? { digestAuth: this.#auth } : {}),
        dataType: 'stream',
        timeout: [Math.min(timeoutMs, 5000), timeoutMs],
        signal,
        retry: 0,
        socketErrorRetry: 0,
        followRedirect: false,
      });
      const body = await readCapped(res.res, this.#maxResponseBytes, this.target);
      return { status: res.status, headers: normalizeHeaders(res.headers), body };
    } catch (err) {
      throw errorFromTransport(signal.aborted ? Object.assign(new Error('deadline exceeded'), { code: 'ETIMEDOUT' }) : err, this.target);
    }
  }
}
