import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/server/broker';
import { connectMqtt } from '../../src/mqtt/client';
import { FakeDevice } from '../helpers/fake-device';
import { eventually } from '../helpers/wait';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { DEVICE_USER_PREFIX, agentIdForToken, deriveDeviceKey, deviceConnectProof } from '../../src/protocol/tunnel/envelope';
import { createBrokerAuthenticator } from '../../src/server/gateway/broker-auth';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';

// Always the embedded broker: this is about its authenticate hook.
let broker: EmbeddedBroker;
let gw: DeviceGateway;
const store = new MemoryGatewayStore();
const PLATFORM = { user: 'sitekeeper-platform', pass: 'platform-secret-for-tests' };

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    port: 0,
    authenticate: createBrokerAuthenticator({ store, platformUsername: PLATFORM.user, platformPassword: PLATFORM.pass, verifyAgentToken: (t) => t === 'good-token' }),
  });
  gw = await DeviceGateway.start({ mqttUrl: broker.url, store, topicPrefix: 'auth/', mqttUsername: PLATFORM.user, mqttPassword: PLATFORM.pass });
});

afterAll(async () => {
  await gw?.close();
  await broker?.close();
});

async function refused(opts: mqtt.IClientOptions): Promise<boolean> {
  return connectMqtt(broker.url, { ...opts, reconnectPeriod: 0, connectTimeoutMs: 3000 }).then(
    async (c) => {
      await c.endAsync();
      return false;
    },
    () => true,
  );
}

describe('embedded broker authentication', () => {
  it('lets a device register, then only with a proof of its key', async () => {
    const dev = new FakeDevice('AUTHCAM000000001', 'ABCDEF');
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: 'auth/', helloRetryMs: 300 });
    try {
      await eventually(() => dev.registered, 'registration', 10_000, 25);
      const key = deriveDeviceKey(dev.serial, 'ABCDEF');
      expect(await refused({ username: `${DEVICE_USER_PREFIX}${dev.serial}`, password: deviceConnectProof(deriveDeviceKey(dev.serial, 'WRONG1'), dev.serial) })).toBe(true);
      expect(await refused({ username: `${DEVICE_USER_PREFIX}${dev.serial}`, password: deviceConnectProof(key, dev.serial) })).toBe(false);
      // Reconnecting after a code change still works (the old key is proven, then rotated).
      dev.configure({ verificationCode: 'NEWONE' });
      await eventually(async () => dev.registered && (await gw.verifyCode(dev.serial, 'NEWONE')), 'rotation', 10_000, 25);
    } finally {
      await agent.close();
    }
  });

  it('refuses anonymous clients, wrong platform passwords and wrong agent tokens', async () => {
    expect(await refused({})).toBe(true);
    expect(await refused({ username: PLATFORM.user, password: 'nope' })).toBe(true);
    expect(await refused({ username: `agent:${agentIdForToken('bad-token')}`, password: 'bad-token' })).toBe(true);
    expect(await refused({ username: `agent:${agentIdForToken('good-token')}`, password: 'bad-token' })).toBe(true);
    expect(await refused({ username: `agent:${agentIdForToken('good-token')}`, password: 'good-token' })).toBe(false);
    expect(await refused({ username: PLATFORM.user, password: PLATFORM.pass })).toBe(false);
  });
});
