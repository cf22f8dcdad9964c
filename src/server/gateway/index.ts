/**
 * The device cloud for one server: the broker (external when `mqttUrl` is given, else embedded
 * Aedes on a non-standard port with the device/agent authenticate hook), the device gateway, the
 * agent hub, and the site agent the server embeds for its own network. One call to wire into the
 * server; each part is also usable on its own.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_EMBEDDED_BROKER_PORT, startEmbeddedBroker, type EmbeddedBroker } from '../broker';
import { startSiteAgent, type SiteAgent } from '../../agent/site-agent';
import type { SadpTarget } from '../../devices/sadp-discovery';
import { agentIdForToken } from '../../devices/tunnel/protocol';
import { AgentHub } from './agent-hub';
import { createBrokerAuthenticator } from './broker-auth';
import { DeviceGateway } from './device-gateway';
import type { GatewayStore } from './gateway.types';

export { DeviceGateway, type DeviceEvent, type DeviceGatewayOptions } from './device-gateway';
export { AgentHub, type AgentHubOptions } from './agent-hub';
export { createBrokerAuthenticator } from './broker-auth';
export { MemoryGatewayStore } from './memory-store';
export type { GatewayStore, DeviceRegistration, PresenceUpdate } from './gateway.types';

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
  /** SADP targets of the embedded agent (default: multicast + loopback). */
  sadpTargets?: SadpTarget[];
  writer?: boolean;
}

export interface DeviceCloud {
  mqttUrl: string;
  gateway: DeviceGateway;
  hub: AgentHub;
  /** Agent id of the server's own site agent (use with AgentTransport / hub.discover). */
  localAgentId: string | undefined;
  close(): Promise<void>;
}

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
  const credentials: { mqttUsername?: string; mqttPassword?: string } = {};
  if (!mqttUrl) {
    broker = await startEmbeddedBroker({
      host: opts.embeddedHost ?? '127.0.0.1',
      port: opts.embeddedPort ?? DEFAULT_EMBEDDED_BROKER_PORT,
      authenticate: createBrokerAuthenticator({ store: opts.store, platformUsername: platform.user, platformPassword: platform.pass, verifyAgentToken: verifyToken }),
    });
    mqttUrl = broker.url;
    credentials.mqttUsername = platform.user;
    credentials.mqttPassword = platform.pass;
  }
  const started: { close(): Promise<void> }[] = [];
  try {
    const gateway = await DeviceGateway.start({ mqttUrl, store: opts.store, topicPrefix, writer: opts.writer ?? true, ...credentials });
    started.push(gateway);
    const hub = await AgentHub.start({ mqttUrl, topicPrefix, verifyToken, ...credentials });
    started.push(hub);
    let agent: SiteAgent | undefined;
    if (localToken !== undefined) {
      agent = await startSiteAgent({ mqttUrl, token: localToken, topicPrefix, ...(opts.sadpTargets ? { sadpTargets: opts.sadpTargets } : {}) });
      started.push(agent);
      await agent.ready();
    }
    return {
      mqttUrl,
      gateway,
      hub,
      localAgentId: localToken !== undefined ? agentIdForToken(localToken) : undefined,
      async close() {
        for (const s of started.reverse()) await s.close();
        await broker?.close();
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    await broker?.close();
    throw err;
  }
}
