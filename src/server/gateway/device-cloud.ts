/**
 * The device cloud for one server: the broker (external when `mqttUrl` is given, else embedded
 * Aedes on a non-standard port with the device/agent authenticate hook), the device gateway, the
 * agent hub, and the site agent the server embeds. The embedded agent serves only what
 * `embeddedAgentAllowHost` lets through (the loopback demo fleet): a site's LAN is reached through
 * that site's own enrolled agent. One call to wire into the server; each part is also usable on its own.
 *
 * `accounts` is where the platform tells the broker which devices and agents may connect: nothing to
 * do on the embedded broker (it reads the store); on Mosquitto with `dynsec`, one client and role
 * each, managed over the dynamic-security control topic (mosquitto-dynsec.ts). Issued device keys,
 * agent enrolments and revocations reach it through the gateway's and hub's credential callbacks.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { DEFAULT_EMBEDDED_BROKER_PORT, startEmbeddedBroker, type BrokerRefusal, type EmbeddedBroker } from '../broker';
import { createTopicAcl, refusalReason } from '../../protocol/tunnel/acl';
import { connectMqtt } from '../../mqtt/client';
import { startSiteAgent, type SiteAgent } from '../../agent/site-agent';
import type { SadpTarget } from '../../device-client/sadp-discovery';
import { AgentHub, type AgentDirectory, type AgentRecord } from './agent-hub';
import { agentConnectProof } from '../../protocol/tunnel/envelope';
import { createBrokerAuthenticator } from './broker-auth';
import { noBrokerAccounts, type BrokerAccounts } from './broker-accounts';
import { DeviceGateway } from './device-gateway';
import type { GatewayStore } from './gateway.types';
import { MosquittoDynsec, ensurePlatformRole } from './mosquitto-dynsec';


export interface DeviceCloudOptions {
  store: GatewayStore;
  /** External broker (MQTT_URL). Absent: embedded Aedes on `embeddedHost:embeddedPort`. */
  mqttUrl?: string;
  /**
   * The external broker is a Mosquitto with the dynamic-security plugin, whose admin is the user of
   * `mqttUrl` (MQTT_DYNSEC): the platform manages device and agent accounts there. `timeoutMs`: each
   * control command's reply (default 10 s).
   */
  dynsec?: boolean | { timeoutMs?: number };
  embeddedHost?: string;
  /** Default 18830 — never 1883, where a machine's own Mosquitto lives. 0 = random. */
  embeddedPort?: number;
  topicPrefix?: string;
  /** The platform's enrolled site agents (site_agents); absent: only the embedded agent exists. */
  agents?: AgentDirectory;
  /**
   * Told when an agent's broker credentials are issued (enrolment token, then its key's connect
   * proof) or revoked (null), so an external broker's account can follow (Mosquitto dynamic security).
   */
  onAgentCredentials?: (agentId: string, connectPassword: string | null) => void | Promise<void>;
  /** Run the server's own site agent. Default true. */
  embeddedAgent?: boolean;
  /**
   * Which ISAPI targets the embedded agent may reach. Default: none. The server passes the demo
   * fleet's addresses (and tests their emulators'), never its own HTTP, MQTT or database ports.
   */
  embeddedAgentAllowHost?: (host: string, port: number) => boolean;
  /**
   * SADP targets of the embedded agent (default: multicast + loopback). Shared by reference: a
   * caller may add targets later (the demo fleet adds its responder).
   */
  sadpTargets?: readonly SadpTarget[];
  writer?: boolean;
  /** Shared by every node (DeviceGateway nodesSecret): any node can verify a pending device's code. */
  nodesSecret?: Buffer;
  allowFirstRegistration?: boolean;
  /** After a device key is issued or a binding reset (DeviceGateway): the device's broker password, or null. */
  onDeviceCredentials?: (serial: string, connectPassword: string | null) => void;
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
  /**
   * Who may connect to the broker: tell it when a device's or agent's credentials are issued or
   * withdrawn (a no-op on the embedded broker, whose authenticate hook reads the store).
   */
  accounts: BrokerAccounts;
  /** Publishes and subscriptions the embedded broker refused since start (0 on an external broker: its own ACLs count). */
  refused: { publish: number; subscribe: number };
  /** The same refusals by action, client kind and reason (`<action>|<device|agent>|<RefusalReason>` → count). */
  refusedBy: ReadonlyMap<string, number>;
  /** The server's own site agent, when embedded. */
  agent: SiteAgent | undefined;
  /** Cut a revoked agent off now: the hub forgets it, the embedded broker closes its connection, the credentials hook hears null. */
  revokeAgent(agentId: string): Promise<void>;
  close(): Promise<void>;
}

export class BrokerStartError extends Error {}

export async function startDeviceCloud(opts: DeviceCloudOptions): Promise<DeviceCloud> {
  const topicPrefix = opts.topicPrefix ?? 'sk/';
  // The embedded agent's key exists only in this process; it belongs to no site.
  const local: { agentId: string; key: Buffer } | undefined = opts.embeddedAgent === false ? undefined : { agentId: `ag-local-${randomBytes(6).toString('hex')}`, key: randomBytes(32) };
  const platformAgents = opts.agents;
  const agents: AgentDirectory = {
    find: (id) => (local && id === local.agentId ? ({ key: local.key } satisfies AgentRecord) : platformAgents ? platformAgents.find(id) : null),
    findEnrolment: (id) => (platformAgents && id !== local?.agentId ? platformAgents.findEnrolment(id) : null),
    completeEnrolment: (id, key, version) => (platformAgents ? platformAgents.completeEnrolment(id, key, version) : null),
    seen: (id, version) => (platformAgents?.seen && id !== local?.agentId ? platformAgents.seen(id, version) : undefined),
  };
  const platform = { user: 'sitekeeper-platform', pass: randomBytes(24).toString('hex') };
  let broker: EmbeddedBroker | undefined;
  let mqttUrl = opts.mqttUrl;
  const refused = { publish: 0, subscribe: 0 };
  const refusedBy = new Map<string, number>();
  const credentials: { username?: string; password?: string } = {};
  const dynsec = opts.dynsec === undefined || opts.dynsec === false ? undefined : opts.dynsec === true ? {} : opts.dynsec;
  if (dynsec && !mqttUrl) throw new BrokerStartError('Mosquitto dynamic security (MQTT_DYNSEC) needs an external broker (MQTT_URL).');
  if (!mqttUrl) {
    const port = opts.embeddedPort ?? DEFAULT_EMBEDDED_BROKER_PORT;
    try {
      broker = await startEmbeddedBroker({
        host: opts.embeddedHost ?? '127.0.0.1',
        port,
        authenticate: createBrokerAuthenticator({
          store: opts.store, platformUsername: platform.user, platformPassword: platform.pass, agents,
          ...(opts.allowFirstRegistration !== undefined ? { allowFirstRegistration: opts.allowFirstRegistration } : {}),
        }),
        // Authorization, not just authentication: each client only on its own topics.
        acl: createTopicAcl(topicPrefix),
        onRefused: (r) => {
          refused[r.action]++;
          const key = `${r.action}|${r.principal.kind}|${refusalReason(topicPrefix, r.principal, r.topic)}`;
          refusedBy.set(key, (refusedBy.get(key) ?? 0) + 1);
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
    const dynsecTimeout = dynsec?.timeoutMs !== undefined ? { timeoutMs: dynsec.timeoutMs } : {};
    // Before the shared connection opens: adding the platform's role disconnects the admin's connections.
    if (dynsec) await ensurePlatformRole({ mqttUrl, topicPrefix, ...dynsecTimeout });
    client = await connectMqtt(mqttUrl, { clientId: `sk-node-${randomBytes(6).toString('hex')}`, clean: true, keepalive: 30, ...credentials });
    let accounts: BrokerAccounts = noBrokerAccounts;
    if (dynsec) {
      const ds = new MosquittoDynsec({ client, topicPrefix, ...dynsecTimeout });
      started.push(ds);
      await ds.start();
      await ds.checkPlatformRole(decodeURIComponent(new URL(mqttUrl).username));
      accounts = ds;
    }
    const timeouts = opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {};
    const gateway = await DeviceGateway.start({
      client, store: opts.store, topicPrefix, writer: opts.writer ?? true, ...timeouts,
      ...(opts.presenceGraceMs !== undefined ? { presenceGraceMs: opts.presenceGraceMs } : {}),
      ...(opts.allowFirstRegistration !== undefined ? { allowFirstRegistration: opts.allowFirstRegistration } : {}),
      ...(opts.nodesSecret ? { nodesSecret: opts.nodesSecret } : {}),
      // An issued key or a reset binding: the broker's account follows (Mosquitto dynsec), then the caller hears it.
      onDeviceCredentials: (serial, password) => {
        const change = password === null ? accounts.removeDevice(serial) : accounts.allowDevice(serial, password);
        change.catch((err: unknown) => gateway.emit('warn', err));
        opts.onDeviceCredentials?.(serial, password);
      },
    });
    started.push(gateway);
    // An agent request includes the agent's own call to the device: give it a little longer.
    const hubTimeouts = opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs + 5000 } : {};
    const hub = await AgentHub.start({
      client, topicPrefix, agents, ...hubTimeouts,
      ...(opts.presenceGraceMs !== undefined ? { presenceGraceMs: opts.presenceGraceMs } : {}),
    });
    started.push(hub);
    const tellCredentials = (agentId: string, password: string | null) => {
      const change = password === null ? accounts.removeAgent(agentId) : accounts.allowAgent(agentId, password);
      change.catch((err: unknown) => hub.emit('warn', err));
      void Promise.resolve(opts.onAgentCredentials?.(agentId, password)).catch((err: unknown) => hub.emit('warn', err));
    };
    hub.on('enrolled', (e: { agentId: string; key: Buffer }) => tellCredentials(e.agentId, agentConnectProof(e.key, e.agentId)));
    let agent: SiteAgent | undefined;
    if (local !== undefined) {
      await accounts.allowAgent(local.agentId, agentConnectProof(local.key, local.agentId));
      // Its broker account goes with it (the key exists only in this process).
      const localAgentId = local.agentId;
      started.push({ close: () => accounts.removeAgent(localAgentId) });
      agent = await startSiteAgent({
        mqttUrl, credentials: local, topicPrefix,
        allowHost: opts.embeddedAgentAllowHost ?? (() => false),
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
      accounts,
      refused,
      refusedBy,
      agent,
      async revokeAgent(agentId) {
        hub.revoke(agentId);
        broker?.disconnect((who) => who.kind === 'agent' && who.agentId === agentId);
        tellCredentials(agentId, null);
      },
      close: () => closeAll(false),
    };
  } catch (err) {
    await closeAll(true);
    throw err;
  }
}
