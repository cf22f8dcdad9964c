import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import { getTestBroker, type TestBroker } from '../helpers/broker';
import { FakeDevice } from '../helpers/fake-device';
import { AgentHub } from '../../src/server/gateway/agent-hub';
import { MemoryAgentDirectory } from '../../src/server/gateway/memory-agents';
import { AgentTransport } from '../../src/device-client/agent-transport';
import { DeviceClient } from '../../src/device-client/device-client';
import { buildProbeMatch, parseProbe } from '../../src/protocol/sadp/sadp';
import { isAppError } from '../../src/errors/app-error';
import { isLanAddress, startSiteAgent, type SiteAgent } from '../../src/agent/site-agent';

let broker: TestBroker;
let hub: AgentHub;
let agent: SiteAgent;
let http: Server;
let httpPort = 0;
let sadp: Socket;
let sadpPort = 0;
const dev = new FakeDevice('DS-7608NI-K2/8P0820231201CCRRJ00000001'.replace('/', ''));
const agents = new MemoryAgentDirectory();

beforeAll(async () => {
  broker = await getTestBroker();
  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void dev.handleIsapi({ method: req.method ?? 'GET', path: req.url ?? '/', headers: {}, body: Buffer.concat(chunks) }, { via: 'http' }).then((r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as { port: number }).port;
  sadp = createSocket('udp4');
  sadp.on('message', (msg, rinfo) => {
    const probe = parseProbe(msg);
    const match = buildProbeMatch({
      ...(probe.uuid ? { uuid: probe.uuid } : {}), types: 'inquiry', deviceType: '139881', deviceDescription: dev.model, deviceSN: dev.serial,
      commandPort: 8000, httpPort, mac: 'c0-56-e3-00-00-01', ipv4Address: '127.0.0.1', ipv4SubnetMask: '255.0.0.0', ipv4Gateway: '127.0.0.1',
      dhcp: false, softwareVersion: 'V5.7.3build 240101', activated: true, supportHCPlatform: true, hcPlatformEnable: false, isModifyVerificationCode: true,
    });
    sadp.send(match, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sadp.bind(0, '127.0.0.1', r));
  sadpPort = sadp.address().port;
  hub = await AgentHub.start({ mqttUrl: broker.url, topicPrefix: broker.topicPrefix, agents });
  // The fake device listens on loopback: this agent is started as with --allow-loopback.
  agent = await startSiteAgent({ mqttUrl: broker.url, token: agents.enrol('site-1').token, topicPrefix: broker.topicPrefix, sadpTargets: [{ address: '127.0.0.1', port: sadpPort }], sadpBindAddress: '127.0.0.1', allowLoopback: true });
  await agent.ready();
  await hub.waitForAgent(agent.agentId);
});

afterAll(async () => {
  await agent?.close();
  await hub?.close();
  await broker?.close();
  sadp?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
});

describe('site agent', () => {
  it('discovers LAN devices over SADP for the platform', async () => {
    const found = await hub.discover(agent.agentId, { timeoutMs: 800 });
    expect(found.map((d) => d.serial)).toEqual([dev.serial]);
    expect(found[0]).toMatchObject({ httpPort, activated: true, cloudEnabled: false, shortSerial: dev.serial.slice(-9) });
  });

  it('carries ISAPI to a LAN device', async () => {
    const client = new DeviceClient(new AgentTransport(hub, agent.agentId, { host: '127.0.0.1', port: httpPort }));
    expect((await client.deviceInfo()).serialNumber).toBe(dev.serial);
    expect(dev.requests.at(-1)?.via).toBe('http');
  });

  it('reports an unreachable device as DEVICE_OFFLINE and refuses non-LAN hosts', async () => {
    const down = new DeviceClient(new AgentTransport(hub, agent.agentId, { host: '127.0.0.1', port: 1 }), { readRetries: 0 });
    const e1: unknown = await down.deviceInfo().catch((e: unknown) => e);
    expect(isAppError(e1, 'DEVICE_OFFLINE')).toBe(true);
    const pub = new DeviceClient(new AgentTransport(hub, agent.agentId, { host: '8.8.8.8', port: 80 }), { readRetries: 0 });
    const e2: unknown = await pub.deviceInfo().catch((e: unknown) => e);
    expect(isAppError(e2, 'DEVICE_UNSUPPORTED')).toBe(true);
    expect(isLanAddress('192.168.1.64')).toBe(true);
    expect(isLanAddress('172.32.0.1')).toBe(false);
  });

  it('enrols once, then runs on the key it was issued', async () => {
    expect(agents.isEnrolled(agent.agentId)).toBe(true);
    expect(hub.agentForSite('site-1')).toBe(agent.agentId);
    expect(hub.agentForSite('site-2')).toBeUndefined();
  });

  it('refuses an expired enrolment token', async () => {
    const expired = await startSiteAgent({ mqttUrl: broker.url, token: agents.enrol('site-1', -1).token, topicPrefix: broker.topicPrefix });
    try {
      await expect(expired.ready()).rejects.toThrow(/refused/);
      expect(agents.isEnrolled(expired.agentId)).toBe(false);
    } finally {
      await expired.close();
    }
  });

  it('rejects a wrong token and reports an unknown agent as AGENT_OFFLINE', async () => {
    const bad = await startSiteAgent({ mqttUrl: broker.url, token: 'wrong-token', topicPrefix: broker.topicPrefix });
    try {
      await expect(bad.ready()).rejects.toThrow(/refused/);
      const err: unknown = await hub.discover(bad.agentId).catch((e: unknown) => e);
      expect(isAppError(err, 'AGENT_OFFLINE')).toBe(true);
    } finally {
      await bad.close();
    }
  });
});
