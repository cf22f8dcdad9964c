/**
 * The one ISAPI parser against real device answers (../shared/isapi-samples, or
 * ISAPI_SAMPLES_DIR). The samples are not part of the repository: without them the suite is skipped.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { networkInterfaceXml, parseDeviceInfo, parseIpAddress, parseNetworkInterface, parseNetworkInterfaceList } from './models';
import { parseSessionLoginCap } from './session-login';
import { looksLikeXml, parseXml, xmlBool } from './xml';

const SAMPLES = process.env.ISAPI_SAMPLES_DIR ?? join(import.meta.dirname, '../../../../shared/isapi-samples');
const have = existsSync(join(SAMPLES, 'README.md'));
const sample = (name: string): Buffer => readFileSync(join(SAMPLES, name));

/** Every element text of a parsed document, with its name. */
function texts(node: unknown, out: [string, string][] = [], name = ''): [string, string][] {
  if (typeof node === 'string') out.push([name, node]);
  else if (Array.isArray(node)) for (const x of node) texts(x, out, name);
  else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) if (!k.startsWith('@_')) texts(v, out, k === '#text' ? name : k);
  return out;
}

describe.skipIf(!have)('ISAPI parsers on real device answers', () => {
  it.each([
    ['GET_ISAPI_System_deviceInfo.ds-2cd2155fwd-i.v5.4.5.xml', 'DS-2CD2155FWD-I', 'V5.4.5'],
    ['GET_ISAPI_System_deviceInfo.ds-2cd2155fwd-i.v5.5.0.xml', 'DS-2CD2155FWD-I', 'V5.5.0'],
    ['GET_ISAPI_System_deviceInfo.ds-kb8113-ime1b.v2.2.60.xml', 'DS-KB8113-IME1(B)', 'V2.2.60'],
  ])('reads deviceInfo %s (either namespace; hardwareVersion 0x0 stays text)', (name, model, firmwareVersion) => {
    const info = parseDeviceInfo(sample(name));
    expect(info).toMatchObject({ model, firmwareVersion, hardwareVersion: '0x0' });
    expect(info.serialNumber).toMatch(/^DS-/);
  });

  it('reads the IPAddress of the AX Pro interface list (hikvision.com namespace, nested, indented)', () => {
    const xml = /<IPAddress[\s\S]*?<\/IPAddress>/.exec(sample('GET_ISAPI_System_Network_interfaces.ax-pro.xml').toString('utf8'))?.[0];
    expect(parseIpAddress(xml ?? '')).toMatchObject({ addressingType: 'dynamic', ipAddress: '192.168.72.226', defaultGateway: '192.168.72.1', primaryDns: '192.168.72.1' });
  });

  it('reads every interface of the AX Pro NetworkInterfaceList, and writes interface 1 back as it was read', () => {
    const list = parseNetworkInterfaceList(sample('GET_ISAPI_System_Network_interfaces.ax-pro.xml'));
    expect(list).toEqual([
      { id: 1, ip: { ipVersion: 'dual', addressingType: 'dynamic', ipAddress: '192.168.72.226', subnetMask: '255.255.255.0', defaultGateway: '192.168.72.1', primaryDns: '192.168.72.1', secondaryDns: '0.0.0.0' } },
      { id: 2, ip: { ipVersion: 'v4', addressingType: 'dynamic', ipAddress: '192.168.8.1', subnetMask: '255.255.255.0', defaultGateway: '255.255.255.255', primaryDns: '0.0.0.0', secondaryDns: '0.0.0.0' } },
    ]);
    // The PUT body in the capture's namespace, with the capture's nesting (IPAddress carries its own version and xmlns).
    const ns = 'http://www.hikvision.com/ver20/XMLSchema';
    const put = networkInterfaceXml(list[0]!, ns);
    expect(put).toContain(`<NetworkInterface version="2.0" xmlns="${ns}">`);
    expect(put).toContain(`<IPAddress version="2.0" xmlns="${ns}">`);
    expect(parseNetworkInterface(put)).toEqual(list[0]);
  });

  it('reads the AX Pro SessionLoginCap (isIrreversible true)', () => {
    expect(parseSessionLoginCap(sample('GET_ISAPI_Security_sessionLogin_capabilities.ax-pro.xml'))).toMatchObject({ isIrreversible: true, iterations: 100 });
  });

  it('booleans in every XML sample are true/false (never yes/no), and read as such', () => {
    const seen = new Set<string>();
    // Templates have placeholders; one request sample starts with its HTTP request line.
    for (const name of readdirSync(SAMPLES).filter((n) => n.endsWith('.xml') && !n.includes('template') && looksLikeXml(sample(n)))) {
      const { doc } = parseXml(sample(name));
      for (const [element, text] of texts(doc)) {
        if (!/^(true|false|yes|no)$/i.test(text)) continue;
        seen.add(text);
        expect(xmlBool({ [element]: text }, element)).toBe(text.toLowerCase() === 'true');
      }
    }
    expect([...seen].sort()).toEqual(['false', 'true']);
  });
});
