import { describe, expect, it } from 'vitest';
import { bool, buildIsapiXml, child, int, list, MAX_XML_BYTES, parseIsapiXml, text } from './isapi-xml';
import { isAppError } from '../errors/app-error';
import { xmlShape } from '../protocol/isapi/xml';

function protocolErrorOf(body: string): string | undefined {
  try {
    parseIsapiXml(body);
    return undefined;
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError';
  }
}

describe('ISAPI XML for the device client', () => {
  it('reads what real devices send: either namespace, prefixes, entities, hex numbers, lenient booleans', () => {
    const { root, node } = parseIsapiXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<hik:DeviceInfo version="2.0" xmlns:hik="http://www.hikvision.com/ver20/XMLSchema"><hik:deviceName>Gate &amp; yard &#233;</hik:deviceName><mask>0x1F</mask><enabled>yes</enabled><ports><port><id>1</id></port><port><id>2</id></port></ports></hik:DeviceInfo>',
    );
    expect(root).toBe('DeviceInfo');
    expect(text(node, 'deviceName')).toBe('Gate & yard é');
    expect(int(node, 'mask')).toBe(31);
    expect(bool(node, 'enabled')).toBe(true);
    expect(list(child(node, 'ports'), 'port').map((p) => int(p, 'id'))).toEqual([1, 2]);
    expect(text(node, 'missing')).toBeUndefined();
  });

  it('refuses oversized, DTD-carrying and malformed answers with DEVICE_PROTOCOL_ERROR', () => {
    expect(protocolErrorOf(`<a>${'x'.repeat(MAX_XML_BYTES)}</a>`)).toBe('DEVICE_PROTOCOL_ERROR');
    expect(protocolErrorOf('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toBe('DEVICE_PROTOCOL_ERROR');
    expect(protocolErrorOf('<a><b></a>')).toBe('DEVICE_PROTOCOL_ERROR');
    expect(protocolErrorOf('')).toBe('DEVICE_PROTOCOL_ERROR');
    // Between the protocol codec's 1 MB default and the device limit: still read.
    expect(protocolErrorOf(`<a>${'x'.repeat(1_200_000)}</a>`)).toBeUndefined();
  });

  it('builds request bodies the way devices expect them (isapi.org namespace, version 2.0, escaped text)', () => {
    const xml = buildIsapiXml('EZVIZ', { enabled: true, verificationCode: 'A<B&C' });
    const shape = xmlShape(xml);
    expect(shape.root).toBe('EZVIZ');
    expect(shape.ns).toBe('http://www.isapi.org/ver20/XMLSchema');
    const { node } = parseIsapiXml(xml);
    expect(node['@_version']).toBe('2.0');
    expect(text(node, 'verificationCode')).toBe('A<B&C');
    expect(bool(node, 'enabled')).toBe(true);
  });
});
