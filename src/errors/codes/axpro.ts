// AX Pro panel accounts kept in step with who manages the site (issue 17, src/server/axpro, decision 0016).
// These are recorded on a panel account (GET /api/devices/:id/panel-accounts) rather than answered
// to a request: the reconcile that met them runs in the background and tries again.
export const AXPRO_ERRORS = {
  AXPRO_ADMIN_PASSWORD_NEEDED: {
    status: 409,
    message: "Sitekeeper needs the panel's admin password to change its user accounts.",
    hint: "Enter the panel's admin password on the device page; the accounts are brought up to date at once.",
  },
  AXPRO_PASSWORD_NEEDED: {
    status: 409,
    message: 'The panel account is made with its owner\'s Sitekeeper password, which Sitekeeper does not keep.',
    hint: 'It is created the next time the user signs in to Sitekeeper (or changes their password).',
  },
  AXPRO_NAME_TAKEN: {
    status: 409,
    message: 'The panel already has a user of that name that Sitekeeper did not create.',
    hint: 'Delete or rename that user on the panel; Sitekeeper tries again at the next reconcile.',
  },
  AXPRO_PANEL_OFFLINE: {
    status: 503,
    message: 'The panel did not answer: its accounts are brought up to date when it is back online.',
    hint: 'Check that the panel is powered and connected.',
  },
  AXPRO_PANEL_REFUSED: {
    status: 422,
    message: 'The panel refused the account change.',
    hint: 'The message says why (user limit reached, locked user, a password the panel does not accept); Sitekeeper tries again at the next reconcile.',
  },
  AXPRO_IDENTITY_UNPROVEN: {
    status: 409,
    message: "This panel's identity is not proven, so Sitekeeper does not send it anyone's login password.",
    hint: "Add the panel through the device cloud, or with its verification code (its claim then shows 'Verification code'); its accounts are then made at each user's next sign-in.",
  },
} as const;
