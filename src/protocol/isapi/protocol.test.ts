import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildXml, parseXml, xmlShape, xmlText, HIKVISION_NS } from './xml';
import { buildResponseStatusJson, buildResponseStatusXml, parseResponseStatus, responseStatus, httpStatusForStatusCode } from './response-status';
import { checkPassword, passwordStrength } from './password-policy';
import { buildFirmwarePackage, parseFirmwarePackage, firmwareFitsModel } from './firmware-package';
import { deviceInfoXml, parseDeviceInfo, parseHddList, storageXml, parseUserCheck, userCheckXml, parseEzviz, ezvizXml } from './models';
import { isAppError } from '../../errors/app-error';

describe('ISAPI XML', () => {
  it('builds CRLF documents with version and namespace on the root, escaping text', () => {
    const xml = buildXml('DeviceInfo', { deviceName: 'A & <B>', list: { item: [1, 2] }, cap: { '@': { min: 6, max: 12 } } }, { ns: HIKVISION_NS });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\r\n<DeviceInfo version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\r\n<deviceName>A &amp; &lt;B&gt;</deviceName>\r\n<list>\r\n<item>1</item>\r\n<item>2</item>\r\n</list>\r\n<cap min="6" max="12"/>\r\n</DeviceInfo>\r\n',
    );
    const p = parseXml(xml);
    expect(p.root).toBe('DeviceInfo');
    expect(p.ns).toBe(HIKVISION_NS);
    expect(xmlText(p.doc, 'deviceName')).toBe('A & <B>');
    expect([...xmlShape(xml).paths].sort()).toEqual(['cap', 'deviceName', 'list', 'list/item']);
  });

  it('does not expand DTD entities', () => {
    const evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "AAAAAAAAAA">]><x><y>&a;</y></x>';
    let text: string | undefined;
    try {
      text = xmlText(parseXml(evil).doc, 'y');
    } catch (e) {
      expect(isAppError(e, 'VALIDATION_FAILED')).toBe(true);
    }
    expect(text === undefined || !text.includes('AAAAAAAAAA')).toBe(true);
  });

  it('never throws anything but a typed error on garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          parseXml(s);
        } catch (e) {
          expect(isAppError(e, 'VALIDATION_FAILED')).toBe(true);
        }
        expect(() => parseResponseStatus(s)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('ResponseStatus', () => {
  it('round-trips XML and JSON with statusCode and errorCode', () => {
    const rs = responseStatus('notActivated', { requestURL: '/ISAPI/System/deviceInfo' });
    expect(rs.statusCode).toBe(4);
    expect(rs.errorCode).toBe(0x40000007);
    expect(parseResponseStatus(buildResponseStatusXml(rs))).toMatchObject({ statusCode: 4, subStatusCode: 'notActivated', errorCode: 0x40000007, statusString: 'Invalid Operation' });
    expect(parseResponseStatus(buildResponseStatusJson(rs))).toMatchObject({ statusCode: 4, subStatusCode: 'notActivated' });
    expect(buildResponseStatusJson(rs)).toContain('"statusCode":\t4');
    expect(httpStatusForStatusCode(4)).toBe(403);
  });

  it('accepts hex errorCode and the hikvision namespace; rejects other documents', () => {
    const xml = '<ResponseStatus version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><requestURL>/x</requestURL><statusCode>6</statusCode><statusString>Invalid XML Content</statusString><subStatusCode>badXmlContent</subStatusCode><errorCode>0x60000001</errorCode></ResponseStatus>';
    expect(parseResponseStatus(xml)).toMatchObject({ statusCode: 6, errorCode: 0x60000001 });
    expect(parseResponseStatus('<DeviceInfo/>')).toBeNull();
    expect(parseResponseStatus('')).toBeNull();
  });
});

describe('password policy', () => {
  it.each([
    ['abc', 'risky', 'passwordMustContainMorethan8Characters', 'length'],
    ['abcdefghijklmnopq', 'risky', 'passwordLenNoMoreThan16', 'length'],
    ['12345678', 'risky', 'riskPassword', 'kinds'],
    ['abcdefgh', 'risky', 'riskPassword', 'kinds'],
    ['abcd 1234', 'risky', 'riskPassword', 'printable'],
    ['admin1234', 'risky', 'userPwdNameSame', 'user'],
    ['nimda1234', 'risky', 'userPwdNameMirror', 'user'],
    ['abcd1234', 'weak', undefined, undefined],
    ['ABCD1234', 'weak', undefined, undefined],
    ['abcdEFGH', 'medium', undefined, undefined],
    ['abcd!!!!', 'medium', undefined, undefined],
    ['Abcd1234', 'strong', undefined, undefined],
  ])('%s → %s', (pw, strength, problem, rule) => {
    const r = checkPassword(pw, 'admin');
    expect(r.strength).toBe(strength);
    expect(r.problem).toBe(problem);
    expect(r.rule).toBe(rule);
    expect(r.ok).toBe(strength !== 'risky');
    expect(passwordStrength(pw, 'admin')).toBe(strength);
  });
});

describe('firmware package', () => {
  it('round-trips and detects corruption and wrong models', () => {
    const pkg = buildFirmwarePackage({ models: ['DS-2CD2143G2-I'], version: 'V5.7.15', build: '240101', payloadSize: 1000 });
    const p = parseFirmwarePackage(pkg);
    expect(p).toMatchObject({ version: 'V5.7.15', build: '240101' });
    expect(firmwareFitsModel(p, 'ds-2cd2143g2-i')).toBe(true);
    expect(firmwareFitsModel(p, 'DS-7608NI-K2')).toBe(false);
    const bad = Buffer.from(pkg);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    expect(() => parseFirmwarePackage(bad)).toThrow(/checksum/);
    expect(() => parseFirmwarePackage(Buffer.from('MZ\x90\x00 not a package'))).toThrow(/magic/);
  });
});

describe('models', () => {
  it('deviceInfo, storage, userCheck and EZVIZ round-trip', () => {
    const info = { deviceName: 'IP CAMERA', deviceID: 'x', model: 'M', serialNumber: 'MSN', macAddress: 'aa:bb:cc:dd:ee:ff', firmwareVersion: 'V5.5.0', firmwareReleasedDate: 'build 170725', deviceType: 'IPCamera' };
    expect(parseDeviceInfo(deviceInfoXml(info))).toMatchObject(info);
    const hdds = [{ id: 1, hddName: 'hdd1', hddType: 'SATA', status: 'ok', capacity: 100, freeSpace: 50, property: 'RW' }];
    expect(parseHddList(storageXml(hdds))).toEqual(hdds);
    expect(parseHddList(storageXml([]))).toEqual([]);
    const uc = { statusValue: 401, statusString: 'Unauthorized', isDefaultPassword: false, isRiskPassword: false, isActivated: true, lockStatus: 'lock' as const, unlockTime: 1800, retryLoginTime: 0 };
    expect(parseUserCheck(userCheckXml(uc))).toEqual(uc);
    expect(parseEzviz(ezvizXml({ enabled: true, registerStatus: false, serverHostName: 'h', verificationCode: '', bindStatus: 'unbind' }))).toMatchObject({ enabled: true, registerStatus: false });
  });
});
