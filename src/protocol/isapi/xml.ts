/**
 * ISAPI XML helpers: a small builder that writes documents the way real devices do (CRLF line
 * endings, one element per line, no indentation, `version`/`xmlns` on the root) and a parser over
 * fast-xml-parser with entity processing off and a size cap. Pure: no I/O.
 */
import { XMLParser } from 'fast-xml-parser';
import { AppError } from '../../errors/app-error';

export const ISAPI_NS = 'http://www.isapi.org/ver20/XMLSchema';
export const HIKVISION_NS = 'http://www.hikvision.com/ver20/XMLSchema';
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
export const XML_CONTENT_TYPE = 'application/xml; charset="UTF-8"';
/**
 * Largest XML document we parse: the one cap for devices' answers and for requests the emulator
 * reads. Real ISAPI documents are a few KB (the captures in ../shared/isapi-samples are under
 * 4 KB); 2 MiB, the device client's documented cap, leaves room for the longest lists (an NVR's
 * channel or disk lists, user lists) while a bigger body is a fault. Without entity expansion the
 * cost of parsing is linear in the size.
 */
export const MAX_XML_BYTES = 2 * 1024 * 1024;

/** An element value: text, a nested element, a repeated element (array) or an element with attributes. */
export type XmlValue = string | number | boolean | null | undefined | XmlElement | XmlValue[] | XmlWithAttrs;
export interface XmlElement {
  [name: string]: XmlValue;
}
/** `{ '@': { min: '6' }, '#': 'text' }` writes `<x min="6">text</x>`; without '#', `<x min="6"/>`. */
export interface XmlWithAttrs {
  '@': Record<string, string | number | boolean>;
  '#'?: XmlValue;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function isAttrs(v: unknown): v is XmlWithAttrs {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && '@' in v;
}

function attrString(attrs: Record<string, string | number | boolean>): string {
  return Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function writeElement(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) writeElement(name, item, out);
    return;
  }
  if (isAttrs(value)) {
    const attrs = attrString(value['@']);
    const inner = value['#'];
    if (inner === undefined || inner === null) out.push(`<${name}${attrs}/>`);
    else if (typeof inner === 'object') {
      out.push(`<${name}${attrs}>`);
      writeChildren(inner as XmlElement, out);
      out.push(`</${name}>`);
    } else out.push(`<${name}${attrs}>${escapeXml(String(inner))}</${name}>`);
    return;
  }
  if (value === null) {
    out.push(`<${name}></${name}>`);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    writeChildren(value, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

function writeChildren(el: XmlElement, out: string[]): void {
  for (const [k, v] of Object.entries(el)) writeElement(k, v, out);
}

export interface BuildXmlOptions {
  /** Namespace on the root; `null` for none (AX Pro SessionLogin). Default: isapi.org. */
  ns?: string | null;
  /** `version` attribute on the root; `null` for none. Default "2.0". */
  version?: string | null;
  /** Write the `<?xml …?>` declaration. Default true. */
  declaration?: boolean;
  /** Line ending. Default CRLF, as cameras and NVRs send. */
  eol?: string;
}

/** Builds an ISAPI document: `buildXml('DeviceInfo', { model: 'X' })`. */
export function buildXml(root: string, children: XmlElement, options: BuildXmlOptions = {}): string {
  const ns = options.ns === undefined ? ISAPI_NS : options.ns;
  const version = options.version === undefined ? '2.0' : options.version;
  const eol = options.eol ?? '\r\n';
  const out: string[] = [];
  if (options.declaration ?? true) out.push(XML_DECLARATION);
  const attrs = `${version === null ? '' : ` version="${version}"`}${ns === null ? '' : ` xmlns="${ns}"`}`;
  out.push(`<${root}${attrs}>`);
  writeChildren(children, out);
  out.push(`</${root}>`);
  return out.join(eol) + eol;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export interface ParsedXml {
  /** Root element name (namespace prefix removed). */
  root: string;
  /** `xmlns` of the root, if any. */
  ns: string | undefined;
  /** Root element content: child elements as properties, attributes as `@_name`, text as `#text`. */
  doc: Record<string, unknown>;
}

function toText(input: string | Buffer | Uint8Array): string {
  if (typeof input === 'string') return input;
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
}

/** True when a body looks like XML (devices sometimes answer with an HTML error page). */
export function looksLikeXml(body: Buffer | string): boolean {
  const head = (typeof body === 'string' ? body.slice(0, 64) : body.subarray(0, 64).toString('utf8')).trimStart();
  return head.startsWith('<?xml') || (head.startsWith('<') && !/^<(!doctype\s+)?html/i.test(head));
}

/**
 * Parses an XML document. Entities are not expanded and a document type declaration is refused
 * (no entity-expansion attacks; no device sends one); `&lt;` and friends in text are decoded by
 * `xmlText`. Throws VALIDATION_FAILED on malformed, DTD-carrying or oversized input, never
 * anything else.
 */
export function parseXml(input: string | Buffer | Uint8Array): ParsedXml {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > MAX_XML_BYTES) throw new AppError('VALIDATION_FAILED', `XML document too large (${size} bytes).`, { details: { size } });
  const text = toText(input).replace(/^\uFEFF/, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new AppError('VALIDATION_FAILED', 'XML with a document type declaration is refused.');
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', 'The XML document is malformed.', { details: { reason: (err as Error).message?.slice(0, 200) } });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new AppError('VALIDATION_FAILED', 'The XML document is empty.');
  const roots = Object.keys(parsed).filter((k) => !k.startsWith('?') && !k.startsWith('@_') && k !== '#text');
  const root = roots[0];
  if (root === undefined || roots.length !== 1) throw new AppError('VALIDATION_FAILED', 'The XML document has no single root element.');
  const value = (parsed as Record<string, unknown>)[root];
  const doc: Record<string, unknown> = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { '#text': value };
  return { root, ns: rootNamespace(text), doc };
}

/** `xmlns` of the root start tag (fast-xml-parser drops it with removeNSPrefix). */
function rootNamespace(text: string): string | undefined {
  const m = /<(?![?!])[^\s>/]+([^>]*)>/.exec(text);
  const ns = m?.[1] ? /\sxmlns\s*=\s*(["'])(.*?)\1/.exec(m[1]) : null;
  return ns?.[2];
}

/** Decodes the five predefined XML entities and numeric references (only those: no DTD entities). */
export function decodeXmlEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/** Text of a child element (`undefined` when absent); handles elements that carry attributes. */
export function xmlText(node: unknown, name?: string): string | undefined {
  let v: unknown = name === undefined ? node : typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(v)) v = v[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') {
    const t = (v as Record<string, unknown>)['#text'];
    return typeof t === 'string' || typeof t === 'number' || typeof t === 'boolean' ? decodeXmlEntities(String(t)) : '';
  }
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? decodeXmlEntities(String(v)) : undefined;
}

/**
 * `true`/`1` (any case) is true; anything else present is false. Real devices send `true`/`false`
 * (../shared/isapi-samples; `FALSE` in upper case in a digest header, the misspelling `flase` in a
 * SADP answer, which reads as false). No capture has `yes`/`no`, so `yes` is not read as true.
 */
export function xmlBool(node: unknown, name: string): boolean | undefined {
  const t = xmlText(node, name)?.toLowerCase();
  if (t === undefined) return undefined;
  return t === 'true' || t === '1';
}

/** A decimal number, or hexadecimal with `0x` (devices write `errorCode` and some ids in hex). */
export function xmlInt(node: unknown, name: string): number | undefined {
  return parseNumber(xmlText(node, name));
}

export function parseNumber(t: string | undefined): number | undefined {
  const s = t?.trim();
  if (s === undefined || s === '') return undefined;
  const n = /^0x[0-9a-f]+$/i.test(s) ? Number.parseInt(s.slice(2), 16) : Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** The fields whose value is not undefined: optional properties stay absent, never `undefined`. */
export function definedFields<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Parses a document that must have the given root (case-insensitive); returns its content. */
export function parseDocument(body: string | Buffer, root: string): Record<string, unknown> {
  const parsed = parseXml(body);
  if (parsed.root.toLowerCase() !== root.toLowerCase()) {
    throw new AppError('VALIDATION_FAILED', `Expected <${root}> but got <${parsed.root}>.`, { details: { expected: root, got: parsed.root } });
  }
  return parsed.doc;
}

/** A child that may repeat, always as an array. */
export function xmlList(node: unknown, name: string): Record<string, unknown>[] {
  if (typeof node !== 'object' || node === null) return [];
  const v = (node as Record<string, unknown>)[name];
  if (v === undefined || v === null || v === '') return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
}

export function xmlChild(node: unknown, name: string): Record<string, unknown> | undefined {
  return xmlList(node, name)[0];
}

export interface XmlShape {
  root: string;
  ns: string | undefined;
  /** Slash-separated element paths below the root, e.g. `hddList/hdd/status` (attributes excluded). */
  paths: Set<string>;
}

/** The structure of a document (root, namespace, element paths): what conformance tests compare. */
export function xmlShape(input: string | Buffer): XmlShape {
  const { root, ns, doc } = parseXml(input);
  const paths = new Set<string>();
  const walk = (node: unknown, prefix: string): void => {
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k.startsWith('@_') || k === '#text') continue;
      const p = prefix ? `${prefix}/${k}` : k;
      paths.add(p);
      for (const item of Array.isArray(v) ? v : [v]) walk(item, p);
    }
  };
  walk(doc, '');
  return { root, ns, paths };
}

/**
 * A parsed element back as something `buildXml` writes (attributes, text with its entities decoded,
 * children in their order): how a client writes back elements it does not model, as read.
 */
export function toXmlValue(node: unknown): XmlValue {
  if (Array.isArray(node)) return node.map(toXmlValue);
  if (node === null || node === undefined) return null;
  if (typeof node !== 'object') return decodeXmlEntities(String(node as string | number | boolean));
  const attrs: Record<string, string> = {};
  const children: XmlElement = {};
  let text: string | undefined;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k.startsWith('@_')) attrs[k.slice(2)] = decodeXmlEntities(String(v as string));
    else if (k === '#text') text = decodeXmlEntities(String(v as string));
    else children[k] = toXmlValue(v);
  }
  const inner: XmlValue = Object.keys(children).length > 0 ? children : (text ?? null);
  return Object.keys(attrs).length > 0 ? { '@': attrs, '#': inner } : inner;
}
