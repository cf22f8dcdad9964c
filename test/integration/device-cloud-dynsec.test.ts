/**
 * The device cloud on a Mosquitto with dynamic security (MQTT_DYNSEC, #12): the platform gives
 * itself its role, makes its embedded site agent's account, and a device it made an account for
 * (from the verification code it set) registers and answers requests through the tunnel. On close
 * the embedded agent's account goes.
 */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { AgentTransport } from '../../src/device-client/agent-transport';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { DeviceClient } from '../../src/device-client/device-client';
import { connectMqtt } from '../../src/mqtt/client';
import { bindCloudDevice } from '../helpers/cloud-binding';
import { startDeviceCloud } from '../../src/server/gateway/device-cloud';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { DynsecError, MosquittoDynsec } from '../../src/server/gateway/mosquitto-dynsec';
import { FakeDevice } from '../helpers/fake-device';
import { startDynsecMosquitto } from '../helpers/mosquitto-dynsec';
import { startTestPlatform } from '../helpers/platform';
import { eventually } from '../helpers/wait';

describe('startDeviceCloud on Mosquitto with dynamic security', () => {
  it('a device with an account registers and is reached; the embedded agent has its own account, gone at close', async () => {
    const m = await startDynsecMosquitto();
    const dev = new FakeDevice('DYNSECDEVICE00001', 'ABCDEF');
    const http = createServer((req, res) => {
      void dev.handleIsapi({ method: req.method ?? 'GET', path: req.url ?? '/', headers: {}, body: Buffer.alloc(0) }, { via: 'http' }).then((r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const cloud = await startDeviceCloud({ store: new MemoryGatewayStore(), mqttUrl: m.adminUrl, dynsec: true, topicPrefix: 'dyn/', sadpTargets: [{ address: '127.0.0.1', port: 9 }], embeddedAgentAllowHost: (host) => host === '127.0.0.1' });
    let agent: { close(): Promise<void> } | undefined;
    try {
      expect(cloud.accounts).toBeInstanceOf(MosquittoDynsec);
      // A device without a key registers with the password 'register' (its own topics only), then
      // proves its code; the issued key becomes its broker password (onDeviceCredentials → accounts).
      await cloud.accounts.allowDevice(dev.serial, 'register');
      const link = await startCloudAgent(dev, { mqttUrl: m.url, topicPrefix: 'dyn/', helloRetryMs: 300 });
      agent = link;
      await bindCloudDevice(cloud.gateway, dev.serial, dev.verificationCode, link, 20_000);
      await eventually(() => dev.registered, 'registration over Mosquitto', 15_000, 25);
      expect((await new DeviceClient(new CloudTransport(cloud.gateway, dev.serial)).deviceInfo()).serialNumber).toBe(dev.serial);
      const port = (http.address() as { port: number }).port;
      const agentId = cloud.agent!.agentId;
      const viaLan = new DeviceClient(new AgentTransport(cloud.hub, agentId, { host: '127.0.0.1', port }));
      expect((await viaLan.deviceInfo()).model).toBe(dev.model);
      await agent.close();
      agent = undefined;
      await cloud.close();
      // Another admin connection: the embedded agent's account is gone, the device's stays.
      const admin = await connectMqtt(m.adminUrl, { reconnectPeriod: 0 });
      const ds = new MosquittoDynsec({ client: admin, topicPrefix: 'dyn/' });
      try {
        await expect(ds.clientRoles(`agent:${agentId}`)).rejects.toThrow(DynsecError);
        expect(await ds.clientRoles(`dev:${dev.serial}`)).toEqual(['sitekeeper-dev:DYNSECDEVICE00001']);
      } finally {
        await ds.close();
        await admin.endAsync(true);
      }
    } finally {
      await agent?.close();
      await cloud.close();
      await new Promise<void>((r) => http.close(() => r()));
      await m.close();
    }
  }, 60_000);

  it('a server whose MQTT_URL user is not the admin does not start, and says why', async () => {
    const m = await startDynsecMosquitto();
    try {
      const admin = await connectMqtt(m.adminUrl, { reconnectPeriod: 0 });
      const ds = new MosquittoDynsec({ client: admin, topicPrefix: 'x/' });
      await ds.allowDevice('NOTADMIN1', 'pw');
      await ds.close();
      await admin.endAsync(true);
      const url = m.url.replace('mqtt://', 'mqtt://dev%3ANOTADMIN1:pw@');
      await expect(startTestPlatform({ config: { mqttUrl: url, mqttDynsec: true } })).rejects.toThrow(/Cannot connect to the MQTT broker at MQTT_URL .*must be the dynamic-security admin/);
    } finally {
      await m.close();
    }
  }, 60_000);

  it('needs an external broker', async () => {
    await expect(startDeviceCloud({ store: new MemoryGatewayStore(), embeddedPort: 0, dynsec: true, embeddedAgent: false })).rejects.toThrow(/needs an external broker/);
  });
});
