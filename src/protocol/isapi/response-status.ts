/**
 * ISAPI `ResponseStatus`: the error/result document of every ISAPI write and of every failure.
 * Builders (XML and the JSON variant of `?format=json` endpoints) and one lenient parser that
 * accepts what real devices send (either namespace, `errorCode` decimal or hex, JSON or XML).
 */
import { buildXml, definedFields, ISAPI_NS, parseNumber, parseXml, xmlInt, xmlText } from './xml';

export const STATUS_STRINGS: Record<number, string> = {
  0: 'OK',
  1: 'OK',
  2: 'Device Busy',
  3: 'Device Error',
  4: 'Invalid Operation',
  5: 'Invalid XML Format',
  6: 'Invalid XML Content',
  7: 'Reboot Required',
};

/** Known subStatusCodes: their statusCode and (where the vendor guide gives one) errorCode. */
export const SUB_STATUS: Record<string, { statusCode: number; errorCode?: number }> = {
  ok: { statusCode: 1, errorCode: 1 },
  deviceBusy: { statusCode: 2 },
  upgrading: { statusCode: 2 },
  deviceError: { statusCode: 3 },
  upgradeFailed: { statusCode: 3, errorCode: 0x30006012 },
  invalidOperation: { statusCode: 4 },
  notSupport: { statusCode: 4 },
  badAuthorization: { statusCode: 4, errorCode: 0x40000003 },
  notActivated: { statusCode: 4, errorCode: 0x40000007 },
  hasActivated: { statusCode: 4, errorCode: 0x40000008 },
  loginPasswordError: { statusCode: 4, errorCode: 0x4000000c },
  userNameLocked: { statusCode: 4, errorCode: 0x40001a19 },
  badXmlFormat: { statusCode: 5 },
  badXmlContent: { statusCode: 6 },
  badParameters: { statusCode: 6 },
  invalidContent: { statusCode: 6 },
  riskPassword: { statusCode: 6, errorCode: 0x60000015 },
  passwordMustContainMorethan8Characters: { statusCode: 6 },
  passwordLenNoMoreThan16: { statusCode: 6 },
  userPwdNameSame: { statusCode: 6 },
  userPwdNameMirror: { statusCode: 6 },
  securityCodeFormatError: { statusCode: 6, errorCode: 0x60001029 },
  invalidEZVIZSecretKey: { statusCode: 6, errorCode: 0x60001034 },
  badUpgradePackage: { statusCode: 6 },
  devicePlatformMismatch: { statusCode: 6 },
  versionMismatch: { statusCode: 6 },
  userNotExist: { statusCode: 6 },
  userAlreadyExist: { statusCode: 6 },
  rebootRequired: { statusCode: 7, errorCode: 0x70000001 },
  'wait1~3MinutesGetIPAfterSetupDHCP': { statusCode: 7 },
};

export interface ResponseStatus {
  requestURL?: string;
  statusCode: number;
  statusString: string;
  subStatusCode: string;
  errorCode?: number;
  errorMsg?: string;
  description?: string;
  /** Present on some AX Pro / newer firmware answers (e.g. id of a created user). */
  id?: number;
}

/** The HTTP status a device uses for a given ResponseStatus statusCode (devices do not always). */
export function httpStatusForStatusCode(statusCode: number): number {
  switch (statusCode) {
    case 0:
    case 1:
    case 7:
      return 200;
    case 2:
      return 503;
    case 3:
      return 500;
    case 4:
      return 403;
    default:
      return 400;
  }
}

/** A complete ResponseStatus for a subStatusCode (`ok`, `notActivated`, …). */
export function responseStatus(subStatusCode: string, extra: Partial<ResponseStatus> = {}): ResponseStatus {
  const known = SUB_STATUS[subStatusCode];
  const statusCode = extra.statusCode ?? known?.statusCode ?? 4;
  return {
    statusCode,
    statusString: STATUS_STRINGS[statusCode] ?? 'Invalid Operation',
    subStatusCode,
    ...(known?.errorCode !== undefined ? { errorCode: known.errorCode } : {}),
    ...extra,
  };
}

export function buildResponseStatusXml(rs: ResponseStatus, options: { ns?: string } = {}): string {
  return buildXml(
    'ResponseStatus',
    {
      requestURL: rs.requestURL ?? '',
      statusCode: rs.statusCode,
      statusString: rs.statusString,
      ...(rs.id !== undefined ? { id: rs.id } : {}),
      subStatusCode: rs.subStatusCode,
      ...(rs.errorCode !== undefined ? { errorCode: rs.errorCode } : {}),
      ...(rs.errorMsg !== undefined ? { errorMsg: rs.errorMsg } : {}),
      ...(rs.description !== undefined ? { description: rs.description } : {}),
    },
    { ns: options.ns ?? ISAPI_NS, version: '1.0' },
  );
}

/** Device JSON: tab-indented, no final newline (as in the real `?format=json` sample). */
export function deviceJson(value: unknown): string {
  return JSON.stringify(value, null, '\t').replace(/^(\t*"(?:[^"\\]|\\.)*"): /gm, '$1:\t');
}

export function buildResponseStatusJson(rs: ResponseStatus): string {
  return deviceJson({
    ...(rs.requestURL !== undefined ? { requestURL: rs.requestURL } : {}),
    statusCode: rs.statusCode,
    statusString: rs.statusString,
    subStatusCode: rs.subStatusCode,
    ...(rs.errorCode !== undefined ? { errorCode: rs.errorCode } : {}),
    errorMsg: rs.errorMsg ?? rs.subStatusCode,
    ...(rs.description !== undefined ? { description: rs.description } : {}),
    ...(rs.id !== undefined ? { id: rs.id } : {}),
  });
}

/**
 * Reads a ResponseStatus from an XML or JSON body. Returns `null` when the body is not one
 * (another document, garbage, empty); never throws.
 */
export function parseResponseStatus(body: string | Buffer | Uint8Array): ResponseStatus | null {
  const text = (typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).trim();
  if (text === '') return null;
  if (text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      const o = (typeof j.ResponseStatus === 'object' && j.ResponseStatus !== null ? j.ResponseStatus : j) as Record<string, unknown>;
      const statusCode = Number(o.statusCode);
      if (!Number.isFinite(statusCode) || o.statusCode === undefined) return null;
      const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      return {
        statusCode,
        statusString: str(o.statusString) ?? STATUS_STRINGS[statusCode] ?? '',
        subStatusCode: str(o.subStatusCode) ?? '',
        ...definedFields({
          requestURL: str(o.requestURL),
          errorCode: typeof o.errorCode === 'number' ? o.errorCode : parseNumber(str(o.errorCode)),
          errorMsg: str(o.errorMsg),
          description: str(o.description),
        }),
      };
    } catch {
      return null;
    }
  }
  try {
    const { root, doc } = parseXml(text);
    if (root !== 'ResponseStatus') return null;
    const statusCode = xmlInt(doc, 'statusCode');
    if (statusCode === undefined) return null;
    return {
      statusCode,
      statusString: xmlText(doc, 'statusString') ?? STATUS_STRINGS[statusCode] ?? '',
      subStatusCode: xmlText(doc, 'subStatusCode') ?? '',
      ...definedFields({
        requestURL: xmlText(doc, 'requestURL'),
        errorCode: xmlInt(doc, 'errorCode'),
        errorMsg: xmlText(doc, 'errorMsg'),
        description: xmlText(doc, 'description'),
        id: xmlInt(doc, 'id'),
      }),
    };
  } catch {
    return null;
  }
}

/** True when a ResponseStatus means success (statusCode 1; 0 on some AX Pro answers; 7 = done, reboot needed). */
export function isSuccess(rs: ResponseStatus): boolean {
  return rs.statusCode === 1 || rs.statusCode === 0 || rs.statusCode === 7;
}
