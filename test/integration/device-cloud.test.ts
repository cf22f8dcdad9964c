import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { FakeDevice } from '../helpers/fake-device';
import { eventually } from '../helpers/wait';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { DeviceClient } from '../../src/device-client/device-client';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { AgentTransport } from '../../src/device-client/agent-transport';
import { startDeviceCloud } from '../../src/server/gateway/device-cloud';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';

describe('startDeviceCloud (embedded broker with authentication)', () => {
  it('serves cloud devices and the LAN through the embedded agent, then closes', async () => {
    const cloud = await startDeviceCloud({ store: new MemoryGatewayStore(), embeddedPort: 0, topicPrefix: 'dc/', sadpTargets: [{ address: '127.0.0.1', port: 9 }] });
    const dev = new FakeDevice('DEVICECLOUD000001');
    const http = createServer((req, res) => {
      void dev.handleIsapi({ method: req.method ?? 'GET', path: req.url ?? '/', headers: {}, body: Buffer.alloc(0) }, { via: 'http' }).then((r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const agent = await startCloudAgent(dev, { mqttUrl: cloud.mqttUrl, topicPrefix: 'dc/', helloRetryMs: 300 });
    try {
      expect(cloud.mqttUrl).not.toContain(':1883');
      await eventually(() => dev.registered, 'registration', 10_000, 25);
      expect((await new DeviceClient(new CloudTransport(cloud.gateway, dev.serial)).deviceInfo()).serialNumber).toBe(dev.serial);
      const port = (http.address() as { port: number }).port;
      const viaLan = new DeviceClient(new AgentTransport(cloud.hub, cloud.agent!.agentId, { host: '127.0.0.1', port }));
      expect((await viaLan.deviceInfo()).model).toBe(dev.model);
    } finally {
      await agent.close();
      await cloud.close();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });
});
