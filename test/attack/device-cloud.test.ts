/**
 * Attacks on the device cloud's broker (#12), repeated on both brokers the platform secures: its
 * embedded Aedes, and a Mosquitto with the dynamic-security plugin whose accounts the platform
 * manages (test/helpers/broker-matrix.ts). A client with a broker account of its own — the easiest
 * one to get, a `dev:<serial>` login for a serial nobody registered — must read, command and forge
 * nothing that isn't its own. Each refusal is waited for explicitly: a SUBACK failure; for a
 * PUBLISH, a control message the same client sends afterwards on its own topic reaching the other
 * side while the refused one never did (on the embedded broker, also the connection it closes).
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMqtt } from '../../src/mqtt/client';
import { topics } from '../../src/protocol/tunnel/envelope';
import { DYNSEC_CONTROL_TOPIC } from '../../src/server/gateway/mosquitto-dynsec';
import { brokerMatrix, type BrokerUnderTest } from '../helpers/broker-matrix';
import { eventually } from '../helpers/wait';

const METRICS_TOKEN = 'attack-suite-metrics-token';

describe.each(brokerMatrix)('device cloud broker ($name): a client only reaches its own topics', (broker) => {
  let b: BrokerUnderTest;
  let t: ReturnType<typeof topics>;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    b = await broker.start({ metricsToken: METRICS_TOKEN });
    t = topics(b.p.config.mqttTopicPrefix);
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await b?.close();
  });

  async function login(serial: string): Promise<MqttClient> {
    const { username, password } = await b.deviceLogin(serial);
    const c = await connectMqtt(b.p.app.platform.mqttUrl.replace(/\/\/[^@/]*@/, '//'), { clientId: `x-${serial}-${randomBytes(3).toString('hex')}`, username, password, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  }

  /** Logs in as a device nobody registered. */
  async function intruder(serial = `EVIL${randomBytes(4).toString('hex')}`): Promise<{ c: MqttClient; serial: string }> {
    return { c: await login(serial), serial };
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

  /** The sum of the series of `name` whose labels include each of `labels` (e.g. `action="subscribe"`). */
  async function metric(name: string, ...labels: string[]): Promise<number> {
    const r = await b.p.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(r.statusCode).toBe(200);
    return r.body.split('\n')
      .filter((l) => l.startsWith(`${name}{`) && labels.every((x) => l.slice(name.length).split('}')[0]!.includes(x)))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  }

  /**
   * The intruder publishes to `topic`; the platform's own connection, subscribed to it, must never
   * get the message. Proof: a control message the intruder publishes afterwards on its own event
   * topic arrives (same sender, in order), and the refused one did not come before it.
   */
  async function expectPublishRefused({ c: first, serial }: { c: MqttClient; serial: string }, topic: string): Promise<void> {
    const platform = b.p.app.platform.mqtt;
    const marker = `attack-${randomBytes(6).toString('hex')}`;
    const control = `control-${marker}`;
    const seen: string[] = [];
    const onMessage = (tp: string, payload: Buffer) => {
      const s = payload.toString();
      if (s === marker || s === control) seen.push(`${tp} ${s}`);
    };
    platform.on('message', onMessage);
    try {
      await platform.subscribeAsync([topic, t.deviceEvent(serial)], { qos: 1 });
      let c = first;
      if (broker.closesOnRefusedPublish) {
        const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
        c.publish(topic, marker, { qos: 1 });
        await closed;
        c = await login(serial); // the same account again, for the control message
      } else {
        await c.publishAsync(topic, marker, { qos: 1 }); // acknowledged, and dropped
        expect(c.connected).toBe(true);
      }
      await c.publishAsync(t.deviceEvent(serial), control, { qos: 1 });
      await eventually(() => seen.includes(`${t.deviceEvent(serial)} ${control}`), 'the control message at the platform', 10_000, 20);
      // (The control message may come twice: the gateway's own subscription overlaps.)
      expect(seen.filter((s) => s.endsWith(` ${marker}`))).toEqual([]);
    } finally {
      platform.off('message', onMessage);
      await platform.unsubscribeAsync(topic).catch(() => undefined);
    }
  }

  it('wildcards, other devices, agents and presence: every subscription refused; its own granted', async () => {
    const { c, serial } = await intruder();
    const before = broker.countsRefusals ? await metric('sitekeeper_broker_refused_total', 'action="subscribe"') : 0;
    const prefix = b.p.config.mqttTopicPrefix;
    const codes = await suback(c, [
      '#', `${prefix}#`, t.allDevicePresence, t.allDeviceHellos, t.allAgentHellos, t.agentHello(b.p.app.platform.agent.agentId),
      t.deviceRequest('DS0000001'), t.nodeReplies('any'), '$SYS/#', `${DYNSEC_CONTROL_TOPIC}/#`, `${prefix}d/+/ack`, `${prefix}d/${serial}/#`,
    ]);
    expect(codes).toEqual(Array(12).fill(128));
    expect(await suback(c, [t.deviceRequest(serial), t.deviceAck(serial)])).toEqual([1, 1]);
    if (broker.countsRefusals) {
      expect(await metric('sitekeeper_broker_refused_total', 'action="subscribe"')).toBe(before + 12);
      // With why: '#', '<prefix>#', the all-… filters, 'd/+/ack' and its own 'd/<serial>/#' are wildcards; '$SYS/#' too.
      expect(await metric('sitekeeper_broker_refused_total', 'action="subscribe"', 'client="device"', 'reason="other_party"')).toBeGreaterThanOrEqual(2);
      expect(await metric('sitekeeper_broker_refused_total', 'action="subscribe"', 'client="device"', 'reason="wildcard"')).toBeGreaterThanOrEqual(6);
    }
  });

  it("publishing to the hub's announce topic (which makes agents re-send their hellos) is refused", async () => {
    await expectPublishRefused(await intruder(), t.hubAnnounce);
    if (broker.countsRefusals) {
      await eventually(async () => (await metric('sitekeeper_broker_refused_total', 'action="publish"')) >= 1 || undefined, 'refusal counted');
    }
  });

  it("publishing to another device's or agent's topics is refused; its own topics are fine", async () => {
    for (const topic of [t.deviceRequest('DS0000001'), t.deviceHello('DS0000001'), t.deviceAck('DS0000001'), t.agentPresence(b.p.app.platform.agent.agentId), t.devicePresence('DS0000001')]) {
      await expectPublishRefused(await intruder(), topic);
    }
    // Its own requests and acks are the platform's to send.
    const self = await intruder();
    await expectPublishRefused(self, t.deviceAck(self.serial));
    const { c, serial: own } = await intruder();
    // Its own event topic: acknowledged (PUBACK), and the connection stays up.
    await c.publishAsync(t.deviceEvent(own), 'not signed: the gateway drops it', { qos: 1 });
    expect(c.connected).toBe(true);
  });

  it("cannot manage the broker's accounts (the dynamic-security control topic)", async () => {
    await expectPublishRefused(await intruder(), DYNSEC_CONTROL_TOPIC);
  });

  it(`a dev:<serial> login nobody made ${broker.firstLoginOpen ? 'gets in, to register (its reach is the above)' : 'is refused at CONNECT'}`, async () => {
    const url = b.p.app.platform.mqttUrl.replace(/\/\/[^@/]*@/, '//');
    const attempt = connectMqtt(url, { clientId: `x-${randomBytes(4).toString('hex')}`, username: `dev:NOBODY${randomBytes(3).toString('hex')}`, password: 'guess', reconnectPeriod: 0, connectTimeoutMs: 5000 });
    if (broker.firstLoginOpen) clients.push(await attempt);
    else await expect(attempt).rejects.toThrow(/Not authorized/i);
  });
});
