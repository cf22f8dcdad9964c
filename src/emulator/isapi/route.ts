/**
 * What an ISAPI endpoint module gives the router (./router.ts): a list of routes, each a method,
 * a lower-case path pattern, a handler, and the device types that have the endpoint (other types
 * answer 404 notSupport as if the path did not exist). Plus the body and error helpers these
 * modules share.
 */
import { parseXml } from '../../protocol/isapi/xml';
import type { EmulatedDeviceType, IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';

export type IsapiHandler = (c: IsapiContext, m: RegExpExecArray) => Promise<IsapiResponse> | IsapiResponse;
export type IsapiRoute = [method: string, path: RegExp, handler: IsapiHandler, types?: readonly EmulatedDeviceType[]];

/**
 * The root element's content of an XML request body, or the device's error answer: `badXmlFormat`
 * (statusCode 5) when it does not parse, `badXmlContent` (6) when the root is not `root`.
 */
export function xmlBody(d: DeviceCore, c: IsapiContext, root: string): Record<string, unknown> | IsapiResponse {
  let parsed;
  try {
    parsed = parseXml(c.req.body);
  } catch {
    return d.rs(c, 'badXmlFormat');
  }
  if (parsed.root !== root) return d.rs(c, 'badXmlContent', { description: `Expected <${root}>, got <${parsed.root}>.` });
  return parsed.doc;
}

/** The request body read by a protocol parser, or `badXmlContent` when the parser throws. */
export function parsedBody<T extends object>(d: DeviceCore, c: IsapiContext, parse: (body: Buffer) => T): T | IsapiResponse {
  try {
    return parse(c.req.body);
  } catch {
    return d.rs(c, 'badXmlContent');
  }
}

export function isResponse(v: unknown): v is IsapiResponse {
  return typeof v === 'object' && v !== null && Buffer.isBuffer((v as { body?: unknown }).body) && typeof (v as { status?: unknown }).status === 'number';
}

/** 404 for an id in the path that the device does not have (as for disks, zones and areas). */
export function noSuch(d: DeviceCore, c: IsapiContext, what: string): IsapiResponse {
  return d.rs(c, 'badParameters', { http: 404, description: `No such ${what}.` });
}
