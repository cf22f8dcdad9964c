import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta, setSessionCookie } from '../http/types';
import { DateTime, Email, errorResponses, IdParams, Password, Shared, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import { UserSchema } from '../auth/auth.schema';
import type { AuthService } from '../auth/auth.service';
import type { SiteCustodyService } from './site-custody.service';

const SitePermission = Type.Union([Type.Literal('configuration'), Type.Literal('live_view'), Type.Literal('playback')]);

const SiteInvitation = Shared(Type.Object({
  id: Uuid,
  email: Type.String(),
  expiresAt: DateTime,
  expired: Type.Boolean({ description: 'The link no longer works; resend it for a new one.' }),
  createdAt: DateTime,
}, { $id: 'SiteInvitation' }));

const SiteInvitationCreated = Type.Object({
  invitation: SiteInvitation,
  inviteUrl: Type.String({ description: 'The link to send to the customer (opens the end-user app)' }),
  qrSvg: Type.String({ description: 'The link as a QR code (SVG)' }),
  email: Type.Union([Type.Literal('queued'), Type.Literal('not_configured'), Type.Literal('not_sent')], { description: 'queued: the link is e-mailed to the customer; not_configured: e-mail (SMTP) is not configured on this server — send the link yourself; not_sent: the address cannot receive e-mail' }),
});

const Authorization = Shared(Type.Object({
  permissions: Type.Array(SitePermission),
  expiresAt: Type.Union([DateTime, Type.Null()], { description: 'Null: permanent' }),
  grantedAt: DateTime,
}, { $id: 'SiteAuthorization' }));

const InvitationParams = Type.Object({ id: Uuid, invitationId: Uuid });
const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) });
const HealthState = Type.Union([Type.Literal('healthy'), Type.Literal('warning'), Type.Literal('fault'), Type.Literal('offline'), Type.Literal('unknown')]);

const MySite = Type.Object({
  id: Uuid,
  name: Type.String(),
  address: Type.String(),
  companyName: Type.String({ description: 'The installer company that built the site' }),
  authorization: Type.Union([Authorization, Type.Null()]),
  health: Type.Object({ state: HealthState, counts: Type.Record(Type.String(), Type.Integer()) }),
  devices: Type.Array(Type.Object({ id: Uuid, name: Type.String(), type: Type.String(), state: Type.Union([HealthState, Type.Null()], { description: 'Null: health monitoring is off' }), reasons: Type.Array(Type.String()) })),
});

const SiteAccess = Type.Object({
  siteId: Uuid,
  state: Type.Union([Type.Literal('not_handed_over'), Type.Literal('invitation_sent'), Type.Literal('handed_over'), Type.Literal('authorized')]),
  owner: Type.Union([Type.Object({ id: Uuid, name: Type.String(), email: Type.String() }), Type.Null()]),
  company: Type.Object({ id: Uuid, name: Type.String() }),
  authorization: Type.Union([Authorization, Type.Null()]),
  installers: Type.Array(Type.Object({ id: Uuid, name: Type.String(), email: Type.String(), role: Type.Union([Type.Literal('installer_admin'), Type.Literal('installer')]) }), { description: 'The company\'s people who manage the site (when it is theirs to manage)' }),
});

export function siteCustodyRoutes(app: App, deps: { custody: SiteCustodyService; auth: AuthService; rateLimitPerMinute: number }): void {
  const { custody, auth } = deps;

  app.post('/api/sites/:id/invitations', {
    config: { access: 'installer' },
    schema: {
      tags: ['sites'],
      summary: 'Invite the site\'s customer (end user): a link and QR code that hand the site over',
      description: 'One open invitation per site: a new one ends the previous link. The site goes to state invitation_sent.',
      params: IdParams,
      body: Type.Object({ email: Email }, { additionalProperties: false }),
      response: { 201: SiteInvitationCreated, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await custody.invite(requireActor(req), req.params.id, req.body, meta(req))));

  app.get('/api/sites/:id/invitations', {
    config: { access: 'installer' },
    schema: { tags: ['sites'], summary: 'The site\'s open invitations (expired ones too)', params: IdParams, response: { 200: Type.Object({ items: Type.Array(SiteInvitation) }), ...errorResponses } },
  }, async (req) => ({ items: await custody.listInvitations(requireActor(req), req.params.id) }));

  app.post('/api/sites/:id/invitations/:invitationId/resend', {
    config: { access: 'installer' },
    schema: { tags: ['sites'], summary: 'Send a site invitation again: a new link and expiry, the old link dies', params: InvitationParams, response: { 201: SiteInvitationCreated, ...errorResponses } },
  }, async (req, reply) => reply.status(201).send(await custody.resend(requireActor(req), req.params.id, req.params.invitationId, meta(req))));

  app.delete('/api/sites/:id/invitations/:invitationId', {
    config: { access: 'installer' },
    schema: { tags: ['sites'], summary: 'Cancel a site invitation (its link stops working)', params: InvitationParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await custody.cancel(requireActor(req), req.params.id, req.params.invitationId, meta(req));
    return reply.status(204).send(null);
  });

  app.get('/api/site-invitations/:token', {
    config: { access: 'public' },
    schema: {
      tags: ['end users'],
      summary: 'What a site invitation is for: the site, the installer company, whether it still works',
      params: TokenParams,
      response: {
        200: Type.Object({
          siteName: Type.String(), companyName: Type.String(), email: Type.String(), expiresAt: DateTime, expired: Type.Boolean(),
          status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('cancelled'), Type.Literal('expired')]),
          hasAccount: Type.Boolean({ description: 'An account with the invitation\'s e-mail exists: sign in to accept' }),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => custody.describe(req.params.token));

  app.post('/api/site-invitations/:token/accept', {
    config: { access: 'public', rateLimit: { max: deps.rateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['end users'],
      summary: 'Accept a site invitation: the site is handed over to you',
      description: 'Signed in as an end user: that account takes the site. Not signed in: a new end-user account is created for the invitation\'s e-mail (name and password) and signed in.',
      params: TokenParams,
      body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), password: Type.Optional(Password) }, { additionalProperties: false }),
      response: { 201: Type.Object({ siteId: Uuid, user: UserSchema, csrfToken: Type.Union([Type.String(), Type.Null()], { description: 'Set when a new account was created and signed in' }) }), ...errorResponses },
    },
  }, async (req, reply) => {
    const r = await custody.accept(req.params.token, req.actor, req.body, meta(req));
    if (r.created) {
      const s = await auth.openSession(r.userId);
      setSessionCookie(req, reply, s.sessionToken, s.expiresAt);
      return reply.status(201).send({ siteId: r.siteId, user: s.user, csrfToken: s.csrfToken });
    }
    return reply.status(201).send({ siteId: r.siteId, user: requireActor(req), csrfToken: null });
  });

  app.get('/api/end-user-app', {
    config: { access: 'installer' },
    schema: {
      tags: ['end users'],
      summary: 'The end-user app\'s link and QR code, to send to customers',
      response: { 200: Type.Object({ url: Type.String(), qrSvg: Type.String(), minimumVersion: Type.String({ description: 'The Sitekeeper version the app needs' }) }), ...errorResponses },
    },
  }, async () => custody.endUserApp());

  app.get('/api/me/sites', {
    config: { access: 'end_user' },
    schema: { tags: ['end users'], summary: 'Your sites (every installer company\'s), with their devices\' health', response: { 200: Type.Object({ items: Type.Array(MySite) }), ...errorResponses } },
  }, async (req) => ({ items: await custody.mySites(requireActor(req)) }));

  app.put('/api/sites/:id/authorization', {
    config: { access: 'end_user' },
    schema: {
      tags: ['end users'],
      summary: 'Authorize the installer company for your site, or change the authorization',
      params: IdParams,
      body: Type.Object({
        permissions: Type.Array(SitePermission, { minItems: 1, maxItems: 3 }),
        expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Null: permanent' }),
      }, { additionalProperties: false }),
      response: { 200: Authorization, ...errorResponses },
    },
  }, async (req) => custody.authorize(requireActor(req), req.params.id, { permissions: req.body.permissions, expiresAt: req.body.expiresAt === null ? null : new Date(req.body.expiresAt) }, meta(req)));

  app.delete('/api/sites/:id/authorization', {
    config: { access: 'end_user' },
    schema: { tags: ['end users'], summary: 'Revoke the installer company\'s authorization', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await custody.revoke(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });

  app.get('/api/sites/:id/access', {
    config: { access: 'authenticated' },
    schema: { tags: ['sites', 'end users'], summary: 'Who has access to the site: its owner, the installer company and its people, the authorization', params: IdParams, response: { 200: SiteAccess, ...errorResponses } },
  }, async (req) => custody.access(requireActor(req), req.params.id));
}
