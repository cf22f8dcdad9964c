import { describe, expect, it } from 'vitest';
import { compareVersions, deviceFamily, firmwareVerdict } from './firmware-compat';

describe('firmware compatibility', () => {
  it('compares dotted versions numerically', () => {
    expect(compareVersions('V5.7.11', 'V5.7.3')).toBeGreaterThan(0);
    expect(compareVersions('V4.40.015', 'V4.0.0')).toBeGreaterThan(0);
    expect(compareVersions('V1.0.0', 'V1.2.0')).toBeLessThan(0);
    expect(compareVersions('V5.5.0', 'V5.5')).toBe(0);
  });

  it('classifies families and gives verdicts', () => {
    expect(deviceFamily('IPCamera', 'DS-2CD2143G2-I')).toBe('camera');
    expect(deviceFamily('NVR', 'DS-7608NI-K2')).toBe('nvr');
    expect(deviceFamily('AXPro', 'DS-PWA96-M-WE')).toBe('axpro');
    expect(deviceFamily('VIS', 'DS-KD8003-IME1')).toBe('unknown');
    expect(firmwareVerdict('V5.7.3', 'camera').compatible).toBe(true);
    expect(firmwareVerdict('V1.0.0', 'camera')).toMatchObject({ compatible: false, minimum: 'V5.5.0' });
  });
});
