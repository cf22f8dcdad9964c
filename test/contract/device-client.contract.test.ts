/**
 * The DeviceClient contract: one set of cases, run against the emulator over all three
 * transports — direct HTTP with digest, the device-cloud tunnel (MQTT), and a site agent.
 * Then digest, lockout and activation end to end over sockets.
 * MQTT: embedded Aedes, or the machine's broker with MQTT_URL (unique topic prefix per run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestBroker, type TestBroker } from '../helpers/broker';
import { waitFor } from '../helpers/fake-device';
import { createDevice, buildFirmwarePackage, SadpResponder, type VirtualDevice } from '../../src/emulator';
import { startCloudAgent, type CloudAgent } from '../../src/emulator/cloud-agent';
import { bindCloudDevice } from '../helpers/cloud-binding';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { AgentHub } from '../../src/server/gateway/agent-hub';
import { MemoryAgentDirectory } from '../../src/server/gateway/memory-agents';
import { startSiteAgent, type SiteAgent } from '../../src/agent/site-agent';
import { DeviceClient, DeviceConcurrency } from '../../src/device-client/device-client';
import { HttpTransport } from '../../src/device-client/http-transport';
import { CloudTransport } from '../../src/device-client/cloud-transport';
import { AgentTransport } from '../../src/device-client/agent-transport';
import { discoverDevices } from '../../src/device-client/sadp-discovery';
import { isAppError } from '../../src/errors/app-error';

const ADMIN_PASSWORD = 'Contract-Pass1';
const agents = new MemoryAgentDirectory();
const DEVICE_OPTS = { rebootMs: 300, upgradeMs: 400, maxFailedLogins: 3, lockMs: 60_000 };

let broker: TestBroker;
let gateway: DeviceGateway;
let hub: AgentHub;
let agent: SiteAgent;
let sadp: SadpResponder;
const devices: VirtualDevice[] = [];
const cloudAgents: CloudAgent[] = [];

async function device(spec: Parameters<typeof createDevice>[0], cloud = true): Promise<VirtualDevice> {
  const d = createDevice({ adminPassword: ADMIN_PASSWORD, ...spec }, DEVICE_OPTS);
  await d.attachLan('127.0.0.1', 0);
  devices.push(d);
  if (cloud) {
    const ca = await startCloudAgent(d, { mqttUrl: broker.url, topicPrefix: broker.topicPrefix, helloRetryMs: 300 });
    cloudAgents.push(ca);
    // Bound the way the platform binds one (issue 12): the device proves its code, the gateway issues its key.
    if (d.cloudEnabled) await bindCloudDevice(gateway, d.serial, d.verificationCode, ca);
  }
  return d;
}

let camera: VirtualDevice;
let nvr: VirtualDevice;
let axpro: VirtualDevice;

beforeAll(async () => {
  broker = await getTestBroker();
  gateway = await DeviceGateway.start({ mqttUrl: broker.url, store: new MemoryGatewayStore(), topicPrefix: broker.topicPrefix, presenceFlushMs: 200, requestTimeoutMs: 5000 });
  hub = await AgentHub.start({ mqttUrl: broker.url, topicPrefix: broker.topicPrefix, agents });
  camera = await device({ type: 'camera' });
  nvr = await device({ type: 'nvr', channels: 4, hdds: 2 });
  axpro = await device({ type: 'axpro' });
  sadp = new SadpResponder(() => devices, { port: 0, address: '127.0.0.1' });
  const sadpPort = await sadp.start();
  // Enrolled like a real one; its devices are emulators on loopback, hence allowLoopback.
  agent = await startSiteAgent({ mqttUrl: broker.url, token: agents.enrol('contract').token, topicPrefix: broker.topicPrefix, sadpTargets: [{ address: '127.0.0.1', port: sadpPort }], sadpBindAddress: '127.0.0.1', allowLoopback: true });
  await agent.ready();
  await hub.waitForAgent(agent.agentId);
  await waitFor(() => [camera, nvr, axpro].every((d) => gateway.isOnline(d.serial) === true), 15_000, 'devices online in the cloud');
});

afterAll(async () => {
  for (const a of cloudAgents) await a.close();
  await agent?.close();
  await hub?.close();
  await gateway?.close();
  await sadp?.close();
  for (const d of devices) await d.close();
  await broker?.close();
});

type Kind = 'http' | 'cloud' | 'agent';

function clientFor(kind: Kind, d: VirtualDevice, opts: { password?: string; timeoutMs?: number } = {}): DeviceClient {
  const target = { host: d.host, port: d.httpPort, username: 'admin', password: opts.password ?? ADMIN_PASSWORD };
  const transport = kind === 'http' ? new HttpTransport(target) : kind === 'cloud' ? new CloudTransport(gateway, d.serial) : new AgentTransport(hub, agent.agentId, target);
  return new DeviceClient(transport, { timeoutMs: opts.timeoutMs ?? 5000, concurrency: new DeviceConcurrency(2) });
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
}

describe.each<Kind>(['http', 'cloud', 'agent'])('DeviceClient contract over %s', (kind) => {
  it('reads deviceInfo, activation status, cloud and network settings', async () => {
    const c = clientFor(kind, camera);
    const info = await c.deviceInfo();
    expect(info).toMatchObject({ model: camera.model, serialNumber: camera.serial, firmwareVersion: camera.firmwareVersion });
    expect(await c.activationStatus()).toEqual({ activated: true });
    const cloud = await c.getCloudConfig();
    expect(cloud.enabled).toBe(true);
    expect(cloud.registerStatus).toBe(true);
    const net = await c.getNetwork();
    expect(['static', 'dynamic']).toContain(net.addressingType);
  });

  it('switches to DHCP (an NVR asks for a reboot the first time)', async () => {
    const d = await device({ type: 'nvr' }, kind === 'cloud');
    if (kind === 'cloud') await waitFor(() => gateway.isOnline(d.serial) === true, 15_000, 'online');
    const c = clientFor(kind, d);
    const first = await c.setDhcp();
    expect(first.rebootRequired).toBe(true);
    expect((await c.getNetwork()).addressingType).toBe('dynamic');
    expect((await c.setDhcp()).rebootRequired).toBe(false);
  });

  it('writes interface 1 and the service ports: stored, reboot required, reached where it was', async () => {
    const n = { http: 10, cloud: 20, agent: 30 }[kind];
    const c = clientFor(kind, camera);
    const ip = { ipVersion: 'v4', addressingType: 'static' as const, ipAddress: `192.168.${n}.64`, subnetMask: '255.255.255.0', defaultGateway: `192.168.${n}.1`, primaryDns: '8.8.8.8', secondaryDns: '0.0.0.0' };
    expect(await c.setNetwork(ip)).toEqual({ rebootRequired: true });
    expect(await c.getNetwork()).toEqual(ip);
    // DNS alone applies at once.
    expect(await c.setNetwork({ ...ip, secondaryDns: '8.8.4.4' })).toEqual({ rebootRequired: false });
    expect(camera.state.network).toMatchObject({ ipAddress: ip.ipAddress, gateway: ip.defaultGateway, secondaryDns: '8.8.4.4' });

    const ports = await c.adminAccesses();
    expect(ports.map((p) => p.protocol)).toEqual(['HTTP', 'RTSP', 'HTTPS', 'DEV_MANAGE']);
    expect(ports[2]!.extra).toEqual({ redirectToHttps: 'false' });
    const next = ports.map((p) => (p.protocol === 'HTTP' ? { ...p, portNo: 18_000 + n } : p.protocol === 'RTSP' ? { ...p, portNo: 19_000 + n } : p));
    expect(await c.setAdminAccesses(next)).toEqual({ rebootRequired: true });
    expect(await c.adminAccesses()).toEqual(next);
    expect(await c.setAdminAccesses(next)).toEqual({ rebootRequired: false });
    // The device refuses two services on one port, and keeps what it had.
    expect(await code(c.setAdminAccesses([{ id: 1, protocol: 'HTTP', portNo: 443 }]))).toBe('DEVICE_REJECTED');
    expect(camera.state.ports).toMatchObject({ http: 18_000 + n, rtsp: 19_000 + n });
    // Nothing was applied to the listener: the same client still reaches it.
    expect((await c.deviceInfo()).serialNumber).toBe(camera.serial);
  });

  it('lists NVR disks and channels, and sees faults', async () => {
    const c = clientFor(kind, nvr);
    const storage = await c.storage();
    expect(storage.hdds).toHaveLength(2);
    expect(storage.hdds[0]).toMatchObject({ id: 1, status: 'ok' });
    expect(storage.hdds[0]!.capacity).toBeGreaterThan(0);
    const channels = await c.channels();
    expect(channels).toHaveLength(4);
    await nvr.applyFaults({ videoLoss: 2 });
    try {
      expect((await c.channels()).find((ch) => ch.id === 2)?.videoLoss).toBe(true);
    } finally {
      await nvr.applyFaults({ videoLoss: false });
    }
  });

  it("renames channels in the document they live in and switches recording overwrite (read–change–write)", async () => {
    const cam = clientFor(kind, camera);
    const rec = clientFor(kind, nvr);
    expect((await cam.videoInputs()).map((ch) => ch.id)).toEqual([1]);
    await cam.setChannelName('video_input', 1, `Cam ${kind}`);
    expect((await cam.videoInputs())[0]!.name).toBe(`Cam ${kind}`);
    expect(camera.state.channels[0]!.name).toBe(`Cam ${kind}`);
    expect(await code(cam.ipChannels())).toBe('DEVICE_UNSUPPORTED');

    const before = await rec.ipChannels();
    expect(before.map((ch) => ch.id)).toEqual([1, 2, 3, 4]);
    await rec.setChannelName('ip_channel', 2, `Yard ${kind}`);
    expect((await rec.ipChannels()).map((ch) => ch.name)).toEqual(before.map((ch) => (ch.id === 2 ? `Yard ${kind}` : ch.name)));
    expect(await code(rec.setChannelName('ip_channel', 9, 'Nowhere'))).toBe('DEVICE_REJECTED');
    expect(await code(rec.setChannelName('ip_channel', 2, 'a<b'))).toBe('VALIDATION_FAILED');

    expect(await rec.recordingOverwrite()).toBe(true);
    await rec.setRecordingOverwrite(false);
    expect(await rec.recordingOverwrite()).toBe(false);
    expect((await rec.storage()).overwrite).toBe(false);
    await rec.setRecordingOverwrite(true);
    expect(await rec.recordingOverwrite()).toBe(true);
  });

  it('manages users (add, modify, delete) with the admin password', async () => {
    const c = clientFor(kind, camera);
    const name = `op${kind}`;
    await c.addUser({ userName: name, password: 'Operator-77x', userLevel: 'Operator' }, ADMIN_PASSWORD);
    const added = (await c.users()).find((u) => u.userName === name);
    expect(added?.userLevel).toBe('Operator');
    await c.modifyUser(added!.id, { userLevel: 'Viewer' }, ADMIN_PASSWORD);
    expect((await c.users()).find((u) => u.id === added!.id)?.userLevel).toBe('Viewer');
    expect(await code(c.addUser({ userName: `${name}x`, password: '12345678', userLevel: 'Operator' }, ADMIN_PASSWORD))).toBe('DEVICE_PASSWORD_RISKY');
    await c.deleteUser(added!.id, ADMIN_PASSWORD);
    expect((await c.users()).some((u) => u.userName === name)).toBe(false);
  });

  it('reads AX Pro zones, hub status and accounts', async () => {
    const c = clientFor(kind, axpro);
    const zones = await c.axproZones();
    expect(zones.length).toBeGreaterThan(0);
    expect(zones[0]).toHaveProperty('id');
    expect(zones[0]).toHaveProperty('status');
    const host = await c.axproHostStatus();
    expect(typeof host).toBe('object');
    const name = `inst${kind}`;
    await c.axproAddUser({ userName: name, password: 'Installer-99z', userLevel: 'installer' }, ADMIN_PASSWORD);
    const users = await c.axproUsers();
    expect(users.some((u) => u.userName === name && u.userLevel === 'installer')).toBe(true);
  });

  it('upgrades firmware with progress and reports the new version after the reboot', async () => {
    const d = await device({ type: 'camera' }, kind === 'cloud');
    if (kind === 'cloud') await waitFor(() => gateway.isOnline(d.serial) === true, 15_000, 'online');
    const c = clientFor(kind, d);
    const wrong = buildFirmwarePackage({ models: ['DS-NOT-THIS-MODEL'], version: 'V9.9.9' });
    expect(await code(c.upgradeFirmware(wrong))).toBe('DEVICE_FIRMWARE_REJECTED');
    await c.upgradeFirmware(buildFirmwarePackage({ models: [d.model], version: 'V5.9.9', build: '260101', payloadSize: 200_000 }));
    // Poll progress until the device reports the new firmware (it reboots in between: errors then).
    const seen: number[] = [];
    await waitFor(async () => {
      const s = await c.upgradeStatus().catch((e: unknown) => {
        if (isAppError(e, 'DEVICE_OFFLINE') || isAppError(e, 'DEVICE_TIMEOUT')) return null;
        throw e;
      });
      if (s?.upgrading) seen.push(s.percent);
      if (s && !s.upgrading && seen.length > 0) return (await c.deviceInfo().catch(() => null))?.firmwareVersion === 'V5.9.9';
      return false;
    }, 20_000, 'upgrade, reboot and new firmware');
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('maps unsupported paths and device errors to typed errors', async () => {
    const c = clientFor(kind, camera);
    expect(await code(c.raw({ method: 'GET', path: '/ISAPI/Does/Not/Exist' }))).toBe('DEVICE_UNSUPPORTED');
    expect(await code(c.enableCloud('ABC-DE!'))).toBe('VERIFICATION_CODE_INVALID');
    const raw = await c.raw({ method: 'GET', path: '/ISAPI/System/deviceInfo' });
    expect(raw.status).toBe(200);
    expect(raw.body.toString('utf8')).toContain('<DeviceInfo');
  });

  it('reports a powered-off device as DEVICE_OFFLINE', async () => {
    const d = await device({ type: 'camera' }, kind === 'cloud');
    if (kind === 'cloud') await waitFor(() => gateway.isOnline(d.serial) === true, 15_000, 'online');
    await d.applyFaults({ power: 'off' });
    if (kind === 'cloud') await waitFor(() => gateway.isOnline(d.serial) === false, 15_000, 'offline');
    const c = new DeviceClient(kind === 'cloud' ? new CloudTransport(gateway, d.serial) : kind === 'http' ? new HttpTransport({ host: d.host, port: d.httpPort, username: 'admin', password: ADMIN_PASSWORD }) : new AgentTransport(hub, agent.agentId, { host: d.host, port: d.httpPort, username: 'admin', password: ADMIN_PASSWORD }), { readRetries: 0, timeoutMs: 3000 });
    expect(await code(c.deviceInfo())).toBe('DEVICE_OFFLINE');
  });
});

describe('over sockets: discovery, digest, lockout, activation', () => {
  it('finds the devices with SADP, directly and through the agent', async () => {
    const direct = await discoverDevices({ targets: [{ address: '127.0.0.1', port: sadp.port }], bindAddress: '127.0.0.1', timeoutMs: 600 });
    expect(direct.map((d) => d.serial)).toEqual(expect.arrayContaining([camera.serial, nvr.serial, axpro.serial]));
    const viaAgent = await hub.discover(agent.agentId, { timeoutMs: 600 });
    const cam = viaAgent.find((d) => d.serial === camera.serial);
    expect(cam).toMatchObject({ httpPort: camera.httpPort, activated: true, shortSerial: camera.shortSerial });
  });

  it('counts failed logins down, then locks the user (DEVICE_LOCKED with unlock time)', async () => {
    const d = await device({ type: 'camera' }, false);
    const bad = clientFor('http', d, { password: 'wrong-password-1' });
    const first: unknown = await bad.deviceInfo().catch((e: unknown) => e);
    expect(isAppError(first, 'DEVICE_AUTH_FAILED')).toBe(true);
    expect((first as { details?: { attemptsLeft?: number } }).details?.attemptsLeft).toBe(2);
    let last: unknown;
    for (let i = 0; i < 3; i++) last = await bad.deviceInfo().catch((e: unknown) => e);
    expect(isAppError(last, 'DEVICE_LOCKED')).toBe(true);
    const unlockAt = Date.parse(String((last as { details?: { unlockAt?: string } }).details?.unlockAt));
    expect(unlockAt).toBeGreaterThan(Date.now());
    // Even the right password is refused while locked.
    expect(await code(clientFor('http', d).deviceInfo())).toBe('DEVICE_LOCKED');
  });

  it.each<Kind>(['http', 'agent'])('activates a factory-new device (RSA challenge + AES password) over %s', async (kind) => {
    const d = await device({ type: 'camera', activated: false }, false);
    const anon = kind === 'http' ? new DeviceClient(new HttpTransport({ host: d.host, port: d.httpPort })) : new DeviceClient(new AgentTransport(hub, agent.agentId, { host: d.host, port: d.httpPort }));
    expect(await anon.activationStatus()).toEqual({ activated: false });
    expect(await code(clientFor(kind, d).deviceInfo())).toBe('DEVICE_NOT_ACTIVATED');
    expect(await code(anon.activate('admin123'))).toBe('DEVICE_PASSWORD_RISKY');
    await anon.activate('Fresh-Start-42');
    expect(await anon.activationStatus()).toEqual({ activated: true });
    const info = await clientFor(kind, d, { password: 'Fresh-Start-42' }).deviceInfo();
    expect(info.serialNumber).toBe(d.serial);
  });

  it('enables the cloud service and waits until the device registered with the gateway', async () => {
    const d = await device({ type: 'camera', cloudEnabled: false }, true);
    const c = clientFor('http', d);
    expect((await c.getCloudConfig()).enabled).toBe(false);
    const cfg = await c.enableCloud('NEWCODE7', { waitForRegistrationMs: 15_000, pollMs: 200 });
    expect(cfg).toMatchObject({ enabled: true, registerStatus: true });
    expect(await gateway.verifyCode(d.serial, 'NEWCODE7')).toBe(true);
    expect((await clientFor('cloud', d).deviceInfo()).serialNumber).toBe(d.serial);
  });

  it('times out on a device that accepts connections but never answers', async () => {
    const d = await device({ type: 'camera' }, false);
    await d.applyFaults({ lan: 'blackhole' });
    const c = new DeviceClient(new HttpTransport({ host: d.host, port: d.httpPort, username: 'admin', password: ADMIN_PASSWORD }), { timeoutMs: 500, readRetries: 0 });
    expect(await code(c.deviceInfo())).toBe('DEVICE_TIMEOUT');
  });
});
