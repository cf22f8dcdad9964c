import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestBroker, type TestBroker } from '../helpers/broker';
import { FakeDevice, waitFor } from '../helpers/fake-device';
import { DeviceGateway, type DeviceEvent } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { startCloudAgent } from '../../src/emulator/cloud-agent';

let broker: TestBroker;
let gw: DeviceGateway;

beforeAll(async () => {
  broker = await getTestBroker();
  gw = await DeviceGateway.start({ mqttUrl: broker.url, store: new MemoryGatewayStore(), topicPrefix: broker.topicPrefix, presenceFlushMs: 200 });
});

afterAll(async () => {
  await gw?.close();
  await broker?.close();
});

describe('cloud connector of an emulated device', () => {
  it('stays off while the cloud service is disabled, connects when enabled, disconnects when disabled again', async () => {
    const dev = new FakeDevice('CLOUDAGENT0000001', 'ABCDEF', false);
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(dev.registered).toBe(false);
      expect(gw.isOnline(dev.serial)).toBeUndefined();
      dev.configure({ cloudEnabled: true });
      await waitFor(() => dev.registered && gw.isOnline(dev.serial) === true, 10_000, 'online');
      dev.configure({ cloudEnabled: false });
      await waitFor(() => !dev.registered && gw.isOnline(dev.serial) === false, 10_000, 'offline');
    } finally {
      await agent.close();
    }
  });

  it('publishes status events and alarms to the gateway, signed', async () => {
    const dev = new FakeDevice('CLOUDAGENT0000002');
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    const events: DeviceEvent[] = [];
    const on = (e: DeviceEvent) => events.push(e);
    gw.on('device-event', on);
    try {
      await waitFor(() => dev.registered, 10_000, 'registration');
      dev.emit('status', { kind: 'videoLoss', channel: 2, active: true });
      dev.emit('status', { kind: 'alarm', zoneId: 1 });
      await waitFor(() => events.filter((e) => e.serial === dev.serial).length >= 2, 5000, 'events');
      const kinds = events.filter((e) => e.serial === dev.serial).map((e) => e.event.kind);
      expect(kinds).toEqual(['videoLoss', 'alarm']);
    } finally {
      gw.off('device-event', on);
      await agent.close();
    }
  });

  it('goes offline cleanly on close (retained presence cleared)', async () => {
    const dev = new FakeDevice('CLOUDAGENT0000003');
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    await waitFor(() => gw.isOnline(dev.serial) === true, 10_000, 'online');
    await agent.close();
    await waitFor(() => gw.isOnline(dev.serial) === false, 10_000, 'offline');
    expect(dev.registered).toBe(false);
  });
});
