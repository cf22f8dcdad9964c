import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../../errors/app-error';
import { buildXml, definedFields, looksLikeXml, MAX_XML_BYTES, parseXml, toXmlValue, xmlBool, xmlChild, xmlInt, xmlList, xmlText, type XmlElement } from './xml';

function codeOf(body: string): string | undefined {
  try {
    parseXml(body);
    return undefined;
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError';
  }
}

describe('reading ISAPI XML (the rules every parser shares)', () => {
  it('reads either namespace with prefixes, decodes the predefined entities, lists repeat', () => {
    const { root, doc } = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<hik:DeviceInfo version="2.0" xmlns:hik="http://www.hikvision.com/ver20/XMLSchema"><hik:deviceName>Gate &amp; yard &#233;</hik:deviceName><ports><port><id>1</id></port><port><id>2</id></port></ports></hik:DeviceInfo>',
    );
    expect(root).toBe('DeviceInfo');
    expect(xmlText(doc, 'deviceName')).toBe('Gate & yard é');
    expect(xmlList(xmlChild(doc, 'ports'), 'port').map((p) => xmlInt(p, 'id'))).toEqual([1, 2]);
    expect(xmlText(doc, 'missing')).toBeUndefined();
  });

  it('booleans: true/false in any case (what devices send), 1/0; a misspelling is false; yes is not true', () => {
    const { doc } = parseXml('<x><a>true</a><b>FALSE</b><c>1</c><d>flase</d><e>yes</e><f></f></x>');
    expect([xmlBool(doc, 'a'), xmlBool(doc, 'b'), xmlBool(doc, 'c'), xmlBool(doc, 'd'), xmlBool(doc, 'e'), xmlBool(doc, 'f'), xmlBool(doc, 'g')]).toEqual([true, false, true, false, false, false, undefined]);
  });

  it('integers: decimal, and hexadecimal with 0x (errorCode 0x40000007); anything else is absent', () => {
    const { doc } = parseXml('<x><a>42</a><b>0x1F</b><c>0x40000007</c><d>12abc</d><e></e></x>');
    expect([xmlInt(doc, 'a'), xmlInt(doc, 'b'), xmlInt(doc, 'c'), xmlInt(doc, 'd'), xmlInt(doc, 'e')]).toEqual([42, 31, 0x40000007, undefined, undefined]);
  });

  it('one size cap (2 MiB): an answer of 1.2 MB is read, one above the cap refused', () => {
    expect(codeOf(`<a>${'x'.repeat(1_200_000)}</a>`)).toBeUndefined();
    expect(codeOf(`<a>${'x'.repeat(MAX_XML_BYTES)}</a>`)).toBe('VALIDATION_FAILED');
  });

  it('refuses DTDs, entity declarations and malformed or empty documents with VALIDATION_FAILED', () => {
    expect(codeOf('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toBe('VALIDATION_FAILED');
    expect(codeOf('<x><!ENTITY a "b"></x>')).toBe('VALIDATION_FAILED');
    expect(codeOf('<a><b></a>')).toBe('VALIDATION_FAILED');
    expect(codeOf('')).toBe('VALIDATION_FAILED');
  });

  it('tells XML from the HTML error pages devices send', () => {
    expect(looksLikeXml('<?xml version="1.0"?><a/>')).toBe(true);
    expect(looksLikeXml(Buffer.from('  <ResponseStatus/>'))).toBe(true);
    expect(looksLikeXml('<!DOCTYPE html><html></html>')).toBe(false);
    expect(looksLikeXml('{"a":1}')).toBe(false);
  });

  it('builds request bodies that read back (escaped text, isapi.org namespace, version 2.0)', () => {
    const { ns, doc } = parseXml(buildXml('EZVIZ', { enabled: true, verificationCode: 'A<B&C' }));
    expect(ns).toBe('http://www.isapi.org/ver20/XMLSchema');
    expect(doc['@_version']).toBe('2.0');
    expect(xmlText(doc, 'verificationCode')).toBe('A<B&C');
    expect(xmlBool(doc, 'enabled')).toBe(true);
  });

  it('definedFields leaves out undefined values', () => {
    expect(definedFields({ a: 1, b: undefined, c: '' })).toStrictEqual({ a: 1, c: '' });
  });

  it('toXmlValue writes a parsed document back as it was (attributes, nesting, repeats, escaped text)', () => {
    const text = fc.stringMatching(/^[A-Za-z0-9&<>"' !%;#.-]{0,12}$/).filter((t) => t.trim() === t && t !== '');
    const name = fc.constantFrom('a', 'b', 'portNo', 'TLS1_2Enable');
    const element: fc.Arbitrary<XmlElement> = fc.dictionary(name, fc.oneof(text, fc.record({ '@': fc.dictionary(fc.constantFrom('min', 'opt'), text, { minKeys: 1 }), '#': text }), fc.array(text, { minLength: 2, maxLength: 3 })), { minKeys: 1 });
    fc.assert(fc.property(fc.dictionary(name, element, { minKeys: 1 }), (children) => {
      const xml = buildXml('Root', children);
      // The root's own attributes (version, xmlns) are buildXml's to write.
      const doc = Object.fromEntries(Object.entries(parseXml(xml).doc).filter(([k]) => !k.startsWith('@_')));
      expect(buildXml('Root', toXmlValue(doc) as XmlElement)).toBe(xml);
    }));
  });
});
