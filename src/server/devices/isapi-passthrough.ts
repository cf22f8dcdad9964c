/**
 * The ISAPI pass-through's allow-list (issue 16), pure and table-tested: which methods and paths an
 * installer admin may send to a device through Sitekeeper. A path is taken literally: only
 * `/ISAPI/` followed by plain segments of letters, digits, `_` and `-` (no dot segments, no percent
 * encoding, no backslashes, no doubled slashes), an optional query of the same plain characters and
 * `=&`, under one of the allowed prefixes, with a method that prefix allows. Security and user
 * management are not forwarded (their bodies carry passwords); firmware and reboot have their own
 * audited options; read-only areas take GET only; where the device would push events is read, not
 * written (a write points the device at any host); formatting a disk or a factory reset is never
 * forwarded, whatever the prefix.
 */
export const ISAPI_METHODS = ['GET', 'PUT', 'POST'] as const;
export type IsapiMethod = (typeof ISAPI_METHODS)[number];

/** Path prefixes (case-insensitive, whole segments) that may be forwarded, each with its methods. */
export const ISAPI_ALLOWED: ReadonlyArray<{ prefix: string; methods: readonly IsapiMethod[] }> = [
  { prefix: '/ISAPI/System/deviceInfo', methods: ['GET', 'PUT'] },
  { prefix: '/ISAPI/System/time', methods: ['GET', 'PUT'] },
  { prefix: '/ISAPI/System/status', methods: ['GET'] },
  { prefix: '/ISAPI/System/capabilities', methods: ['GET'] },
  { prefix: '/ISAPI/System/Network/interfaces', methods: ['GET', 'PUT'] },
  { prefix: '/ISAPI/System/Video', methods: ['GET', 'PUT'] },
  { prefix: '/ISAPI/Streaming/channels', methods: ['GET', 'PUT'] },
  { prefix: '/ISAPI/ContentMgmt/Storage', methods: ['GET', 'PUT'] },
  { prefix: '/ISAPI/ContentMgmt/InputProxy/channels', methods: ['GET', 'PUT', 'POST'] },
  { prefix: '/ISAPI/Event/triggers', methods: ['GET', 'PUT', 'POST'] },
  { prefix: '/ISAPI/Event/notification/httpHosts', methods: ['GET'] },
  { prefix: '/ISAPI/SecurityCP/status', methods: ['GET'] },
];
export const ISAPI_ALLOWED_PREFIXES = ISAPI_ALLOWED.map((a) => a.prefix);

/** Path segments never forwarded under any prefix (destructive: erase a disk, reset the device). */
const DENIED_SEGMENTS = new Set(['format', 'factoryreset', 'factorydefault', 'reboot', 'updatefirmware', 'upgradestatus', 'activate']);

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

/** The allow-list in words, for the route's description. */
export function describeAllowList(): string {
  return ISAPI_ALLOWED.map((a) => `${a.methods.join('/')} ${a.prefix}`).join('; ');
}

const PATH = /^\/ISAPI(?:\/[A-Za-z0-9_-]+)+(?:\?[A-Za-z0-9_=&-]*)?$/i;

export function checkIsapiRequest(req: IsapiPassthroughRequest): IsapiCheck {
  if (!(ISAPI_METHODS as readonly string[]).includes(req.method)) return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'method' };
  if (req.path.length > 256 || !PATH.test(req.path)) return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'path_syntax' };
  const bare = (req.path.split('?')[0] ?? '').toLowerCase();
  const entry = ISAPI_ALLOWED.find((a) => {
    const lp = a.prefix.toLowerCase();
    return bare === lp || bare.startsWith(`${lp}/`);
  });
  if (!entry) return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'path_not_allowed' };
  if (bare.split('/').some((s) => DENIED_SEGMENTS.has(s))) return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'destructive' };
  if (!entry.methods.includes(req.method as IsapiMethod)) return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'method_not_allowed_here' };
  if (req.body !== undefined && Buffer.byteLength(req.body, 'utf8') > ISAPI_MAX_BODY_BYTES) return { ok: false, code: 'ISAPI_BODY_TOO_LARGE', reason: 'body_too_large' };
  if (req.method === 'GET' && req.body !== undefined && req.body !== '') return { ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason: 'get_with_body' };
  return { ok: true, path: req.path };
}
