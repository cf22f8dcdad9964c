import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../errors/app-error';
import { parseResponseStatus } from '../protocol/isapi/response-status';
import { errorFromResponse, errorFromTransport } from './device-errors';

const rsXml = (ns: string, statusCode: number, sub: string, extra = '') =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\r\n<ResponseStatus version="1.0" xmlns="${ns}">\r\n<requestURL>/ISAPI/x</requestURL>\r\n<statusCode>${statusCode}</statusCode>\r\n<statusString>Invalid Operation</statusString>\r\n<subStatusCode>${sub}</subStatusCode>${extra}\r\n</ResponseStatus>\r\n`);
const res = (status: number, body: Buffer | string) => ({ status, headers: {}, body: Buffer.isBuffer(body) ? body : Buffer.from(body) });

describe('device error mapping', () => {
  it.each([
    ['notActivated', 4, 'DEVICE_NOT_ACTIVATED'],
    ['hasActivated', 4, 'DEVICE_ALREADY_ACTIVATED'],
    ['riskPassword', 6, 'DEVICE_PASSWORD_RISKY'],
    ['userPwdNameSame', 6, 'DEVICE_PASSWORD_RISKY'],
    ['invalidEZVIZSecretKey', 6, 'VERIFICATION_CODE_INVALID'],
    ['deviceBusy', 2, 'DEVICE_BUSY'],
    ['badUpgradePackage', 6, 'DEVICE_FIRMWARE_REJECTED'],
    ['upgradeFailed', 3, 'DEVICE_UPGRADE_FAILED'],
    ['notSupport', 4, 'DEVICE_UNSUPPORTED'],
    ['badXmlContent', 6, 'DEVICE_REJECTED'],
  ])('maps subStatusCode %s (both namespaces, HTTP 200 or 4xx)', (sub, code, expected) => {
    for (const ns of ['http://www.isapi.org/ver20/XMLSchema', 'http://www.hikvision.com/ver10/XMLSchema']) {
      for (const http of [200, 400, 403]) {
        const err = errorFromResponse(res(http, rsXml(ns, code, sub)));
        expect(err?.code).toBe(expected);
        expect(err?.details?.subStatusCode).toBe(sub);
      }
    }
  });

  it('keeps the requestURL a device echoes without its query (user changes carry loginPassword= there)', () => {
    const body = Buffer.from('<ResponseStatus version="1.0" xmlns="urn:x"><requestURL>/ISAPI/Security/users/2?loginPassword=Secret-1</requestURL><statusCode>4</statusCode><subStatusCode>invalidOperation</subStatusCode></ResponseStatus>');
    const err = errorFromResponse(res(400, body));
    expect(err?.details?.requestURL).toBe('/ISAPI/Security/users/2');
    expect(JSON.stringify(err)).not.toContain('Secret-1');
  });

  it('treats statusCode 1 and 7 as success and reads JSON ResponseStatus', () => {
    expect(errorFromResponse(res(200, rsXml('urn:x', 1, 'ok')))).toBeNull();
    expect(errorFromResponse(res(200, rsXml('urn:x', 7, 'rebootRequired')))).toBeNull();
    const json = JSON.stringify({ statusCode: 4, statusString: 'Invalid Operation', subStatusCode: 'notActivated', errorCode: 0x40000007 });
    expect(errorFromResponse(res(200, json))?.code).toBe('DEVICE_NOT_ACTIVATED');
    expect(parseResponseStatus(Buffer.from(json))?.errorCode).toBe(0x40000007);
  });

  it('maps 401 to DEVICE_AUTH_FAILED with attempts left, and lockouts to DEVICE_LOCKED with an unlock time', () => {
    const now = () => Date.parse('2026-01-01T00:00:00Z');
    const tries = `<userCheck version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><statusValue>401</statusValue><lockStatus>unlock</lockStatus><unlockTime>0</unlockTime><retryLoginTime>3</retryLoginTime></userCheck>`;
    const e1 = errorFromResponse(res(401, tries), now);
    expect(e1?.code).toBe('DEVICE_AUTH_FAILED');
    expect(e1?.details?.attemptsLeft).toBe(3);
    const locked = `<userCheck version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><statusValue>401</statusValue><lockStatus>lock</lockStatus><unlockTime>1800</unlockTime><retryLoginTime>0</retryLoginTime></userCheck>`;
    const e2 = errorFromResponse(res(401, locked), now);
    expect(e2?.code).toBe('DEVICE_LOCKED');
    expect(e2?.details?.unlockAt).toBe('2026-01-01T00:30:00.000Z');
    expect(errorFromResponse(res(401, rsXml('urn:x', 4, 'userNameLocked')), now)?.code).toBe('DEVICE_LOCKED');
    // The real 401 HTML page of a camera.
    expect(errorFromResponse(res(401, '<!DOCTYPE html><html><head><title>Document Error: Unauthorized</title></head></html>'))?.code).toBe('DEVICE_AUTH_FAILED');
  });

  it('maps HTTP statuses without a ResponseStatus', () => {
    expect(errorFromResponse(res(404, ''))?.code).toBe('DEVICE_UNSUPPORTED');
    expect(errorFromResponse(res(503, ''))?.code).toBe('DEVICE_BUSY');
    expect(errorFromResponse(res(500, 'oops'))?.code).toBe('DEVICE_PROTOCOL_ERROR');
    expect(errorFromResponse(res(200, '<DeviceInfo/>'))).toBeNull();
  });

  it('maps socket failures to DEVICE_OFFLINE / DEVICE_TIMEOUT', () => {
    expect(errorFromTransport(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).code).toBe('DEVICE_OFFLINE');
    expect(errorFromTransport(Object.assign(new Error('x'), { code: 'ECONNRESET' })).code).toBe('DEVICE_OFFLINE');
    expect(errorFromTransport(Object.assign(new Error('x'), { name: 'HttpClientRequestTimeoutError' })).code).toBe('DEVICE_TIMEOUT');
    expect(errorFromTransport(new Error('x', { cause: Object.assign(new Error('y'), { code: 'UND_ERR_HEADERS_TIMEOUT' }) })).code).toBe('DEVICE_TIMEOUT');
  });

  it('never throws on arbitrary bodies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.string(), fc.constantFrom('<ResponseStatus><statusCode>', '{"statusCode":', '<userCheck><lockStatus>lock')), (status, body) => {
        const e = errorFromResponse(res(status, body));
        expect(e === null || isAppError(e)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
