/**
 * Client-side parsing and building of ISAPI XML. Entity processing is off (no DTD expansion, no
 * billion laughs); only the five predefined XML entities are decoded, by hand. Both namespaces
 * real devices use (isapi.org and hikvision.com, ver10 or ver20) are accepted: prefixes and
 * namespaces are dropped, element names are what we match on.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../errors/app-error';

/** Bodies above this are not parsed (a device answer is a few KB; a big one is a fault). */
export const MAX_XML_BYTES = 2 * 1024 * 1024;

export const ISAPI_NAMESPACE = 'http://www.isapi.org/ver20/XMLSchema';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: false, suppressEmptyNode: false });

export type XmlNode = Record<string, unknown>;

export interface ParsedXml {
  /** Root element name without prefix, e.g. `DeviceInfo`. */
  root: string;
  /** Attributes of the root (xmlns, version) with the `@_` prefix. */
  node: XmlNode;
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };

function decodeEntities(s: string): string {
  return s.includes('&') ? s.replace(/&(lt|gt|quot|apos|amp);/g, (m) => ENTITIES[m] ?? m) : s;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
  let doc: XmlNode;
  try {
    doc = parser.parse(text) as XmlNode;
  } catch (e) {
    throw protocolError('The device sent malformed XML.', { reason: (e as Error).message });
  }
  const root = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!root) throw protocolError('The device sent an XML answer without a root element.');
  const node = doc[root];
  return { root, node: node !== null && typeof node === 'object' ? (node as XmlNode) : { '#text': node } };
}

/** Text of a child element (decoded), or undefined. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  const v = node[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return decodeEntities(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && !Array.isArray(v) && '#text' in v) return decodeEntities(String((v as XmlNode)['#text']));
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
  const v = node?.[name];
  if (v === undefined || v === null || v === '') return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter((x): x is XmlNode => x !== null && typeof x === 'object');
}

/** Like `text` but required: missing → DEVICE_PROTOCOL_ERROR naming the element. */
export function requireText(node: XmlNode | undefined, name: string, root: string): string {
  const t = text(node, name);
  if (t === undefined) throw protocolError(`The device's ${root} answer has no <${name}> element.`, { element: name, root });
  return t;
}

export type XmlValue = string | number | boolean | XmlObject | XmlValue[];
export interface XmlObject { [k: string]: XmlValue | undefined }

function escapeTree(v: XmlValue | undefined): XmlValue | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return escapeText(v);
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => escapeTree(x) as XmlValue);
  const out: XmlObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = k.startsWith('@_') ? x : escapeTree(x);
  return out;
}

/** Build an ISAPI request body: `<Root version="2.0" xmlns="…isapi.org…">…</Root>` with CRLF-free compact XML. */
export function buildIsapiXml(root: string, content: XmlObject): string {
  const tree = { [root]: { '@_version': '2.0', '@_xmlns': ISAPI_NAMESPACE, ...(escapeTree(content) as XmlObject) } };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(tree)}`;
}
