/**
 * The ONE place where device answers and transport failures become typed AppErrors.
 * Real devices report errors as ISAPI `ResponseStatus` (XML) or its JSON twin, sometimes with
 * HTTP 200, sometimes with 4xx; lockout comes as `userNameLocked` or as a `userCheck` body with
 * `lockStatus`/`unlockTime`/`retryLoginTime`. Socket errors become DEVICE_OFFLINE/DEVICE_TIMEOUT.
 */
import { AppError, isAppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/catalogue';
import { isSuccess, parseResponseStatus, type ResponseStatus } from '../protocol/isapi/response-status';
import { looksLikeXml, parseNumber, parseXml, xmlText } from '../protocol/isapi/xml';
import type { IsapiResponse } from './transport';

/** statusCode 7: a success that needs a reboot. */
export const STATUS_REBOOT_REQUIRED = 7;

const SUB_STATUS: Record<string, ErrorCode> = {
  notActivated: 'DEVICE_NOT_ACTIVATED',
  hasActivated: 'DEVICE_ALREADY_ACTIVATED',
  badAuthorization: 'DEVICE_AUTH_FAILED',
  loginPasswordError: 'DEVICE_AUTH_FAILED',
  passwordError: 'DEVICE_AUTH_FAILED',
  userNameLocked: 'DEVICE_LOCKED',
  userLocked: 'DEVICE_LOCKED',
  riskPassword: 'DEVICE_PASSWORD_RISKY',
  passwordMustContainMorethan8Characters: 'DEVICE_PASSWORD_RISKY',
  passwordLenNoMoreThan16: 'DEVICE_PASSWORD_RISKY',
  userPwdNameSame: 'DEVICE_PASSWORD_RISKY',
  userPwdNameMirror: 'DEVICE_PASSWORD_RISKY',
  invalidEZVIZSecretKey: 'VERIFICATION_CODE_INVALID',
  securityCodeFormatError: 'VERIFICATION_CODE_INVALID',
  deviceBusy: 'DEVICE_BUSY',
  upgrading: 'DEVICE_BUSY',
  upgradeFailed: 'DEVICE_UPGRADE_FAILED',
  badUpgradePackage: 'DEVICE_FIRMWARE_REJECTED',
  devicePlatformMismatch: 'DEVICE_FIRMWARE_REJECTED',
  versionMismatch: 'DEVICE_FIRMWARE_REJECTED',
  languageMismatch: 'DEVICE_FIRMWARE_REJECTED',
  notSupport: 'DEVICE_UNSUPPORTED',
  notSupported: 'DEVICE_UNSUPPORTED',
  invalidOperation: 'DEVICE_REJECTED',
};

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  return typeof v === 'string' ? parseNumber(v) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function parseJsonObject(body: Buffer): Record<string, unknown> | null {
  const t = body.subarray(0, 16).toString('utf8').trimStart();
  if (!t.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

interface LockInfo {
  locked: boolean;
  unlockSeconds?: number;
  attemptsLeft?: number;
}

/** Lock information from a `userCheck`-style body (XML or JSON), if any. */
function readLockInfo(body: Buffer): LockInfo | null {
  const json = parseJsonObject(body);
  let get: (k: string) => unknown;
  if (json) {
    const inner = (json.userCheck ?? json.UserCheck ?? json) as Record<string, unknown>;
    get = (k) => inner[k];
  } else if (looksLikeXml(body)) {
    let doc: Record<string, unknown>;
    try {
      doc = parseXml(body).doc;
    } catch {
      return null;
    }
    get = (k) => xmlText(doc, k);
  } else return null;
  const lockStatus = str(get('lockStatus'));
  const unlockSeconds = toNumber(get('unlockTime'));
  const attemptsLeft = toNumber(get('retryLoginTime'));
  if (lockStatus === undefined && unlockSeconds === undefined && attemptsLeft === undefined) return null;
  const info: LockInfo = { locked: lockStatus === 'lock' || lockStatus === 'locked' };
  if (unlockSeconds !== undefined) info.unlockSeconds = unlockSeconds;
  if (attemptsLeft !== undefined) info.attemptsLeft = attemptsLeft;
  return info;
}

function lockedError(unlockSeconds: number | undefined, now: () => number): AppError {
  const details: Record<string, unknown> = {};
  if (unlockSeconds !== undefined) {
    details.retryAfterSeconds = unlockSeconds;
    details.unlockAt = new Date(now() + unlockSeconds * 1000).toISOString();
  }
  return new AppError('DEVICE_LOCKED', undefined, { details });
}

/** Map a ResponseStatus to an AppError; null for success (1, 0 on some firmware) and reboot-required (7). */
export function errorFromResponseStatus(rs: ResponseStatus, now: () => number = Date.now): AppError | null {
  if (isSuccess(rs)) return null;
  const details: Record<string, unknown> = { statusCode: rs.statusCode };
  if (rs.subStatusCode) details.subStatusCode = rs.subStatusCode;
  if (rs.statusString) details.statusString = rs.statusString;
  // The device's own words (e.g. "The device holds at most 32 users."): shown where a refusal is recorded.
  if (rs.description) details.description = rs.description.slice(0, 200);
  if (rs.errorCode !== undefined) details.errorCode = `0x${rs.errorCode.toString(16)}`;
  // Without its query: a device may echo it, and user changes carry the admin's `loginPassword=` there.
  if (rs.requestURL) details.requestURL = rs.requestURL.split('?')[0];
  const code: ErrorCode | undefined = rs.subStatusCode ? SUB_STATUS[rs.subStatusCode] : undefined;
  if (code === 'DEVICE_LOCKED') return lockedError(undefined, now);
  if (code) return new AppError(code, undefined, { details });
  if (rs.statusCode === 2) return new AppError('DEVICE_BUSY', undefined, { details });
  if (rs.statusCode >= 3 && rs.statusCode <= 6) return new AppError('DEVICE_REJECTED', rs.statusString ? `The device rejected the request: ${rs.statusString}.` : undefined, { details });
  return new AppError('DEVICE_PROTOCOL_ERROR', `The device answered with an unknown status code ${rs.statusCode}.`, { details });
}

/**
 * The error carried by a device answer, or null when it is a success. Checks the body first (errors
 * with HTTP 200 exist), then the HTTP status.
 */
export function errorFromResponse(res: IsapiResponse, now: () => number = Date.now): AppError | null {
  const rs = res.body.length > 0 ? parseResponseStatus(res.body) : null;
  if (res.status === 401 || res.status === 403) {
    const lock = res.body.length > 0 ? readLockInfo(res.body) : null;
    if (lock?.locked || rs?.subStatusCode === 'userNameLocked') return lockedError(lock?.unlockSeconds, now);
    const rsErr = rs ? errorFromResponseStatus(rs, now) : null;
    if (rsErr && rsErr.code !== 'DEVICE_REJECTED') return rsErr;
    if (res.status === 403 && rsErr) return rsErr;
    const details: Record<string, unknown> = { httpStatus: res.status };
    if (lock?.attemptsLeft !== undefined) details.attemptsLeft = lock.attemptsLeft;
    return new AppError('DEVICE_AUTH_FAILED', undefined, { details });
  }
  if (rs) {
    const err = errorFromResponseStatus(rs, now);
    if (err) return err;
    if (res.status < 400) return null;
  }
  if (res.status < 300) return null;
  const details = { httpStatus: res.status };
  if (res.status === 404 || res.status === 405 || res.status === 501) return new AppError('DEVICE_UNSUPPORTED', undefined, { details });
  if (res.status === 413) return new AppError('DEVICE_BODY_TOO_LARGE', undefined, { details });
  if (res.status === 503) return new AppError('DEVICE_BUSY', undefined, { details });
  if (res.status === 400) return new AppError('DEVICE_REJECTED', undefined, { details });
  return new AppError('DEVICE_PROTOCOL_ERROR', `The device answered with HTTP ${res.status}.`, { details });
}

const OFFLINE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ESOCKETTIMEDOUT']);

function errorCodes(err: unknown): string[] {
  const out: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 4 && e !== null && typeof e === 'object'; i++) {
    const o = e as { code?: unknown; name?: unknown; errors?: unknown };
    if (typeof o.code === 'string') out.push(o.code);
    if (typeof o.name === 'string') out.push(o.name);
    if (Array.isArray(o.errors)) for (const x of o.errors) if (x && typeof (x as { code?: unknown }).code === 'string') out.push((x as { code: string }).code);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** Map a thrown transport failure (socket, timeout, …) to an AppError. AppErrors pass through. */
export function errorFromTransport(err: unknown, target?: string): AppError {
  if (isAppError(err)) return err;
  const codes = errorCodes(err);
  const details: Record<string, unknown> = {};
  if (target) details.target = target;
  const reason = codes[0];
  if (reason) details.reason = reason;
  if (codes.some((c) => TIMEOUT_CODES.has(c) || /timeout/i.test(c)) || (err instanceof Error && err.name === 'AbortError')) {
    return new AppError('DEVICE_TIMEOUT', undefined, { details, cause: err });
  }
  if (codes.some((c) => OFFLINE_CODES.has(c) || /SocketError/.test(c))) {
    return new AppError('DEVICE_OFFLINE', undefined, { details, cause: err });
  }
  return new AppError('DEVICE_OFFLINE', undefined, { details: { ...details, message: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200) }, cause: err });
}

/** Failures worth retrying for an idempotent read: the device may answer next time. */
export function isTransientDeviceError(err: unknown): boolean {
  return isAppError(err) && (err.code === 'DEVICE_TIMEOUT' || err.code === 'DEVICE_OFFLINE' || err.code === 'DEVICE_BUSY');
}
