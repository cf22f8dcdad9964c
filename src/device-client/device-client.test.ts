import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError, isAppError } from '../errors/app-error';
import { DeviceClient, DeviceConcurrency } from './device-client';
import { CloudTransport } from './cloud-transport';
import { AgentTransport } from './agent-transport';
import { MAX_TUNNEL_BODY_BYTES } from '../protocol/tunnel/envelope';
import type { IsapiRequest, IsapiResponse, IsapiTransport, RequestLimit } from './transport';

const NS = 'http://www.hikvision.com/ver10/XMLSchema';

class FakeTransport implements IsapiTransport {
  readonly target = 'fake://device';
  readonly deviceKey = 'fake';
  calls: IsapiRequest[] = [];
  running = 0;
  maxRunning = 0;
  constructor(private readonly answer: (req: IsapiRequest, n: number) => Promise<IsapiResponse> | IsapiResponse) {}
  async request(req: IsapiRequest): Promise<IsapiResponse> {
    this.calls.push(req);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.answer(req, this.calls.length);
    } finally {
      this.running--;
    }
  }
}

const xml = (body: string, status = 200): IsapiResponse => ({ status, headers: {}, body: Buffer.from(body) });
const deviceInfo = `<?xml version="1.0" encoding="UTF-8"?>\r\n<DeviceInfo version="1.0" xmlns="${NS}">\r\n<deviceName>Cam &amp; Co</deviceName>\r\n<model>DS-2CD2155FWD-I</model>\r\n<serialNumber>DS-2CD2155FWD-I20170725AAWR123456789</serialNumber>\r\n<macAddress>44:19:b6:00:00:01</macAddress>\r\n<firmwareVersion>V5.5.0</firmwareVersion>\r\n<firmwareReleasedDate>build 170725</firmwareReleasedDate>\r\n<deviceType>IPCamera</deviceType>\r\n</DeviceInfo>\r\n`;
const noSleep = async () => undefined;

describe('DeviceClient (fake transport)', () => {
  it('parses deviceInfo in the hikvision.com namespace, decoding entities', async () => {
    const c = new DeviceClient(new FakeTransport(() => xml(deviceInfo)));
    const info = await c.deviceInfo();
    expect(info).toMatchObject({ deviceName: 'Cam & Co', model: 'DS-2CD2155FWD-I', firmwareVersion: 'V5.5.0' });
  });

  it('retries an idempotent read after a transient failure, never a write', async () => {
    const flaky = new FakeTransport((_req, n) => {
      if (n === 1) throw new AppError('DEVICE_TIMEOUT');
      return xml(deviceInfo);
    });
    const c = new DeviceClient(flaky, { sleep: noSleep });
    await c.deviceInfo();
    expect(flaky.calls.map((r) => r.method)).toEqual(['GET', 'GET']);

    const failingWrite = new FakeTransport(() => {
      throw new AppError('DEVICE_TIMEOUT');
    });
    const w = new DeviceClient(failingWrite, { sleep: noSleep, readRetries: 3 });
    await expect(w.reboot()).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
    await expect(w.setDhcp()).rejects.toMatchObject({ code: 'DEVICE_TIMEOUT' });
    expect(failingWrite.calls).toHaveLength(2);
  });

  it('does not retry answers that will not change (auth failure, not activated)', async () => {
    const t = new FakeTransport(() => xml(`<ResponseStatus xmlns="${NS}"><statusCode>4</statusCode><subStatusCode>notActivated</subStatusCode></ResponseStatus>`, 403));
    const c = new DeviceClient(t, { sleep: noSleep, readRetries: 3 });
    await expect(c.deviceInfo()).rejects.toMatchObject({ code: 'DEVICE_NOT_ACTIVATED', details: { target: 'fake://device' } });
    expect(t.calls).toHaveLength(1);
  });

  it('gives every call a timeout', async () => {
    const t = new FakeTransport(() => xml(deviceInfo));
    await new DeviceClient(t, { timeoutMs: 1234 }).deviceInfo();
    await new DeviceClient(t, { timeoutMs: 1234 }).upgradeFirmware(Buffer.from('pkg'));
    expect(t.calls[0]?.timeoutMs).toBe(1234);
    expect(t.calls[1]?.timeoutMs).toBeGreaterThan(1234);
  });

  it('bounds concurrent calls per device', async () => {
    const t = new FakeTransport(async () => {
      await new Promise((r) => setTimeout(r, 5));
      return xml(deviceInfo);
    });
    const limiter = new DeviceConcurrency(2);
    const clients = [new DeviceClient(t, { concurrency: limiter }), new DeviceClient(t, { concurrency: limiter })];
    await Promise.all(Array.from({ length: 10 }, (_, i) => clients[i % 2]!.deviceInfo()));
    expect(t.calls).toHaveLength(10);
    expect(t.maxRunning).toBe(2);
    expect(limiter.load('fake')).toEqual({ running: 0, waiting: 0 });
  });

  it('reports reboot-required writes as a result, not an error', async () => {
    const t = new FakeTransport(() => xml(`<ResponseStatus xmlns="${NS}"><statusCode>7</statusCode><subStatusCode>rebootRequired</subStatusCode></ResponseStatus>`));
    expect(await new DeviceClient(t).setDhcp()).toEqual({ rebootRequired: true });
  });

  it('turns malformed or unexpected answers into DEVICE_PROTOCOL_ERROR, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('<DeviceInfo><model>x</model>', '<Other/>', '{"a":1}', '<!DOCTYPE x [<!ENTITY a "b">]><DeviceInfo>&a;</DeviceInfo>', '')), async (body) => {
        const c = new DeviceClient(new FakeTransport(() => xml(body)), { readRetries: 0 });
        // None of these bodies is a DeviceInfo with model, serial and firmware, nor a ResponseStatus: a 200 with it is a protocol error.
        const err: unknown = await c.deviceInfo().then(() => null, (e: unknown) => e);
        expect(isAppError(err)).toBe(true);
        expect((err as AppError).code).toBe('DEVICE_PROTOCOL_ERROR');
      }),
      { numRuns: 200 },
    );
    const c = new DeviceClient(new FakeTransport(() => xml('<Other/>')));
    await expect(c.deviceInfo()).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL_ERROR' });
    await expect(new DeviceClient(new FakeTransport(() => xml(`<DeviceInfo xmlns="${NS}"><model>x</model></DeviceInfo>`))).deviceInfo()).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL_ERROR', details: { element: 'serialNumber' } });
  });

  it('rejects a verification code of the wrong length before asking the device', async () => {
    const t = new FakeTransport(() => xml('<ResponseStatus><statusCode>1</statusCode></ResponseStatus>'));
    await expect(new DeviceClient(t).enableCloud('ABC')).rejects.toMatchObject({ code: 'VERIFICATION_CODE_INVALID' });
    expect(t.calls).toHaveLength(0);
  });

  it('refuses a firmware package larger than its transport carries before sending anything; sends one at the limit', async () => {
    const ok = '<ResponseStatus><statusCode>1</statusCode></ResponseStatus>';
    const limited = Object.assign(new FakeTransport(() => xml(ok)), { requestLimit: { transport: 'agent', maxBytes: 1000 } satisfies RequestLimit });
    const c = new DeviceClient(limited);
    expect(c.firmwareTooLarge(1000)).toBeUndefined();
    await expect(c.upgradeFirmware(Buffer.alloc(1001))).rejects.toMatchObject({
      code: 'FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT', status: 413, details: { transport: 'agent', maxBytes: 1000, packageBytes: 1001, target: 'fake://device' },
    });
    expect(limited.calls).toHaveLength(0);
    await c.upgradeFirmware(Buffer.alloc(1000));
    expect(limited.calls.map((r) => r.path)).toEqual(['/ISAPI/System/updateFirmware']);
    // Direct HTTP has no cap of its own (the device answers 413 if it must).
    expect(new DeviceClient(new FakeTransport(() => xml(ok))).firmwareTooLarge(2 ** 31)).toBeUndefined();
  });

  it('gives the tunnel transports the one-message cap, named', () => {
    const never = () => Promise.reject(new Error('not called'));
    const cloud = new CloudTransport({ request: never }, 'DS-X');
    const agent = new AgentTransport({ isapi: never }, 'ag-1', { host: '10.0.0.2', port: 80 });
    expect(cloud.requestLimit).toEqual({ transport: 'cloud', maxBytes: MAX_TUNNEL_BODY_BYTES });
    expect(agent.requestLimit).toEqual({ transport: 'agent', maxBytes: MAX_TUNNEL_BODY_BYTES });
    const err = new DeviceClient(cloud).firmwareTooLarge(MAX_TUNNEL_BODY_BYTES + 1);
    expect(err?.message).toBe('The package (64.1 MiB) is larger than the device cloud carries (64 MiB): upgrade this device on its own network, or add it by address.');
    expect(new DeviceClient(cloud).firmwareTooLarge(MAX_TUNNEL_BODY_BYTES)).toBeUndefined();
  });
});
