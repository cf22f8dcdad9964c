/**
 * The AX Pro's web session login, as real panels and the open-source clients do it:
 * `GET /ISAPI/Security/sessionLogin/capabilities?username=` gives a session id, a challenge and
 * salts; `POST /ISAPI/Security/sessionLogin` with the iterated hash sets the session cookie that
 * then authenticates every request; `PUT /ISAPI/Security/sessionLogout` ends it.
 */
import { createHash } from 'node:crypto';
import { parseSessionLogin, sessionLoginCapXml, sessionLoginHash } from '../../protocol/isapi/session-login';
import type { StoredUser } from '../state';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, parsedBody } from './route';

const SESSION_TTL_MS = 30 * 60_000;
const LOGIN_TTL_MS = 60_000;
const ITERATIONS = 100;
/** Sessions and pending logins kept at most; beyond, all are dropped (a flood must not eat memory). */
const MAX_ENTRIES = 1000;
const SESSION_COOKIE = /WebSession_[0-9a-f]+=([0-9a-f]+)/;

const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export class AxProSessions {
  private pending = new Map<string, { userName: string; challenge: string; expires: number }>();
  private sessions = new Map<string, { userName: string; expires: number }>();

  constructor(private readonly d: DeviceCore) {}

  private now(): number {
    return this.d.clock();
  }

  private salts(userName: string): { salt: string; salt2: string } {
    return { salt: sha256hex(`${this.d.serial}:salt:${userName}`).toUpperCase(), salt2: sha256hex(`${this.d.serial}:salt2:${userName}`).toUpperCase() };
  }

  get cookieName(): string {
    return `WebSession_${sha256hex(this.d.serial).slice(0, 10)}`;
  }

  clear(): void {
    this.pending.clear();
    this.sessions.clear();
  }

  /** The user of a live session cookie (each use extends the session). */
  sessionUser(cookieHeader: string | undefined): StoredUser | undefined {
    if (!cookieHeader) return undefined;
    const token = SESSION_COOKIE.exec(cookieHeader)?.[1];
    if (!token) return undefined;
    const sess = this.sessions.get(token);
    if (!sess || sess.expires < this.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    sess.expires = this.now() + SESSION_TTL_MS;
    return this.d.state.users.find((u) => u.userName === sess.userName);
  }

  /** The answer to a session-login request (open: no authentication), or undefined for any other path. */
  openEndpoint(c: IsapiContext): IsapiResponse | undefined {
    if (!c.path.startsWith('/isapi/security/sessionlogin')) return undefined;
    if (c.method === 'GET' && c.path === '/isapi/security/sessionlogin/capabilities') return this.capabilities(c);
    if (c.method === 'POST' && c.path === '/isapi/security/sessionlogin') return this.login(c);
    return this.d.rs(c, 'notSupport', { http: 404 });
  }

  private capabilities(c: IsapiContext): IsapiResponse {
    const userName = c.query.get('username') ?? '';
    if (this.pending.size > MAX_ENTRIES) this.pending.clear();
    const sessionID = sha256hex(`${Math.random()}:${this.now()}:${userName}`);
    const challenge = sha256hex(`${sessionID}:challenge`).slice(0, 32);
    this.pending.set(sessionID, { userName, challenge, expires: this.now() + LOGIN_TTL_MS });
    return this.d.xml(200, sessionLoginCapXml({ sessionID, challenge, iterations: ITERATIONS, isIrreversible: true, ...this.salts(userName) }));
  }

  private login(c: IsapiContext): IsapiResponse {
    const d = this.d;
    if (!d.state.activated) return d.rs(c, 'notActivated');
    const body = parsedBody(d, c, parseSessionLogin);
    if (isResponse(body)) return body;
    const p = this.pending.get(body.sessionID);
    this.pending.delete(body.sessionID);
    const userName = body.userName || p?.userName || '';
    if (d.guard.lockedFor(userName) > 0) return d.loginFailed(userName, false, false);
    const user = d.state.users.find((u) => u.userName === userName);
    if (!p || p.expires < this.now() || p.userName !== userName || !user) return d.loginFailed(userName, true, false);
    const want = sessionLoginHash({ userName, password: user.password, ...this.salts(userName), challenge: p.challenge, iterations: ITERATIONS });
    if (want !== body.password.toLowerCase()) return d.loginFailed(userName, true, false);
    d.guard.succeed(userName);
    if (this.sessions.size > MAX_ENTRIES) this.sessions.clear();
    const token = sha256hex(`${body.sessionID}:${Math.random()}`);
    this.sessions.set(token, { userName, expires: this.now() + SESSION_TTL_MS });
    const res = d.ok(c);
    res.headers['set-cookie'] = `${this.cookieName}=${token}; path=/; HttpOnly`;
    return res;
  }

  logout(c: IsapiContext): IsapiResponse {
    const token = SESSION_COOKIE.exec(c.req.headers.cookie ?? '')?.[1];
    if (token) this.sessions.delete(token);
    return this.d.rs({ ...c, json: true }, 'ok');
  }
}
