/** The answers an emulated device gives: XML and JSON documents, ResponseStatus, the 401 page. */
import { buildResponseStatusJson, buildResponseStatusXml, deviceJson, httpStatusForStatusCode, responseStatus } from '../../protocol/isapi/response-status';
import type { IsapiResponse } from '../types';
import type { IsapiContext, StatusExtra } from './context';

export function xmlResponse(status: number, body: string, headers: Record<string, string> = {}): IsapiResponse {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body: Buffer.from(body, 'utf8') };
}

export function jsonResponse(status: number, value: unknown): IsapiResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(deviceJson(value), 'utf8') };
}

/** ResponseStatus for `sub` (a sub status code), as JSON when the request asked for JSON. */
export function statusResponse(ns: string, c: Pick<IsapiContext, 'rawPath' | 'json'>, sub: string, extra: StatusExtra = {}): IsapiResponse {
  const { http, ...rest } = extra;
  const r = responseStatus(sub, { requestURL: c.rawPath, ...rest });
  const status = http ?? httpStatusForStatusCode(r.statusCode);
  if (c.json) return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(buildResponseStatusJson(r), 'utf8') };
  return xmlResponse(status, buildResponseStatusXml(r, { ns }));
}

const UNAUTHORIZED_PAGE =
  '<!DOCTYPE html>\r\n<html><head><title>Document Error: Unauthorized</title></head>\r\n<body><h2>Access Error: 401 -- Unauthorized</h2>\r\n<p>Authentication Error</p>\r\n</body>\r\n</html>\r\n';

/** The HTML 401 of the device's web server, with a digest challenge. */
export function unauthorizedHtml(challenge: string): IsapiResponse {
  return { status: 401, headers: { 'content-type': 'text/html', 'www-authenticate': challenge }, body: Buffer.from(UNAUTHORIZED_PAGE) };
}
