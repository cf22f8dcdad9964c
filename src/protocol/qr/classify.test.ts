import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, isAppError } from '../../errors/app-error';
import { classifyQr, requireUnlocked } from './classify';
import { encodeDeviceListQr } from './device-list';
import { MULTI_DEVICE_VECTOR as ISSUE_VECTOR } from '../../../test/fixtures/qr/vectors';
import { encodeLabelQr } from './label';
import { encodeSitekeeperQr, splitIntoParts } from './sitekeeper';

function errorOf(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('classifyQr', () => {
  it('classifies each device format', () => {
    expect(classifyQr('www.xxx.com\n456654855\nABCDEF\nCS-C3-21PPFR\n')).toMatchObject({ kind: 'label', serial: '456654855', verificationCode: 'ABCDEF', model: 'CS-C3-21PPFR', domain: 'www.xxx.com' });
    expect(classifyQr('456654855')).toEqual({ kind: 'serial', serial: '456654855', shortSerial: '456654855' });
    expect(classifyQr(ISSUE_VECTOR)).toMatchObject({ kind: 'device-list', locked: true, passwordProtected: true });
    expect(classifyQr(ISSUE_VECTOR, { password: '12Qweq24' })).toMatchObject({ kind: 'device-list', locked: false, devices: [{ host: '192.168.1.1' }] });
    expect(classifyQr(encodeSitekeeperQr({ devices: [{ serial: 'J12345678' }] }))).toMatchObject({ kind: 'sitekeeper', encrypted: false, devices: [{ serial: 'J12345678' }] });
    const parts = splitIntoParts(encodeSitekeeperQr({ devices: Array.from({ length: 40 }, (_, i) => ({ host: `host-${i}.example`, user: 'admin', password: createHash('sha256').update(String(i)).digest('hex') })) }));
    expect(classifyQr(parts[0]!)).toMatchObject({ kind: 'sitekeeper-part', index: 1, total: parts.length });
  });

  it('hands the password to encrypted Sitekeeper codes', () => {
    const text = encodeSitekeeperQr({ devices: [{ host: 'h', port: 80 }] }, { password: 'pw' });
    const locked = classifyQr(text);
    expect(locked).toMatchObject({ kind: 'sitekeeper', locked: true });
    expect(errorOf(() => requireUnlocked(locked)).code).toBe('QR_PASSWORD_REQUIRED');
    expect(errorOf(() => classifyQr(text, { password: 'nope' })).code).toBe('QR_PASSWORD_WRONG');
    expect(requireUnlocked(classifyQr(text, { password: 'pw' }))).toMatchObject({ devices: [{ host: 'h' }] });
  });

  it('says what other codes are', () => {
    const hints: Array<[string, RegExp]> = [
      ['WIFI:S:home;T:WPA;P:secret;;', /Wi-Fi/],
      ['https://example.com/x', /web-link/],
      ['BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nEND:VCARD', /contact/],
      ['otpauth://totp/x?secret=y', /authenticator/],
      ['hello world, this is text', /device label/],
      ['a\nb', /device label/],
    ];
    for (const [text, hint] of hints) {
      const e = errorOf(() => classifyQr(text));
      expect(e.code).toBe('QR_UNRECOGNIZED');
      expect(e.hint).toMatch(hint);
    }
    expect(errorOf(() => classifyQr('   ')).code).toBe('QR_UNRECOGNIZED');
    expect(errorOf(() => classifyQr('ABC12')).code).toBe('QR_SERIAL_INVALID');
  });

  it('refuses 10 MB of text fast', () => {
    const e = errorOf(() => classifyQr('x'.repeat(10 * 1024 * 1024)));
    expect(e.code).toBe('QR_TOO_LARGE');
    expect(e.status).toBe(413);
  });

  it('round-trips every generator through classifyQr', () => {
    const label = encodeLabelQr({ domain: 'www.ezviz.com', serial: 'E12345678', verificationCode: 'QWERTY', model: 'CS-C6N' });
    expect(classifyQr(label)).toMatchObject({ kind: 'label', serial: 'E12345678' });
    const list = encodeDeviceListQr([{ name: 'n', host: '10.0.0.1', port: 8000, user: 'admin', password: 'pw' }], { timestamp: 1_700_000_000 });
    expect(classifyQr(list, { now: new Date(1_700_000_000_000 + 86_400_000 * 3) })).toMatchObject({ kind: 'device-list', ageDays: 3, devices: [{ name: 'n' }] });
  });
});

/** The fuzz test: whatever the input, only AppError comes out, quickly. */
describe('classifyQr fuzz', () => {
  const isTyped = (f: () => unknown): boolean => {
    try {
      f();
      return true;
    } catch (e) {
      return isAppError(e);
    }
  };

  const mutate = (s: string, cuts: number[]): string => {
    let out = s;
    for (const c of cuts) {
      const i = c % Math.max(1, out.length);
      out = c % 3 === 0 ? out.slice(0, i) : c % 3 === 1 ? out.slice(0, i) + String.fromCharCode(c % 128) + out.slice(i + 1) : out.slice(0, i) + out.slice(i + 2);
    }
    return out;
  };

  const seeds = [
    ISSUE_VECTOR,
    'www.xxx.com\n456654855\nABCDEF\nCS-C3-21PPFR\n',
    encodeSitekeeperQr({ devices: [{ serial: 'J12345678', verificationCode: 'ABCDEF' }] }),
    encodeDeviceListQr([{ name: 'a', host: 'b', port: 1, user: 'c', password: 'd' }], { password: 'x', timestamp: 5 }),
    `QRC03010003${deflateSync(Buffer.from('::::$$&&&')).toString('base64')}`,
    'SKQR1:PART:1/2:0123abcd:xyz',
  ];

  it('never throws anything but AppError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.stringMatching(/^(QRC0301000[23]|iVMS-4200V30|SKQR1:[PE]:|SKQR1:PART:)[A-Za-z0-9+/=_:-]{0,200}$/)), fc.option(fc.string({ maxLength: 10 }), { nil: undefined }), (text, password) => {
        expect(isTyped(() => classifyQr(text, password === undefined ? {} : { password }))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws anything but AppError on mutated real codes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.nat(100_000), { minLength: 1, maxLength: 4 }), (seed, cuts) => {
        expect(isTyped(() => classifyQr(mutate(seed, cuts), { password: '12Qweq24' }))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but AppError on random bytes as latin1 or base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom('', 'QRC03010003', 'SKQR1:P:', 'SKQR1:E:'), (bytes, prefix) => {
        const b = Buffer.from(bytes);
        expect(isTyped(() => classifyQr(prefix + (prefix.startsWith('SKQR') ? b.toString('base64url') : prefix ? b.toString('base64') : b.toString('latin1')), { password: 'p' }))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
