/**
 * AgentHub: the platform side of site agents. Agents connect out to the broker and say hello with
 * a proof (HMAC) of their key — or, once, of their one-time enrolment token, in which case the hub
 * issues their long-term key, sealed under an X25519 exchange bound to the token (decision 0002, "Site agents"). The hub checks
 * proofs against the agent directory (the platform's sealed keys; injected), then sends LAN work
 * to them — SADP discovery and ISAPI to a host:port with credentials — and waits for the answers.
 * Every API node can run a hub; agents re-introduce themselves when a hub announces itself.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { AppError } from '../../errors/app-error';
import { CATALOGUE, type ErrorCode } from '../../errors/catalogue';
import { attachService, type MqttLink, type ServiceClient } from '../../mqtt/client';
import { PendingReplies } from '../../mqtt/pending-replies';
import {
  MAX_TUNNEL_BODY_BYTES, agentAckProof, agentHelloProof, agentPresenceProof, enrolWrapKey, isSafeTopicId, newExchangeKey, safeEqualHex, sealKey, topics,
  type AgentAck, type AgentHello, type ResponseHeader, type Topics,
} from '../../protocol/tunnel/envelope';
import {
  askingNodeId, isFresh, openReply, parseJsonObject, parsePresence, sealRequest, type OpenedReply, type RequestFields,
} from '../../protocol/tunnel/exchange';
import type { IsapiRequest, IsapiResponse } from '../../device-client/transport';
import type { HttpTarget } from '../../device-client/http-transport';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';

export interface AgentIdentity {
  agentId: string;
  siteId?: string;
}

/** An enrolled agent as the platform knows it. */
export interface AgentRecord {
  key: Buffer;
  siteId?: string;
  /** When its enrolment completed (ms since the epoch), if known: tells a node that lost an enrolment race from a reused token. */
  enrolledAt?: number;
}

/**
 * Where the platform keeps its agents (site_agents, keys sealed; the embedded agent in memory).
 * Every answer is read fresh: a revoked agent is refused by every node at its next hello or request.
 */
export interface AgentDirectory {
  /** An enrolled agent that is not revoked, or null. */
  find(agentId: string): Promise<AgentRecord | null> | AgentRecord | null;
  /** A pending enrolment that has not expired: its enrolment key (agentEnrolKey of the token), or null. */
  findEnrolment(agentId: string): Promise<{ enrolKey: Buffer } | null> | { enrolKey: Buffer } | null;
  /** Consumes the enrolment and stores the issued key; null when the enrolment is gone meanwhile (used, expired, revoked). */
  completeEnrolment(agentId: string, key: Buffer, version: string): Promise<AgentRecord | null> | AgentRecord | null;
  /** The agent said hello (version) or changed presence: last seen now. */
  seen?(agentId: string, version?: string): Promise<void> | void;
}

export type AgentHubOptions = MqttLink & AgentHubSettings;

export interface AgentHubSettings {
  topicPrefix?: string;
  nodeId?: string;
  agents: AgentDirectory;
  requestTimeoutMs?: number;
  maxClockSkewMs?: number;
  /**
   * After the link to the broker comes back (a broker restart among others), how long an agent that
   * was online has to say hello again before it counts as offline (default 60 s). A restarted broker
   * publishes no Last Will, and a persistent one replays the retained "online" of an agent that is
   * gone: only a fresh hello or a live presence confirms an agent.
   */
  presenceGraceMs?: number;
  now?: () => number;
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, code);
}

/** An agent's error answer as the platform's error: the agent speaks our catalogue; anything else is a protocol error. */
function agentError(err: NonNullable<ResponseHeader['error']>): AppError {
  const code: ErrorCode = isErrorCode(err.code) ? err.code : 'DEVICE_PROTOCOL_ERROR';
  return new AppError(code, err.message, err.details ? { details: err.details } : undefined);
}

interface HubAgent {
  key: Buffer;
  siteId?: string;
  online: boolean;
  session?: string;
  /** When it last said hello or came online (the newest online agent of a site is picked). */
  seenAt: number;
}

export class AgentHub extends EventEmitter {
  readonly nodeId: string;
  readonly #opts: AgentHubOptions;
  readonly #t: Topics;
  readonly #now: () => number;
  #client: MqttClient | undefined;
  #service: ServiceClient | undefined;
  readonly #agents = new Map<string, HubAgent>();
  /** Requests waiting for their answer: each with the key it was signed with. */
  readonly #pending = new PendingReplies<Buffer, OpenedReply>();
  #closed = false;
  /** Agents online before the link came back that have not said hello (or been seen live) since. */
  readonly #unconfirmed = new Set<string>();
  #graceTimer: NodeJS.Timeout | undefined;
  #connects = 0;
  readonly #onConnect = () => {
    if (++this.#connects > 1) this.#beginPresenceRebuild();
  };

  private constructor(opts: AgentHubOptions) {
    super();
    this.#opts = opts;
    this.#t = topics(opts.topicPrefix ?? 'sk/');
    this.#now = opts.now ?? Date.now;
    this.nodeId = askingNodeId(opts.nodeId, 'hub');
  }

  static async start(opts: AgentHubOptions): Promise<AgentHub> {
    const hub = new AgentHub(opts);
    hub.#service = await attachService(opts, {
      clientId: `sk-hub-${hub.nodeId}`,
      topics: [hub.#t.nodeReplies(hub.nodeId), hub.#t.allAgentHellos, hub.#t.allAgentPresence],
      onMessage: (topic, payload, meta) => hub.#onMessage(topic, payload, meta.retained),
      onError: (err) => hub.emit('warn', err),
    });
    const client = hub.#service.client;
    hub.#client = client;
    hub.#connects = client.connected ? 1 : 0;
    client.on('connect', hub.#onConnect);
    await hub.#announce();
    return hub;
  }

  /** Agents that hear it say hello again (a fresh, signed proof that they are there). */
  async #announce(): Promise<void> {
    await this.#client?.publishAsync(this.#t.hubAnnounce, JSON.stringify({ nodeId: this.nodeId, ts: this.#now() }), { qos: 1 });
  }

  #onMessage(topic: string, payload: Buffer, retained: boolean): void {
    if (topic === this.#t.nodeReplies(this.nodeId)) return this.#onReply(payload);
    const agentId = this.#t.idOf(topic);
    if (!agentId || !isSafeTopicId(agentId)) return;
    if (topic === this.#t.agentHello(agentId)) return void this.#onHello(agentId, payload).catch((e: unknown) => this.emit('warn', e));
    if (topic === this.#t.agentPresence(agentId)) {
      if (this.#agents.has(agentId)) return this.#onPresence(agentId, payload, retained);
      return void this.#learnAgent(agentId).then(() => this.#onPresence(agentId, payload, retained), (e: unknown) => this.emit('warn', e));
    }
  }

  // ---- presence rebuild after the link comes back ---------------------------------------------

  #beginPresenceRebuild(): void {
    for (const [agentId, a] of this.#agents) if (a.online) this.#unconfirmed.add(agentId);
    clearTimeout(this.#graceTimer);
    void this.#announce().catch((e: unknown) => this.emit('warn', e));
    if (this.#unconfirmed.size === 0) return;
    this.#graceTimer = setTimeout(() => this.#endPresenceRebuild(), this.#opts.presenceGraceMs ?? 60_000);
    this.#graceTimer.unref();
  }

  #endPresenceRebuild(): void {
    const gone = [...this.#unconfirmed];
    this.#unconfirmed.clear();
    for (const agentId of gone) {
      const a = this.#agents.get(agentId);
      if (!a?.online) continue;
      a.online = false;
      this.emit('presence', { agentId, online: false });
    }
    this.emit('presence-rebuilt', { offline: gone });
  }

  async #onHello(agentId: string, payload: Buffer): Promise<void> {
    const h = parseJsonObject(payload) as Partial<AgentHello> | null;
    if (!h || h.v !== 2 || h.agentId !== agentId || typeof h.nonce !== 'string' || typeof h.ts !== 'number' || typeof h.proof !== 'string' || typeof h.version !== 'string') return;
    const hello = h as AgentHello;
    const ack = (a: AgentAck) => this.#client?.publish(this.#t.agentAck(agentId), JSON.stringify(a), { qos: 1 });
    const refuse = (reason: string) => void ack({ ok: false, nonce: hello.nonce, reason });
    if (!isFresh(hello.ts, this.#now(), this.#opts.maxClockSkewMs ?? 300_000)) return refuse('clock-skew');
    const dir = this.#opts.agents;
    let record: AgentRecord | null;
    let ackKey: Buffer;
    let issued: AgentAck['issued'];
    if (hello.enrol === true) {
      const e = await dir.findEnrolment(agentId);
      if (!e) return (await this.#enrolledByAnotherNode(agentId, hello)) ? undefined : refuse('rejected');
      if (!safeEqualHex(hello.proof, agentHelloProof(e.enrolKey, hello))) return refuse('rejected');
      const mine = newExchangeKey();
      const wrap = typeof hello.enrolPub === 'string' ? enrolWrapKey(mine.privateKey, hello.enrolPub, e.enrolKey) : null;
      if (!wrap) return refuse('rejected');
      const key = randomBytes(32);
      record = await dir.completeEnrolment(agentId, key, hello.version.slice(0, 64));
      if (!record) return (await this.#enrolledByAnotherNode(agentId, hello)) ? undefined : refuse('rejected');
      ackKey = e.enrolKey;
      issued = { pub: mine.pub, sealed: sealKey(wrap, key) };
      this.emit('enrolled', { agentId, siteId: record.siteId, key });
    } else {
      record = await dir.find(agentId);
      if (!record || !safeEqualHex(hello.proof, agentHelloProof(record.key, hello))) return refuse('rejected');
      ackKey = record.key;
      await dir.seen?.(agentId, hello.version.slice(0, 64));
    }
    const prev = this.#agents.get(agentId);
    this.#unconfirmed.delete(agentId);
    const entry: HubAgent = { key: record.key, online: prev?.online ?? false, seenAt: this.#now() };
    if (prev?.session) entry.session = prev.session;
    if (record.siteId) entry.siteId = record.siteId;
    this.#agents.set(agentId, entry);
    this.emit('agent', { agentId, siteId: record.siteId });
    const a: AgentAck = { ok: true, nonce: hello.nonce, ...(issued ? { issued } : {}) };
    ack({ ...a, proof: agentAckProof(ackKey, agentId, a) });
  }

  /**
   * Every node's hub hears an enrol hello; one completes the enrolment (one statement, one winner).
   * The others must not answer `rejected`: the agent would take whichever answer came first. An
   * enrolment completed after this hello was sent was this hello's (or a race with it): stay silent,
   * the winner answers. A token used before the hello was sent is refused as before.
   */
  async #enrolledByAnotherNode(agentId: string, hello: AgentHello): Promise<boolean> {
    const r = await this.#opts.agents.find(agentId);
    return r?.enrolledAt !== undefined && r.enrolledAt >= hello.ts;
  }

  /**
   * Forget an agent at once (revoked): no more requests go to it from this node, and its presence
   * and hellos are ignored (the directory refuses it too, so other nodes follow at its next message).
   */
  revoke(agentId: string): void {
    const a = this.#agents.get(agentId);
    this.#agents.delete(agentId);
    if (a?.online) this.emit('presence', { agentId, online: false });
  }

  /**
   * An agent this node has not heard say hello (another node answered its hello, or it connected
   * before this node started): known from the directory, so its presence (checked against its key
   * by #onPresence) counts here too.
   */
  async #learnAgent(agentId: string): Promise<void> {
    const r = await this.#opts.agents.find(agentId);
    if (!r || this.#agents.has(agentId)) return;
    this.#agents.set(agentId, { key: r.key, online: false, seenAt: this.#now(), ...(r.siteId ? { siteId: r.siteId } : {}) });
  }

  #onPresence(agentId: string, payload: Buffer, retained: boolean): void {
    const a = this.#agents.get(agentId);
    const p = a && parsePresence(payload);
    if (!a || !p) return;
    if (!safeEqualHex(p.proof, agentPresenceProof(a.key, agentId, p))) return;
    if (!p.online && a.online && a.session !== p.session) return;
    // A replayed "online" proves nothing after the link came back (the agent may be long gone).
    if (p.online && retained && this.#unconfirmed.has(agentId)) return;
    this.#unconfirmed.delete(agentId);
    a.online = p.online;
    a.session = p.session;
    a.seenAt = this.#now();
    this.emit('presence', { agentId, online: p.online });
    void Promise.resolve(this.#opts.agents.seen?.(agentId)).catch((e: unknown) => this.emit('warn', e));
  }

  #onReply(payload: Buffer): void {
    const reply = openReply(payload, (id) => this.#pending.context(id), this.#now(), this.#opts.maxClockSkewMs ?? 300_000);
    if (reply) this.#pending.settle(reply.header.id, reply);
  }

  isOnline(agentId: string): boolean {
    return this.#agents.get(agentId)?.online === true;
  }

  /** The online agent of a site that was seen last, if any: only a site's own agent does its LAN work. */
  agentForSite(siteId: string): string | undefined {
    let best: [string, HubAgent] | undefined;
    for (const e of this.#agents) if (e[1].online && e[1].siteId === siteId && (!best || e[1].seenAt > best[1].seenAt)) best = e;
    return best?.[0];
  }

  agents(): AgentIdentity[] {
    return [...this.#agents.entries()].filter(([, a]) => a.online).map(([agentId, a]) => (a.siteId ? { agentId, siteId: a.siteId } : { agentId }));
  }

  /** Wait until an agent is connected and authenticated (e.g. right after start). */
  async waitForAgent(agentId: string, timeoutMs = 10_000): Promise<void> {
    if (this.isOnline(agentId)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('presence', on);
        reject(new AppError('AGENT_OFFLINE', undefined, { details: { agentId } }));
      }, timeoutMs);
      timer.unref();
      const on = (e: { agentId: string; online: boolean }) => {
        if (e.agentId === agentId && e.online) {
          clearTimeout(timer);
          this.off('presence', on);
          resolve();
        }
      };
      this.on('presence', on);
    });
  }

  async #call(agentId: string, fields: RequestFields, body: Buffer, timeoutMs: number): Promise<OpenedReply> {
    const client = this.#client;
    if (this.#closed || !client) throw new AppError('SERVICE_UNAVAILABLE');
    const agent = this.#agents.get(agentId);
    if (!agent?.online) throw new AppError('AGENT_OFFLINE', undefined, { details: { agentId } });
    // Read fresh: an agent revoked on another node gets no request from this one either.
    if (!(await this.#opts.agents.find(agentId))) {
      this.revoke(agentId);
      throw new AppError('AGENT_OFFLINE', undefined, { details: { agentId } });
    }
    if (body.length > MAX_TUNNEL_BODY_BYTES) throw new AppError('DEVICE_BODY_TOO_LARGE', undefined, { details: { maxBytes: MAX_TUNNEL_BODY_BYTES } });
    const { id, payload } = sealRequest(agent.key, this.#t.nodeReplies(this.nodeId), this.#now(), fields, body);
    // The agent has its own device timeout; give the round trip a little more.
    const answer = this.#pending.wait(id, agent.key, timeoutMs + 2000, () =>
      new AppError(this.isOnline(agentId) ? 'DEVICE_TIMEOUT' : 'AGENT_OFFLINE', undefined, { details: { agentId, timeoutMs } }));
    client.publish(this.#t.agentRequest(agentId), payload, { qos: 1 });
    const reply = await answer;
    if (reply.header.error) throw agentError(reply.header.error);
    return reply;
  }

  /** ISAPI to a LAN device through the agent. */
  async isapi(agentId: string, target: HttpTarget, req: IsapiRequest): Promise<IsapiResponse> {
    const body = req.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const timeoutMs = req.timeoutMs ?? this.#opts.requestTimeoutMs ?? 10_000;
    const res = await this.#call(agentId, {
      op: 'isapi', method: req.method, path: req.path, headers: req.headers ?? {}, timeoutMs,
      args: { host: target.host, port: target.port, https: target.https ?? false, acceptSelfSignedCert: target.acceptSelfSignedCert ?? false, username: target.username, password: target.password },
    }, body, timeoutMs);
    return { status: res.header.status ?? 502, headers: res.header.headers ?? {}, body: res.body };
  }

  /** SADP discovery on the agent's network. */
  async discover(agentId: string, opts: { timeoutMs?: number } = {}): Promise<DiscoveredDevice[]> {
    const timeoutMs = opts.timeoutMs ?? 3000;
    const res = await this.#call(agentId, { op: 'discover', args: { timeoutMs } }, Buffer.alloc(0), timeoutMs);
    try {
      const list: unknown = JSON.parse(res.body.toString('utf8'));
      if (Array.isArray(list)) return list as DiscoveredDevice[];
    } catch {
      // fall through
    }
    throw new AppError('DEVICE_PROTOCOL_ERROR', 'The site agent sent a discovery answer that could not be read.', { details: { agentId } });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#graceTimer);
    this.#client?.off('connect', this.#onConnect);
    this.#pending.rejectAll(new AppError('SERVICE_UNAVAILABLE'));
    await this.#service?.release();
  }
}
