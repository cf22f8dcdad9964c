/**
 * Test helpers for the emulator: a tiny HTTP Digest client (tests only: the product's device
 * client uses a maintained library) and a control-API caller.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/** One HTTP request over a fresh socket (no keep-alive pooling surprises in tests). */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
    const req = request(url, { method: opts.method ?? 'GET', headers: { connection: 'close', ...(body ? { 'content-length': String(body.length) } : {}), ...opts.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, body: b, text: b.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.end(body);
  });
}

export function parseChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)="?([^",]*)"?/g)) if (m[1]) out[m[1]] = m[2] ?? '';
  return out;
}

export function digestHeader(p: { user: string; password: string; method: string; uri: string; realm: string; nonce: string; nc?: number; qop?: boolean }): string {
  const nc = (p.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  const ha1 = md5(`${p.user}:${p.realm}:${p.password}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  const response = md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${p.user}", realm="${p.realm}", nonce="${p.nonce}", uri="${p.uri}", response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

/** A digest-authenticating ISAPI caller bound to one device. */
export class DigestClient {
  private challenge: Record<string, string> | undefined;
  private nc = 0;

  constructor(
    private readonly base: string,
    public user: string,
    public password: string,
  ) {}

  async request(method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<RawResponse> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const h: Record<string, string> = { ...headers };
      if (this.challenge?.nonce && this.challenge.realm) {
        h.authorization = digestHeader({ user: this.user, password: this.password, method, uri: path, realm: this.challenge.realm, nonce: this.challenge.nonce, nc: ++this.nc });
      }
      const res = await rawRequest(this.base + path, { method, headers: h, ...(body !== undefined ? { body } : {}) });
      const www = res.headers['www-authenticate'];
      if (res.status !== 401 || !www) return res;
      const ch = parseChallenge(www);
      const hadAuth = !!h.authorization;
      this.challenge = ch;
      this.nc = 0;
      // Retry only when we had no credentials yet, or the server said the nonce was stale.
      if (hadAuth && ch.stale?.toLowerCase() !== 'true') return res;
    }
    throw new Error('digest: too many challenges');
  }

  get(path: string): Promise<RawResponse> {
    return this.request('GET', path);
  }
  put(path: string, body?: Buffer | string, headers?: Record<string, string>): Promise<RawResponse> {
    return this.request('PUT', path, body ?? '', headers);
  }
  post(path: string, body?: Buffer | string, headers?: Record<string, string>): Promise<RawResponse> {
    return this.request('POST', path, body ?? '', headers);
  }
  delete(path: string): Promise<RawResponse> {
    return this.request('DELETE', path);
  }
}

export async function postFaults(controlUrl: string, serial: string, faults: Record<string, unknown>): Promise<RawResponse> {
  return rawRequest(`${controlUrl}/control/devices/${encodeURIComponent(serial)}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
}
