/**
 * Server side of HTTP Digest authentication (RFC 7616, MD5, qop=auth) as ISAPI devices do it,
 * plus the failed-login lockout. Hand-written on purpose: this plays the device; the client side
 * uses a maintained library.
 *
 * Nonces are stateless: hex(base64("<issued-ms hex>:<hmac>")) like the camera in the samples, or
 * plain base64 in the intercom style. A nonce older than `nonceTtlMs` with a correct response is
 * answered `stale=TRUE` (the client retries with the new nonce, no failed attempt counted).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type DigestStyle = 'camera' | 'intercom';

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  algorithm?: string;
  opaque?: string;
}

export type DigestVerdict =
  | { ok: true; username: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'badNonce' | 'realm' | 'uri'; username?: string }
  | { ok: false; reason: 'stale'; username: string }
  | { ok: false; reason: 'wrongPassword' | 'unknownUser'; username: string };

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** Parses `Digest k="v", k2=v2, …`; returns null for other schemes or malformed headers. */
export function parseDigestHeader(header: string | undefined): DigestCredentials | null {
  if (!header || header.length > 4096) return null;
  const m = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!m?.[1]) return null;
  const params: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(m[1])) !== null) {
    const key = part[1]?.toLowerCase();
    if (key) params[key] = (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1');
  }
  const { username, realm, nonce, uri, response } = params;
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) return null;
  const creds: DigestCredentials = { username, realm, nonce, uri, response };
  for (const k of ['qop', 'nc', 'cnonce', 'algorithm', 'opaque'] as const) if (params[k] !== undefined) creds[k] = params[k];
  return creds;
}

export class DigestAuthenticator {
  private readonly secret = randomBytes(16);

  constructor(
    readonly realm: string,
    private readonly opts: { style: DigestStyle; nonceTtlMs: number; clock: () => number },
  ) {}

  private makeNonce(): string {
    const issued = Math.floor(this.opts.clock()).toString(16);
    const mac = createHmac('sha256', this.secret).update(issued).digest('hex').slice(0, 16);
    const b64 = Buffer.from(`${issued}:${mac}`).toString('base64');
    return this.opts.style === 'camera' ? Buffer.from(b64).toString('hex') : b64;
  }

  /** Issue time of a nonce we made, or null if it is not ours. */
  private nonceIssuedAt(nonce: string): number | null {
    if (nonce.length > 256) return null;
    const b64 = /^[0-9a-f]+$/i.test(nonce) && nonce.length % 2 === 0 ? Buffer.from(nonce, 'hex').toString('ascii') : nonce;
    const plain = Buffer.from(b64, 'base64').toString('ascii');
    const [issued, mac] = plain.split(':');
    if (!issued || !mac || !/^[0-9a-f]+$/.test(issued)) return null;
    const want = createHmac('sha256', this.secret).update(issued).digest('hex').slice(0, 16);
    if (mac.length !== want.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(want))) return null;
    return parseInt(issued, 16);
  }

  /** The `WWW-Authenticate` value, in the shape of the camera or the intercom sample. */
  challenge(stale = false): string {
    const nonce = this.makeNonce();
    if (this.opts.style === 'camera') return `Digest qop="auth", realm="${this.realm}", nonce="${nonce}", stale="${stale ? 'TRUE' : 'FALSE'}"`;
    return `Digest qop="auth", realm="${this.realm}", nonce="${nonce}", stale="${stale ? 'true' : 'false'}", opaque="", domain="::"`;
  }

  /**
   * Checks an Authorization header. `passwordOf` returns the user's password (undefined: no
   * such user). The request URI must match the one in the header (query string included).
   */
  verify(method: string, requestUri: string, header: string | undefined, passwordOf: (user: string) => string | undefined): DigestVerdict {
    if (!header) return { ok: false, reason: 'missing' };
    const c = parseDigestHeader(header);
    if (!c) return { ok: false, reason: 'malformed' };
    if (c.realm !== this.realm) return { ok: false, reason: 'realm', username: c.username };
    if (c.uri !== requestUri && c.uri !== requestUri.split('?')[0]) return { ok: false, reason: 'uri', username: c.username };
    const issued = this.nonceIssuedAt(c.nonce);
    if (issued === null) return { ok: false, reason: 'badNonce', username: c.username };
    const password = passwordOf(c.username);
    if (password === undefined) return { ok: false, reason: 'unknownUser', username: c.username };
    const ha1 = md5(`${c.username}:${this.realm}:${password}`);
    const ha2 = md5(`${method}:${c.uri}`);
    const expected = c.qop ? md5(`${ha1}:${c.nonce}:${c.nc ?? ''}:${c.cnonce ?? ''}:${c.qop}:${ha2}`) : md5(`${ha1}:${c.nonce}:${ha2}`);
    const got = c.response.toLowerCase();
    if (got.length !== expected.length || !timingSafeEqual(Buffer.from(got), Buffer.from(expected))) return { ok: false, reason: 'wrongPassword', username: c.username };
    if (this.opts.clock() - issued > this.opts.nonceTtlMs) return { ok: false, reason: 'stale', username: c.username };
    return { ok: true, username: c.username };
  }
}

/** Failed-login lockout per user name (unknown names too, so probing cannot enumerate users). */
export class LoginGuard {
  private readonly entries = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(private readonly opts: { maxFailures: number; lockMs: number; clock: () => number }) {}

  /** Milliseconds until unlock, 0 when not locked. */
  lockedFor(user: string): number {
    const e = this.entries.get(user);
    if (!e) return 0;
    const left = e.lockedUntil - this.opts.clock();
    if (left > 0) return left;
    if (e.lockedUntil > 0) this.entries.delete(user);
    return 0;
  }

  attemptsLeft(user: string): number {
    return Math.max(0, this.opts.maxFailures - (this.entries.get(user)?.failures ?? 0));
  }

  /** Records a failure; returns attempts left and the lock (ms) if this failure locked the user. */
  fail(user: string): { attemptsLeft: number; lockedForMs: number } {
    if (this.entries.size > 10_000) this.entries.clear();
    const e = this.entries.get(user) ?? { failures: 0, lockedUntil: 0 };
    e.failures++;
    if (e.failures >= this.opts.maxFailures) e.lockedUntil = this.opts.clock() + this.opts.lockMs;
    this.entries.set(user, e);
    return { attemptsLeft: Math.max(0, this.opts.maxFailures - e.failures), lockedForMs: e.lockedUntil > 0 ? this.opts.lockMs : 0 };
  }

  succeed(user: string): void {
    this.entries.delete(user);
  }

  reset(): void {
    this.entries.clear();
  }
}
