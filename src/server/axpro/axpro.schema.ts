import { Type, type Static } from 'typebox';

export const PanelAccountSchema = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  /** The Sitekeeper user's name and e-mail (null once the user is gone and their panel user is being deleted). */
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  panelUserName: Type.String(),
  panelUserId: Type.Union([Type.Integer(), Type.Null()]),
  level: Type.String({ description: 'AX Pro level: installer (installer company) or administrator (the end user owner).' }),
  state: Type.Union([Type.Literal('creating'), Type.Literal('present'), Type.Literal('password_needed'), Type.Literal('admin_password_needed'), Type.Literal('identity_unproven'), Type.Literal('conflict'), Type.Literal('deleting')], {
    description: 'present: on the panel. password_needed: made at the user\'s next sign-in. admin_password_needed: the panel\'s admin password is unknown or refused. identity_unproven: the panel\'s identity is not proven, so no login password is sent to it. conflict: the panel refused (see error). creating/deleting: a change in progress.',
  }),
  passwordPending: Type.Boolean({ description: 'The login password changed and the panel does not have the new one yet.' }),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const PanelAccountsSchema = Type.Object({
  /** admin_password_needed when any account waits for the panel's admin password (the device page asks for it). */
  adminPasswordNeeded: Type.Boolean(),
  /** Whether login passwords may be sent to the panel: reached through the device cloud, or claimed with its verification code (decision 0016). */
  identityProven: Type.Boolean(),
  items: Type.Array(PanelAccountSchema),
});
export type PanelAccounts = Static<typeof PanelAccountsSchema>;
