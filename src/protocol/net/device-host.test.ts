import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addressRange, parseDeviceHost, urlHost } from './device-host';
import { isAppError } from '../../errors/app-error';

function refused(text: string): string {
  try {
    parseDeviceHost(text);
  } catch (err) {
    if (isAppError(err) && err.code === 'DEVICE_HOST_INVALID') return String(err.details?.reason);
    throw err;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
}

describe('parseDeviceHost', () => {
  it.each([
    ['192.168.1.64', '192.168.1.64', 'ipv4', 'private'],
    ['  10.0.0.5 ', '10.0.0.5', 'ipv4', 'private'],
    ['127.0.0.1', '127.0.0.1', 'ipv4', 'loopback'],
    ['::ffff:127.0.0.1', '127.0.0.1', 'ipv4', 'loopback'],
    ['[::ffff:127.0.0.1]', '127.0.0.1', 'ipv4', 'loopback'],
    ['::ffff:7f00:1', '127.0.0.1', 'ipv4', 'loopback'],
    ['[::1]', '::1', 'ipv6', 'loopback'],
    ['FE80::1', 'fe80::1', 'ipv6', 'link_local'],
    ['169.254.169.254', '169.254.169.254', 'ipv4', 'link_local'],
    ['fd12:3456::9', 'fd12:3456::9', 'ipv6', 'private'],
    ['100.64.1.2', '100.64.1.2', 'ipv4', 'private'],
    ['8.8.8.8', '8.8.8.8', 'ipv4', 'public'],
    ['0.0.0.0', '0.0.0.0', 'ipv4', 'special'],
    ['224.0.0.1', '224.0.0.1', 'ipv4', 'special'],
    ['255.255.255.255', '255.255.255.255', 'ipv4', 'special'],
    ['Camera-7.Site.Example.', 'camera-7.site.example', 'hostname', undefined],
    ['localhost', 'localhost', 'hostname', 'loopback'],
    ['nvr.localhost', 'nvr.localhost', 'hostname', 'loopback'],
  ])('%j → %s (%s, %s)', (text, host, kind, range) => {
    expect(parseDeviceHost(text)).toEqual({ host, kind, ...(range ? { range } : {}) });
  });

  it.each([
    // The probe that reached a path of the attacker's choice.
    '[::ffff:127.0.0.1]:18940/injected-path?x=',
    '10.0.0.5:80',
    '10.0.0.5/x',
    'user:pw@10.0.0.5',
    'user@cam.example',
    'cam.example#frag',
    'cam.example?x',
    'cam example',
    'cam\r\nHost: evil',
    'fe80::1%eth0',
    '[10.0.0.5]',
    '2130706433',
    '0177.0.0.1',
    '0x7f.1',
    '127.1',
    '010.0.0.1',
    '-cam.example',
    'cam_1.example',
    '',
    '   ',
    `${'a'.repeat(64)}.example`,
    `${'abcdefghi.'.repeat(26)}com`,
  ])('refuses %j', (text) => {
    expect(refused(text)).toBeTruthy();
  });

  it('what it accepts is canonical: parsing it again gives itself, and its URL form parses to the same host', () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
    const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((p) => p.map((n) => n.toString(16)).join(':'));
    const name = fc.array(fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/), { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6, name), (text) => {
        const h = parseDeviceHost(text);
        expect(parseDeviceHost(h.host)).toEqual(h);
        const u = new URL(`http://${urlHost(h)}:80/ISAPI/System/deviceInfo`);
        expect(u.pathname).toBe('/ISAPI/System/deviceInfo');
        expect(u.hostname.replace(/^\[|\]$/g, '')).toBe(h.host);
      }),
    );
  });

  it('never lets a path, user or query through whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        let h;
        try {
          h = parseDeviceHost(text);
        } catch (err) {
          expect(isAppError(err) && err.code).toBe('DEVICE_HOST_INVALID');
          return;
        }
        const u = new URL(`http://${urlHost(h)}:80/ISAPI/x`);
        expect([u.pathname, u.username, u.search, u.hash]).toEqual(['/ISAPI/x', '', '', '']);
      }),
    );
  });
});

describe('addressRange', () => {
  it('classifies IPv4-mapped forms like the IPv4 address', () => {
    expect(addressRange('::ffff:169.254.169.254')).toBe('link_local');
    expect(addressRange('::ffff:10.0.0.1')).toBe('private');
  });
});
