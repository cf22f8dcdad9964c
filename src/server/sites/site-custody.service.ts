/**
 * Site custody (issue 17, decision 0015): the installer company invites the site's customer (a
 * link and QR code), the customer accepts and owns the site from then on, and authorizes the
 * installer company when service is needed. Who may do each step is the site policy's
 * (site-policy.ts, through requireSiteAccess); every change is audited and emits its domain event
 * in the same transaction.
 */
import type { LoginPasswordCapture } from '../axpro/axpro-passwords';
import { AppError } from '../../errors/app-error';
import { renderQrSvg } from '../../qr-image/render';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import type { HandoverState, SitePermission } from '../db/schema';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { hashPassword } from '../security/password-hash';
import { hashToken, newToken } from '../security/secret-box';
import { checkLoginPassword } from '../auth/password-rules';
import type { Actor, RequestMeta } from '../auth/actor';
import { summarizeSite } from '../health/health-summary';
import { requireSiteAccess } from './site-access';
import type { SiteInvitationRecord } from './site-custody.repository';
import type { EmailService } from '../email/email.service';

export interface SiteInvitationView {
  id: string;
  email: string;
  expiresAt: Date;
  expired: boolean;
  createdAt: Date;
}

const invitationView = (i: SiteInvitationRecord, now: Date): SiteInvitationView => ({ id: i.id, email: i.email, expiresAt: i.expiresAt, expired: i.expiresAt <= now, createdAt: i.createdAt });

/** The first Sitekeeper version with the end-user app: what customers need (the "Invite end users" banner). */
export const END_USER_APP_MIN_VERSION = '0.1.0';

export class SiteCustodyService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly opts: { invitationTtlHours: number; publicUrl: string },
    /** Keeps the new owner's password sealed while an AX Pro of the site needs it for their panel account (decision 0016). */
    private readonly passwords?: LoginPasswordCapture,
    /** E-mails the invitation link when SMTP is configured (decision 0019); the token is only in the sealed body. */
    private readonly mail?: Pick<EmailService, 'configured' | 'enqueue' | 'queueNow' | 'cancelFor'>,
  ) {}

  private link(token: string): string {
    return `${this.opts.publicUrl}/app/invite?token=${token}`;
  }

  private async issue(actor: Actor, siteId: string, companyId: string, email: string, action: string, meta: RequestMeta) {
    const token = newToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.opts.invitationTtlHours * 3_600_000);
    const out = await this.uow.tx(async (r) => {
      // Checked again on the locked site row: an acceptance that committed since the first check
      // (the customer accepting while the installer sends again) is never undone.
      const site = await requireSiteAccess(actor, siteId, r.sites, true, 'invite_end_user');
      // A newer invitation replaces any open one: its link stops working (and its e-mail, not sent yet, is not sent).
      if (this.mail) for (const old of await r.custody.openInvitations(siteId)) await this.mail.cancelFor(r, old.id);
      await r.custody.cancelOpen(siteId, now);
      const id = await r.custody.createInvitation({ siteId, companyId, email, tokenHash: hashToken(token), createdBy: actor.id, expiresAt, now });
      await r.sites.setHandoverState(siteId, 'invitation_sent', undefined, now);
      await r.audit.record({ companyId, actorId: actor.id, actorEmail: actor.email, action, targetType: 'site', targetId: siteId, outcome: 'success', details: { invitationId: id, email, expiresAt: expiresAt.toISOString() }, correlationId: meta.correlationId });
      const inviteUrl = this.link(token);
      const mails = this.mail ? await this.mail.enqueue(r, [invitationMail({ id, companyId, email, inviteUrl, expiresAt, siteName: site.name, companyName: (await r.companies.name(companyId)) ?? 'Your installer', inviter: actor.name })]) : [];
      const emailState: 'queued' | 'not_configured' | 'not_sent' = mails.length > 0 ? 'queued' : this.mail?.configured ? 'not_sent' : 'not_configured';
      return { result: { invitation: { id, email, expiresAt, expired: false, createdAt: now }, inviteUrl, qrSvg: await renderQrSvg(inviteUrl), email: emailState }, mails };
    });
    this.mail?.queueNow(out.mails);
    return out.result;
  }

  /** The end-user app's link and QR code, for installers to hand to customers. */
  async endUserApp() {
    const url = `${this.opts.publicUrl}/app`;
    return { url, qrSvg: await renderQrSvg(url), minimumVersion: END_USER_APP_MIN_VERSION };
  }

  /** Invite the site's customer: a link and its QR code (one open invitation per site). */
  async invite(actor: Actor, siteId: string, input: { email: string }, meta: RequestMeta) {
    const site = await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'invite_end_user');
    const email = input.email.trim();
    const existing = await this.uow.read.users.findByEmail(email);
    if (existing && existing.role !== 'end_user') {
      throw new AppError('SITE_INVITATION_ACCOUNT_MISMATCH', 'This e-mail belongs to an installer account: installer accounts cannot own sites.', { hint: 'Invite the customer with their own e-mail address.' });
    }
    return this.issue(actor, siteId, site.companyId, email, 'site.invitation.create', meta);
  }

  async listInvitations(actor: Actor, siteId: string): Promise<SiteInvitationView[]> {
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'invite_end_user');
    const now = this.clock.now();
    return (await this.uow.read.custody.openInvitations(siteId)).map((i) => invitationView(i, now));
  }

  /** A new link and expiry for an open invitation; the old link dies. */
  async resend(actor: Actor, siteId: string, invitationId: string, meta: RequestMeta) {
    const site = await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'invite_end_user');
    const inv = await this.uow.read.custody.openInvitations(siteId).then((l) => l.find((i) => i.id === invitationId));
    if (!inv) throw new AppError('SITE_INVITATION_NOT_FOUND', 'No such open invitation for this site.', { hint: 'Reload the site: it may have been accepted or cancelled meanwhile.' });
    return this.issue(actor, siteId, site.companyId, inv.email, 'site.invitation.resend', meta);
  }

  async cancel(actor: Actor, siteId: string, invitationId: string, meta: RequestMeta): Promise<void> {
    await this.uow.tx(async (r) => {
      const site = await requireSiteAccess(actor, siteId, r.sites, true, 'invite_end_user');
      const inv = await r.custody.findOpenInvitation(siteId, invitationId);
      if (!inv) throw new AppError('SITE_INVITATION_NOT_FOUND', 'No such open invitation for this site.', { hint: 'Reload the site: it may have been accepted or cancelled meanwhile.' });
      const now = this.clock.now();
      await r.custody.cancel(inv.id, now);
      await this.mail?.cancelFor(r, inv.id);
      if ((await r.custody.openInvitations(siteId)).length === 0) await r.sites.setHandoverState(siteId, 'not_handed_over', undefined, now);
      await r.audit.record({ companyId: site.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site.invitation.cancel', targetType: 'site', targetId: siteId, outcome: 'success', details: { invitationId, email: inv.email }, correlationId: meta.correlationId });
    });
  }

  /** What the link is for (public): the site, the company, whether it still works. */
  async describe(token: string) {
    const inv = await this.uow.read.custody.findByTokenHash(hashToken(token), false);
    if (!inv) throw new AppError('SITE_INVITATION_NOT_FOUND');
    const status = inv.acceptedAt ? 'accepted' : inv.cancelledAt ? 'cancelled' : inv.expiresAt <= this.clock.now() ? 'expired' : 'pending';
    const hasAccount = (await this.uow.read.users.findByEmail(inv.email)) !== undefined;
    return { siteName: inv.siteName, companyName: inv.companyName, email: inv.email, expiresAt: inv.expiresAt, expired: status === 'expired', status, hasAccount } as const;
  }

  /**
   * Accept: a signed-in end user takes the site, or a new end-user account is created for the
   * invitation's e-mail (name and password, the usual password rules). The site is handed over
   * (owner set, other open invitations end), audited, `site.handed_over` emitted. Returns the owner
   * and whether the account is new (the route then signs it in).
   */
  async accept(token: string, actor: Actor | null, input: { name?: string | undefined; password?: string | undefined }, meta: RequestMeta): Promise<{ userId: string; created: boolean; siteId: string }> {
    if (actor && actor.role !== 'end_user') {
      throw new AppError('SITE_INVITATION_ACCOUNT_MISMATCH', 'You are signed in with an installer account: installer accounts cannot own sites.', { hint: 'Sign out, then open the link again to create the customer\'s account.' });
    }
    const pre = await this.usable(token, false);
    let passwordHash: string | null = null;
    if (!actor) {
      if (await this.uow.read.users.emailTaken(pre.email)) throw new AppError('SITE_INVITATION_ACCOUNT_MISMATCH');
      if (!input.password) throw new AppError('VALIDATION_FAILED', 'Choose a password for your new account.', { details: { field: 'password' } });
      checkLoginPassword(input.password, pre.email);
      passwordHash = await hashPassword(input.password);
    }
    return this.uow.tx(async (r) => {
      const inv = await this.usable(token, true, r);
      const site = await r.sites.findForUpdate(inv.siteId);
      if (!site) throw new AppError('SITE_INVITATION_NOT_FOUND');
      if (site.handoverState === 'handed_over') throw new AppError('SITE_HANDED_OVER');
      let userId: string;
      let created = false;
      if (actor) userId = actor.id;
      else {
        if (await r.users.emailTaken(inv.email)) throw new AppError('SITE_INVITATION_ACCOUNT_MISMATCH');
        userId = await r.users.createUser({ companyId: null, email: inv.email, name: input.name?.trim() || inv.email, role: 'end_user', permission: null, passwordHash: passwordHash! });
        created = true;
        await this.passwords?.capture(r, { id: userId, companyId: null }, input.password!, false);
      }
      const now = this.clock.now();
      if (!(await r.custody.markAccepted(inv.id, userId, now))) throw new AppError('SITE_INVITATION_USED');
      await r.custody.cancelOpen(site.id, now);
      await r.sites.setHandoverState(site.id, 'handed_over', userId, now);
      await r.events.append(site.companyId, DOMAIN_EVENT_TYPES.siteHandedOver, { siteId: site.id });
      await r.audit.record({
        companyId: site.companyId, actorId: userId, actorEmail: actor?.email ?? inv.email, action: 'site.handover', targetType: 'site', targetId: site.id, outcome: 'success',
        details: { invitationId: inv.id, email: inv.email, accountCreated: created }, correlationId: meta.correlationId,
      });
      return { userId, created, siteId: site.id };
    });
  }

  private async usable(token: string, forUpdate: boolean, r = this.uow.read) {
    const inv = await r.custody.findByTokenHash(hashToken(token), forUpdate);
    if (!inv) throw new AppError('SITE_INVITATION_NOT_FOUND');
    if (inv.acceptedAt) throw new AppError('SITE_INVITATION_USED');
    if (inv.cancelledAt) throw new AppError('SITE_INVITATION_CANCELLED');
    if (inv.expiresAt <= this.clock.now()) throw new AppError('SITE_INVITATION_EXPIRED');
    return inv;
  }

  /** The end user's sites (every company's) with their devices' health and the current authorization. */
  async mySites(actor: Actor) {
    if (actor.role !== 'end_user') throw new AppError('FORBIDDEN', 'This is the end users\' site list.', { hint: 'Installers see their sites at /api/sites.' });
    const sites = await this.uow.read.sites.ownedBy(actor.id);
    const companies = await Promise.all(sites.map((s) => this.uow.read.companies.name(s.companyId)));
    return Promise.all(sites.map(async (s, i) => {
      const health = summarizeSite(await this.uow.read.health.siteHealth(s.id));
      const auth = await this.uow.read.custody.liveAuthorization(s.id);
      return {
        id: s.id, name: s.name, address: s.address, companyName: companies[i] ?? '',
        authorization: auth ? { permissions: auth.permissions, expiresAt: auth.expiresAt, grantedAt: auth.createdAt } : null,
        health: { state: health.state, counts: health.counts },
        devices: health.devices.map((d) => ({ id: d.deviceId, name: d.name, type: d.type, state: d.state, reasons: d.reasons.map((x) => x.message) })),
      };
    }));
  }

  /** Grant or change the installer company's authorization (permanent, or until a time ahead). */
  async authorize(actor: Actor, siteId: string, input: { permissions: SitePermission[]; expiresAt: Date | null }, meta: RequestMeta) {
    const now = this.clock.now();
    if (input.expiresAt && input.expiresAt <= now) throw new AppError('VALIDATION_FAILED', 'The end of the authorization must be in the future.', { details: { field: 'expiresAt' } });
    const permissions = [...new Set(input.permissions)];
    return this.uow.tx(async (r) => {
      const site = await requireSiteAccess(actor, siteId, r.sites, true, 'manage_authorization');
      await r.custody.grant({ siteId, companyId: site.companyId, grantedBy: actor.id, permissions, expiresAt: input.expiresAt, now });
      await r.events.append(site.companyId, DOMAIN_EVENT_TYPES.siteAuthorizationChanged, { siteId });
      await r.audit.record({ companyId: site.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site.authorization.grant', targetType: 'site', targetId: siteId, outcome: 'success', details: { permissions, expiresAt: input.expiresAt?.toISOString() ?? null }, correlationId: meta.correlationId });
      return { permissions, expiresAt: input.expiresAt, grantedAt: now };
    });
  }

  /** Revoke the installer company's authorization (idempotent: no event when there was none). */
  async revoke(actor: Actor, siteId: string, meta: RequestMeta): Promise<void> {
    await this.uow.tx(async (r) => {
      const site = await requireSiteAccess(actor, siteId, r.sites, true, 'manage_authorization');
      const had = await r.custody.revoke(siteId, this.clock.now());
      if (had) await r.events.append(site.companyId, DOMAIN_EVENT_TYPES.siteAuthorizationChanged, { siteId });
      await r.audit.record({ companyId: site.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site.authorization.revoke', targetType: 'site', targetId: siteId, outcome: 'success', details: { hadAuthorization: had }, correlationId: meta.correlationId });
    });
  }

  /** Who has access: the owner, the installer company and its people who manage the site, and the live authorization. */
  async access(actor: Actor, siteId: string) {
    const site = await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_access');
    const r = this.uow.read;
    const owner = site.ownerUserId ? await r.users.findById(site.ownerUserId) : undefined;
    const auth = await r.custody.liveAuthorization(siteId);
    const staff = await r.custody.staffFor(siteId, site.companyId);
    const state: HandoverState | 'authorized' = site.handoverState === 'handed_over' && auth ? 'authorized' : site.handoverState;
    return {
      siteId,
      state,
      owner: owner ? { id: owner.id, name: owner.name, email: owner.email } : null,
      company: { id: site.companyId, name: (await r.companies.name(site.companyId)) ?? '' },
      authorization: auth ? { permissions: auth.permissions, expiresAt: auth.expiresAt, grantedAt: auth.createdAt } : null,
      installers: staff.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role as 'installer_admin' | 'installer' })),
    };
  }
}

/** The invitation e-mail: the link (its token) is in the body only, which is sealed at rest. */
function invitationMail(i: { id: string; companyId: string; email: string; inviteUrl: string; expiresAt: Date; siteName: string; companyName: string; inviter: string }) {
  return {
    key: `site_invitation:${i.id}`, kind: 'site_invitation' as const, companyId: i.companyId, userId: null, to: i.email, refId: i.id,
    subject: `${i.companyName} invites you to your site ${i.siteName} on Sitekeeper`,
    text: [
      `Hello,`,
      ``,
      `${i.inviter} of ${i.companyName} has set up the site "${i.siteName}" for you on Sitekeeper and hands it over to you: from then on you own it, see its devices and their health, and decide when ${i.companyName} may access it.`,
      ``,
      `Open this link to accept (it works once, until ${i.expiresAt.toUTCString()}):`,
      i.inviteUrl,
      ``,
      `If you did not expect this e-mail, ignore it: nothing happens until the link is opened.`,
    ].join('\n'),
  };
}
