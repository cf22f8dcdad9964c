import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDevice } from './index';
import { isAppError } from '../errors/app-error';
import type { EmulatedDeviceType } from './types';

const PATHS = [
  '/ISAPI/System/deviceInfo', '/ISAPI/System/Network/EZVIZ', '/ISAPI/System/Network/interfaces/1/ipAddress', '/ISAPI/Security/users', '/ISAPI/Security/users/1',
  '/ISAPI/Security/users/2', '/ISAPI/System/updateFirmware', '/ISAPI/System/upgradeStatus', '/ISAPI/ContentMgmt/Storage', '/ISAPI/ContentMgmt/Storage/hdd/1/SMARTTest/status',
  '/ISAPI/ContentMgmt/Storage/extension', '/ISAPI/System/time', '/ISAPI/Security/challenge', '/ISAPI/System/activate', '/ISAPI/SecurityCP/status/zones',
  '/ISAPI/SecurityCP/control/arm/1', '/ISAPI/SecurityCP/control/bypass/9', '/ISAPI/Security/sessionLogin', '/ISAPI/Security/sessionLogin/capabilities', '/SDK/activateStatus',
  '/ISAPI/SecurityCP/control/arm/0xffffffff', '/ISAPI/SecurityCP/control/disarm/0xFFFFFFFF', '/ISAPI/Event/triggers', '/ISAPI/Event/triggers/VMD-1', '/ISAPI/Event/triggers/vmd-1/notifications',
  '/ISAPI/Event/triggers/%ZZ', '/ISAPI/System/Video/inputs/channels/1/motionDetection', '/ISAPI/ContentMgmt/InputProxy/channels/2/video/motionDetection',
  '/ISAPI/System/Network/interfaces/1', '/ISAPI/Security/adminAccesses',
];

const body = fc.oneof(
  fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.constantFrom('<EZVIZ><enabled>maybe</enabled></EZVIZ>', '<User><id>x</id></User>', '{"User":{"userName":1}}', '<IPAddress/>', '<NetworkInterface><id>1</id><IPAddress><addressingType>static</addressingType><ipAddress>1.2.3.4</ipAddress></IPAddress></NetworkInterface>', '<AdminAccessProtocolList><AdminAccessProtocol><protocol>HTTP</protocol><portNo>99999</portNo></AdminAccessProtocol></AdminAccessProtocolList>', '<MotionDetection><MotionDetectionLayout><layout/></MotionDetectionLayout></MotionDetection>', '<EventTrigger><EventTriggerNotificationList><EventTriggerNotification/></EventTriggerNotificationList></EventTrigger>', '<a><b>&x;</b></a>', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>').map((s) => Buffer.from(s)),
);

describe('ISAPI handling never crashes on malformed requests', () => {
  it.each(['camera', 'nvr', 'axpro', 'unknown'] as EmulatedDeviceType[])('%s answers every request with an HTTP status (or a typed error)', async (type) => {
    const dev = createDevice({ type, activated: type !== 'unknown' }, { rebootMs: 10_000 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH'),
        fc.constantFrom(...PATHS),
        fc.oneof(fc.constant(''), fc.constant('?format=json'), fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}`)),
        body,
        fc.constantFrom<'http' | 'cloud'>('http', 'cloud'),
        async (method, path, query, b, via) => {
          try {
            const r = await dev.handleIsapi({ method, path: path + query, headers: { authorization: 'Digest username="admin", realm="x", nonce="y", uri="/", response="z"' }, body: b }, { via });
            expect(r.status).toBeGreaterThanOrEqual(200);
            expect(r.status).toBeLessThan(600);
            expect(Buffer.isBuffer(r.body)).toBe(true);
          } catch (e) {
            expect(isAppError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 250 },
    );
    await dev.close();
  });
});
