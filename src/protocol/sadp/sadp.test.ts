import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildProbe, buildProbeMatch, parseProbe, parseProbeMatch, SADP_MAX_DATAGRAM, shortSerialOf } from './sadp';
import { isAppError } from '../../errors/app-error';

const samples = process.env.ISAPI_SAMPLES_DIR ?? join(import.meta.dirname, '../../../../shared/isapi-samples');

describe('SADP codec', () => {
  it('parses the real client probes (with and without Uuid)', () => {
    const noUuid = join(samples, 'UDP37020_SADP_Probe_inquiry.request.no-uuid.xml');
    const withUuid = join(samples, 'UDP37020_SADP_Probe_inquiry.request.template.xml');
    if (!existsSync(noUuid)) return; // samples are not part of the repo
    expect(parseProbe(readFileSync(noUuid))).toEqual({ types: 'inquiry' });
    expect(parseProbe(readFileSync(withUuid, 'utf8').replace('%s', 'ABC-1'))).toEqual({ types: 'inquiry', uuid: 'ABC-1' });
  });

  it('round-trips probes and probe matches, under 2 KB', () => {
    expect(parseProbe(buildProbe({ uuid: 'U1', types: 'inquiry' }))).toEqual({ uuid: 'U1', types: 'inquiry' });
    const m = {
      uuid: 'U1', types: 'inquiry', deviceType: '139881', deviceDescription: 'DS-2CD2143G2-I', deviceSN: 'DS-2CD2143G2-I20230101AAWRF12345678',
      commandPort: 8000, httpPort: 8080, mac: 'c0-56-e3-01-02-03', ipv4Address: '127.0.0.1', ipv4SubnetMask: '255.0.0.0', ipv4Gateway: '127.0.0.1',
      dhcp: false, softwareVersion: 'V5.7.3build 220112', activated: true, supportHCPlatform: true, hcPlatformEnable: false, isModifyVerificationCode: false,
      analogChannelNum: 1, digitalChannelNum: 0, diskNumber: 0,
    };
    const xml = buildProbeMatch(m);
    expect(Buffer.byteLength(xml)).toBeLessThan(SADP_MAX_DATAGRAM);
    expect(parseProbeMatch(xml)).toEqual(m);
    expect(shortSerialOf(m.deviceSN)).toBe('F12345678');
  });

  it('accepts the real misspelling "flase"', () => {
    const xml = buildProbeMatch({ types: 'inquiry', deviceType: '1', deviceDescription: 'M', deviceSN: 'SN', commandPort: 8000, httpPort: 80, mac: 'a', ipv4Address: '', ipv4SubnetMask: '', ipv4Gateway: '', dhcp: false, softwareVersion: '', activated: true, supportHCPlatform: true, hcPlatformEnable: true, isModifyVerificationCode: false }).replace('<HCPlatformEnable>true', '<HCPlatformEnable>flase');
    expect(parseProbeMatch(xml).hcPlatformEnable).toBe(false);
  });

  it('garbage only ever throws typed errors', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        for (const f of [() => parseProbe(s), () => parseProbeMatch(s)]) {
          try {
            f();
          } catch (e) {
            expect(isAppError(e, 'VALIDATION_FAILED')).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
