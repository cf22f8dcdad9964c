import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkIpv4Settings, checkPorts, intToIpv4, ipv4ToInt, isIpv4, netmaskPrefix, type Ipv4Settings } from './ipv4-settings';

const staticSettings = (over: Partial<Ipv4Settings> = {}): Ipv4Settings => ({
  addressing: 'static', ipAddress: '192.168.1.64', subnetMask: '255.255.255.0', defaultGateway: '192.168.1.1', primaryDns: '8.8.8.8', secondaryDns: '', ...over,
});
const fields = (s: Ipv4Settings) => checkIpv4Settings(s).map((p) => p.field);

describe('IPv4 text', () => {
  it.each(['0.0.0.0', '192.168.1.64', '255.255.255.255', '10.0.0.1'])('%s is an address', (a) => expect(isIpv4(a)).toBe(true));
  it.each(['', '192.168.1', '192.168.1.256', '01.2.3.4', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.4 ', 'a.b.c.d', '0x7f.0.0.1', '2130706433', '::1'])('%j is not', (a) => expect(isIpv4(a)).toBe(false));

  it('numbers and text round trip', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      expect(ipv4ToInt(intToIpv4(n))).toBe(n);
    }));
  });
});

describe('netmasks', () => {
  it('every contiguous mask has its prefix', () => {
    for (let prefix = 0; prefix <= 32; prefix++) {
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      expect(netmaskPrefix(intToIpv4(mask))).toBe(prefix);
    }
  });
  it.each(['255.0.255.0', '255.255.255.1', '0.255.255.255', '255.255.254.255', 'x'])('%s is not a netmask', (m) => expect(netmaskPrefix(m)).toBeNull());
});

describe('checkIpv4Settings', () => {
  it('accepts a usable static set-up and DHCP without addresses', () => {
    expect(checkIpv4Settings(staticSettings())).toEqual([]);
    expect(checkIpv4Settings(staticSettings({ defaultGateway: '', primaryDns: '', secondaryDns: '' }))).toEqual([]);
    expect(checkIpv4Settings({ addressing: 'dhcp', ipAddress: '', subnetMask: '', defaultGateway: '', primaryDns: '', secondaryDns: '' })).toEqual([]);
    expect(checkIpv4Settings(staticSettings({ subnetMask: '255.255.0.0', defaultGateway: '192.168.200.1' }))).toEqual([]);
  });

  it.each<[string, Partial<Ipv4Settings>, string[]]>([
    ['static without an address', { ipAddress: '' }, ['ipAddress']],
    ['static without a mask', { subnetMask: '' }, ['subnetMask']],
    ['a mask with holes', { subnetMask: '255.255.0.255' }, ['subnetMask']],
    ['a /32 mask', { subnetMask: '255.255.255.255' }, ['subnetMask']],
    ['a /0 mask', { subnetMask: '0.0.0.0' }, ['subnetMask']],
    ['a gateway in another subnet', { defaultGateway: '192.168.2.1' }, ['defaultGateway']],
    ['the gateway on the device address', { defaultGateway: '192.168.1.64' }, ['defaultGateway']],
    ['the broadcast address as gateway', { defaultGateway: '192.168.1.255' }, ['defaultGateway']],
    ['the network address', { ipAddress: '192.168.1.0', defaultGateway: '' }, ['ipAddress']],
    ['the broadcast address', { ipAddress: '192.168.1.255', defaultGateway: '' }, ['ipAddress']],
    ['a loopback address', { ipAddress: '127.0.0.5', subnetMask: '255.0.0.0', defaultGateway: '' }, ['ipAddress']],
    ['a multicast address', { ipAddress: '239.1.1.1', defaultGateway: '' }, ['ipAddress']],
    ['a DNS server that is not an address', { primaryDns: 'dns.example' }, ['primaryDns']],
    ['two bad fields at once', { ipAddress: '300.1.1.1', secondaryDns: '1.2.3' }, ['ipAddress', 'secondaryDns']],
  ])('refuses %s', (_what, over, want) => {
    expect(fields(staticSettings(over))).toEqual(want);
  });

  it('DHCP still checks the form of what is given', () => {
    expect(checkIpv4Settings({ addressing: 'dhcp', ipAddress: '', subnetMask: '', defaultGateway: '', primaryDns: '8.8.8', secondaryDns: '' }).map((p) => p.field)).toEqual(['primaryDns']);
  });

  it('never throws, whatever the text', () => {
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 0xffffffff }).map(intToIpv4));
    fc.assert(fc.property(fc.constantFrom('dhcp' as const, 'static' as const), text, text, text, text, text, (addressing, ipAddress, subnetMask, defaultGateway, primaryDns, secondaryDns) => {
      const problems = checkIpv4Settings({ addressing, ipAddress, subnetMask, defaultGateway, primaryDns, secondaryDns });
      for (const p of problems) expect(p.message.length).toBeGreaterThan(0);
    }));
  });
});

describe('checkPorts', () => {
  const others = [{ protocol: 'HTTPS', portNo: 443 }, { protocol: 'DEV_MANAGE', portNo: 8000 }];
  it('accepts distinct ports in range', () => {
    expect(checkPorts({ httpPort: 8080, rtspPort: 8554 }, others)).toEqual([]);
    expect(checkPorts({ httpPort: 80 }, others)).toEqual([]);
  });
  it.each<[string, { httpPort: number; rtspPort?: number }, string[]]>([
    ['HTTP 0', { httpPort: 0, rtspPort: 554 }, ['httpPort']],
    ['RTSP 65536', { httpPort: 80, rtspPort: 65536 }, ['rtspPort']],
    ['a fraction', { httpPort: 80.5, rtspPort: 554 }, ['httpPort']],
    ['HTTP = RTSP', { httpPort: 8000 - 1, rtspPort: 7999 }, ['rtspPort']],
    ['HTTP on the HTTPS port', { httpPort: 443, rtspPort: 554 }, ['httpPort']],
    ['RTSP on the SDK port', { httpPort: 80, rtspPort: 8000 }, ['rtspPort']],
  ])('refuses %s', (_what, p, want) => {
    expect(checkPorts(p, others).map((x) => x.field)).toEqual(want);
  });
});
