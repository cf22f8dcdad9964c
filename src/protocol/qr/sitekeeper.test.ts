import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { encodeSitekeeperQr, mergeParts, parseSitekeeperPart, parseSitekeeperQr, splitIntoParts, type SitekeeperDevice } from './sitekeeper';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? e.code : `not an AppError: ${String(e)}`;
  }
  return undefined;
}

const labelDevice: SitekeeperDevice = { name: 'Front door', serial: 'J12345678', verificationCode: 'ABCDEF', model: 'DS-2CD2143G2-IS', domain: 'www.hik-connect.com' };
const ipDevice: SitekeeperDevice = { name: 'NVR', host: 'nvr.example.net', port: 8000, user: 'admin', password: 'S3cret!pw' };

describe('Sitekeeper device QR', () => {
  it('round-trips a plain code', () => {
    const text = encodeSitekeeperQr({ devices: [labelDevice, ipDevice], note: 'Shop 12' });
    expect(text.startsWith('SKQR1:P:')).toBe(true);
    expect(parseSitekeeperQr(text)).toEqual({ kind: 'sitekeeper', version: 1, encrypted: false, locked: false, devices: [labelDevice, ipDevice], note: 'Shop 12' });
  });

  it('encrypts with a password; asks for it; rejects a wrong one', () => {
    const text = encodeSitekeeperQr({ devices: [ipDevice] }, { password: 'correct horse' });
    expect(text.startsWith('SKQR1:E:')).toBe(true);
    expect(text).not.toContain(Buffer.from('S3cret').toString('base64url').slice(0, 6));
    expect(parseSitekeeperQr(text)).toEqual({ kind: 'sitekeeper', version: 1, encrypted: true, locked: true });
    expect(code(() => parseSitekeeperQr(text, { password: 'wrong horse' }))).toBe('QR_PASSWORD_WRONG');
    expect(parseSitekeeperQr(text, { password: 'correct horse' })).toMatchObject({ encrypted: true, locked: false, devices: [ipDevice] });
  });

  it('uses a fresh salt per code (same input, different output)', () => {
    const a = encodeSitekeeperQr({ devices: [ipDevice] }, { password: 'pw' });
    const b = encodeSitekeeperQr({ devices: [ipDevice] }, { password: 'pw' });
    expect(a).not.toBe(b);
  });

  it('rejects invalid payloads when encoding', () => {
    expect(code(() => encodeSitekeeperQr({ devices: [] }))).toBe('QR_ENCODE_INVALID');
    expect(code(() => encodeSitekeeperQr({ devices: [{ name: 'x' }] }))).toBe('QR_ENCODE_INVALID');
    expect(code(() => encodeSitekeeperQr({ devices: [{ host: 'h', port: 70000 }] }))).toBe('QR_ENCODE_INVALID');
    expect(code(() => encodeSitekeeperQr({ devices: [{ serial: '12' }] }))).toBe('QR_ENCODE_INVALID');
  });

  it('gives QR_CORRUPT for damaged codes', () => {
    const text = encodeSitekeeperQr({ devices: [labelDevice] });
    expect(code(() => parseSitekeeperQr(text.slice(0, -5)))).toBe('QR_CORRUPT');
    expect(code(() => parseSitekeeperQr('SKQR1:P:!!!'))).toBe('QR_CORRUPT');
    expect(code(() => parseSitekeeperQr('SKQR1:X:abcd'))).toBe('QR_CORRUPT');
    expect(code(() => parseSitekeeperQr('SKQR1:E:abcd', { password: 'x' }))).toBe('QR_CORRUPT');
    expect(code(() => parseSitekeeperQr(`SKQR1:P:${Buffer.from('{}').toString('base64url')}`))).toBe('QR_CORRUPT');
  });

  const device: fc.Arbitrary<SitekeeperDevice> = fc.oneof(
    fc.record({ serial: fc.stringMatching(/^[A-Z0-9]{9}$/), verificationCode: fc.stringMatching(/^[A-Z]{6}$/), name: fc.string({ maxLength: 30 }) }, { requiredKeys: ['serial'] }),
    fc.record({ host: fc.string({ minLength: 1, maxLength: 60 }), port: fc.integer({ min: 1, max: 65535 }), user: fc.string({ maxLength: 32 }), password: fc.string({ maxLength: 64 }) }, { requiredKeys: ['host'] }),
  );

  it('round-trips arbitrary plain payloads', () => {
    fc.assert(
      fc.property(fc.array(device, { minLength: 1, maxLength: 5 }), (devices) => {
        expect(parseSitekeeperQr(encodeSitekeeperQr({ devices }))).toEqual({ kind: 'sitekeeper', version: 1, encrypted: false, locked: false, devices });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips encrypted payloads (few runs: scrypt is deliberately slow)', () => {
    fc.assert(
      fc.property(fc.array(device, { minLength: 1, maxLength: 3 }), fc.string({ minLength: 1, maxLength: 20 }), (devices, password) => {
        const r = parseSitekeeperQr(encodeSitekeeperQr({ devices }, { password }), { password });
        expect(r).toEqual({ kind: 'sitekeeper', version: 1, encrypted: true, locked: false, devices });
      }),
      { numRuns: 8 },
    );
  });
});

describe('multi-part codes', () => {
  const many = Array.from({ length: 60 }, (_, i) => ({ name: `Camera ${i}`, host: `10.1.${i}.${(i * 7) % 250}`, port: 8000, user: 'admin', password: `pw-${i}-${'x'.repeat(i % 13)}` }));

  it('splits a large export into numbered parts and merges them in any order', () => {
    const text = encodeSitekeeperQr({ devices: many });
    const parts = splitIntoParts(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(560);
    expect(parseSitekeeperPart(parts[1]!)).toMatchObject({ kind: 'sitekeeper-part', index: 2, total: parts.length });
    const shuffled = [...parts].reverse();
    shuffled.push(parts[0]!); // a part scanned twice
    expect(mergeParts(shuffled)).toBe(text);
  });

  it('returns short codes unsplit', () => {
    const text = encodeSitekeeperQr({ devices: [labelDevice] });
    expect(splitIntoParts(text)).toEqual([text]);
  });

  it('reports missing parts and mixed sets', () => {
    const parts = splitIntoParts(encodeSitekeeperQr({ devices: many }));
    try {
      mergeParts(parts.slice(1));
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'QR_PARTS_INCOMPLETE')).toBe(true);
      expect((e as { details: { missing: number[] } }).details.missing).toEqual([1]);
    }
    const other = splitIntoParts(encodeSitekeeperQr({ devices: many.slice(1) }));
    expect(code(() => mergeParts([parts[0]!, other[1]!]))).toBe('QR_PARTS_MISMATCH');
    const tampered = parts.map((p, i) => (i === 0 ? p.slice(0, -1) + (p.endsWith('A') ? 'B' : 'A') : p));
    expect(code(() => mergeParts(tampered))).toBe('QR_CORRUPT');
  });

  it('merges any split of any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 64, max: 700 }), (body, max) => {
        const text = `SKQR1:P:${body}`;
        const parts = splitIntoParts(text, max);
        for (const p of parts) expect(p.length).toBeLessThanOrEqual(Math.max(max, text.length > max ? 0 : text.length));
        expect(parts.length === 1 ? parts[0] : mergeParts(parts)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
