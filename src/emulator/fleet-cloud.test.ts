import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { startFleet, type Fleet } from './index';
import { DigestClient } from './testing';
import { eventually } from '../../test/helpers/wait';


describe('fleet and the device cloud connector', () => {
  let broker: Aedes;
  let server: Server;
  let url: string;
  const connected = new Set<string>();
  beforeAll(async () => {
    broker = await Aedes.createBroker();
    broker.on('client', (c) => connected.add(c.id));
    broker.on('clientDisconnect', (c) => connected.delete(c.id));
    server = createServer(broker.handle as (s: unknown) => void);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    url = `mqtt://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('connects cloud-enabled devices, connects a device once its cloud service is enabled, disconnects all on close', async () => {
    let fleet: Fleet | undefined;
    try {
      fleet = await startFleet({ count: 0, cloudMqttUrl: url, specs: [{ type: 'camera' }, { type: 'axpro' }, { type: 'nvr', cloudEnabled: false }] });
      const [cam, hub, nvr] = fleet.devices;
      await eventually(() => connected.size === 2, 'the two cloud-enabled devices connected', 8000, 25);
      expect([...connected].some((id) => id.endsWith(cam?.serial ?? '?'))).toBe(true);
      expect([...connected].some((id) => id.endsWith(hub?.serial ?? '?'))).toBe(true);
      const admin = nvr?.adminUser;
      const c = new DigestClient(`http://${nvr?.host ?? ''}:${nvr?.httpPort ?? 0}`, admin?.userName ?? '', admin?.password ?? '');
      await c.put('/ISAPI/System/Network/EZVIZ', '<EZVIZ><enabled>true</enabled><verificationCode>ABCDEF</verificationCode></EZVIZ>');
      await eventually(() => connected.size === 3, 'the NVR connected once its cloud service was enabled', 8000, 25);
    } finally {
      await fleet?.close();
    }
    await eventually(() => connected.size === 0, 'every device disconnected on close', 8000, 25);
  });
});
