import { describe, expect, it } from 'vitest';
import { CATALOGUE, compatibilityVerdict, type Catalogue } from './firmware-catalogue';

describe('firmware compatibility catalogue', () => {
  it('is versioned and ends with an entry for every model; every pattern compiles', () => {
    expect(CATALOGUE.version).toMatch(/^\d{4}\.\d+\.\d+$/);
    expect(CATALOGUE.entries.at(-1)!.pattern).toBe('.*');
    for (const e of CATALOGUE.entries) expect(() => new RegExp(e.pattern, 'i')).not.toThrow();
  });

  it.each([
    ['DS-2CD2143G2-I', 'V5.7.3', true, null],
    ['DS-2CD2143G2-I', 'V5.5.2', false, 'V5.6.0'],
    ['DS-2CD1043G0-I', 'V5.5.800', true, null],
    ['DS-7608NI-K2', 'V4.40.015', true, null],
    ['DS-7608NI-K2', 'V3.9.0', false, 'V4.30.0'],
    ['DS-PWA96-M-WE', 'V1.2.8', true, null],
    ['DS-PWA96-M-WE', 'V1.0.0', false, 'V1.2.5'],
    ['Unknown-1', 'V1.0.0', false, 'V2.0.0'],
  ])('%s at %s: compatible %s, upgrade to %s', (model, version, compatible, upgradeTo) => {
    const v = compatibilityVerdict(model, version);
    expect(v).toMatchObject({ compatible, upgradeTo, catalogueVersion: CATALOGUE.version });
    expect(v.reason === null).toBe(compatible);
  });

  it('names the features that are missing, each with its minimum', () => {
    const v = compatibilityVerdict('DS-2CD2143G2-I', 'V5.5.2');
    expect(v.features).toEqual([
      { feature: 'health_monitoring', compatible: true, minimum: 'V5.5.0' },
      { feature: 'linkage_rules', compatible: false, minimum: 'V5.6.0' },
      { feature: 'remote_configuration', compatible: true, minimum: 'V5.5.0' },
    ]);
    expect(v.reason).toMatch(/linkage rules \(V5\.6\.0\)/);
  });

  it('writes the version in the reason as the device page does (SADP runs version and build together)', () => {
    expect(compatibilityVerdict('DS-2CD2143G2-I', 'V5.5.2build 210922').reason).toMatch(/^Firmware V5\.5\.2 build 210922 is older than/);
  });

  it('an unknown firmware version is not compatible, with a reason; the first matching entry applies', () => {
    expect(compatibilityVerdict('DS-2CD2143G2-I', '')).toMatchObject({ compatible: false, reason: expect.stringMatching(/not known/) });
    const c: Catalogue = { version: 't', entries: [{ pattern: '^X', minimum: { health_monitoring: 'V9', linkage_rules: 'V9', remote_configuration: 'V9' } }, { pattern: '.*', minimum: { health_monitoring: 'V1', linkage_rules: 'V1', remote_configuration: 'V1' } }] };
    expect(compatibilityVerdict('X-1', 'V2', c)).toMatchObject({ compatible: false, upgradeTo: 'V9', catalogueVersion: 't' });
    expect(compatibilityVerdict('Y-1', 'V2', c)).toMatchObject({ compatible: true });
  });
});
