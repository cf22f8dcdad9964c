// Accounts, sign-in, authorization, sites (issue 3).
export const AUTH_ERRORS = {
  AUTH_REQUIRED: { status: 401, message: 'You are not signed in.', hint: 'Sign in and try again.' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: 'The e-mail or password is incorrect.', hint: 'Check both and try again; after several failed attempts sign-in is paused for a while.' },
  AUTH_LOCKED: { status: 429, message: 'Too many failed sign-in attempts.', hint: 'Wait until the time given in details.retryAfterSeconds has passed, then try again, or ask your installer admin to help.' },
  AUTH_ACCOUNT_DISABLED: { status: 403, message: 'This account is disabled.', hint: 'Ask your installer admin to enable it again.' },
  CSRF_TOKEN_INVALID: { status: 403, message: 'The request is missing its anti-forgery token.', hint: 'Reload the page and try again. Scripts should use an API token (Authorization: Bearer).' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.', hint: 'Ask your installer admin for the permission or for an assignment to the site.' },
  PASSWORD_TOO_WEAK: { status: 400, message: 'The password does not meet the rules.', hint: 'Use 10 to 128 characters with at least two of: lower case, upper case, digits, symbols; do not use your e-mail address.' },
  PASSWORD_INCORRECT: { status: 400, message: 'The current password is incorrect.', hint: 'Type your current password again.' },
  SETUP_ALREADY_DONE: { status: 409, message: 'Sitekeeper is already set up.', hint: 'Sign in with the installer admin account instead.' },
  SETUP_TOKEN_INVALID: { status: 403, message: 'The setup link is not valid.', hint: 'Use the setup link printed on the server console at first start.' },
  EMAIL_TAKEN: { status: 409, message: 'An account with this e-mail already exists.', hint: 'Use another e-mail address, or sign in with that account.' },
  INVITATION_NOT_FOUND: { status: 404, message: 'This invitation link is not valid.', hint: 'Ask your installer admin to send a new invitation.' },
  INVITATION_EXPIRED: { status: 410, message: 'This invitation has expired.', hint: 'Ask your installer admin to send a new invitation.' },
  INVITATION_USED: { status: 409, message: 'This invitation has already been used.', hint: 'Sign in with the account created from it, or ask for a new invitation.' },
  INSTALLER_NOT_FOUND: { status: 404, message: 'No such installer.', hint: 'Reload the installer list; the account may have been removed.' },
  SITE_NOT_FOUND: { status: 404, message: 'No such site.', hint: 'Reload the site list; the site may have been deleted.' },
} as const;
