/**
 * Client-side reading and writing of ISAPI XML: the protocol codec (src/protocol/isapi/xml.ts:
 * entity processing off, prefixes and namespaces dropped, both isapi.org and hikvision.com
 * namespaces accepted) with the device client's rules on top — a device's malformed, oversized or
 * DTD-carrying answer is DEVICE_PROTOCOL_ERROR, never a crash, and the lenient readings real
 * devices need (hex integers, `yes` for true).
 */
import { XMLValidator } from 'fast-xml-parser';
import { AppError, isAppError } from '../errors/app-error';
import { buildXml, decodeXmlEntities, ISAPI_NS, parseXml, xmlList, type XmlElement } from '../protocol/isapi/xml';

/** Bodies above this are not parsed (a device answer is a few KB; a big one is a fault). */
export const MAX_XML_BYTES = 2 * 1024 * 1024;

export const ISAPI_NAMESPACE = ISAPI_NS;

export type XmlNode = Record<string, unknown>;

export interface ParsedXml {
  /** Root element name without prefix, e.g. `DeviceInfo`. */
  root: string;
  /** Attributes of the root (xmlns, version) with the `@_` prefix. */
  node: XmlNode;
}

function protocolError(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('DEVICE_PROTOCOL_ERROR', message, details ? { details } : undefined);
}

/** True when the body looks like XML (devices sometimes send HTML error pages). */
export function looksLikeXml(body: Buffer | string): boolean {
  const head = (typeof body === 'string' ? body.slice(0, 64) : body.subarray(0, 64).toString('utf8')).trimStart();
  return head.startsWith('<?xml') || (head.startsWith('<') && !/^<(!doctype\s+)?html/i.test(head));
}

/** Parse an ISAPI XML document; anything malformed becomes DEVICE_PROTOCOL_ERROR, never a crash. */
export function parseIsapiXml(body: Buffer | string): ParsedXml {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > MAX_XML_BYTES) throw protocolError('The device sent an XML answer that is too large.', { bytes: size });
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw protocolError('The device sent XML with a document type declaration, which is refused.');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw protocolError('The device sent malformed XML.', { reason: valid.err.msg, line: valid.err.line });
  try {
    const { root, doc } = parseXml(text, { maxBytes: MAX_XML_BYTES });
    return { root, node: doc };
  } catch (e) {
    if (isAppError(e, 'VALIDATION_FAILED')) throw protocolError(`The device sent malformed XML: ${e.message}`, e.details);
    throw e;
  }
}

/** Text of a child element (decoded), or undefined. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  const v = node[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return decodeXmlEntities(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && !Array.isArray(v) && '#text' in v) return decodeXmlEntities(String((v as XmlNode)['#text']));
  if (typeof v === 'object' && !Array.isArray(v)) return '';
  return undefined;
}

export function int(node: XmlNode | undefined, name: string): number | undefined {
  const t = text(node, name);
  if (t === undefined || t === '') return undefined;
  const n = Number.parseInt(t, t.startsWith('0x') ? 16 : 10);
  return Number.isFinite(n) ? n : undefined;
}

export function bool(node: XmlNode | undefined, name: string): boolean | undefined {
  const t = text(node, name)?.toLowerCase();
  if (t === undefined || t === '') return undefined;
  // One real device sends the misspelling `flase`.
  return t === 'true' || t === '1' || t === 'yes';
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const v = node?.[name];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as XmlNode) : undefined;
}

/** Children that may occur once or many times, as an array (empty if absent). */
export function list(node: XmlNode | undefined, name: string): XmlNode[] {
  return xmlList(node, name);
}

/** Like `text` but required: missing → DEVICE_PROTOCOL_ERROR naming the element. */
export function requireText(node: XmlNode | undefined, name: string, root: string): string {
  const t = text(node, name);
  if (t === undefined) throw protocolError(`The device's ${root} answer has no <${name}> element.`, { element: name, root });
  return t;
}

export type XmlObject = XmlElement;

/** Build an ISAPI request body: `<Root version="2.0" xmlns="…isapi.org…">…</Root>`. */
export function buildIsapiXml(root: string, content: XmlObject): string {
  return buildXml(root, content, { eol: '\n' });
}
