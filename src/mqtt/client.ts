/**
 * MQTT client helpers shared by every party that connects to the device cloud: the platform's
 * services (device gateway, agent hub), the site agent and the emulator's cloud connector. Not the
 * server's: nothing here knows the platform. Protocol 3.1.1 everywhere (Aedes 1.2 speaks no MQTT 5).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/**
 * Turn off Nagle's algorithm on the client's socket (again after each reconnect): tunnelled
 * request/response round trips otherwise pay ~40 ms of delayed-ACK wait on each side.
 */
export function disableNagle(client: MqttClient): void {
  client.on('connect', () => {
    const s = client.stream as { setNoDelay?: (v: boolean) => void } | undefined;
    s?.setNoDelay?.(true);
  });
}

export interface ConnectMqttOptions extends Omit<IClientOptions, 'protocolVersion'> {
  /** Give up the first connection after this long (later reconnects keep going). */
  connectTimeoutMs?: number;
}

/**
 * Connect an MQTT client and wait for the first CONNACK. Protocol 3.1.1 (works with Aedes and
 * Mosquitto). Rejects with the broker's refusal or a timeout; the client is ended on failure.
 */
export async function connectMqtt(url: string, opts: ConnectMqttOptions = {}): Promise<MqttClient> {
  const { connectTimeoutMs = 10_000, ...rest } = opts;
  const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 1000, connectTimeout: connectTimeoutMs, ...rest });
  disableNagle(client);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`MQTT connect to ${url} timed out`)), connectTimeoutMs);
      timer.unref();
      const onError = (err: Error) => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        reject(err);
      };
      const onConnect = () => {
        clearTimeout(timer);
        client.off('error', onError);
        resolve();
      };
      client.once('connect', onConnect);
      client.once('error', onError);
    });
  } catch (err) {
    await client.endAsync(true).catch(() => undefined);
    throw err;
  }
  return client;
}

/**
 * How a platform service (device gateway, agent hub) reaches the broker: the connection it shares
 * with the node's other services (`client`; its owner ends it), or a connection of its own.
 */
export type MqttLink = { client: MqttClient } | { mqttUrl: string; mqttUsername?: string | undefined; mqttPassword?: string | undefined };

export interface ServiceClient {
  client: MqttClient;
  /** Unsubscribes and removes this service's listeners; ends the connection only if it owns it. */
  release(): Promise<void>;
}

/**
 * Attach a service to the broker: subscribe to its topics and route messages and errors to it.
 * Every service filters the messages it gets (a shared client delivers all of them).
 */
export async function attachService(
  link: MqttLink,
  opts: { clientId: string; topics: string[]; onMessage: (topic: string, payload: Buffer, meta: { retained: boolean }) => void; onError: (err: Error) => void },
): Promise<ServiceClient> {
  const owned = !('client' in link);
  const client =
    'client' in link
      ? link.client
      : await connectMqtt(link.mqttUrl, {
          clientId: opts.clientId.slice(0, 64),
          clean: true,
          keepalive: 30,
          ...(link.mqttUsername ? { username: link.mqttUsername, password: link.mqttPassword } : {}),
        });
  // `retained`: the broker replayed a stored message to a new subscription, not a live publish.
  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => opts.onMessage(topic, payload, { retained: packet.retain === true });
  const onError = (err: Error) => opts.onError(err);
  client.on('message', onMessage);
  client.on('error', onError);
  const detach = () => {
    client.off('message', onMessage);
    client.off('error', onError);
  };
  try {
    await client.subscribeAsync(opts.topics, { qos: 1 });
  } catch (err) {
    detach();
    if (owned) await client.endAsync(true).catch(() => undefined);
    throw err;
  }
  return {
    client,
    async release() {
      detach();
      if (owned) await client.endAsync().catch(() => undefined);
      else if (client.connected) await client.unsubscribeAsync(opts.topics).catch(() => undefined);
    },
  };
}
