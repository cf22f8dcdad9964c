import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/server/broker';
import { connectMqtt } from '../../src/mqtt/client';
import { FakeDevice } from '../helpers/fake-device';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { bindCloudDevice } from '../helpers/cloud-binding';
import { DEVICE_USER_PREFIX, agentConnectProof, agentIdForToken, deriveDeviceKey, deviceConnectProof } from '../../src/protocol/tunnel/envelope';
import { MemoryAgentDirectory } from '../../src/server/gateway/memory-agents';
import { createBrokerAuthenticator } from '../../src/server/gateway/broker-auth';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';

// Always the embedded broker: this is about its authenticate hook.
let broker: EmbeddedBroker;
let gw: DeviceGateway;
const store = new MemoryGatewayStore();
const PLATFORM = { user: 'sitekeeper-platform', pass: 'platform-secret-for-tests' };
const agents = new MemoryAgentDirectory();

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    port: 0,
    authenticate: createBrokerAuthenticator({ store, platformUsername: PLATFORM.user, platformPassword: PLATFORM.pass, agents }),
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
  it('lets an unbound device connect to register, then only with a proof of its issued key', async () => {
    const dev = new FakeDevice('AUTHCAM000000001', 'ABCDEF');
    expect(await refused({ username: `${DEVICE_USER_PREFIX}${dev.serial}`, password: 'anything' })).toBe(false);
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: 'auth/', helloRetryMs: 300 });
    try {
      await bindCloudDevice(gw, dev.serial, 'ABCDEF');
      const key = agent.deviceKey()!;
      // Neither anything nor the key the code would have derived before issue 12: only the issued key.
      expect(await refused({ username: `${DEVICE_USER_PREFIX}${dev.serial}`, password: 'anything' })).toBe(true);
      expect(await refused({ username: `${DEVICE_USER_PREFIX}${dev.serial}`, password: deviceConnectProof(deriveDeviceKey(dev.serial, 'ABCDEF'), dev.serial) })).toBe(true);
      expect(await refused({ username: `${DEVICE_USER_PREFIX}${dev.serial}`, password: deviceConnectProof(key, dev.serial) })).toBe(false);
      // A code change changes nothing for the key; the code check follows the device's code.
      dev.configure({ verificationCode: 'NEWONE' });
      expect(await gw.verifyCode(dev.serial, 'NEWONE')).toBe(true);
      expect(await refused({ username: `${DEVICE_USER_PREFIX}${dev.serial}`, password: deviceConnectProof(key, dev.serial) })).toBe(false);
    } finally {
      await agent.close();
    }
  });

  it('refuses anonymous clients, wrong platform passwords and wrong agent credentials', async () => {
    const { agentId, token } = agents.enrol('site-1');
    expect(await refused({})).toBe(true);
    expect(await refused({ username: PLATFORM.user, password: 'nope' })).toBe(true);
    expect(await refused({ username: `agent:${agentIdForToken('bad-token')}`, password: 'bad-token' })).toBe(true);
    expect(await refused({ username: `agent:${agentId}`, password: 'bad-token' })).toBe(true);
    // An open enrolment: its one-time token is the CONNECT password.
    expect(await refused({ username: `agent:${agentId}`, password: token })).toBe(false);
    // Enrolled: only a proof of its key; the token is used up.
    const key = Buffer.alloc(32, 7);
    agents.completeEnrolment(agentId, key, 'test');
    expect(await refused({ username: `agent:${agentId}`, password: token })).toBe(true);
    expect(await refused({ username: `agent:${agentId}`, password: agentConnectProof(Buffer.alloc(32, 8), agentId) })).toBe(true);
    expect(await refused({ username: `agent:${agentId}`, password: agentConnectProof(key, agentId) })).toBe(false);
    agents.revoke(agentId);
    expect(await refused({ username: `agent:${agentId}`, password: agentConnectProof(key, agentId) })).toBe(true);
    expect(await refused({ username: PLATFORM.user, password: PLATFORM.pass })).toBe(false);
  });
});
