/**
 * A tiny EmulatedDevice for tests of the cloud connector and the gateway (not the emulator: it
 * answers a few ISAPI paths with fixed shapes and records what it was asked).
 */
import { EventEmitter } from 'node:events';
import type { EmulatedDevice, EmulatedDeviceType, IsapiRequest, IsapiResponse } from '../../src/emulator/types';
import { eventually } from './wait';

const NS = 'http://www.isapi.org/ver20/XMLSchema';

export class FakeDevice extends EventEmitter implements EmulatedDevice {
  type: EmulatedDeviceType = 'camera';
  shortSerial: string;
  model = 'DS-2CD2143G2-I';
  mac = 'c0:56:e3:00:00:01';
  activated = true;
  firmwareVersion = 'V5.7.3';
  host = '127.0.0.1';
  httpPort = 0;
  registered = false;
  requests: { req: IsapiRequest; via: string }[] = [];
  /** Delay answers (ms) to test timeouts. */
  delayMs = 0;

  constructor(
    readonly serial: string,
    public verificationCode = 'ABCDEF',
    public cloudEnabled = true,
    public cloudLinkUp = true,
  ) {
    super();
    this.shortSerial = serial.slice(-9);
  }

  async handleIsapi(req: IsapiRequest, ctx: { via: 'http' | 'cloud' }): Promise<IsapiResponse> {
    this.requests.push({ req, via: ctx.via });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const xml = (s: string, status = 200): IsapiResponse => ({ status, headers: { 'content-type': 'application/xml; charset="UTF-8"' }, body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\r\n${s}`) });
    if (req.method === 'GET' && req.path === '/ISAPI/System/deviceInfo') {
      return xml(`<DeviceInfo version="2.0" xmlns="${NS}">\r\n<deviceName>Camera</deviceName>\r\n<model>${this.model}</model>\r\n<serialNumber>${this.serial}</serialNumber>\r\n<macAddress>${this.mac}</macAddress>\r\n<firmwareVersion>${this.firmwareVersion}</firmwareVersion>\r\n<firmwareReleasedDate>build 240101</firmwareReleasedDate>\r\n<deviceType>IPCamera</deviceType>\r\n</DeviceInfo>\r\n`);
    }
    if (req.method === 'PUT' && req.path === '/ISAPI/System/echo') {
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: req.body };
    }
    return xml(`<ResponseStatus version="1.0" xmlns="${NS}"><requestURL>${req.path}</requestURL><statusCode>4</statusCode><statusString>Invalid Operation</statusString><subStatusCode>notSupport</subStatusCode></ResponseStatus>`, 403);
  }

  setCloudRegistered(registered: boolean): void {
    this.registered = registered;
    this.emit('test-registered', registered);
  }

  /** Change cloud settings the way the emulator does, then tell the connector. */
  configure(change: Partial<Pick<FakeDevice, 'verificationCode' | 'cloudEnabled' | 'cloudLinkUp'>>): void {
    Object.assign(this, change);
    this.emit('cloud-config');
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  await eventually(async () => (await cond()) || undefined, what, timeoutMs, 25);
}
