/**
 * Sign-in, sessions, first-run setup, password changes and API tokens.
 */
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../security/password-hash';
import { hashToken, newToken } from '../security/secret-box';
import { checkLoginPassword } from './password-rules';
import { loginWaitSeconds, THROTTLE_FORGET_MS, throttleKeys, type LoginPolicies, type ThrottleState } from './login-throttle';
import type { Actor, RequestMeta } from './actor';
import type { UserRecord } from './user.repository';
import type { ApiTokenRecord } from './api-token.repository';
import type { LoginPasswordCapture } from '../axpro/axpro-passwords';

export interface AuthSettings {
  sessionTtlHours: number;
  /** Failed sign-ins on one account before each further attempt waits (one address gets four times as many). */
  loginMaxAttempts: number;
  /** The longest wait one address can be given; an account's own wait stops at ACCOUNT_MAX_DELAY_SECONDS. */
  loginMaxDelaySeconds: number;
}

/** Short, so that someone who knows an e-mail address can only slow its owner down, not lock them out. */
export const ACCOUNT_MAX_DELAY_SECONDS = 60;
/** Sign-ins from one address share it (an office behind one router): more free attempts than one account. */
const IP_ATTEMPTS_FACTOR = 4;

/** How an authenticated request was made: API tokens may not mint more tokens. */
export type Credential = 'session' | 'api_token';

export interface SessionResult {
  user: Actor;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface LoginResult extends SessionResult {
  /** Failed sign-ins on this account since its last successful one (told to the owner). */
  failedAttemptsSinceLastLogin: number;
}

const SETUP_TOKEN_KEY = 'setup_token_hash';

/** Tokens one user may hold at once. */
export const MAX_API_TOKENS_PER_USER = 50;

export function toActor(u: UserRecord): Actor {
  return { id: u.id, companyId: u.companyId, companyName: u.companyName, email: u.email, name: u.name, role: u.role, permission: u.permission };
}

export class AuthService {
  private readonly policies: LoginPolicies;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly settings: AuthSettings,
    /** Keeps the login password, sealed, while AX Pro panel accounts need it (decision 0016). */
    private readonly passwords?: LoginPasswordCapture,
  ) {
    this.policies = {
      ip: { freeAttempts: settings.loginMaxAttempts * IP_ATTEMPTS_FACTOR, maxDelaySeconds: settings.loginMaxDelaySeconds },
      account: { freeAttempts: settings.loginMaxAttempts, maxDelaySeconds: Math.min(ACCOUNT_MAX_DELAY_SECONDS, settings.loginMaxDelaySeconds) },
    };
  }

  async needsSetup(): Promise<boolean> {
    return (await this.uow.read.users.countUsers()) === 0;
  }

  /** On first start: a one-time setup token (printed as a link on the console). */
  async issueSetupToken(): Promise<string | undefined> {
    if (!(await this.needsSetup())) return undefined;
    const token = newToken(24);
    await this.uow.read.settings.set(SETUP_TOKEN_KEY, hashToken(token));
    return token;
  }

  async setup(input: { token: string; companyName: string; name: string; email: string; password: string }, meta: RequestMeta): Promise<SessionResult> {
    checkLoginPassword(input.password, input.email);
    const passwordHash = await hashPassword(input.password);
    const userId = await this.uow.tx(async (r) => {
      if ((await r.users.countUsers()) > 0) throw new AppError('SETUP_ALREADY_DONE');
      const stored = await r.settings.get(SETUP_TOKEN_KEY);
      if (!stored || stored !== hashToken(input.token)) throw new AppError('SETUP_TOKEN_INVALID');
      const companyId = await r.companies.create(input.companyName.trim());
      const id = await r.users.createUser({ companyId, email: input.email.trim(), name: input.name.trim(), role: 'installer_admin', permission: 'manage_all', passwordHash });
      await r.settings.delete(SETUP_TOKEN_KEY);
      await this.passwords?.capture(r, { id, companyId }, input.password, false);
      await r.audit.record({ companyId, actorId: id, actorEmail: input.email, action: 'setup.completed', targetType: 'company', targetId: companyId, outcome: 'success', details: { companyName: input.companyName }, correlationId: meta.correlationId });
      return id;
    });
    return this.openSession(userId);
  }

  /**
   * Signs in, throttled per client address and per account with growing delays (login-throttle.ts):
   * an attempt that must still wait is answered AUTH_LOCKED (429, Retry-After) without looking at
   * the password. A successful sign-in tells how many attempts failed since the last one.
   */
  async login(email: string, password: string, ip: string, meta: RequestMeta): Promise<LoginResult> {
    const now = this.clock.now();
    const keys = throttleKeys(ip, email);
    const states = await this.uow.read.loginThrottle.states([keys.ip, keys.account]);
    const wait = loginWaitSeconds({ ip: states.get(keys.ip), account: states.get(keys.account) }, now, this.policies);
    if (wait > 0) throw this.throttledError(wait);
    const user = await this.uow.read.users.findByEmail(email);
    // Same work whether or not the account exists: no timing oracle.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok) {
      await this.uow.tx(async (r) => {
        await r.loginThrottle.recordFailure([keys.ip, keys.account], now);
        if (user) await r.users.recordFailedLogin(user.id);
        await r.audit.record({ companyId: user?.companyId ?? null, actorId: user?.id ?? null, actorEmail: email.toLowerCase(), action: 'auth.login', targetType: 'user', targetId: user?.id ?? null, outcome: 'failure', details: { reason: 'invalid_credentials' }, correlationId: meta.correlationId });
      });
      const next = loginWaitSeconds({ ip: afterFailure(states.get(keys.ip), now), account: afterFailure(states.get(keys.account), now) }, now, this.policies);
      if (next > 0) throw this.throttledError(next);
      throw new AppError('AUTH_INVALID_CREDENTIALS');
    }
    if (user.disabled) throw new AppError('AUTH_ACCOUNT_DISABLED');
    const failedAttemptsSinceLastLogin = await this.uow.tx(async (r) => {
      // The address's count stays: signing in to one's own account must not reset guessing at others.
      await r.loginThrottle.clear(keys.account);
      const failed = await r.users.takeFailedLogins(user.id);
      await this.passwords?.capture(r, user, password, false);
      await r.audit.record({ companyId: user.companyId, actorId: user.id, actorEmail: user.email, action: 'auth.login', targetType: 'user', targetId: user.id, outcome: 'success', ...(failed > 0 ? { details: { failedAttemptsSinceLastLogin: failed } } : {}), correlationId: meta.correlationId });
      return failed;
    });
    return { ...(await this.openSession(user.id)), failedAttemptsSinceLastLogin };
  }

  private throttledError(retryAfterSeconds: number): AppError {
    return new AppError('AUTH_LOCKED', `Too many failed sign-in attempts. Try again in ${retryAfterSeconds} second(s).`, { details: { retryAfterSeconds } });
  }

  async openSession(userId: string): Promise<SessionResult> {
    const token = newToken();
    const csrfToken = newToken(18);
    const expiresAt = new Date(this.clock.now().getTime() + this.settings.sessionTtlHours * 3_600_000);
    await this.uow.read.sessions.create({ id: hashToken(token), userId, csrfToken, expiresAt });
    const user = await this.uow.read.users.findById(userId);
    if (!user) throw new AppError('AUTH_REQUIRED');
    return { user: toActor(user), sessionToken: token, csrfToken, expiresAt };
  }

  /** Resolve a session cookie; undefined when absent, expired or the user is disabled. */
  async resolveSession(token: string): Promise<{ user: Actor; csrfToken: string; sessionId: string } | undefined> {
    const sessionId = hashToken(token);
    const s = await this.uow.read.sessions.find(sessionId, this.clock.now());
    if (!s || s.user.disabled) return undefined;
    return { user: toActor(s.user), csrfToken: s.csrfToken, sessionId };
  }

  async resolveApiToken(token: string): Promise<Actor | undefined> {
    const u = await this.uow.read.apiTokens.findOwner(hashToken(token), this.clock.now());
    return u && !u.disabled ? toActor(u) : undefined;
  }

  async logout(sessionId: string, actor: Actor, meta: RequestMeta): Promise<void> {
    await this.uow.tx(async (r) => {
      await r.sessions.delete(sessionId);
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'auth.logout', targetType: 'user', targetId: actor.id, outcome: 'success', correlationId: meta.correlationId });
    });
  }

  /**
   * At most MAX_API_TOKENS_PER_USER per user (API_TOKEN_LIMIT beyond). Only a signed-in session
   * creates tokens: a leaked token must not be able to mint others that outlive its revocation.
   */
  async createApiToken(actor: Actor, credential: Credential, name: string, meta: RequestMeta): Promise<{ id: string; token: string }> {
    if (credential !== 'session') throw new AppError('API_TOKEN_SESSION_REQUIRED');
    const token = `skt_${newToken()}`;
    const id = await this.uow.tx(async (r) => {
      // The lock makes the count and the insert one step: two concurrent creates cannot both pass.
      await r.users.lockUser(actor.id);
      if ((await r.apiTokens.count(actor.id)) >= MAX_API_TOKENS_PER_USER) {
        throw new AppError('API_TOKEN_LIMIT', undefined, { details: { limit: MAX_API_TOKENS_PER_USER } });
      }
      const tid = await r.apiTokens.create({ userId: actor.id, name, tokenHash: hashToken(token) });
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'auth.api_token.create', targetType: 'api_token', targetId: tid, outcome: 'success', details: { name }, correlationId: meta.correlationId });
      return tid;
    });
    return { id, token };
  }

  /** The caller's own tokens, newest first; never the secret or its hash. */
  async listApiTokens(actor: Actor): Promise<ApiTokenRecord[]> {
    return this.uow.read.apiTokens.list(actor.id);
  }

  /** Revokes one of the caller's own tokens: it stops working at once. Anyone else's is API_TOKEN_NOT_FOUND. */
  async revokeApiToken(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    await this.uow.tx(async (r) => {
      const gone = await r.apiTokens.delete(id, actor.id);
      if (!gone) throw new AppError('API_TOKEN_NOT_FOUND');
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'auth.api_token.revoke', targetType: 'api_token', targetId: id, outcome: 'success', details: { name: gone.name }, correlationId: meta.correlationId });
    });
  }

  /**
   * Changing a password ends the user's other sessions and, unless `revokeApiTokens` is false, all
   * their API tokens (a thief's copy must not outlive the change); emits `user.password_changed`.
   * The new password is kept (sealed) only while AX Pro panel accounts of the user need it (decision 0016).
   */
  async changePassword(actor: Actor, sessionId: string | undefined, input: { currentPassword: string; newPassword: string; revokeApiTokens?: boolean | undefined }, meta: RequestMeta): Promise<{ apiTokensRevoked: number }> {
    const user = await this.uow.read.users.findById(actor.id);
    if (!user) throw new AppError('AUTH_REQUIRED');
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) throw new AppError('PASSWORD_INCORRECT');
    checkLoginPassword(input.newPassword, user.email);
    const hash = await hashPassword(input.newPassword);
    const now = this.clock.now();
    const revokeApiTokens = input.revokeApiTokens ?? true;
    return this.uow.tx(async (r) => {
      await r.users.setPassword(user.id, hash, now);
      await r.sessions.deleteOfUser(user.id, sessionId);
      const apiTokensRevoked = revokeApiTokens ? await r.apiTokens.deleteOfUser(user.id) : 0;
      await r.events.append(user.companyId, DOMAIN_EVENT_TYPES.passwordChanged, { userId: user.id, at: now.toISOString() });
      await this.passwords?.capture(r, user, input.newPassword, true);
      await r.audit.record({ companyId: user.companyId, actorId: user.id, actorEmail: user.email, action: 'auth.password.change', targetType: 'user', targetId: user.id, outcome: 'success', details: { apiTokensRevoked }, correlationId: meta.correlationId });
      return { apiTokensRevoked };
    });
  }
}

/** A key's state once this attempt's failure is counted (as LoginThrottleRepository.recordFailure counts it). */
function afterFailure(state: ThrottleState | undefined, now: Date): ThrottleState {
  const fresh = !state || now.getTime() - state.lastFailureAt.getTime() > THROTTLE_FORGET_MS;
  return { failed: fresh ? 1 : state.failed + 1, lastFailureAt: now };
}
