import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type VirtualDevice } from '../../src/emulator';
import { DeviceClient } from '../../src/device-client/device-client';
import { HttpTransport } from '../../src/device-client/http-transport';
import { isAppError } from '../../src/errors/app-error';

const PASSWORD = 'Abcd1234!';

// Linkage actions as a real device takes them, through the DeviceClient over digest HTTP: manual
// recording of a channel's main track and an alarm output set high and low; state observable.
describe('manual recording and alarm outputs', () => {
  let nvr: VirtualDevice;
  let hub: VirtualDevice;
  let client: DeviceClient;
  let hubClient: DeviceClient;
  beforeAll(async () => {
    nvr = createDevice({ type: 'nvr', channels: 4, adminPassword: PASSWORD });
    hub = createDevice({ type: 'axpro', adminPassword: PASSWORD });
    await nvr.attachLan('127.0.0.1', 0);
    await hub.attachLan('127.0.0.1', 0);
    client = new DeviceClient(new HttpTransport({ host: '127.0.0.1', port: nvr.httpPort, username: 'admin', password: PASSWORD }), { readRetries: 0 });
    hubClient = new DeviceClient(new HttpTransport({ host: '127.0.0.1', port: hub.httpPort, username: 'admin', password: PASSWORD }), { readRetries: 0 });
  });
  afterAll(async () => {
    await nvr.close();
    await hub.close();
  });

  it('starts and stops manual recording of a channel; the channel status shows it recording', async () => {
    nvr.state.channels[2]!.recording = false;
    const events: unknown[] = [];
    nvr.on('status', (e: unknown) => events.push(e));
    await client.startManualRecording(3);
    expect(nvr.state.channels[2]!.manualRecording).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'manualRecord', channel: 3, track: 301, recording: true }));
    expect((await client.channels()).find((c) => c.id === 3)?.recording).toBe(true);
    await client.stopManualRecording(3);
    expect(nvr.state.channels[2]!.manualRecording).toBeUndefined();
    expect((await client.channels()).find((c) => c.id === 3)?.recording).toBe(false);
    const err = await client.startManualRecording(9).catch((e: unknown) => e);
    expect(isAppError(err)).toBe(true);
  });

  it('sets an alarm output high and low (IOPortData), its status follows', async () => {
    expect(nvr.state.alarmOutputs?.map((o) => o.state)).toEqual(['low', 'low', 'low', 'low']);
    await client.setAlarmOutput(2, 'high');
    expect(nvr.state.alarmOutputs![1]!.state).toBe('high');
    expect(await client.alarmOutputStatus(2)).toEqual({ ioPortID: 2, ioPortType: 'output', ioState: 'active' });
    await client.setAlarmOutput(2, 'low');
    expect((await client.alarmOutputStatus(2)).ioState).toBe('inactive');
    expect(isAppError(await client.setAlarmOutput(7, 'high').catch((e: unknown) => e))).toBe(true);
  });

  it('an AX Pro has neither (notSupport)', async () => {
    const err = await hubClient.startManualRecording(1).catch((e: unknown) => e);
    expect(isAppError(err)).toBe(true);
  });
});
