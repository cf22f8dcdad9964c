/**
 * Who is asking: HTTP digest (the realm and nonce shape of the device's model), the AX Pro's
 * session cookie, and the failed-login lockout with the `userCheck` 401 real devices answer.
 */
import { userCheckXml } from '../../protocol/isapi/models';
import { DigestAuthenticator, LoginGuard } from '../digest';
import type { StoredUser } from '../state';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { unauthorizedHtml, xmlResponse } from './respond';

/** The user behind a session cookie (the AX Pro's web session), if any. */
export type SessionLookup = (cookieHeader: string | undefined) => StoredUser | undefined;

export class DeviceAuth {
  // Made on first use: a fleet of 10,000 devices should not pay for what most never need.
  private digestAuth: DigestAuthenticator | undefined;
  private guardInstance: LoginGuard | undefined;

  constructor(
    private readonly d: DeviceCore,
    private readonly sessionUser?: SessionLookup,
  ) {}

  private get digest(): DigestAuthenticator {
    const { d } = this;
    const realm = d.info.digestStyle === 'camera' ? `IP Camera(${d.shortSerial.slice(-5)})` : `DS-${d.state.mac.replace(/:/g, '').slice(-8).toUpperCase()}`;
    this.digestAuth ??= new DigestAuthenticator(realm, { style: d.info.digestStyle, nonceTtlMs: d.options.nonceTtlMs, clock: d.options.clock });
    return this.digestAuth;
  }

  get guard(): LoginGuard {
    this.guardInstance ??= new LoginGuard({ maxFailures: this.d.options.maxFailedLogins, lockMs: this.d.options.lockMs, clock: this.d.options.clock });
    return this.guardInstance;
  }

  private unauthorized(stale = false): IsapiResponse {
    return unauthorizedHtml(this.digest.challenge(stale));
  }

  /** 401 with a `userCheck` body: attempts left, or the lock with seconds until unlock. */
  loginFailed(user: string, counted: boolean, withChallenge = true): IsapiResponse {
    let lockedMs = this.guard.lockedFor(user);
    let left = this.guard.attemptsLeft(user);
    if (counted && lockedMs === 0) {
      const r = this.guard.fail(user);
      left = r.attemptsLeft;
      lockedMs = r.lockedForMs;
      if (lockedMs > 0) this.d.emitStatus('userLocked', { userName: user });
    }
    const body = userCheckXml(
      {
        statusValue: 401,
        statusString: 'Unauthorized',
        isDefaultPassword: false,
        isRiskPassword: false,
        isActivated: this.d.state.activated,
        lockStatus: lockedMs > 0 ? 'lock' : 'unlock',
        unlockTime: Math.ceil(lockedMs / 1000),
        retryLoginTime: lockedMs > 0 ? 0 : left,
      },
      this.d.ns,
    );
    return xmlResponse(401, body, withChallenge ? { 'www-authenticate': this.digest.challenge(false) } : {});
  }

  /** The user of an HTTP request (session cookie or digest), or the 401 to answer. */
  authenticate(c: IsapiContext): { user: StoredUser } | IsapiResponse {
    const sessionUser = this.sessionUser?.(c.req.headers.cookie);
    if (sessionUser) return { user: sessionUser };
    const users = this.d.state.users;
    const verdict = this.digest.verify(c.method, c.req.path, c.req.headers.authorization, (name) => users.find((u) => u.userName === name)?.password);
    if (verdict.ok) {
      if (this.guard.lockedFor(verdict.username) > 0) return this.loginFailed(verdict.username, false);
      this.guard.succeed(verdict.username);
      const user = users.find((u) => u.userName === verdict.username);
      if (!user) return this.unauthorized();
      return { user };
    }
    switch (verdict.reason) {
      case 'missing':
      case 'malformed':
      case 'badNonce':
      case 'realm':
      case 'uri':
        return this.unauthorized();
      case 'stale':
        if (this.guard.lockedFor(verdict.username) > 0) return this.loginFailed(verdict.username, false);
        return this.unauthorized(true);
      case 'wrongPassword':
      case 'unknownUser':
        return this.loginFailed(verdict.username, true);
    }
  }
}
