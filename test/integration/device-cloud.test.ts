import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { FakeDevice } from '../helpers/fake-device';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { bindCloudDevice } from '../helpers/cloud-binding';
import { DeviceClient } from '../../src/device-client/device-client';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { AgentTransport } from '../../src/device-client/agent-transport';
import { startDeviceCloud } from '../../src/server/gateway/device-cloud';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { isAppError } from '../../src/errors/app-error';

describe('startDeviceCloud (embedded broker with authentication)', () => {
  it('serves cloud devices and the LAN through the embedded agent, then closes', async () => {
    const allowed = new Set<string>();
    const cloud = await startDeviceCloud({
      store: new MemoryGatewayStore(), embeddedPort: 0, topicPrefix: 'dc/', sadpTargets: [{ address: '127.0.0.1', port: 9 }],
      embeddedAgentAllowHost: (host, port) => allowed.has(`${host}:${port}`),
    });
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
      await bindCloudDevice(cloud.gateway, dev.serial, dev.verificationCode);
      expect((await new DeviceClient(new CloudTransport(cloud.gateway, dev.serial)).deviceInfo()).serialNumber).toBe(dev.serial);
      const port = (http.address() as { port: number }).port;
      const viaLan = new DeviceClient(new AgentTransport(cloud.hub, cloud.agent!.agentId, { host: '127.0.0.1', port }), { readRetries: 0 });
      // The embedded agent reaches only the targets it was given (the demo fleet's), nothing else on this machine.
      expect(isAppError(await viaLan.deviceInfo().catch((e: unknown) => e), 'DEVICE_UNSUPPORTED')).toBe(true);
      allowed.add(`127.0.0.1:${port}`);
      expect((await viaLan.deviceInfo()).model).toBe(dev.model);
    } finally {
      await agent.close();
      await cloud.close();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });
});
