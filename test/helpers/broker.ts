/**
 * The MQTT broker for tests: the machine's broker when MQTT_URL is set (e.g. a real Mosquitto on
 * mqtt://127.0.0.1:1883), else an embedded Aedes on a random loopback port. Every call also gives
 * a unique topic prefix, so parallel runs sharing one external broker never see each other.
 */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
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

export interface CountingProxy {
  /** The broker's URL through the proxy: give it to the client under test. */
  url: string;
  /** TCP connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP forwarder to the broker that counts the connections it accepts: the witness of
 * how often a client under test connected. Connections are accepted in the order they were opened,
 * so once traffic of a later connection has passed, every earlier one has been counted.
 */
export async function startCountingProxy(brokerUrl: string): Promise<CountingProxy> {
  const target = new URL(brokerUrl);
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(Number(target.port || 1883), target.hostname.replace(/^\[|\]$/g, ''));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => undefined).on('close', () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(s);
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
