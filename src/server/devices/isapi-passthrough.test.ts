import { describe, expect, it } from 'vitest';
import { checkIsapiRequest, ISAPI_MAX_BODY_BYTES } from './isapi-passthrough';

describe('ISAPI pass-through allow-list', () => {
  it.each([
    ['GET', '/ISAPI/System/deviceInfo'],
    ['GET', '/isapi/system/DEVICEINFO'],
    ['PUT', '/ISAPI/System/time/ntpServers/1'],
    ['GET', '/ISAPI/ContentMgmt/Storage/hdd/1/SMARTTest/status'],
    ['GET', '/ISAPI/SecurityCP/status/zones?format=json'],
    ['POST', '/ISAPI/Event/triggers'],
    ['GET', '/ISAPI/Event/notification/httpHosts'],
    ['POST', '/ISAPI/ContentMgmt/InputProxy/channels'],
    ['PUT', '/ISAPI/ContentMgmt/Storage/hdd/1'],
  ])('allows %s %s', (method, path) => {
    expect(checkIsapiRequest({ method, path })).toEqual({ ok: true, path });
  });

  it.each([
    ['DELETE', '/ISAPI/System/deviceInfo', 'method'],
    ['get', '/ISAPI/System/deviceInfo', 'method'],
    ['GET', '/ISAPI/Security/users', 'path_not_allowed'],
    ['PUT', '/ISAPI/System/updateFirmware', 'path_not_allowed'],
    ['PUT', '/ISAPI/System/reboot', 'path_not_allowed'],
    ['GET', '/ISAPI/System/deviceInfoX', 'path_not_allowed'],
    ['GET', '/ISAPI/SecurityCPX/status', 'path_not_allowed'],
    ['GET', '/ISAPI/System/../Security/users', 'path_syntax'],
    ['GET', '/ISAPI/System/time/./ntpServers', 'path_syntax'],
    ['GET', '/ISAPI/System/%2e%2e/Security/users', 'path_syntax'],
    ['GET', '/ISAPI/System%2FdeviceInfo', 'path_syntax'],
    ['GET', '/ISAPI/System\\deviceInfo', 'path_syntax'],
    ['GET', '/ISAPI//System/deviceInfo', 'path_syntax'],
    ['GET', '//ISAPI/System/deviceInfo', 'path_syntax'],
    ['GET', 'ISAPI/System/deviceInfo', 'path_syntax'],
    ['GET', 'http://127.0.0.1/ISAPI/System/deviceInfo', 'path_syntax'],
    ['GET', '/ISAPI/System/deviceInfo?x=/../a', 'path_syntax'],
    ['GET', '/ISAPI/System/deviceInfo#frag', 'path_syntax'],
    ['GET', '/ISAPI/System/deviceInfo\r\nHost: evil', 'path_syntax'],
    ['GET', '/ISAPI/System/deviceInfo\u0000', 'path_syntax'],
    ['GET', `/ISAPI/System/${'a'.repeat(300)}`, 'path_syntax'],
    // Narrowed per prefix: read-only areas, event push targets, destructive segments under allowed prefixes.
    ['PUT', '/ISAPI/System/status', 'method_not_allowed_here'],
    ['POST', '/ISAPI/System/time', 'method_not_allowed_here'],
    ['PUT', '/ISAPI/Event/notification/httpHosts/1', 'method_not_allowed_here'],
    ['POST', '/ISAPI/Event/notification/httpHosts', 'method_not_allowed_here'],
    ['PUT', '/ISAPI/SecurityCP/status/zones', 'method_not_allowed_here'],
    ['PUT', '/ISAPI/ContentMgmt/Storage/hdd/1/format', 'destructive'],
    ['PUT', '/ISAPI/ContentMgmt/Storage/hdd/format', 'destructive'],
    ['GET', '/ISAPI/System/Video/inputs/channels/1/FORMAT', 'destructive'],
  ])('refuses %s %j (%s)', (method, path, reason) => {
    expect(checkIsapiRequest({ method, path })).toMatchObject({ ok: false, code: 'ISAPI_REQUEST_NOT_ALLOWED', reason });
  });

  it('caps the body, counted in bytes', () => {
    expect(checkIsapiRequest({ method: 'PUT', path: '/ISAPI/System/time', body: 'x'.repeat(ISAPI_MAX_BODY_BYTES) }).ok).toBe(true);
    expect(checkIsapiRequest({ method: 'PUT', path: '/ISAPI/System/time', body: 'é'.repeat(ISAPI_MAX_BODY_BYTES / 2 + 1) })).toMatchObject({ ok: false, code: 'ISAPI_BODY_TOO_LARGE' });
    expect(checkIsapiRequest({ method: 'GET', path: '/ISAPI/System/time', body: '<x/>' })).toMatchObject({ ok: false, reason: 'get_with_body' });
  });
});
