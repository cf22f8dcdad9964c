/**
 * The MQTT broker for tests: the machine's broker when MQTT_URL is set (e.g. a real Mosquitto on
 * mqtt://127.0.0.1:1883), else an embedded Aedes on a random loopback port. Every call also gives
 * a unique topic prefix, so parallel runs sharing one external broker never see each other.
 */
import { randomBytes } from 'node:crypto';
import { startEmbeddedBroker } from '../../src/server/broker';

export interface TestBroker {
  url: string;
  /** Unique per call, e.g. `sk-test/3fa2c1d0/`; pass it to every gateway, agent and device. */
  topicPrefix: string;
  external: boolean;
  close(): Promise<void>;
}

export async function getTestBroker(): Promise<TestBroker> {
  const topicPrefix = `sk-test/${randomBytes(5).toString('hex')}/`;
  const external = process.env.MQTT_URL;
  if (external) return { url: external, topicPrefix, external: true, close: async () => undefined };
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
  return { url: broker.url, topicPrefix, external: false, close: () => broker.close() };
}
