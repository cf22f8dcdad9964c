/**
 * The ISAPI pass-through's allow-list (issue 16), pure and table-tested: which methods and paths an
 * installer admin may send to a device through Sitekeeper. A path is taken literally: only
 * `/ISAPI/` followed by plain segments of letters, digits, `_` and `-` (no dot segments, no percent
 * encoding, no backslashes, no doubled slashes), an optional query of the same plain characters and
 * `=&`, under one of the allowed prefixes. Security and user management are not forwarded (their
 * bodies carry passwords); firmware and reboot have their own audited options.
 */
export const ISAPI_METHODS = ['GET', 'PUT', 'POST'] as const;
export type IsapiMethod = (typeof ISAPI_METHODS)[number];

/** Path prefixes (case-insensitive, whole segments) that may be forwarded. */
export const ISAPI_ALLOWED_PREFIXES = [
  '/ISAPI/System/deviceInfo',
  '/ISAPI/System/time',
  '/ISAPI/System/status',
  '/ISAPI/System/capabilities',
  '/ISAPI/System/Network/interfaces',
  '/ISAPI/System/Video',
  '/ISAPI/Streaming/channels',
  '/ISAPI/ContentMgmt/Storage',
  '/ISAPI/ContentMgmt/InputProxy/channels',
  '/ISAPI/Event/triggers',
  '/ISAPI/Event/notification/httpHosts',
  '/ISAPI/SecurityCP/status',
] as const;

/** Request body cap (bytes): configuration documents are small. */
export const ISAPI_MAX_BODY_BYTES = 64 * 1024;
/** Answer cap (bytes) returned to the caller. */
export const ISAPI_MAX_RESPONSE_BYTES = 256 * 1024;

export interface IsapiPassthroughRequest {
  method: string;
  path: string;
  body?: string | undefined;
}

export type IsapiCheck = { ok: true; path: string } | { ok: false; code: 'ISAPI_REQUEST_NOT_ALLOWED' | 'ISAPI_BODY_TOO_LARGE'; reason: string };

const PATH = /^\/ISAPI(?:\/[A-Za-z0-9_-]+)+(?:\?[A-Za-z0-9_=&-]*)?$/i;

export function checkIsapiRequest(req: IsapiPassthroughRequest): IsapiCheck {
  if (!(ISAPI_METHODS as readonly string[]).includes(req.method)) return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'method' };
  if (req.path.length > 256 || !PATH.test(req.path)) return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'path_syntax' };
  const bare = (req.path.split('?')[0] ?? '').toLowerCase();
  const allowed = ISAPI_ALLOWED_PREFIXES.some((p) => {
    const lp = p.toLowerCase();
    return bare === lp || bare.startsWith(`${lp}/`);
  });
  if (!allowed) return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'path_not_allowed' };
  if (req.body !== undefined && Buffer.byteLength(req.body, 'utf8') > ISAPI_MAX_BODY_BYTES) return { ok: false, code: 'ISAPI_BODY_TOO_LARGE', reason: 'body_too_large' };
  if (req.method === 'GET' && req.body !== undefined && req.body !== '') return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'get_with_body' };
  return { ok: true, path: req.path };
}
