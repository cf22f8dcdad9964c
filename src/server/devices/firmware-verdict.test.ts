import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import type { Catalogue } from './firmware-catalogue';
import { firmwareGate, requireFirmware, verdictFor, verdictStale } from './firmware-verdict';
import { monitoringGate, requireMonitoring } from '../health/health-policy';

const cat: Catalogue = {
  version: '2026.1.1',
  entries: [
    { pattern: '^CAM', minimum: { health_monitoring: 'V5.0.0', linkage_rules: 'V5.6.0', remote_configuration: 'V5.2.0' } },
    { pattern: '.*', minimum: { health_monitoring: 'V2.0.0', linkage_rules: 'V2.0.0', remote_configuration: 'V2.0.0' } },
  ],
};

describe('firmware verdict (stored on the device)', () => {
  it('is null while the version is unknown, and never blocks then', () => {
    expect(verdictFor('CAM-1', '', cat)).toBeNull();
    expect(firmwareGate(null, 'health_monitoring')).toEqual({ allowed: true });
  });

  it.each([
    // version, health, linkage, remote config, upgradeTo
    ['V5.7.0', true, true, true, null],
    ['V5.3.0', true, false, true, 'V5.6.0'],
    ['V5.1.0', true, false, false, 'V5.6.0'],
    ['V4.9.9', false, false, false, 'V5.6.0'],
  ])('CAM at %s: health %s, linkage %s, remote configuration %s, upgrade to %s', (version, health, linkage, remote, upgradeTo) => {
    const v = verdictFor('CAM-1', version, cat)!;
    expect(v.upgradeTo).toBe(upgradeTo);
    expect(v.catalogueVersion).toBe('2026.1.1');
    expect(firmwareGate(v, 'health_monitoring').allowed).toBe(health);
    expect(firmwareGate(v, 'linkage_rules').allowed).toBe(linkage);
    expect(firmwareGate(v, 'remote_configuration').allowed).toBe(remote);
  });

  it('refuses with FIRMWARE_INCOMPATIBLE naming the feature, its minimum and the version to upgrade to', () => {
    const v = verdictFor('CAM-1', 'V5.1.0', cat)!;
    try {
      requireFirmware(v, 'remote_configuration');
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'FIRMWARE_INCOMPATIBLE')).toBe(true);
      if (!isAppError(e)) throw e;
      expect(e.status).toBe(409);
      expect(e.details).toEqual({ feature: 'remote_configuration', minimum: 'V5.2.0', upgradeTo: 'V5.6.0' });
      expect(e.hint).toContain('V5.6.0');
    }
    expect(() => requireFirmware(v, 'health_monitoring')).not.toThrow();
  });

  it('is stale when computed with another catalogue version or none', () => {
    expect(verdictStale(null, cat)).toBe(true);
    expect(verdictStale('2025.9.9', cat)).toBe(true);
    expect(verdictStale('2026.1.1', cat)).toBe(false);
  });

  it('the monitoring gate: off wins; on but incompatible answers FIRMWARE_INCOMPATIBLE (firmware upgrade stays allowed)', () => {
    const old = verdictFor('CAM-1', 'V4.0.0', cat)!;
    expect(monitoringGate({ healthMonitoring: false, firmwareVerdict: old }, 'health_read')).toMatchObject({ allowed: false, code: 'HEALTH_MONITORING_OFF' });
    expect(monitoringGate({ healthMonitoring: true, firmwareVerdict: old }, 'health_read')).toMatchObject({ allowed: false, code: 'FIRMWARE_INCOMPATIBLE', upgradeTo: 'V5.6.0' });
    expect(monitoringGate({ healthMonitoring: true, firmwareVerdict: old }, 'health_collect').allowed).toBe(false);
    expect(monitoringGate({ healthMonitoring: true, firmwareVerdict: old }, 'firmware_upgrade')).toEqual({ allowed: true });
    expect(() => requireMonitoring({ healthMonitoring: true, firmwareVerdict: old }, 'health_read')).toThrow(expect.objectContaining({ code: 'FIRMWARE_INCOMPATIBLE' }));
    expect(monitoringGate({ healthMonitoring: true, firmwareVerdict: verdictFor('CAM-1', 'V5.7.0', cat) }, 'health_read')).toEqual({ allowed: true });
  });
});
