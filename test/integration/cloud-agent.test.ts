import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestBroker, startCountingProxy, type TestBroker } from '../helpers/broker';
import { FakeDevice } from '../helpers/fake-device';
import { eventually } from '../helpers/wait';
import { DeviceGateway, type DeviceEvent } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { bindCloudDevice } from '../helpers/cloud-binding';

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
    // The connector reaches the broker through a proxy that counts its connections.
    const proxy = await startCountingProxy(broker.url);
    const agent = await startCloudAgent(dev, { mqttUrl: proxy.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    try {
      expect(dev.registered).toBe(false);
      expect(gw.isOnline(dev.serial)).toBeUndefined();
      // Let a connection the connector may have opened while disabled go out (sockets connect on the next tick).
      await new Promise((r) => setImmediate(r));
      // Enabling the service sets a new code with it (as PUT /ISAPI/System/Network/EZVIZ does): a
      // connection opened while disabled, under the old code, would have to be replaced by a second one.
      dev.configure({ cloudEnabled: true, verificationCode: 'QWERTZ' });
      await eventually(() => gw.pendingDevice(dev.serial), 'registering', 10_000, 25);
      // Connections are accepted in the order they were opened: an earlier one would be counted by now.
      expect(proxy.accepted()).toBe(1);
      await bindCloudDevice(gw, dev.serial, 'QWERTZ', agent);
      expect(dev.registered).toBe(true);
      // Bound: it connected once more, to prove its issued key to the broker and sign its Last Will with it.
      expect(proxy.accepted()).toBe(2);
      expect(await gw.verifyCode(dev.serial, 'QWERTZ')).toBe(true);
      dev.configure({ cloudEnabled: false });
      await eventually(() => !dev.registered && gw.isOnline(dev.serial) === false, 'offline', 10_000, 25);
    } finally {
      await agent.close();
      await proxy.close();
    }
  });

  it('publishes status events and alarms to the gateway, signed', async () => {
    const dev = new FakeDevice('CLOUDAGENT0000002');
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    const events: DeviceEvent[] = [];
    const on = (e: DeviceEvent) => events.push(e);
    gw.on('device-event', on);
    try {
      await bindCloudDevice(gw, dev.serial, 'ABCDEF', agent);
      dev.emit('status', { kind: 'videoLoss', channel: 2, active: true });
      dev.emit('status', { kind: 'alarm', zoneId: 1 });
      await eventually(() => events.filter((e) => e.serial === dev.serial).length >= 2, 'events', 5000, 25);
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
    await bindCloudDevice(gw, dev.serial, 'ABCDEF', agent);
    await agent.close();
    await eventually(() => gw.isOnline(dev.serial) === false, 'offline', 10_000, 25);
    expect(dev.registered).toBe(false);
  });
});
