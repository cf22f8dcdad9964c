/**
 * Attacks on the device cloud's broker (#12), repeated against the platform's embedded broker: a
 * client with a broker account of its own — here the easiest one to get, a `dev:<serial>` login
 * for a serial nobody registered, which the broker lets in so that new devices can register — must
 * read and command nothing that isn't its own. Each refusal is waited for explicitly (a SUBACK
 * failure, the broker closing the connection), never inferred from silence.
 *
 * External brokers: the same rules must be set as Mosquitto dynamic-security ACLs by the platform;
 * that part is not built yet (see docs/decisions/0002), so this suite pins the embedded broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '../../src/mqtt/client';
import { topics } from '../../src/protocol/tunnel/envelope';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { eventually } from '../helpers/wait';

const METRICS_TOKEN = 'attack-suite-metrics-token';
let p: TestPlatform;
let t: ReturnType<typeof topics>;
const clients: MqttClient[] = [];

beforeAll(async () => {
  p = await startTestPlatform({ config: { mqttUrl: undefined, metricsToken: METRICS_TOKEN } });
  t = topics(p.config.mqttTopicPrefix);
});
afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  await p?.close();
});

/** Logs in as a device nobody registered (any password: first registration is open). */
async function intruder(serial = `EVIL${Math.floor(Math.random() * 1e9)}`): Promise<{ c: MqttClient; serial: string }> {
  const c = await connectMqtt(p.app.platform.mqttUrl, { clientId: `x-${serial}`, username: `dev:${serial}`, password: 'anything', reconnectPeriod: 0 });
  clients.push(c);
  return { c, serial };
}

/** SUBACK codes for each filter (128 = refused; mqtt.js rejects then, with the SUBACK attached). */
async function suback(c: MqttClient, filters: string[]): Promise<number[]> {
  try {
    return (await c.subscribeAsync(filters, { qos: 1 })).map((g) => g.qos);
  } catch (err) {
    const granted = (err as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw err;
    return granted;
  }
}

async function metric(name: string, labels: string): Promise<number> {
  const r = await p.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(r.statusCode).toBe(200);
  const text = r.body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('device cloud broker: a client only reaches its own topics', () => {
  it('wildcards, other devices, agents and presence: every subscription refused; its own granted', async () => {
    const { c, serial } = await intruder();
    const before = await metric('sitekeeper_broker_refused_total', 'action="subscribe"');
    const prefix = p.config.mqttTopicPrefix;
    const codes = await suback(c, ['#', `${prefix}#`, t.allDevicePresence, t.allDeviceHellos, t.allAgentHellos, t.agentHello(p.app.platform.agent.agentId), t.deviceRequest('DS0000001'), t.nodeReplies('any'), '$SYS/#']);
    expect(codes).toEqual([128, 128, 128, 128, 128, 128, 128, 128, 128]);
    expect(await suback(c, [t.deviceRequest(serial), t.deviceAck(serial)])).toEqual([1, 1]);
    expect(await metric('sitekeeper_broker_refused_total', 'action="subscribe"')).toBe(before + 9);
  });

  it("publishing to the hub's announce topic (which makes agents re-send their hellos) closes the connection", async () => {
    const { c } = await intruder();
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish(t.hubAnnounce, JSON.stringify({ nodeId: 'evil', ts: Date.now() }), { qos: 1 });
    await closed;
    await eventually(async () => (await metric('sitekeeper_broker_refused_total', 'action="publish"')) >= 1 || undefined, 'refusal counted');
  });

  it("publishing to another device's or agent's topics closes the connection; its own topics are fine", async () => {
    for (const topic of [t.deviceRequest('DS0000001'), t.deviceHello('DS0000001'), t.agentPresence(p.app.platform.agent.agentId), t.devicePresence('DS0000001')]) {
      const { c } = await intruder();
      const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.publish(topic, 'x', { qos: 1 });
      await closed;
    }
    const { c, serial } = await intruder();
    // Its own event topic: acknowledged (PUBACK), and the connection stays up.
    await c.publishAsync(t.deviceEvent(serial), 'not signed: the gateway drops it', { qos: 1 });
    expect(c.connected).toBe(true);
  });
});
