import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { encodeLabelQr, parseLabel, tryParseLabel } from './label';
import { parseSerial } from './serial';

describe('device label QR', () => {
  it('parses the example label', () => {
    expect(parseLabel('www.xxx.com\n456654855\nABCDEF\nCS-C3-21PPFR\n')).toEqual({
      kind: 'label',
      domain: 'www.xxx.com',
      serial: '456654855',
      shortSerial: '456654855',
      verificationCode: 'ABCDEF',
      model: 'CS-C3-21PPFR',
      rawFields: ['www.xxx.com', '456654855', 'ABCDEF', 'CS-C3-21PPFR'],
    });
  });

  it('tolerates CR/LF mixes, no trailing newline and stray spaces', () => {
    for (const text of [
      'www.xxx.com\r\n456654855\r\nABCDEF\r\nCS-C3-21PPFR',
      'www.xxx.com\r456654855\rABCDEF\rCS-C3-21PPFR\r',
      '  www.xxx.com \n\r 456654855\n\nABCDEF  \r\nCS-C3-21PPFR \n\n',
    ]) {
      const l = parseLabel(text);
      expect([l.domain, l.serial, l.verificationCode, l.model]).toEqual(['www.xxx.com', '456654855', 'ABCDEF', 'CS-C3-21PPFR']);
    }
  });

  it('parses the 5-field variant', () => {
    const l = parseLabel('www.hik-connect.com\nJ12345678\nQWERTY\nDS-2CD2143G2-IS\nE\n');
    expect(l.extra).toBe('E');
    expect(l.rawFields).toHaveLength(5);
  });

  it('keeps a full serial and derives the short serial', () => {
    const l = parseLabel('www.hik-connect.com\nDS-2CD2143G2-IS20210101AAWRJ12345678\nQWERTY\nDS-2CD2143G2-IS\n');
    expect(l.shortSerial).toBe('J12345678');
  });

  it('rejects texts that are not labels', () => {
    expect(tryParseLabel('hello\nworld')).toBeNull();
    expect(tryParseLabel('not a domain\n456654855\nABCDEF\nCS-C3\n')).toBeNull();
    expect(tryParseLabel('www.xxx.com\n12\nABCDEF\nCS-C3\n')).toBeNull();
    expect(tryParseLabel('www.xxx.com\n456654855\nAB CD\nCS-C3\n')).toBeNull();
    expect(() => parseLabel('a\nb\nc\nd\ne\nf')).toThrow(/not a device label/);
  });

  const fieldArb = fc.record({
    domain: fc.domain(),
    serial: fc.oneof(fc.stringMatching(/^[A-Z0-9]{9}$/), fc.stringMatching(/^[A-Z][A-Z0-9-]{5,20}[A-Z0-9]{9}$/)),
    verificationCode: fc.stringMatching(/^[A-Za-z0-9]{4,12}$/),
    model: fc.stringMatching(/^[A-Z0-9][A-Z0-9 ()/.-]{0,20}[A-Z0-9]$/),
    extra: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { nil: undefined }),
  });

  it('round-trips generate → parse', () => {
    fc.assert(
      fc.property(fieldArb, fc.constantFrom('\n', '\r\n', '\r'), (f, nl) => {
        const fields = f.extra === undefined ? { domain: f.domain, serial: f.serial, verificationCode: f.verificationCode, model: f.model } : f;
        const text = encodeLabelQr(fields).replace(/\n/g, nl);
        const l = parseLabel(text);
        expect({ domain: l.domain, serial: l.serial, verificationCode: l.verificationCode, model: l.model, extra: l.extra }).toEqual({ ...f, extra: f.extra });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to generate an invalid label', () => {
    expect(() => encodeLabelQr({ domain: 'x', serial: '1', verificationCode: '', model: '' })).toThrow(expect.objectContaining({ code: 'QR_ENCODE_INVALID' }));
  });
});

describe('serial', () => {
  it('accepts the 9-character short serial and full serials', () => {
    expect(parseSerial(' e12345678 ')).toEqual({ kind: 'serial', serial: 'E12345678', shortSerial: 'E12345678' });
    expect(parseSerial('DS-2CD2143G2-IS20210101AAWRJ12345678').shortSerial).toBe('J12345678');
  });

  it('rejects short or malformed serials with QR_SERIAL_INVALID', () => {
    for (const s of ['1234', 'ABC-DEF', '-12345678', '12345678-', '']) {
      try {
        parseSerial(s);
        expect.unreachable(s);
      } catch (e) {
        expect(isAppError(e, 'QR_SERIAL_INVALID')).toBe(true);
      }
    }
  });
});
