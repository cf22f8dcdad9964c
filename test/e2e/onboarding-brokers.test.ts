/**
 * Adding devices by label on both brokers the device cloud runs on (#12): the embedded Aedes and a
 * Mosquitto with the dynamic-security plugin (MQTT_DYNSEC), where a device can connect only with an
 * account the platform made. A factory-new camera is activated, its cloud service enabled and it is
 * added by its code; a camera whose cloud service is already on but which nobody bound is added by
 * its label too. Each ends online in the device cloud and answers a request through the tunnel; on
 * Mosquitto its account is then the issued key's, with the device role, not the registration one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { connectMqtt } from '../../src/mqtt/client';
import { allowedTopics } from '../../src/protocol/tunnel/acl';
import { MosquittoDynsec, dynsecRoleName } from '../../src/server/gateway/mosquitto-dynsec';
import { brokerMatrix, type BrokerUnderTest } from '../helpers/broker-matrix';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';

describe.each(brokerMatrix)('onboarding by label on $name', (broker) => {
  let b: BrokerUnderTest;
  let company: TestCompany;
  let fleet: Fleet;
  let fresh: VirtualDevice;
  let cloudOn: VirtualDevice;

  beforeAll(async () => {
    b = await broker.start();
    company = await setupCompany(b.p.app, b.p.setupToken);
    fleet = await startFleetFor(b.p, [{ type: 'camera', activated: false }, { type: 'camera' }]);
    [fresh, cloudOn] = fleet.devices as [VirtualDevice, VirtualDevice];
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await b?.close();
  });

  async function addByLabel(d: VirtualDevice, decisions: Record<string, string>): Promise<{ siteId: string; item: Record<string, any> }> {
    const site = await buildSite(company);
    const s = await company.admin.post(`/api/sites/${site.id}/scans`, { text: fleet.describe(d).label });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const r = await company.admin.post(`/api/scans/${s.body.scanId}/add`, { candidateIds: [s.body.candidates[0].id], idempotencyKey: `k-${d.serial}`, ...decisions });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const batch = await eventually(async () => {
      const x = await company.admin.get(`/api/batches/${r.body.batchId}`);
      return x.body.settled ? x.body : undefined;
    }, `batch for ${d.serial} settled`, 90_000);
    return { siteId: site.id, item: batch.items[0] };
  }

  /** Online in the device cloud, answering through the tunnel; on Mosquitto its account holds the device role. */
  async function expectBoundAndCommandable(d: VirtualDevice, deviceId: string): Promise<void> {
    const platform = b.p.app.platform;
    await eventually(() => platform.gateway.isOnline(d.serial) === true, `${d.serial} online`, 30_000);
    expect((await company.admin.get(`/api/devices/${deviceId}`)).body).toMatchObject({ serial: d.serial, addedVia: 'cloud', status: 'online' });
    const info = await platform.onboarding.reach.cloudClient(d.serial).deviceInfo();
    expect(info.serialNumber).toBe(d.serial);
    if (broker.name.startsWith('Mosquitto')) {
      const admin = await connectMqtt(platform.mqttUrl, { reconnectPeriod: 0 });
      const prefix = b.p.config.mqttTopicPrefix;
      const ds = new MosquittoDynsec({ client: admin, topicPrefix: prefix });
      try {
        const role = dynsecRoleName(prefix, { kind: 'device', serial: d.serial });
        expect(await ds.clientRoles(`dev:${d.serial}`)).toEqual([role]);
        // The registration account's narrow role became the full device role with the issued key.
        const own = allowedTopics(prefix, { kind: 'device', serial: d.serial });
        expect((await ds.roleAcls(role)).map((a) => a.topic).sort()).toEqual([...own.publish, ...own.subscribe, ...own.subscribe].sort());
      } finally {
        await ds.close();
        await admin.endAsync(true);
      }
    }
  }

  it('factory new: activated, cloud service enabled with the chosen code, registered, added — online and commandable', async () => {
    const { item } = await addByLabel(fresh, { adminPassword: 'Install3r-Pass', verificationCode: 'NEWCODE1' });
    expect(item, JSON.stringify(item)).toMatchObject({ state: 'added' });
    expect(fresh.activated).toBe(true);
    expect(fresh.verificationCode).toBe('NEWCODE1');
    await expectBoundAndCommandable(fresh, item.deviceId);
  }, 120_000);

  it('cloud service already on but bound to nobody: added by its label code — online and commandable', async () => {
    const desc = fleet.describe(cloudOn);
    const { item } = await addByLabel(cloudOn, { verificationCode: desc.verificationCode, devicePassword: desc.adminPassword! });
    expect(item, JSON.stringify(item)).toMatchObject({ state: 'added' });
    await expectBoundAndCommandable(cloudOn, item.deviceId);
  }, 120_000);
});
