/**
 * The site agent: runs on a customer's network, connects out to the platform's broker and performs
 * LAN work the platform asks for — SADP discovery and ISAPI to LAN devices with the direct HTTP
 * transport. This is how real devices, which speak ISAPI on their LAN but not our device-cloud
 * protocol, are reached.
 *
 * Enrolment (decision 0002, "Site agents"): the first start has a one-time token from the portal.
 * The agent uses it once, as its broker CONNECT password and to sign its enrolment hello; the
 * platform answers with the agent's long-term key sealed under an X25519 exchange bound to the
 * token (neither a broker observer nor a reader of the database can open it), which the agent keeps
 * in its state file and proves (never sends) from then on. No token or key is ever published.
 */
import { lookup } from 'node:dns/promises';
import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import { AppError, isAppError } from '../errors/app-error';
import { disableNagle } from '../mqtt/client';
import { errorFromTransport } from '../device-client/device-errors';
import { HttpTransport } from '../device-client/http-transport';
import { discoverDevices, type SadpTarget } from '../device-client/sadp-discovery';
import { addressRange, parseDeviceHost } from '../protocol/net/device-host';
import {
  AGENT_USER_PREFIX, agentAckProof, agentConnectProof, agentEnrolKey, agentHelloProof, agentIdForToken, agentPresenceProof, enrolWrapKey, newExchangeKey, newNonce, normalizePrefix,
  safeEqualHex, topics, unsealKey, type AgentAck, type AgentHello, type RequestHeader,
} from '../protocol/tunnel/envelope';
import { ReplayGuard, openRequest, parseJsonObject, sealReply, type ReplyFields } from '../protocol/tunnel/exchange';
import { loadAgentState, saveAgentState, type AgentCredentials } from './agent-state';

export const AGENT_VERSION = '0.2.0';

export type { AgentCredentials } from './agent-state';

export interface SiteAgentOptions {
  mqttUrl: string;
  /** The one-time enrolment token (first start). Ignored when the state file already holds this agent's key. */
  token?: string;
  /** Long-term credentials given directly (the server's embedded agent). */
  credentials?: AgentCredentials;
  /** State file: read at start, written (mode 0600) when the agent enrols. */
  statePath?: string;
  topicPrefix?: string;
  /** Where SADP probes go (default: the multicast group). */
  sadpTargets?: readonly SadpTarget[];
  sadpBindAddress?: string;
  /**
   * Which ISAPI targets the agent may reach. Default: `agentMayReach` with `allowLoopback` and
   * `allowAnyHost` — private addresses only, so that an agent is neither a proxy to the internet
   * nor to the services of the machine it runs on.
   */
  allowHost?: (host: string, port: number) => boolean | Promise<boolean>;
  /** Also loopback and link-local targets (`--allow-loopback`; e.g. emulators on this machine). */
  allowLoopback?: boolean;
  /** Also public addresses and host names (`--allow-any-host`); loopback still needs allowLoopback. */
  allowAnyHost?: boolean;
  mqttUsername?: string;
  mqttPassword?: string;
  onLog?: (msg: string) => void;
  /** The broker refused the agent's credentials after it had been accepted (revoked): it will not get back in. */
  onRefused?: (why: string) => void;
}

export interface SiteAgent {
  readonly agentId: string;
  /** Resolves once the platform accepted the agent (after enrolling it, on a first start). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Private (RFC 1918 / ULA / CGNAT), loopback and link-local IP addresses (IPv4-mapped forms included). */
export function isLanAddress(host: string): boolean {
  const range = ipRange(host);
  return range === 'private' || range === 'loopback' || range === 'link_local';
}

function ipRange(host: string): ReturnType<typeof addressRange> | 'hostname' | 'invalid' {
  try {
    const h = parseDeviceHost(host);
    return h.kind === 'hostname' ? (h.range ?? 'hostname') : (h.range ?? 'invalid');
  } catch {
    return 'invalid';
  }
}

/**
 * The agent's target policy: private addresses always; loopback and link-local (127.0.0.0/8, ::1,
 * 169.254.0.0/16, fe80::/10, and their IPv4-mapped forms) only with `allowLoopback`; public
 * addresses and host names only with `allowAnyHost` — a host name is resolved first and every
 * address it has must pass the same rules.
 */
export async function agentMayReach(host: string, policy: { allowLoopback?: boolean; allowAnyHost?: boolean }, resolve: (name: string) => Promise<string[]> = resolveAll): Promise<boolean> {
  const ok = (range: string) =>
    range === 'private' || ((range === 'loopback' || range === 'link_local') && policy.allowLoopback === true) || (range === 'public' && policy.allowAnyHost === true);
  const range = ipRange(host);
  if (range === 'invalid' || range === 'special') return false;
  if (range !== 'hostname') return ok(range);
  if (!policy.allowAnyHost) return false;
  const addrs = await resolve(parseDeviceHost(host).host).catch(() => []);
  return addrs.length > 0 && addrs.every((a) => ok(ipRange(a)));
}

async function resolveAll(name: string): Promise<string[]> {
  return (await lookup(name, { all: true })).map((a) => a.address);
}

/** How long close() waits for the broker to take the agent's goodbye (offline presence). */
const CLOSE_GOODBYE_MS = 2000;

export async function startSiteAgent(opts: SiteAgentOptions): Promise<SiteAgent> {
  const prefix = normalizePrefix(opts.topicPrefix);
  const t = topics(prefix);
  const log = opts.onLog ?? (() => undefined);
  const stored = !opts.credentials && opts.statePath ? await loadAgentState(opts.statePath) : undefined;
  // The state file's key wins when it belongs to this token's agent (re-running the enrol command line is fine).
  const usable = stored && (!opts.token || stored.agentId === agentIdForToken(opts.token)) ? stored : undefined;
  const creds: AgentCredentials | undefined = opts.credentials ?? usable;
  if (!creds && !opts.token) {
    throw new AppError('AGENT_AUTH_FAILED', 'This agent is not enrolled yet and no enrolment token was given.', { hint: 'Add an agent to the site in the portal and run the command it shows (with --token).' });
  }
  if (stored && !usable) log(`the state file holds agent ${stored.agentId}; enrolling a new agent with the token given`);
  const agentId = creds?.agentId ?? agentIdForToken(opts.token!);
  let key: Buffer | undefined = creds?.key;
  const enrolKey = key ? undefined : agentEnrolKey(opts.token!);
  // Ephemeral, for this process's enrolment only: the issued key is sealed to it.
  const exchange = key ? undefined : newExchangeKey();
  const allowHost = opts.allowHost ?? ((host: string) => agentMayReach(host, { allowLoopback: opts.allowLoopback === true, allowAnyHost: opts.allowAnyHost === true }));
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

  const presence = (k: Buffer, online: boolean) => {
    const p = { online, session, ts: Date.now() };
    return JSON.stringify({ ...p, proof: agentPresenceProof(k, agentId, p) });
  };
  const will = (k: Buffer) => ({ topic: t.agentPresence(agentId), payload: Buffer.from(presence(k, false)), qos: 1 as const, retain: true });

  const client: MqttClient = mqtt.connect(opts.mqttUrl, {
    protocolVersion: 4,
    clientId: `ska-${agentId}-${session.slice(0, 6)}`,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 2000,
    connectTimeout: 15_000,
    ...(key ? { will: will(key) } : {}),
    // Broker credentials: a proof of the key; before enrolment the one-time token (a CONNECT password, never published).
    username: opts.mqttUsername ?? `${AGENT_USER_PREFIX}${agentId}`,
    password: opts.mqttPassword ?? (key ? agentConnectProof(key, agentId) : opts.token),
  });

  disableNagle(client);

  const sendHello = () => {
    const fields = { v: 2 as const, agentId, ts: Date.now(), nonce: newNonce(), version: AGENT_VERSION, ...(key || !exchange ? {} : { enrol: true, enrolPub: exchange.pub }) };
    const hello: AgentHello = { ...fields, proof: agentHelloProof(key ?? enrolKey!, fields) };
    lastNonce = hello.nonce;
    client.publish(t.agentHello(agentId), JSON.stringify(hello), { qos: 1 });
    clearTimeout(helloTimer);
    helloTimer = setTimeout(sendHello, 5000);
    helloTimer.unref();
  };

  const reply = (header: RequestHeader, res: ReplyFields, body: Buffer = Buffer.alloc(0)) => {
    if (!key || !header.replyTo.startsWith(`${prefix}n/`)) return;
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
        const port = typeof a.port === 'number' ? a.port : a.https === true ? 443 : 80;
        if (!host || !(await allowHost(host, port))) {
          return reply(header, {
            error: { code: 'DEVICE_UNSUPPORTED', message: 'The site agent only reaches devices on its local network (not loopback or link-local addresses unless started with --allow-loopback).', details: { host } },
          });
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
  client.on('error', (err) => {
    log(`mqtt: ${err.message}`);
    // The broker refused the credentials (revoked, or a used or expired token): say so rather than wait.
    const code = (err as { code?: unknown }).code;
    if (code === 4 || code === 5 || code === 134 || code === 135) {
      if (!accepted) readyReject(new Error(`agent refused by the broker: ${err.message}`));
      else opts.onRefused?.(err.message);
    }
  });
  const onAck = async (ack: Partial<AgentAck> | null) => {
    if (!ack || ack.nonce !== lastNonce) return;
    clearTimeout(helloTimer);
    if (!ack.ok) {
      log(`the platform refused the agent (${ack.reason ?? 'rejected'})`);
      readyReject(new Error(`agent refused: ${ack.reason ?? 'rejected'}`));
      return;
    }
    // Only the platform, which knows the key (or the token), can sign an acceptance.
    const signer = key ?? enrolKey!;
    const a = { ok: true, nonce: ack.nonce, ...(ack.issued ? { issued: ack.issued } : {}) };
    if (typeof ack.proof !== 'string' || !safeEqualHex(ack.proof, agentAckProof(signer, agentId, a))) return;
    if (!key) {
      const wrap = typeof ack.issued?.pub === 'string' && exchange ? enrolWrapKey(exchange.privateKey, ack.issued.pub, enrolKey!) : null;
      const issued = wrap && typeof ack.issued?.sealed === 'string' ? unsealKey(wrap, ack.issued.sealed) : null;
      if (!issued) throw new Error('the platform did not send a key this agent could open');
      if (opts.statePath) await saveAgentState(opts.statePath, { agentId, key: issued }, opts.mqttUrl);
      key = issued;
      // From now on the broker sees a proof of the key (the token is used up), and the will says offline.
      if (opts.mqttPassword === undefined) client.options.password = agentConnectProof(issued, agentId);
      client.options.will = will(issued);
      log(`enrolled as ${agentId}${opts.statePath ? ` (key kept in ${opts.statePath})` : ''}`);
    }
    accepted = true;
    client.publish(t.agentPresence(agentId), presence(key, true), { qos: 1, retain: true });
    log(`connected to the platform as ${agentId}`);
    readyResolve();
  };

  // Request ids already acted on: a captured request sent again is dropped (replay).
  const replay = new ReplayGuard();
  client.on('message', (topic, payload) => {
    if (topic === t.agentAck(agentId)) {
      void onAck(parseJsonObject(payload) as Partial<AgentAck> | null).catch((err: unknown) => {
        log(`enrolment failed: ${err instanceof Error ? err.message : String(err)}`);
        readyReject(err instanceof Error ? err : new Error(String(err)));
      });
      return;
    }
    if (topic === t.hubAnnounce) {
      if (accepted) sendHello();
      return;
    }
    if (topic === t.agentRequest(agentId) && key) {
      const req = openRequest(payload, key, Date.now(), undefined, replay);
      if (req) void handle(req.header, req.body);
    }
  });

  return {
    agentId,
    ready: () => readyP,
    async close() {
      clearTimeout(helloTimer);
      if (client.disconnecting) return;
      let said = false;
      if (client.connected && key) {
        // Say goodbye (offline, then clear the retained presence), but not for ever: a broker that
        // went away without closing the connection never acknowledges.
        const goodbye = (async () => {
          await client.publishAsync(t.agentPresence(agentId), presence(key!, false), { qos: 1, retain: true });
          await client.publishAsync(t.agentPresence(agentId), '', { qos: 1, retain: true });
          return true;
        })().catch(() => false);
        let timer: NodeJS.Timeout | undefined;
        said = await Promise.race([goodbye, new Promise<false>((r) => (timer = setTimeout(() => r(false), CLOSE_GOODBYE_MS)))]);
        clearTimeout(timer);
      }
      await client.endAsync(!said).catch(() => undefined);
    },
  };
}
