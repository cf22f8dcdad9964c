/**
 * Installer admin manages installers: invitations (expiring links), permissions, disable, remove.
 */
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { Repos, UnitOfWork } from '../db/unit-of-work';
import type { Permission } from '../db/schema';
import { hashPassword } from '../security/password-hash';
import { hashToken, newToken } from '../security/secret-box';
import { checkLoginPassword } from '../auth/password-rules';
import { companyOf, type Actor, type RequestMeta } from '../auth/actor';
import type { UserRecord } from '../auth/user.repository';
import type { LoginPasswordCapture } from '../axpro/axpro-passwords';

export interface InstallerView {
  id: string;
  email: string;
  name: string;
  permission: Permission;
  disabled: boolean;
  createdAt: Date;
}

function view(u: UserRecord): InstallerView {
  return { id: u.id, email: u.email, name: u.name, permission: u.permission ?? 'manage_assigned', disabled: u.disabled, createdAt: u.createdAt };
}

export class InstallerService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly opts: { invitationTtlHours: number; publicUrl: string },
    /** Keeps the login password, sealed, while AX Pro panel accounts need it (decision 0016). */
    private readonly passwords?: LoginPasswordCapture,
  ) {}

  async list(actor: Actor): Promise<InstallerView[]> {
    return (await this.uow.read.users.listInstallers(companyOf(actor))).map(view);
  }

  async invite(actor: Actor, input: { email: string; name: string; permission: Permission }, meta: RequestMeta) {
    const email = input.email.trim();
    const token = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.opts.invitationTtlHours * 3_600_000);
    const id = await this.uow.tx(async (r) => {
      if (await r.users.emailTaken(email)) throw new AppError('EMAIL_TAKEN');
      const iid = await r.invitations.create({ companyId: companyOf(actor), email, name: input.name.trim(), role: 'installer', permission: input.permission, tokenHash: hashToken(token), createdBy: actor.id, expiresAt });
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'installer.invite', targetType: 'invitation', targetId: iid, outcome: 'success', details: { email, permission: input.permission }, correlationId: meta.correlationId });
      return iid;
    });
    return { invitation: { id, email, permission: input.permission, expiresAt }, inviteUrl: `${this.opts.publicUrl}/invite?token=${token}` };
  }

  /** Invitations not accepted yet, newest first; expired ones too (they can be sent again). */
  async listInvitations(actor: Actor) {
    const now = this.clock.now();
    return (await this.uow.read.invitations.listPending(companyOf(actor))).map(({ companyId: _c, ...i }) => ({ ...i, expired: i.expiresAt <= now }));
  }

  /** A new link with a new expiry for a pending invitation; the old link stops working. */
  async resendInvitation(actor: Actor, id: string, meta: RequestMeta) {
    const token = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.opts.invitationTtlHours * 3_600_000);
    const inv = await this.uow.tx(async (r) => {
      const inv = await this.pendingInvitation(actor, id, r);
      if (await r.users.emailTaken(inv.email)) throw new AppError('EMAIL_TAKEN', 'An account with this e-mail already exists, so this invitation can no longer be used.', { hint: 'Cancel the invitation; the person can sign in with that account.' });
      await r.invitations.renew(id, hashToken(token), expiresAt);
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'installer.invitation.resend', targetType: 'invitation', targetId: id, outcome: 'success', details: { email: inv.email, expiresAt: expiresAt.toISOString() }, correlationId: meta.correlationId });
      return inv;
    });
    return { invitation: { id, email: inv.email, permission: inv.permission, expiresAt }, inviteUrl: `${this.opts.publicUrl}/invite?token=${token}` };
  }

  /** Withdraw a pending invitation: its link stops working. */
  async cancelInvitation(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    await this.uow.tx(async (r) => {
      const inv = await this.pendingInvitation(actor, id, r);
      // Written before the row goes, so the entry keeps the invitee's name.
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'installer.invitation.cancel', targetType: 'invitation', targetId: id, outcome: 'success', details: { email: inv.email }, correlationId: meta.correlationId });
      await r.invitations.delete(id);
    });
  }

  private async pendingInvitation(actor: Actor, id: string, r: Repos) {
    const inv = await r.invitations.findPendingForUpdate(id, companyOf(actor));
    // Accepted, cancelled or another company's: not there as far as this actor can tell.
    if (!inv) throw new AppError('INVITATION_NOT_FOUND', 'No such pending invitation.', { hint: 'Reload the installers page: it may have been accepted or cancelled meanwhile.' });
    return inv;
  }

  private async usableInvitation(token: string, forUpdate: boolean, invitations: Repos['invitations']) {
    const inv = await invitations.findByTokenHash(hashToken(token), forUpdate);
    if (!inv) throw new AppError('INVITATION_NOT_FOUND');
    if (inv.acceptedAt) throw new AppError('INVITATION_USED');
    if (inv.expiresAt <= this.clock.now()) throw new AppError('INVITATION_EXPIRED');
    return inv;
  }

  async describeInvitation(token: string) {
    const inv = await this.usableInvitation(token, false, this.uow.read.invitations);
    return { email: inv.email, name: inv.name, companyName: inv.companyName, expiresAt: inv.expiresAt };
  }

  async accept(token: string, input: { name: string; password: string }, meta: RequestMeta): Promise<string> {
    const pre = await this.usableInvitation(token, false, this.uow.read.invitations);
    checkLoginPassword(input.password, pre.email);
    const passwordHash = await hashPassword(input.password);
    return this.uow.tx(async (r) => {
      const inv = await this.usableInvitation(token, true, r.invitations);
      if (await r.users.emailTaken(inv.email)) throw new AppError('EMAIL_TAKEN');
      if (!(await r.invitations.markAccepted(inv.id, this.clock.now()))) throw new AppError('INVITATION_USED');
      const userId = await r.users.createUser({ companyId: inv.companyId, email: inv.email, name: input.name.trim() || inv.name, role: inv.role, permission: inv.permission, passwordHash });
      await r.events.append(inv.companyId, DOMAIN_EVENT_TYPES.userAdded, { userId });
      await this.passwords?.capture(r, { id: userId, companyId: inv.companyId }, input.password, false);
      await r.audit.record({ companyId: inv.companyId, actorId: userId, actorEmail: inv.email, action: 'installer.invitation.accept', targetType: 'user', targetId: userId, outcome: 'success', details: { invitationId: inv.id }, correlationId: meta.correlationId });
      return userId;
    });
  }

  private async ownInstaller(actor: Actor, id: string, users: Repos['users']): Promise<UserRecord> {
    const u = await users.findById(id);
    // Another company's user does not exist as far as this actor can tell.
    if (!u || u.companyId !== actor.companyId || u.role !== 'installer') throw new AppError('INSTALLER_NOT_FOUND');
    return u;
  }

  async update(actor: Actor, id: string, patch: { permission?: Permission; disabled?: boolean }, meta: RequestMeta): Promise<InstallerView> {
    return this.uow.tx(async (r) => {
      const before = await this.ownInstaller(actor, id, r.users);
      await r.users.updateInstaller(id, patch);
      if (patch.disabled) await r.sessions.deleteOfUser(id);
      if ((patch.permission !== undefined && patch.permission !== before.permission) || (patch.disabled !== undefined && patch.disabled !== before.disabled)) {
        await r.events.append(companyOf(actor), DOMAIN_EVENT_TYPES.userUpdated, { userId: id, permission: patch.permission ?? before.permission, disabled: patch.disabled ?? before.disabled });
      }
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'installer.update', targetType: 'user', targetId: id, outcome: 'success',
        details: { before: { permission: before.permission, disabled: before.disabled }, after: patch }, correlationId: meta.correlationId,
      });
      return view((await r.users.findById(id))!);
    });
  }

  /**
   * Reset an installer's password: a one-time link (valid for the invitation TTL, at most a day);
   * their sessions end now, earlier reset links die. The password is set by whoever opens the link.
   */
  async resetPassword(actor: Actor, id: string, meta: RequestMeta): Promise<{ resetUrl: string; expiresAt: Date }> {
    const token = newToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + Math.min(this.opts.invitationTtlHours, 24) * 3_600_000);
    await this.uow.tx(async (r) => {
      const u = await this.ownInstaller(actor, id, r.users);
      await r.passwordResets.create({ userId: id, tokenHash: hashToken(token), createdBy: actor.id, expiresAt, now });
      await r.sessions.deleteOfUser(id);
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'installer.password_reset', targetType: 'user', targetId: id, outcome: 'success', details: { email: u.email, expiresAt: expiresAt.toISOString() }, correlationId: meta.correlationId });
    });
    return { resetUrl: `${this.opts.publicUrl}/reset-password?token=${token}`, expiresAt };
  }

  private async usableReset(token: string, forUpdate: boolean, repo: Repos['passwordResets']) {
    const reset = await repo.findByTokenHash(hashToken(token), forUpdate);
    if (!reset) throw new AppError('PASSWORD_RESET_NOT_FOUND');
    if (reset.usedAt) throw new AppError('PASSWORD_RESET_USED');
    if (reset.expiresAt <= this.clock.now()) throw new AppError('PASSWORD_RESET_EXPIRED');
    return reset;
  }

  async describeReset(token: string): Promise<{ email: string; expiresAt: Date }> {
    const r = await this.usableReset(token, false, this.uow.read.passwordResets);
    return { email: r.email, expiresAt: r.expiresAt };
  }

  /** Set the new password from a reset link (password rules apply); sessions and API tokens end; `user.password_changed` emitted. */
  async completeReset(token: string, password: string, meta: RequestMeta): Promise<void> {
    const pre = await this.usableReset(token, false, this.uow.read.passwordResets);
    checkLoginPassword(password, pre.email);
    const hash = await hashPassword(password);
    await this.uow.tx(async (r) => {
      const reset = await this.usableReset(token, true, r.passwordResets);
      const now = this.clock.now();
      if (!(await r.passwordResets.markUsed(reset.id, now))) throw new AppError('PASSWORD_RESET_USED');
      const user = await r.users.findById(reset.userId);
      if (!user) throw new AppError('PASSWORD_RESET_NOT_FOUND');
      await r.users.setPassword(user.id, hash, now);
      await r.sessions.deleteOfUser(user.id);
      const apiTokensRevoked = await r.apiTokens.deleteOfUser(user.id);
      await r.events.append(user.companyId, DOMAIN_EVENT_TYPES.passwordChanged, { userId: user.id, at: now.toISOString() });
      await this.passwords?.capture(r, user, password, true);
      await r.audit.record({ companyId: user.companyId, actorId: user.id, actorEmail: user.email, action: 'auth.password.reset', targetType: 'user', targetId: user.id, outcome: 'success', details: { apiTokensRevoked }, correlationId: meta.correlationId });
    });
  }

  async remove(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    await this.uow.tx(async (r) => {
      const u = await this.ownInstaller(actor, id, r.users);
      // Written before the account goes, so the entry keeps the installer's name.
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'installer.remove', targetType: 'user', targetId: id, outcome: 'success', details: { email: u.email }, correlationId: meta.correlationId });
      // The sites they were assigned to lose an installer too (their assignments go with the account).
      for (const siteId of await r.sites.assignedSiteIds(id)) await r.events.append(companyOf(actor), DOMAIN_EVENT_TYPES.siteInstallersChanged, { siteId, added: [], removed: [id] });
      await r.events.append(companyOf(actor), DOMAIN_EVENT_TYPES.userRemoved, { userId: id });
      await r.users.deleteUser(id);
    });
  }
}
