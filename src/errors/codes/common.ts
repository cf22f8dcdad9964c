export const COMMON_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.', hint: 'Check the fields listed in details and send the request again.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.', hint: 'Send a well-formed JSON body with Content-Type: application/json.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.', hint: 'Send a smaller body; images must be under the upload limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted here.', hint: 'Send JSON, or multipart/form-data for uploads.' },
  NOT_FOUND: { status: 404, message: 'Nothing was found at this address.', hint: 'Check the URL; the object may have been deleted.' },
  METRICS_TOKEN_INVALID: { status: 401, message: 'GET /metrics needs the metrics token.', hint: 'Send Authorization: Bearer <token>, the METRICS_TOKEN set in the server configuration (docs/DEPLOYMENT.md).' },
  NOTIFICATION_NOT_FOUND: { status: 404, message: 'No such notification.', hint: 'Reload your notifications; only your own can be marked read.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.', hint: 'Reload and try again.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests.', hint: 'Wait a moment and try again.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Sitekeeper cannot reach its database or broker right now.', hint: 'Try again in a moment; if it persists, ask your administrator to check the server.' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on the server.', hint: 'Try again; if it persists, report the correlation id to your administrator.' },
} as const;
