// Exceptions and their delivery (issue 15, src/server/exceptions, src/server/webhooks, src/server/email).
export const EXCEPTION_ERRORS = {
  EXCEPTION_RULE_NOT_FOUND: {
    status: 404,
    message: 'This exception rule does not exist.',
    hint: 'It may have been deleted; reload the list of rules.',
  },
  WEBHOOK_NOT_FOUND: {
    status: 404,
    message: 'This webhook endpoint does not exist.',
    hint: 'It may have been deleted; reload the list of webhooks.',
  },
  WEBHOOK_URL_REFUSED: {
    status: 422,
    message: 'The server does not send webhooks to this address.',
    hint: 'Use a public http(s) URL. Loopback, link-local and private addresses are refused unless the operator allows them (WEBHOOK_ALLOWED_RANGES).',
    note: 'The platform connect policy (src/protocol/net/connect-policy.ts) decides, for every address the host name resolves to, when the endpoint is saved and again at each delivery.',
  },
  EMAIL_NOT_CONFIGURED: {
    status: 409,
    message: 'E-mail is not configured on this server.',
    hint: 'The operator sets SMTP_URL and SMTP_FROM (docs/DEPLOYMENT.md); until then notifications are in-app and by webhook, and invitation links are shared by hand.',
  },
} as const;
