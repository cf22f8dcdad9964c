/**
 * The platform's client of Mosquitto's dynamic-security plugin (#12) against a real Mosquitto with
 * the plugin (started by the test on its own port): the platform role on the admin, device and agent
 * accounts made, changed and removed, each confined to acl.ts's topics; typed errors and timeouts.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMqtt } from '../../src/mqtt/client';
import { startEmbeddedBroker } from '../../src/server/broker';
import { DynsecError, MosquittoDynsec, dynsecAcls, dynsecRoleName, ensurePlatformRole } from '../../src/server/gateway/mosquitto-dynsec';
import { topics } from '../../src/protocol/tunnel/envelope';
import { startDynsecMosquitto, type DynsecMosquitto } from '../helpers/mosquitto-dynsec';

let m: DynsecMosquitto;
let admin: MqttClient;
let ds: MosquittoDynsec;
const prefix = `sk-test-${randomBytes(4).toString('hex')}/`;
const t = topics(prefix);
const clients: MqttClient[] = [];

beforeAll(async () => {
  m = await startDynsecMosquitto();
  await ensurePlatformRole({ mqttUrl: m.adminUrl, topicPrefix: prefix });
  admin = await connectMqtt(m.adminUrl, { clientId: `sk-node-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0 });
  ds = new MosquittoDynsec({ client: admin, topicPrefix: prefix });
  await ds.start();
}, 60_000);
afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  await ds?.close();
  await admin?.endAsync(true).catch(() => undefined);
  await m?.close();
});

async function login(username: string, password: string): Promise<MqttClient> {
  const c = await connectMqtt(m.url, { clientId: `c-${randomBytes(4).toString('hex')}`, username, password, reconnectPeriod: 0, connectTimeoutMs: 5000 });
  clients.push(c);
  return c;
}

/** The broker refuses the login (CONNACK 5, not authorized). */
async function refusedLogin(username: string, password: string): Promise<void> {
  await expect(login(username, password)).rejects.toThrow(/Not authorized|Bad username or password/i);
}

function closed(c: MqttClient): Promise<void> {
  return new Promise((resolve) => (c.connected ? c.once('close', () => resolve()) : resolve()));
}

describe('the platform role on the dynamic-security admin', () => {
  it('is on the admin, with the prefix as its ACLs; ensuring it again changes nothing and disconnects nobody', async () => {
    const role = dynsecRoleName(prefix, { kind: 'platform' });
    expect(await ds.clientRoles(m.adminUser)).toContain(role);
    expect(await ds.roleAcls(role)).toEqual(expect.arrayContaining(dynsecAcls(prefix, { kind: 'platform' }).map((a) => expect.objectContaining(a))));
    let dropped = false;
    admin.once('close', () => (dropped = true));
    await ensurePlatformRole({ mqttUrl: m.adminUrl, topicPrefix: prefix });
    // A command round trip on the shared connection after the second ensure: still the same connection.
    expect(await ds.clientRoles(m.adminUser)).toContain(role);
    expect(dropped).toBe(false);
  });

  it('lets the platform publish and subscribe on its prefix', async () => {
    const got = await admin.subscribeAsync([t.allDeviceHellos, t.allAgentPresence], { qos: 1 });
    expect(got.map((g) => g.qos)).toEqual([1, 1]);
    await admin.publishAsync(t.hubAnnounce, 'hello', { qos: 1 });
  });
});

describe('device and agent accounts', () => {
  it('a device account logs in with its password only, and holds exactly its role', async () => {
    const serial = `DS${randomBytes(4).toString('hex')}`;
    await ds.allowDevice(serial, 'proof-1');
    await login(`dev:${serial}`, 'proof-1');
    await refusedLogin(`dev:${serial}`, 'wrong');
    await refusedLogin(`dev:DS-nobody-made`, 'proof-1');
    expect(await ds.clientRoles(`dev:${serial}`)).toEqual([dynsecRoleName(prefix, { kind: 'device', serial })]);
    const acls = await ds.roleAcls(dynsecRoleName(prefix, { kind: 'device', serial }));
    expect(acls.map(({ acltype, topic, allow }) => ({ acltype, topic, allow }))).toEqual(expect.arrayContaining(dynsecAcls(prefix, { kind: 'device', serial })));
    expect(acls).toHaveLength(dynsecAcls(prefix, { kind: 'device', serial }).length);
  });

  it('allowing again with a new password closes the current connection; only the new password logs in', async () => {
    const serial = `DS${randomBytes(4).toString('hex')}`;
    await ds.allowDevice(serial, 'old');
    const c = await login(`dev:${serial}`, 'old');
    const gone = closed(c);
    await ds.allowDevice(serial, 'new');
    await gone;
    await refusedLogin(`dev:${serial}`, 'old');
    await login(`dev:${serial}`, 'new');
  });

  it('removing a device closes its connection and refuses it after; removing twice is fine', async () => {
    const serial = `DS${randomBytes(4).toString('hex')}`;
    await ds.allowDevice(serial, 'pw');
    const c = await login(`dev:${serial}`, 'pw');
    const gone = closed(c);
    await ds.removeDevice(serial);
    await gone;
    await refusedLogin(`dev:${serial}`, 'pw');
    await ds.removeDevice(serial);
  });

  it('agents the same way, with the hub announcements to read', async () => {
    const agentId = `ag-${randomBytes(8).toString('hex')}`;
    await ds.allowAgent(agentId, 'token');
    const c = await login(`agent:${agentId}`, 'token');
    expect((await c.subscribeAsync([t.agentRequest(agentId), t.agentAck(agentId), t.hubAnnounce], { qos: 1 })).map((g) => g.qos)).toEqual([1, 1, 1]);
    const gone = closed(c);
    await ds.removeAgent(agentId);
    await gone;
    await refusedLogin(`agent:${agentId}`, 'token');
  });

  it('refuses an id that would become a wildcard ACL, before anything reaches the broker', async () => {
    await expect(ds.allowDevice('DS/+', 'pw')).rejects.toThrow(/topic-safe/);
    await expect(ds.allowAgent('#', 'pw')).rejects.toThrow(/topic-safe/);
  });
});

describe('typed errors', () => {
  it('a command the plugin refuses fails with command-failed and its reason', async () => {
    const err = await ds.run([{ command: 'noSuchCommand' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DynsecError);
    expect(err).toMatchObject({ code: 'command-failed', command: 'noSuchCommand' });
    expect((err as Error).message).toMatch(/Unknown command/);
  });

  it('a user that is not the admin is told so (forbidden), not left waiting', async () => {
    const serial = `DS${randomBytes(4).toString('hex')}`;
    await ds.allowDevice(serial, 'pw');
    const c = await login(`dev:${serial}`, 'pw');
    const err = await new MosquittoDynsec({ client: c, topicPrefix: prefix }).start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DynsecError);
    expect(err).toMatchObject({ code: 'forbidden' });
    expect((err as Error).message).toMatch(/must be the dynamic-security admin/);
  });

  it('a broker without the plugin never answers: timeout, with what to check', async () => {
    const aedes = await startEmbeddedBroker({ port: 0 });
    const c = await connectMqtt(aedes.url, { reconnectPeriod: 0 });
    const none = new MosquittoDynsec({ client: c, topicPrefix: prefix, timeoutMs: 300 });
    try {
      const err = await none.allowDevice('DS1', 'pw').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DynsecError);
      expect(err).toMatchObject({ code: 'timeout' });
      expect((err as Error).message).toMatch(/dynamic-security plugin loaded/);
    } finally {
      await none.close();
      await c.endAsync(true);
      await aedes.close();
    }
  });

  // Last: it disconnects the admin's connections.
  it('a lost connection fails the waiting command with closed', async () => {
    const c = await connectMqtt(m.adminUrl, { clientId: `sk-x-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0 });
    const d = new MosquittoDynsec({ client: c, topicPrefix: prefix });
    await d.start();
    // Adding a role to the admin makes Mosquitto disconnect every admin connection, this one
    // included, before it answers.
    const role = `sk-test-role-${randomBytes(4).toString('hex')}`;
    await d.run([{ command: 'createRole', rolename: role }]);
    const adminGone = closed(admin);
    const err = await d.run([{ command: 'addClientRole', username: m.adminUser, rolename: role }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'closed' });
    await d.close();
    await c.endAsync(true);
    await adminGone; // the suite's shared admin connection went too (this is the file's last test)
  });
});
