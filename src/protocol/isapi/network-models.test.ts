import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../../errors/app-error';
import { adminAccessesXml, ipAddressXml, networkInterfaceXml, parseAdminAccesses, parseIpAddress, parseNetworkInterface, parseNetworkInterfaceList, type IpAddressConfig } from './network-models';
import { HIKVISION_NS, parseXml } from './xml';

const staticV4: IpAddressConfig = { ipVersion: 'v4', addressingType: 'static', ipAddress: '10.1.2.3', subnetMask: '255.255.0.0', defaultGateway: '10.1.0.1', primaryDns: '10.1.0.2', secondaryDns: '0.0.0.0' };

describe('NetworkInterface', () => {
  it('writes id and the IPAddress block (with its own version and namespace) and reads it back', () => {
    const xml = networkInterfaceXml({ id: 1, ip: staticV4 }, HIKVISION_NS);
    expect(xml).toContain(`<IPAddress version="2.0" xmlns="${HIKVISION_NS}">`);
    expect(parseXml(xml)).toMatchObject({ root: 'NetworkInterface', ns: HIKVISION_NS });
    expect(parseNetworkInterface(xml)).toEqual({ id: 1, ip: staticV4 });
  });

  it('leaves out what it is not given (the device keeps it): DHCP with DNS only', () => {
    const xml = networkInterfaceXml({ id: 1, ip: { ipVersion: 'dual', addressingType: 'dynamic', primaryDns: '1.1.1.1' } });
    expect(xml).not.toContain('subnetMask');
    expect(xml).not.toContain('DefaultGateway');
    expect(parseNetworkInterface(xml).ip).toEqual({ ipVersion: 'dual', addressingType: 'dynamic', primaryDns: '1.1.1.1' });
  });

  it('round trips any IPv4 settings', () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
    fc.assert(fc.property(fc.constantFrom('static' as const, 'dynamic' as const), fc.constantFrom('v4', 'dual'), ip, ip, ip, ip, (addressingType, ipVersion, ipAddress, subnetMask, defaultGateway, primaryDns) => {
      const c: IpAddressConfig = { ipVersion, addressingType, ipAddress, subnetMask, defaultGateway, primaryDns };
      expect(parseNetworkInterface(networkInterfaceXml({ id: 1, ip: c })).ip).toEqual(c);
      expect(parseIpAddress(ipAddressXml(c))).toEqual(c);
    }));
  });

  it('refuses an interface without an IPAddress block or with an unknown addressing type (typed)', () => {
    for (const body of ['<NetworkInterface><id>1</id></NetworkInterface>', '<NetworkInterface><id>1</id><IPAddress><addressingType>ppp</addressingType></IPAddress></NetworkInterface>', '<IPAddress/>']) {
      let err: unknown;
      try {
        parseNetworkInterface(body);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err, 'VALIDATION_FAILED')).toBe(true);
    }
  });

  it('never throws anything but VALIDATION_FAILED', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('<NetworkInterfaceList/>', '<NetworkInterface><IPAddress>x</IPAddress></NetworkInterface>', '<AdminAccessProtocolList><AdminAccessProtocol/></AdminAccessProtocolList>')), (body) => {
        for (const parse of [parseNetworkInterface, parseNetworkInterfaceList, parseAdminAccesses]) {
          try {
            parse(body);
          } catch (e) {
            expect(isAppError(e, 'VALIDATION_FAILED')).toBe(true);
          }
        }
      }));
  });
});

describe('AdminAccessProtocolList', () => {
  // Shaped like the lists devices answer: an entry without <enabled> (the SDK port), lower-case protocol text read as upper case.
  const list = `<?xml version="1.0" encoding="UTF-8"?>
<AdminAccessProtocolList version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<AdminAccessProtocol version="2.0"><id>1</id><enabled>true</enabled><protocol>HTTP</protocol><portNo>80</portNo></AdminAccessProtocol>
<AdminAccessProtocol><id>2</id><enabled>true</enabled><protocol>rtsp</protocol><portNo>554</portNo></AdminAccessProtocol>
<AdminAccessProtocol><id>3</id><enabled>false</enabled><protocol>HTTPS</protocol><portNo>443</portNo><redirectToHttps>false</redirectToHttps><TLS mode="a&amp;b"><v12>true</v12></TLS></AdminAccessProtocol>
<AdminAccessProtocol><id>4</id><protocol>DEV_MANAGE</protocol><portNo>8000</portNo></AdminAccessProtocol>
</AdminAccessProtocolList>`;

  it('reads each service and its port; an absent enabled stays absent', () => {
    expect(parseAdminAccesses(list)).toEqual([
      { id: 1, enabled: true, protocol: 'HTTP', portNo: 80 },
      { id: 2, enabled: true, protocol: 'RTSP', portNo: 554 },
      { id: 3, enabled: false, protocol: 'HTTPS', portNo: 443, extra: { redirectToHttps: 'false', TLS: { '@': { mode: 'a&b' }, '#': { v12: 'true' } } } },
      { id: 4, protocol: 'DEV_MANAGE', portNo: 8000 },
    ]);
  });

  it('writes the list back as read (elements it does not model included), with changed ports', () => {
    const changed = parseAdminAccesses(list).map((p) => (p.protocol === 'HTTP' ? { ...p, portNo: 8080 } : p));
    const xml = adminAccessesXml(changed);
    expect(parseXml(xml)).toMatchObject({ root: 'AdminAccessProtocolList' });
    expect(parseAdminAccesses(xml)).toEqual(changed);
    expect(xml).toContain('<AdminAccessProtocol>\r\n<id>4</id>\r\n<protocol>DEV_MANAGE</protocol>');
    expect(xml).toContain('<portNo>443</portNo>\r\n<redirectToHttps>false</redirectToHttps>\r\n<TLS mode="a&amp;b">\r\n<v12>true</v12>\r\n</TLS>');
  });

  it('an empty list is no services; an entry without a port is refused', () => {
    expect(parseAdminAccesses('<AdminAccessProtocolList/>')).toEqual([]);
    expect(() => parseAdminAccesses('<AdminAccessProtocolList><AdminAccessProtocol><protocol>HTTP</protocol></AdminAccessProtocol></AdminAccessProtocolList>')).toThrow(/portNo/);
  });
});
