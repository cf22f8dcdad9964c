import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { MULTI_DEVICE_VECTOR as ISSUE_VECTOR } from '../../../test/fixtures/qr/vectors';
import { decryptField, encodeDeviceListQr, encryptField, parseDeviceList, type ListedDevice } from './device-list';


function code(e: unknown): string | undefined {
  return isAppError(e) ? e.code : undefined;
}

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

function wrap(payload: string, header = 'QRC03010003'): string {
  return header + deflateSync(Buffer.from(payload)).toString('base64');
}

describe('multi-device QR (iVMS-4200 / Hik-Connect export)', () => {
  it('decodes the vector from the issue', () => {
    const locked = parseDeviceList(ISSUE_VECTOR);
    expect(locked).toMatchObject({ kind: 'device-list', passwordProtected: true, locked: true, timestamp: 1740175993 });
    expect('devices' in locked).toBe(false);

    const r = parseDeviceList(ISSUE_VECTOR, { password: '12Qweq24', now: new Date('2025-02-23T00:00:00Z') });
    expect(r).toMatchObject({ kind: 'device-list', header: 'QRC03010003', passwordProtected: true, locked: false, timestamp: 1740175993, ageDays: 1 });
    if (r.locked) throw new Error('unreachable');
    expect(r.devices).toEqual([{ name: 'camera', host: '192.168.1.1', port: 8000, user: 'admin', password: 'admin' }]);
    expect(r.warnings).toEqual([]);
  });

  it('warns when the export is old', () => {
    const r = parseDeviceList(ISSUE_VECTOR, { password: '12Qweq24', now: new Date('2026-11-25T00:00:00Z') });
    expect(r.ageDays).toBeGreaterThan(600);
    expect(r.warnings[0]).toMatch(/days ago/);
  });

  it('rejects a wrong QR password', () => {
    expect(code(errorOf(() => parseDeviceList(ISSUE_VECTOR, { password: '12qweq24' })))).toBe('QR_PASSWORD_WRONG');
  });

  it('encrypts fields like the exporting apps', () => {
    expect(encryptField('admin')).toBe('ct1m4d7TxSCJH2bHiWjSRA==');
    expect(encryptField('')).toBe('');
    const long = 'a-password-longer-than-16-bytes-ü';
    expect(Buffer.from(encryptField(long), 'base64').length).toBe(48);
    expect(decryptField(encryptField(long), 'x')).toBe(long);
  });

  it('accepts 1-part and 2-part payloads, other headers and ; , separators', () => {
    const dev = `${Buffer.from('cam').toString('base64')}&0&${Buffer.from('10.0.0.2').toString('base64')}&80&&${encryptField('u')}&${encryptField('p')}`;
    const one = parseDeviceList(wrap(`${dev}$`));
    expect(one).toMatchObject({ passwordProtected: false, locked: false, devices: [{ name: 'cam', host: '10.0.0.2', port: 80, user: 'u', password: 'p' }] });
    const two = parseDeviceList(wrap(`${encryptField('pw')}:${dev}$${dev}$`, 'QRC03010002'), { password: 'pw' });
    expect(two.locked ? [] : two.devices).toHaveLength(2);
    const ivms = parseDeviceList(wrap(`${dev.replace(/&/g, ',')};`, 'iVMS-4200V30'));
    expect(ivms).toMatchObject({ header: 'iVMS-4200V30', devices: [{ name: 'cam', port: 80 }] });
    expect(parseDeviceList(wrap(dev))).toMatchObject({ devices: [{ name: 'cam' }] });
  });

  it('round-trips generate → parse', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 24 });
    const noNul = text.filter((s) => !s.includes('\0'));
    const dev: fc.Arbitrary<ListedDevice> = fc.record({ name: text, host: text, port: fc.integer({ min: 0, max: 65535 }), user: noNul, password: noNul });
    fc.assert(
      fc.property(
        fc.array(dev, { maxLength: 6 }),
        fc.option(noNul.filter((s) => s !== ''), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 4_000_000_000 }), { nil: undefined }),
        (devices, password, timestamp) => {
          const qr = encodeDeviceListQr(devices, { ...(password ? { password } : {}), ...(timestamp !== undefined ? { timestamp } : {}) });
          const r = parseDeviceList(qr, password ? { password } : {});
          expect(r.locked).toBe(false);
          expect(r.passwordProtected).toBe(password !== undefined);
          expect(r.timestamp).toBe(timestamp);
          if (!r.locked) expect(r.devices).toEqual(devices);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives typed errors for damaged codes', () => {
    const cases: Array<[string, string]> = [
      ['QRC03010003', 'QR_CORRUPT'], // empty body
      ['QRC03010003!!!!', 'QR_CORRUPT'], // not base64
      [ISSUE_VECTOR.slice(0, 60), 'QR_CORRUPT'], // truncated base64 / zlib
      ['QRC03010003' + Buffer.from('not zlib at all').toString('base64'), 'QR_CORRUPT'],
      [wrap('a:b:c:d'), 'QR_CORRUPT'], // too many sections
      [wrap(`${Buffer.from('abc').toString('base64')}:x&0&y&80&&&$`), 'QR_CORRUPT'], // password not a whole AES block
      [wrap('Y2Ft&0&eA==&99999&&&$'), 'QR_CORRUPT'], // bad port
      [wrap('Y2Ft&0&eA==&80&&$'), 'QR_CORRUPT'], // missing fields
      [wrap(`Y2Ft&0&eA==&80&&${Buffer.alloc(16, 0x41).toString('base64')}&$`), 'QR_CORRUPT'], // wrong padding after decrypt
    ];
    for (const [text, expected] of cases) expect([text.slice(0, 40), code(errorOf(() => parseDeviceList(text)))]).toEqual([text.slice(0, 40), expected]);
  });

  it('refuses a decompression bomb quickly with bounded memory', () => {
    const bomb = 'QRC03010003' + deflateSync(Buffer.alloc(50 * 1024 * 1024, 0x41)).toString('base64');
    expect(bomb.length).toBeLessThan(100_000);
    expect(code(errorOf(() => parseDeviceList(bomb)))).toBe('QR_TOO_LARGE');
  });
});
