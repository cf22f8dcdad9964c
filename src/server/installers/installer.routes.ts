import { Type } from 'typebox';
import type { App } from '../http/types';
import { meta, setSessionCookie } from '../http/types';
import { DateTime, Email, errorResponses, IdParams, Password, Permission, Shared, Uuid } from '../http/common.schema';
import { requireActor } from '../http/access';
import { SessionResponse } from '../auth/auth.schema';
import type { AuthService } from '../auth/auth.service';
import type { InstallerService } from './installer.service';

export const InstallerSchema = Shared(Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  permission: Permission,
  disabled: Type.Boolean(),
  createdAt: DateTime,
}, { $id: 'Installer' }));

const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) });

const InvitationCreated = Type.Object({
  invitation: Shared(Type.Object({ id: Uuid, email: Type.String(), permission: Permission, expiresAt: DateTime }, { $id: 'InvitationSummary' })),
  inviteUrl: Type.String(),
});

export const PendingInvitationSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  permission: Permission,
  expiresAt: DateTime,
  expired: Type.Boolean({ description: 'The link no longer works; send it again for a new one.' }),
  createdAt: DateTime,
  invitedBy: Type.Union([Type.Object({ id: Uuid, name: Type.String(), email: Type.String() }), Type.Null()], { description: 'Null when that account was removed.' }),
});

export function installerRoutes(app: App, deps: { installers: InstallerService; auth: AuthService; rateLimitPerMinute: number }): void {
  const { installers, auth } = deps;

  app.get('/api/installers', {
    config: { access: 'admin' },
    schema: { tags: ['installers'], summary: 'List installers', response: { 200: Type.Object({ items: Type.Array(InstallerSchema) }), ...errorResponses } },
  }, async (req) => ({ items: await installers.list(requireActor(req)) }));

  app.post('/api/installers/invitations', {
    config: { access: 'admin' },
    schema: {
      tags: ['installers'],
      summary: 'Invite an installer (link expires)',
      body: Type.Object({ email: Email, name: Type.String({ minLength: 1, maxLength: 200 }), permission: Permission }, { additionalProperties: false }),
      response: { 201: InvitationCreated, ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await installers.invite(requireActor(req), req.body, meta(req))));

  app.get('/api/installers/invitations', {
    config: { access: 'admin' },
    schema: {
      tags: ['installers'],
      summary: 'Invitations not accepted yet (expired ones too), newest first',
      response: { 200: Type.Object({ items: Type.Array(PendingInvitationSchema) }), ...errorResponses },
    },
  }, async (req) => ({ items: await installers.listInvitations(requireActor(req)) }));

  app.post('/api/installers/invitations/:id/resend', {
    config: { access: 'admin' },
    schema: {
      tags: ['installers'],
      summary: 'Send a pending invitation again: a new link with a new expiry (the old link stops working)',
      params: IdParams,
      response: { 200: InvitationCreated, ...errorResponses },
    },
  }, async (req) => installers.resendInvitation(requireActor(req), req.params.id, meta(req)));

  app.delete('/api/installers/invitations/:id', {
    config: { access: 'admin' },
    schema: { tags: ['installers'], summary: 'Cancel a pending invitation (its link stops working)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await installers.cancelInvitation(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });

  app.get('/api/invitations/:token', {
    config: { access: 'public', rateLimit: { max: deps.rateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['installers'],
      summary: 'Describe an invitation',
      params: TokenParams,
      response: { 200: Type.Object({ email: Type.String(), name: Type.String(), companyName: Type.String(), expiresAt: DateTime }), ...errorResponses },
    },
  }, async (req) => installers.describeInvitation(req.params.token));

  app.post('/api/invitations/:token/accept', {
    config: { access: 'public', rateLimit: { max: deps.rateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['installers'],
      summary: 'Accept an invitation: create the account and sign in',
      params: TokenParams,
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false }),
      response: { 201: SessionResponse, ...errorResponses },
    },
  }, async (req, reply) => {
    const userId = await installers.accept(req.params.token, req.body, meta(req));
    const s = await auth.openSession(userId);
    setSessionCookie(req, reply, s.sessionToken, s.expiresAt);
    return reply.status(201).send({ user: s.user, csrfToken: s.csrfToken });
  });

  app.post('/api/installers/:id/password-reset', {
    config: { access: 'admin' },
    schema: {
      tags: ['installers'],
      summary: 'Reset an installer\'s password: a one-time link; their sessions end now',
      params: IdParams,
      response: { 201: Type.Object({ resetUrl: Type.String(), expiresAt: DateTime }), ...errorResponses },
    },
  }, async (req, reply) => reply.status(201).send(await installers.resetPassword(requireActor(req), req.params.id, meta(req))));

  app.get('/api/password-resets/:token', {
    config: { access: 'public' },
    schema: { tags: ['installers'], summary: 'Whose password a reset link sets, while it still works', params: TokenParams, response: { 200: Type.Object({ email: Type.String(), expiresAt: DateTime }), ...errorResponses } },
  }, async (req) => installers.describeReset(req.params.token));

  app.post('/api/password-resets/:token', {
    config: { access: 'public', rateLimit: { max: deps.rateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['installers'],
      summary: 'Set a new password from a reset link (once); sessions and API tokens end',
      params: TokenParams,
      body: Type.Object({ password: Password }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (req, reply) => {
    await installers.completeReset(req.params.token, req.body.password, meta(req));
    return reply.status(204).send(null);
  });

  app.patch('/api/installers/:id', {
    config: { access: 'admin' },
    schema: {
      tags: ['installers'],
      summary: "Change an installer's permission, or disable / enable the account",
      params: IdParams,
      body: Type.Object({ permission: Type.Optional(Permission), disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: InstallerSchema, ...errorResponses },
    },
  }, async (req) => installers.update(requireActor(req), req.params.id, req.body, meta(req)));

  app.delete('/api/installers/:id', {
    config: { access: 'admin' },
    schema: { tags: ['installers'], summary: 'Remove an installer', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (req, reply) => {
    await installers.remove(requireActor(req), req.params.id, meta(req));
    return reply.status(204).send(null);
  });
}
