/**
 * A broker restart tells the truth (#13). The broker dies with devices connected (no Last Will
 * reaches anyone, as when its process is killed) and starts again on the same port, empty. The
 * platform's presence is rebuilt from what reconnects: devices that come back are online, one kept
 * down goes offline once the grace period (PRESENCE_GRACE_SECONDS, short here) has passed, and an
 * add waiting for a device to come online continues when it does. On both brokers the platform
 * supports: Aedes (the embedded broker's engine) and a Mosquitto process of the test's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually, startFleetFor } from '../helpers/fleet';
import { getTestBroker, startRestartableAedes, startRestartableMosquitto, type RestartableBroker } from '../helpers/broker';
import { FakeDevice } from '../helpers/fake-device';
import { startCloudAgent } from '../../src/emulator/cloud-agent';
import { startSiteAgent, type SiteAgent } from '../../src/agent/site-agent';
import { randomBytes } from 'node:crypto';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';

/** Long enough for the emulator's devices to reconnect (every 2–4 s), short enough for a test. */
const GRACE_SECONDS = 6;

const brokers: [string, () => Promise<RestartableBroker>][] = [
  ['Aedes', startRestartableAedes],
  ['Mosquitto', startRestartableMosquitto],
];

describe.each(brokers)('a %s restart with devices connected', (_name, startBroker) => {
  let broker: RestartableBroker;
  let p: TestPlatform;
  let company: TestCompany;
  let fleet: Fleet;
  let siteId: string;
  let back: VirtualDevice[];
  let gone: VirtualDevice;
  let waiting: VirtualDevice;
  let waitingBatchId: string;
  /** Two enrolled site agents: one reconnects after the restart, one is gone for good. */
  let stays: { agentId: string; agent: SiteAgent };
  let leaves: { agentId: string; agent: SiteAgent };

  beforeAll(async () => {
    broker = await startBroker();
    p = await startTestPlatform({ config: { mqttUrl: broker.url, presenceGraceSeconds: GRACE_SECONDS } });
    company = await setupCompany(p.app, p.setupToken);
    fleet = await startFleetFor(p, [{ type: 'camera' }, { type: 'nvr', channels: 4, hdds: 1 }, { type: 'camera' }, { type: 'camera', powered: false }]);
    const [a, b, c, d] = fleet.devices;
    back = [a!, b!];
    gone = c!;
    waiting = d!;
    siteId = (await buildSite(company)).id;
    for (const dev of [...back, gone]) {
      await eventually(() => p.inDeviceCloud(dev.serial), `${dev.serial} in the device cloud`);
      await add(dev);
    }
    for (const dev of [...back, gone]) await eventually(async () => (await status(dev)) === 'online' || undefined, `${dev.serial} listed online`);
    // An add that waits for its device to come online (pending, waiting_online) across the restart.
    const scan = await company.admin.post(`/api/sites/${siteId}/scans`, { text: fleet.describe(waiting).label });
    const r = await company.admin.post(`/api/scans/${scan.body.scanId}/add`, { candidateIds: [scan.body.candidates[0].id], idempotencyKey: `wait-${waiting.serial}` });
    waitingBatchId = r.body.batchId;
    await eventually(async () => ((await batchItem(waitingBatchId)).step === 'waiting_online' ? true : undefined), 'the add waiting for its device');
    stays = await enrolAgent('Rack PC');
    leaves = await enrolAgent('Old laptop');
    for (const a of [stays, leaves]) await eventually(async () => (await agentOnline(a.agentId)) || undefined, `agent ${a.agentId} online`);
  }, 120_000);

  afterAll(async () => {
    await stays?.agent.close();
    await leaves?.agent.close();
    await fleet?.close();
    await p?.close();
    await broker?.close();
  });

  async function add(dev: VirtualDevice): Promise<void> {
    const scan = await company.admin.post(`/api/sites/${siteId}/scans`, { text: fleet.describe(dev).label });
    const r = await company.admin.post(`/api/scans/${scan.body.scanId}/add`, { candidateIds: [scan.body.candidates[0].id], idempotencyKey: `add-${dev.serial}` });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await eventually(async () => ((await batchItem(r.body.batchId)).state === 'added' ? true : undefined), `${dev.serial} added`);
  }

  async function enrolAgent(name: string): Promise<{ agentId: string; agent: SiteAgent }> {
    const r = await company.admin.post(`/api/sites/${siteId}/agents`, { name });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const agent = await startSiteAgent({ mqttUrl: broker.url, token: r.body.token, topicPrefix: p.config.mqttTopicPrefix });
    await agent.ready();
    return { agentId: r.body.agentId as string, agent };
  }

  /** The agent's online state on the site page (what the installer sees). */
  async function agentOnline(agentId: string): Promise<boolean> {
    const r = await company.admin.get(`/api/sites/${siteId}/agents`);
    return (r.body.items as Array<{ id: string; online: boolean }>).find((a) => a.id === agentId)?.online === true;
  }

  async function batchItem(batchId: string): Promise<{ state: string; step: string }> {
    return (await company.admin.get(`/api/batches/${batchId}`)).body.items[0];
  }

  /** The device's status in the site's device list (what the installer sees). */
  async function status(dev: VirtualDevice): Promise<string | undefined> {
    const r = await company.admin.get(`/api/sites/${siteId}/devices?search=${dev.serial}`);
    return (r.body.items as Array<{ serial: string; status: string }>).find((d) => d.serial === dev.serial)?.status;
  }

  it('shows the devices that reconnect online, the one kept down offline after the grace period, and the waiting add continues', async () => {
    await broker.crash();
    // Cut while the broker is down: this device's connection is already gone and it never returns.
    await fleet.applyFaults(gone.serial, { cloudLink: 'down' });
    // So is this agent's (its process ends while the broker is away: no offline presence, no will).
    await leaves.agent.close();
    await broker.start();

    // Without the rebuild it would stay online for ever: the broker that knew it left died with it.
    await eventually(async () => ((await status(gone)) === 'offline' ? true : undefined), `${gone.serial} listed offline after the grace period`, 60_000);
    expect(await p.inDeviceCloud(gone.serial)).toBe(false);
    // The grace period is over, so these are online because they reconnected, and the cloud reaches them.
    for (const dev of back) {
      await eventually(async () => ((await status(dev)) === 'online' && (await p.inDeviceCloud(dev.serial))) || undefined, `${dev.serial} online again`);
      const info = await p.app.platform.onboarding.reach.cloudClient(dev.serial).deviceInfo();
      expect(info.serialNumber).toBe(dev.serial);
    }

    // The add that waited across the restart continues once its device comes online.
    await fleet.applyFaults(waiting.serial, { power: 'on' });
    await eventually(async () => ((await batchItem(waitingBatchId)).state === 'added' ? true : undefined), 'the waiting add finished', 60_000);
    expect(await status(waiting)).toBe('online');

    // Agents too: the one that reconnected says hello again and stays online; the gone one goes offline.
    await eventually(async () => ((await agentOnline(leaves.agentId)) ? undefined : true), `agent ${leaves.agentId} offline after the grace period`, 60_000);
    expect(await agentOnline(stays.agentId)).toBe(true);
    expect(p.app.platform.agentHub.agentForSite(siteId)).toBe(stays.agentId);

    // And the one kept down comes back as soon as it reconnects.
    await fleet.applyFaults(gone.serial, { cloudLink: 'up' });
    await eventually(async () => ((await status(gone)) === 'online' ? true : undefined), `${gone.serial} online after it reconnected`);
  }, 120_000);
});

describe('a gateway that starts (the server restarted, the broker too or not)', () => {
  it('does not take the stored online flag as live presence: what shows up stays online, the rest goes offline after the grace period', async () => {
    const broker = await getTestBroker();
    const store = new MemoryGatewayStore();
    const present = new FakeDevice('RESTART-PRESENT-01');
    const ghost = 'RESTART-GHOST-0001';
    await store.applyPresence([present.serial, ghost].map((serial) => ({ serial, online: true, at: new Date(0) })));
    // Bound before the restart: it holds its issued key.
    const key = randomBytes(32);
    await store.upsertRegistration({ serial: present.serial, keyHex: key.toString('hex'), legacy: false, model: present.model, type: present.type, firmware: present.firmwareVersion, registeredAt: new Date(0), updatedAt: new Date(0) });
    const gw = await DeviceGateway.start({ mqttUrl: broker.url, store, topicPrefix: broker.topicPrefix, presenceGraceMs: 1500, presenceFlushMs: 50 });
    const agent = await startCloudAgent(present, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300, initialKey: key });
    try {
      await eventually(() => store.presence.get(ghost)?.online === false, 'the device that never showed up stored offline');
      expect(gw.isOnline(ghost)).toBe(false);
      // The grace period is over: this one is online because it connected, not because it was stored so.
      await eventually(() => present.registered, 'the connected device registered');
      expect(gw.isOnline(present.serial)).toBe(true);
      expect(store.presence.get(present.serial)?.online).toBe(true);
    } finally {
      await agent.close();
      await gw.close();
      await broker.close();
    }
  });
});

describe('a broker that keeps retained messages across a crash (Mosquitto with persistence)', () => {
  it("a device's retained online confirms nothing: the one that answers the gateway's announcement stays online, the one gone goes offline", async () => {
    const broker = await startRestartableMosquitto({ persistent: true });
    const prefix = `sk-persist-${process.pid}/`;
    const store = new MemoryGatewayStore();
    const stays = new FakeDevice('PERSIST-STAYS-0001');
    const gone = new FakeDevice('PERSIST-GONE-00001');
    const agents: Array<{ close(): Promise<void> }> = [];
    let gw: DeviceGateway | undefined;
    try {
      gw = await DeviceGateway.start({ mqttUrl: broker.url, store, topicPrefix: prefix, presenceGraceMs: 3000, presenceFlushMs: 50 });
      for (const dev of [stays, gone]) {
        const key = randomBytes(32);
        await store.upsertRegistration({ serial: dev.serial, keyHex: key.toString('hex'), legacy: false, model: dev.model, type: dev.type, firmware: dev.firmwareVersion, registeredAt: new Date(0), updatedAt: new Date(0) });
        agents.push(await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: prefix, helloRetryMs: 300, initialKey: key, announceJitterMs: 200 }));
      }
      await eventually(() => gw!.isOnline(stays.serial) === true && gw!.isOnline(gone.serial) === true, 'both online');
      // Both retained "online" messages are on the broker's disk.
      await eventually(() => broker.saved(`${prefix}d/${gone.serial}/presence`) && broker.saved(`${prefix}d/${stays.serial}/presence`), 'the retained presence saved');

      // The broker dies (no Last Will reaches anyone); one device never comes back.
      await broker.crash();
      gone.configure({ cloudLinkUp: false });
      await broker.start();

      // The gateway's new subscription gets both retained "online" messages from disk; only the
      // device that is there confirms itself (its hello), the other goes offline after the grace period.
      await eventually(() => store.presence.get(gone.serial)?.online === false, 'the gone device stored offline', 20_000);
      expect(gw.isOnline(gone.serial)).toBe(false);
      await eventually(() => stays.registered && gw!.isOnline(stays.serial) === true, 'the device that reconnected online');
      expect(store.presence.get(stays.serial)?.online).toBe(true);
    } finally {
      for (const a of agents) await a.close();
      await gw?.close();
      await broker.close();
    }
  });

  it('a gateway that starts while devices are connected: they answer its announcement and stay online after the grace period', async () => {
    const broker = await getTestBroker();
    const store = new MemoryGatewayStore();
    const dev = new FakeDevice('ANNOUNCE-ANSWER-01');
    const key = randomBytes(32);
    await store.upsertRegistration({ serial: dev.serial, keyHex: key.toString('hex'), legacy: false, model: dev.model, type: dev.type, firmware: dev.firmwareVersion, registeredAt: new Date(0), updatedAt: new Date(0) });
    // The device is connected (its retained "online" on the broker) before this gateway starts; the
    // store says online (an earlier server wrote it), so the new gateway waits for a live sign.
    const first = await DeviceGateway.start({ mqttUrl: broker.url, store, topicPrefix: broker.topicPrefix, presenceFlushMs: 50 });
    const agent = await startCloudAgent(dev, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300, initialKey: key, announceJitterMs: 200 });
    let gw: DeviceGateway | undefined;
    try {
      await eventually(() => store.presence.get(dev.serial)?.online === true, 'online and stored');
      await first.close();
      gw = await DeviceGateway.start({ mqttUrl: broker.url, store, topicPrefix: broker.topicPrefix, presenceGraceMs: 1500, presenceFlushMs: 50 });
      // The grace period ends (a timer, after start returned): nobody went offline.
      const ended = await new Promise<{ offline: string[] }>((resolve) => gw!.once('presence-rebuilt', resolve));
      expect(ended.offline).toEqual([]);
      expect(gw.isOnline(dev.serial)).toBe(true);
    } finally {
      await agent.close();
      await gw?.close();
      await broker.close();
    }
  });
});
