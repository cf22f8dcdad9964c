/**
 * The site agent: runs on a customer's network (or inside the server for its own network),
 * connects out to the platform's broker with a site token, and performs LAN work the platform
 * asks for — SADP discovery and ISAPI to LAN devices with the direct HTTP transport. This is how
 * real devices, which speak ISAPI on their LAN but not our device-cloud protocol, are reached.
 */
import { isIP } from 'node:net';
import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import { isAppError } from '../errors/app-error';
import { disableNagle } from '../mqtt/client';
import { errorFromTransport } from '../device-client/device-errors';
import { HttpTransport } from '../device-client/http-transport';
import { discoverDevices, type SadpTarget } from '../device-client/sadp-discovery';
import {
  AGENT_USER_PREFIX, agentIdForToken, agentPresenceProof, deriveAgentKey, newNonce, normalizePrefix, topics, type AgentHello, type RequestHeader,
} from '../protocol/tunnel/envelope';
import { ReplayGuard, openRequest, parseJsonObject, sealReply, type ReplyFields } from '../protocol/tunnel/exchange';

export const AGENT_VERSION = '0.1.0';

export interface SiteAgentOptions {
  mqttUrl: string;
  token: string;
  topicPrefix?: string;
  /** Where SADP probes go (default: the multicast group). */
  sadpTargets?: readonly SadpTarget[];
  sadpBindAddress?: string;
  /**
   * Which hosts the agent may send ISAPI to. Default: private, loopback and link-local IP
   * addresses only — an agent must not become a proxy to the internet.
   */
  allowHost?: (host: string) => boolean;
  mqttUsername?: string;
  mqttPassword?: string;
  onLog?: (msg: string) => void;
}

export interface SiteAgent {
  readonly agentId: string;
  /** Resolves once the platform accepted the agent's token. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Private (RFC 1918 / ULA), loopback and link-local addresses. */
export function isLanAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  const v = isIP(h);
  if (v === 4) {
    const [a = 0, b = 0] = h.split('.').map(Number);
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (v === 6) return h === '::1' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80:');
  return false;
}

export async function startSiteAgent(opts: SiteAgentOptions): Promise<SiteAgent> {
  const prefix = normalizePrefix(opts.topicPrefix);
  const t = topics(prefix);
  const agentId = agentIdForToken(opts.token);
  const key = deriveAgentKey(agentId, opts.token);
  const allowHost = opts.allowHost ?? isLanAddress;
  const log = opts.onLog ?? (() => undefined);
  const session = newNonce();
  let lastNonce = '';
  let accepted = false;
  let helloTimer: NodeJS.Timeout | undefined;
  let readyResolve: () => void = () => undefined;
  let readyReject: (e: Error) => void = () => undefined;
  const readyP = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  readyP.catch(() => undefined);

  const presence = (online: boolean) => {
    const p = { online, session, ts: Date.now() };
    return JSON.stringify({ ...p, proof: agentPresenceProof(key, agentId, p) });
  };

  const client: MqttClient = mqtt.connect(opts.mqttUrl, {
    protocolVersion: 4,
    clientId: `ska-${agentId}-${session.slice(0, 6)}`,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 2000,
    connectTimeout: 15_000,
    will: { topic: t.agentPresence(agentId), payload: Buffer.from(presence(false)), qos: 1, retain: true },
    // Broker credentials: the embedded broker's hook checks the token; opts override for other brokers.
    username: opts.mqttUsername ?? `${AGENT_USER_PREFIX}${agentId}`,
    password: opts.mqttPassword ?? opts.token,
  });

  disableNagle(client);

  const sendHello = () => {
    const hello: AgentHello = { v: 1, agentId, ts: Date.now(), nonce: newNonce(), token: opts.token, version: AGENT_VERSION };
    lastNonce = hello.nonce;
    client.publish(t.agentHello(agentId), JSON.stringify(hello), { qos: 1 });
    clearTimeout(helloTimer);
    helloTimer = setTimeout(sendHello, 5000);
    helloTimer.unref();
  };

  const reply = (header: RequestHeader, res: ReplyFields, body: Buffer = Buffer.alloc(0)) => {
    if (!header.replyTo.startsWith(`${prefix}n/`)) return;
    client.publish(header.replyTo, sealReply(key, header.id, Date.now(), res, body), { qos: 1 });
  };

  const handle = async (header: RequestHeader, body: Buffer) => {
    try {
      if (header.op === 'discover') {
        const timeoutMs = Math.min(Number(header.args?.timeoutMs ?? 3000), 30_000);
        const found = await discoverDevices({ timeoutMs, ...(opts.sadpTargets ? { targets: opts.sadpTargets } : {}), ...(opts.sadpBindAddress ? { bindAddress: opts.sadpBindAddress } : {}) });
        log(`discover: ${found.length} device(s)`);
        return reply(header, { status: 200 }, Buffer.from(JSON.stringify(found)));
      }
      if (header.op === 'isapi') {
        const a = header.args ?? {};
        const host = typeof a.host === 'string' ? a.host : '';
        if (!host || !allowHost(host)) {
          return reply(header, { error: { code: 'DEVICE_UNSUPPORTED', message: 'The site agent only reaches devices on its local network.', details: { host } } });
        }
        const transport = new HttpTransport({
          host,
          ...(typeof a.port === 'number' ? { port: a.port } : {}),
          https: a.https === true,
          acceptSelfSignedCert: a.acceptSelfSignedCert === true,
          ...(typeof a.username === 'string' ? { username: a.username, password: typeof a.password === 'string' ? a.password : '' } : {}),
        });
        const method = header.method as 'GET' | 'PUT' | 'POST' | 'DELETE';
        const res = await transport.request({
          method, path: String(header.path ?? '/'), headers: header.headers ?? {},
          ...(body.length > 0 ? { body } : {}), ...(header.timeoutMs ? { timeoutMs: header.timeoutMs } : {}),
        });
        return reply(header, { status: res.status, headers: res.headers }, res.body);
      }
      return reply(header, { error: { code: 'DEVICE_UNSUPPORTED', message: `The site agent does not know the operation ${header.op}.` } });
    } catch (err) {
      const e = isAppError(err) ? err : errorFromTransport(err);
      return reply(header, { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
    }
  };

  client.on('connect', () => {
    client.subscribe([t.agentAck(agentId), t.agentRequest(agentId), t.hubAnnounce], { qos: 1 }, (err) => {
      if (!err) sendHello();
    });
  });
  client.on('error', (err) => log(`mqtt: ${err.message}`));
  // Request ids already acted on: a captured request sent again is dropped (replay).
  const replay = new ReplayGuard();
  client.on('message', (topic, payload) => {
    if (topic === t.agentAck(agentId)) {
      const ack = parseJsonObject(payload) as { ok?: boolean; nonce?: string; reason?: string } | null;
      if (!ack || ack.nonce !== lastNonce) return;
      clearTimeout(helloTimer);
      if (ack.ok) {
        accepted = true;
        client.publish(t.agentPresence(agentId), presence(true), { qos: 1, retain: true });
        log(`connected to the platform as ${agentId}`);
        readyResolve();
      } else {
        log(`the platform refused the agent token (${ack.reason ?? 'rejected'})`);
        readyReject(new Error(`agent token refused: ${ack.reason ?? 'rejected'}`));
      }
      return;
    }
    if (topic === t.hubAnnounce) {
      if (accepted) sendHello();
      return;
    }
    if (topic === t.agentRequest(agentId)) {
      const req = openRequest(payload, key, Date.now(), undefined, replay);
      if (req) void handle(req.header, req.body);
    }
  });

  return {
    agentId,
    ready: () => readyP,
    async close() {
      clearTimeout(helloTimer);
      if (client.connected) {
        await client.publishAsync(t.agentPresence(agentId), presence(false), { qos: 1, retain: true }).catch(() => undefined);
        await client.publishAsync(t.agentPresence(agentId), '', { qos: 1, retain: true }).catch(() => undefined);
      }
      await client.endAsync().catch(() => undefined);
    },
  };
}
