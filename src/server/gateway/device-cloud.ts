/**
 * The device cloud for one server: the broker (external when `mqttUrl` is given, else embedded
 * Aedes on a non-standard port with the device/agent authenticate hook), the device gateway, the
 * agent hub, and the site agent the server embeds for its own network. One call to wire into the
 * server; each part is also usable on its own.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { DEFAULT_EMBEDDED_BROKER_PORT, startEmbeddedBroker, type BrokerRefusal, type EmbeddedBroker } from '../broker';
import { createTopicAcl } from '../../protocol/tunnel/acl';
import { connectMqtt } from '../../mqtt/client';
import { startSiteAgent, type SiteAgent } from '../../agent/site-agent';
import type { SadpTarget } from '../../device-client/sadp-discovery';
import { AgentHub } from './agent-hub';
import { createBrokerAuthenticator } from './broker-auth';
import { DeviceGateway } from './device-gateway';
import type { GatewayStore } from './gateway.types';


export interface DeviceCloudOptions {
  store: GatewayStore;
  /** External broker (MQTT_URL). Absent: embedded Aedes on `embeddedHost:embeddedPort`. */
  mqttUrl?: string;
  embeddedHost?: string;
  /** Default 18830 — never 1883, where a machine's own Mosquitto lives. 0 = random. */
  embeddedPort?: number;
  topicPrefix?: string;
  /** The platform's check of site-agent tokens. */
  verifyAgentToken?: (token: string) => Promise<{ siteId?: string } | null> | { siteId?: string } | null;
  /** Run the server's own site agent (LAN of the server). Default true. */
  embeddedAgent?: boolean;
  /**
   * SADP targets of the embedded agent (default: multicast + loopback). Shared by reference: a
   * caller may add targets later (the demo fleet adds its responder).
   */
  sadpTargets?: readonly SadpTarget[];
  writer?: boolean;
  allowFirstRegistration?: boolean;
  /** Device and agent request timeout. */
  requestTimeoutMs?: number;
  /** How long devices have to show up again after the broker link is (re)established (DeviceGateway). */
  presenceGraceMs?: number;
  /** Log lines of the embedded agent. */
  onAgentLog?: (msg: string) => void;
  /** Each PUBLISH or SUBSCRIBE the embedded broker refused (a client outside its own topics). */
  onRefused?: (r: BrokerRefusal) => void;
}

export interface DeviceCloud {
  mqttUrl: string;
  /** The platform node's one broker connection, shared by the gateway and the hub (readiness). */
  client: MqttClient;
  gateway: DeviceGateway;
  hub: AgentHub;
  /** Publishes and subscriptions the embedded broker refused since start (0 on an external broker: its own ACLs count). */
  refused: { publish: number; subscribe: number };
  /** The server's own site agent, when embedded. */
  agent: SiteAgent | undefined;
  close(): Promise<void>;
}

export class BrokerStartError extends Error {}

export async function startDeviceCloud(opts: DeviceCloudOptions): Promise<DeviceCloud> {
  const topicPrefix = opts.topicPrefix ?? 'sk/';
  // The embedded agent's token exists only in this process.
  const localToken = opts.embeddedAgent === false ? undefined : `local-${randomBytes(24).toString('hex')}`;
  const verifyToken = async (token: string) => {
    if (localToken !== undefined && token === localToken) return { siteId: 'local' };
    return opts.verifyAgentToken ? await opts.verifyAgentToken(token) : null;
  };
  const platform = { user: 'sitekeeper-platform', pass: randomBytes(24).toString('hex') };
  let broker: EmbeddedBroker | undefined;
  let mqttUrl = opts.mqttUrl;
  const refused = { publish: 0, subscribe: 0 };
  const credentials: { username?: string; password?: string } = {};
  if (!mqttUrl) {
    const port = opts.embeddedPort ?? DEFAULT_EMBEDDED_BROKER_PORT;
    try {
      broker = await startEmbeddedBroker({
        host: opts.embeddedHost ?? '127.0.0.1',
        port,
        authenticate: createBrokerAuthenticator({
          store: opts.store, platformUsername: platform.user, platformPassword: platform.pass, verifyAgentToken: verifyToken,
          ...(opts.allowFirstRegistration !== undefined ? { allowFirstRegistration: opts.allowFirstRegistration } : {}),
        }),
        // Authorization, not just authentication: each client only on its own topics.
        acl: createTopicAcl(topicPrefix),
        onRefused: (r) => {
          refused[r.action]++;
          opts.onRefused?.(r);
        },
      });
    } catch (err) {
      throw new BrokerStartError(`Cannot start the embedded MQTT broker on port ${port}: ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
    }
    mqttUrl = broker.url;
    credentials.username = platform.user;
    credentials.password = platform.pass;
  }
  const started: { close(): Promise<void> }[] = [];
  let client: MqttClient | undefined;
  // Stops what started, newest first, then the shared connection and the broker.
  const closeAll = async (force: boolean) => {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    started.length = 0;
    await client?.endAsync(force).catch(() => undefined);
    await broker?.close();
  };
  try {
    client = await connectMqtt(mqttUrl, { clientId: `sk-node-${randomBytes(6).toString('hex')}`, clean: true, keepalive: 30, ...credentials });
    const timeouts = opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {};
    const gateway = await DeviceGateway.start({
      client, store: opts.store, topicPrefix, writer: opts.writer ?? true, ...timeouts,
      ...(opts.presenceGraceMs !== undefined ? { presenceGraceMs: opts.presenceGraceMs } : {}),
      ...(opts.allowFirstRegistration !== undefined ? { allowFirstRegistration: opts.allowFirstRegistration } : {}),
    });
    started.push(gateway);
    // An agent request includes the agent's own call to the device: give it a little longer.
    const hubTimeouts = opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs + 5000 } : {};
    const hub = await AgentHub.start({ client, topicPrefix, verifyToken, ...hubTimeouts });
    started.push(hub);
    let agent: SiteAgent | undefined;
    if (localToken !== undefined) {
      agent = await startSiteAgent({
        mqttUrl, token: localToken, topicPrefix,
        ...(opts.sadpTargets ? { sadpTargets: opts.sadpTargets } : {}),
        ...(opts.onAgentLog ? { onLog: opts.onAgentLog } : {}),
      });
      started.push(agent);
      await agent.ready();
    }
    return {
      mqttUrl,
      client,
      gateway,
      hub,
      refused,
      agent,
      close: () => closeAll(false),
    };
  } catch (err) {
    await closeAll(true);
    throw err;
  }
}
