/**
 * Sign-in, sessions, first-run setup, password changes and API tokens.
 */
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../security/password-hash';
import { hashToken, newToken, type SecretBox } from '../security/secret-box';
import { checkLoginPassword } from './password-rules';
import type { Actor, RequestMeta } from './actor';
import type { UserRecord } from './user.repository';
import type { ApiTokenRecord } from './api-token.repository';

export interface AuthSettings {
  sessionTtlHours: number;
  loginMaxAttempts: number;
  loginLockoutMinutes: number;
}

export interface SessionResult {
  user: Actor;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

const SETUP_TOKEN_KEY = 'setup_token_hash';

/** Tokens one user may hold at once. */
export const MAX_API_TOKENS_PER_USER = 50;

export function toActor(u: UserRecord): Actor {
  return { id: u.id, companyId: u.companyId, companyName: u.companyName, email: u.email, name: u.name, role: u.role, permission: u.permission };
}

export class AuthService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
    private readonly settings: AuthSettings,
  ) {}

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
      await r.audit.record({ companyId, actorId: id, actorEmail: input.email, action: 'setup.completed', targetType: 'company', targetId: companyId, outcome: 'success', details: { companyName: input.companyName }, correlationId: meta.correlationId });
      return id;
    });
    return this.openSession(userId);
  }

  async login(email: string, password: string, meta: RequestMeta): Promise<SessionResult> {
    const now = this.clock.now();
    const throttle = await this.uow.read.loginThrottle.state(email);
    if (throttle?.lockedUntil && throttle.lockedUntil > now) {
      throw this.lockedError(throttle.lockedUntil, now);
    }
    const user = await this.uow.read.users.findByEmail(email);
    // Same work whether or not the account exists: no timing oracle.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok) {
      const lockUntil = new Date(now.getTime() + this.settings.loginLockoutMinutes * 60_000);
      const state = await this.uow.tx(async (r) => {
        const s = await r.loginThrottle.recordFailure(email, now, this.settings.loginMaxAttempts, lockUntil);
        await r.audit.record({ companyId: user?.companyId ?? null, actorId: user?.id ?? null, actorEmail: email.toLowerCase(), action: 'auth.login', targetType: 'user', targetId: user?.id ?? null, outcome: 'failure', details: { reason: 'invalid_credentials', locked: s.lockedUntil !== null }, correlationId: meta.correlationId });
        return s;
      });
      if (state.lockedUntil) throw this.lockedError(state.lockedUntil, now);
      throw new AppError('AUTH_INVALID_CREDENTIALS');
    }
    if (user.disabled) throw new AppError('AUTH_ACCOUNT_DISABLED');
    await this.uow.tx(async (r) => {
      await r.loginThrottle.clear(email);
      await r.audit.record({ companyId: user.companyId, actorId: user.id, actorEmail: user.email, action: 'auth.login', targetType: 'user', targetId: user.id, outcome: 'success', correlationId: meta.correlationId });
    });
    return this.openSession(user.id);
  }

  private lockedError(until: Date, now: Date): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    return new AppError('AUTH_LOCKED', `Too many failed sign-in attempts. Sign-in is paused for ${Math.ceil(retryAfterSeconds / 60)} minute(s).`, { details: { retryAfterSeconds } });
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

  /** At most MAX_API_TOKENS_PER_USER per user (API_TOKEN_LIMIT beyond). */
  async createApiToken(actor: Actor, name: string, meta: RequestMeta): Promise<{ id: string; token: string }> {
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
   * Changing a password ends the user's other sessions and emits `user.password_changed`. The new
   * password is kept sealed for the AX Pro account reconcile (panels hold the installer's password)
   * until that reconcile applies it and deletes it.
   */
  async changePassword(actor: Actor, sessionId: string | undefined, currentPassword: string, newPassword: string, meta: RequestMeta): Promise<void> {
    const user = await this.uow.read.users.findById(actor.id);
    if (!user) throw new AppError('AUTH_REQUIRED');
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw new AppError('PASSWORD_INCORRECT');
    checkLoginPassword(newPassword, user.email);
    const hash = await hashPassword(newPassword);
    const now = this.clock.now();
    await this.uow.tx(async (r) => {
      await r.users.setPassword(user.id, hash, now);
      await r.sessions.deleteOfUser(user.id, sessionId);
      await r.pendingSecrets.put(user.id, 'axpro_password', this.secrets.seal(newPassword, `axpro_password:${user.id}`));
      await r.events.append(user.companyId, DOMAIN_EVENT_TYPES.passwordChanged, { userId: user.id, at: now.toISOString() });
      await r.audit.record({ companyId: user.companyId, actorId: user.id, actorEmail: user.email, action: 'auth.password.change', targetType: 'user', targetId: user.id, outcome: 'success', correlationId: meta.correlationId });
    });
  }
}
