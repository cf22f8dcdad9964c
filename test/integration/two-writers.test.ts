/**
 * Two platform nodes are both gateway writers: both hear a device's register hello and both answer
 * it. With the nodes' shared secret they answer with the same key (one session), so whichever node
 * runs the add can challenge the device and bind it (issue 14, two nodes).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSiteAgent } from '../../src/agent/site-agent';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { connectMqtt } from '../../src/mqtt/client';
import { topics, type AgentAck, type DeviceHello, type HelloAck } from '../../src/protocol/tunnel/envelope';
import { AgentHub } from '../../src/server/gateway/agent-hub';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryAgentDirectory } from '../../src/server/gateway/memory-agents';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { getTestBroker, type TestBroker } from '../helpers/broker';
import { FakeDevice } from '../helpers/fake-device';
import { eventually } from '../helpers/wait';

let broker: TestBroker;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  broker = await getTestBroker();
});
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await broker?.close();
});

describe('two writer nodes', () => {
  it('answer a register hello with one key, and either node binds the device with its code', async () => {
    const store = new MemoryGatewayStore();
    const nodesSecret = randomBytes(32);
    const [a, b] = await Promise.all([0, 1].map(() => DeviceGateway.start({ mqttUrl: broker.url, store, topicPrefix: broker.topicPrefix, nodesSecret, requestTimeoutMs: 3000 })));
    closers.push(() => a!.close(), () => b!.close());
    const dev = new FakeDevice('DS-2CD2143G2-I20240101AAWR000000201', 'ABCDEF');
    const t = topics(broker.topicPrefix);
    const registerNonces = new Set<string>();
    const pendingAcks: HelloAck[] = [];
    const witness = await connectMqtt(broker.url);
    closers.push(() => witness.endAsync());
    witness.on('message', (topic, payload) => {
      const m = JSON.parse(payload.toString('utf8')) as DeviceHello & HelloAck;
      if (topic === t.deviceHello(dev.serial) && m.register) registerNonces.add(m.nonce);
      if (topic === t.deviceAck(dev.serial) && m.reason === 'pending') pendingAcks.push(m);
    });
    await witness.subscribeAsync([t.deviceHello(dev.serial), t.deviceAck(dev.serial)], { qos: 1 });
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    closers.push(() => agent.close());
    // Both nodes answered the same register hello, with the same public key.
    const both = await eventually(() => {
      for (const nonce of registerNonces) {
        const acks = pendingAcks.filter((x) => x.nonce === nonce);
        if (acks.length >= 2) return acks;
      }
      return undefined;
    }, 'both nodes answered one register hello', 10_000, 25);
    expect(new Set(both.map((x) => x.pub)).size).toBe(1);
    await eventually(() => a!.pendingDevice(dev.serial) && b!.pendingDevice(dev.serial), 'pending on both nodes', 10_000, 25);
    // Node B proves the code, whichever node's answer the device kept.
    expect(await b!.verifyCode(dev.serial, 'ABCDEF')).toBe(true);
    await eventually(() => agent.accepted(), 'the device bound', 10_000, 25);
    expect((await store.getRegistration(dev.serial))?.keyHex).toBe(agent.deviceKey()?.toString('hex'));
    await eventually(() => a!.isOnline(dev.serial) === true && b!.isOnline(dev.serial) === true, 'online on both nodes', 10_000, 25);
  });

  it("enrol a site agent once: the node that lost the enrolment race stays silent; a used token is still refused by both", async () => {
    const agents = new MemoryAgentDirectory();
    const [a, b] = await Promise.all([0, 1].map(() => AgentHub.start({ mqttUrl: broker.url, topicPrefix: broker.topicPrefix, agents })));
    closers.push(() => a!.close(), () => b!.close());
    const { agentId, token } = agents.enrol('site-1');
    const t = topics(broker.topicPrefix);
    const acks: AgentAck[] = [];
    const witness = await connectMqtt(broker.url);
    closers.push(() => witness.endAsync());
    witness.on('message', (_topic, payload) => acks.push(JSON.parse(payload.toString('utf8')) as AgentAck));
    await witness.subscribeAsync(t.agentAck(agentId), { qos: 1 });
    const agent = await startSiteAgent({ mqttUrl: broker.url, token, topicPrefix: broker.topicPrefix });
    closers.push(() => agent.close());
    await agent.ready();
    await eventually(() => a!.agentForSite('site-1') === agentId && b!.agentForSite('site-1') === agentId, 'the agent known on both nodes', 10_000, 25);
    // Exactly one answer to the enrol hello, and it accepted: no node said "rejected".
    expect(acks.filter((x) => x.ok)).toHaveLength(1);
    expect(acks.filter((x) => !x.ok)).toEqual([]);
    // The token again, later: refused.
    const again = await startSiteAgent({ mqttUrl: broker.url, token, topicPrefix: broker.topicPrefix });
    closers.push(() => again.close());
    await expect(again.ready()).rejects.toThrow(/refused/);
  });
});
