import { describe, expect, it } from 'vitest';
import { deviceDetails, deviceTitle, deviceTypeLabel, formatAddress, formatFirmware } from './format';

describe('device type label', () => {
  it('writes each known family one way, and "Unknown" for none', () => {
    expect(deviceTypeLabel('camera')).toBe('Camera');
    expect(deviceTypeLabel('Camera')).toBe('Camera');
    expect(deviceTypeLabel('nvr')).toBe('Recorder (NVR)');
    expect(deviceTypeLabel('axpro')).toBe('AX Pro alarm hub');
    expect(deviceTypeLabel('unknown')).toBe('Unknown');
    expect(deviceTypeLabel('Unknown')).toBe('Unknown');
    expect(deviceTypeLabel(null)).toBe('Unknown');
    expect(deviceTypeLabel(undefined)).toBe('Unknown');
    expect(deviceTypeLabel('')).toBe('Unknown');
  });

  it('writes a family it does not know yet in sentence case', () => {
    expect(deviceTypeLabel('door_station')).toBe('Door station');
  });
});

describe('firmware', () => {
  it('separates the version from its build as the device web page does', () => {
    expect(formatFirmware('V4.40.015build 210922')).toBe('V4.40.015 build 210922');
    expect(formatFirmware('V5.7.3build 220112')).toBe('V5.7.3 build 220112');
    expect(formatFirmware('V5.7.3 build 220112')).toBe('V5.7.3 build 220112');
    expect(formatFirmware('V5.7.3  Build  220112')).toBe('V5.7.3 build 220112');
  });

  it('leaves a bare version alone and shows a dash for none', () => {
    expect(formatFirmware('V5.7.15')).toBe('V5.7.15');
    expect(formatFirmware(null)).toBe('—');
    expect(formatFirmware('  ')).toBe('—');
  });
});

describe('device title and details', () => {
  it('uses the name, but not when it is only the serial: then the model', () => {
    expect(deviceTitle({ name: 'Hall camera', model: 'DS-2CD2143G2-I', serial: 'DS-2CD2143G2-I20240101AAWRJ12345678' })).toBe('Hall camera');
    expect(deviceTitle({ name: 'DS-2CD2143G2-I20240101AAWRJ12345678', model: 'DS-2CD2143G2-I', serial: 'DS-2CD2143G2-I20240101AAWRJ12345678' })).toBe('DS-2CD2143G2-I');
    // The short serial typed from the label is a serial too.
    expect(deviceTitle({ name: 'j12345678', model: 'DS-7608NI-K2', serial: 'DS-7608NI-K220240101AAWRJ12345678' })).toBe('DS-7608NI-K2');
  });

  it('falls back to the serial, then the address', () => {
    expect(deviceTitle({ name: 'J12345678', model: null, serial: 'DS-X20240101AAWRJ12345678' })).toBe('DS-X20240101AAWRJ12345678');
    expect(deviceTitle({ name: '', host: '10.0.0.7', port: 8000 })).toBe('10.0.0.7:8000');
    expect(deviceTitle({})).toBe('Device');
  });

  it('details say model, serial and address, without repeating the title', () => {
    expect(deviceDetails({ name: 'Hall camera', model: 'DS-2CD', serial: 'S1', host: '10.0.0.7', port: 80 })).toEqual(['DS-2CD', 'S1', '10.0.0.7:80']);
    expect(deviceDetails({ name: 'S1', model: 'DS-2CD', serial: 'S1' })).toEqual(['S1']);
    expect(formatAddress('10.0.0.7', null)).toBe('10.0.0.7');
    expect(formatAddress(null, 80)).toBe('');
  });
});
