/**
 * AgentHub: the platform side of site agents. Agents connect out to the broker with a site token;
 * the hub checks the token (injected function), then sends LAN work to them — SADP discovery and
 * ISAPI to a host:port with credentials — and waits for the answers. Every API node can run a
 * hub; agents re-introduce themselves when a hub announces itself.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { AppError } from '../../errors/app-error';
import { CATALOGUE, type ErrorCode } from '../../errors/catalogue';
import { attachService, type MqttLink, type ServiceClient } from '../../mqtt/client';
import {
  MAX_TUNNEL_BODY_BYTES, agentIdForToken, agentPresenceProof, decodeEnvelope, deriveAgentKey, encodeEnvelope, isSafeTopicId, newNonce,
  safeEqualHex, signEnvelope, topics, verifyEnvelope, type AgentHello, type AgentPresence, type RequestHeader, type Topics,
} from '../../protocol/tunnel/envelope';
import type { IsapiRequest, IsapiResponse } from '../../device-client/transport';
import type { HttpTarget } from '../../device-client/http-transport';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';

export interface AgentIdentity {
  agentId: string;
  siteId?: string;
}

export type AgentHubOptions = MqttLink & AgentHubSettings;

export interface AgentHubSettings {
  topicPrefix?: string;
  nodeId?: string;
  /** The platform's token check: the site the token belongs to, or null when it is not valid. */
  verifyToken: (token: string) => Promise<{ siteId?: string } | null> | { siteId?: string } | null;
  requestTimeoutMs?: number;
  maxClockSkewMs?: number;
  now?: () => number;
}

interface Pending {
  key: Buffer;
  resolve: (v: { header: { status?: number; headers?: Record<string, string> }; body: Buffer }) => void;
  reject: (e: AppError) => void;
  timer: NodeJS.Timeout;
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, code);
}

export class AgentHub extends EventEmitter {
  readonly nodeId: string;
  readonly #opts: AgentHubOptions;
  readonly #t: Topics;
  readonly #now: () => number;
  #client: MqttClient | undefined;
  #service: ServiceClient | undefined;
  readonly #agents = new Map<string, { key: Buffer; siteId?: string; online: boolean; session?: string }>();
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  private constructor(opts: AgentHubOptions) {
    super();
    this.#opts = opts;
    this.#t = topics(opts.topicPrefix ?? 'sk/');
    this.#now = opts.now ?? Date.now;
    this.nodeId = opts.nodeId ?? `hub-${randomBytes(6).toString('hex')}`;
    if (!isSafeTopicId(this.nodeId)) throw new Error('nodeId must be [A-Za-z0-9._-]{1,64}');
  }

  static async start(opts: AgentHubOptions): Promise<AgentHub> {
    const hub = new AgentHub(opts);
    hub.#service = await attachService(opts, {
      clientId: `sk-hub-${hub.nodeId}`,
      topics: [hub.#t.nodeReplies(hub.nodeId), hub.#t.allAgentHellos, hub.#t.allAgentPresence],
      onMessage: (topic, payload) => hub.#onMessage(topic, payload),
      onError: (err) => hub.emit('warn', err),
    });
    const client = hub.#service.client;
    hub.#client = client;
    await client.publishAsync(hub.#t.hubAnnounce, JSON.stringify({ nodeId: hub.nodeId, ts: hub.#now() }), { qos: 1 });
    return hub;
  }

  #onMessage(topic: string, payload: Buffer): void {
    if (topic === this.#t.nodeReplies(this.nodeId)) return this.#onReply(payload);
    const agentId = this.#t.idOf(topic);
    if (!agentId || !isSafeTopicId(agentId)) return;
    if (topic === this.#t.agentHello(agentId)) return void this.#onHello(agentId, payload).catch((e: unknown) => this.emit('warn', e));
    if (topic === this.#t.agentPresence(agentId)) return this.#onPresence(agentId, payload);
  }

  async #onHello(agentId: string, payload: Buffer): Promise<void> {
    let h: AgentHello;
    try {
      h = JSON.parse(payload.toString('utf8')) as AgentHello;
    } catch {
      return;
    }
    if (!h || h.agentId !== agentId || typeof h.token !== 'string' || typeof h.nonce !== 'string' || typeof h.ts !== 'number') return;
    const ack = (ok: boolean, reason?: string) =>
      this.#client?.publish(this.#t.agentAck(agentId), JSON.stringify({ ok, nonce: h.nonce, ...(reason ? { reason } : {}) }), { qos: 1 });
    if (Math.abs(this.#now() - h.ts) > (this.#opts.maxClockSkewMs ?? 300_000)) return void ack(false, 'clock-skew');
    if (agentIdForToken(h.token) !== agentId) return void ack(false, 'rejected');
    const ok = await this.#opts.verifyToken(h.token);
    if (!ok) return void ack(false, 'rejected');
    const prev = this.#agents.get(agentId);
    const entry: { key: Buffer; siteId?: string; online: boolean; session?: string } = { key: deriveAgentKey(agentId, h.token), online: prev?.online ?? false };
    if (prev?.session) entry.session = prev.session;
    if (ok.siteId) entry.siteId = ok.siteId;
    this.#agents.set(agentId, entry);
    this.emit('agent', { agentId, siteId: ok.siteId });
    ack(true);
  }

  #onPresence(agentId: string, payload: Buffer): void {
    const a = this.#agents.get(agentId);
    if (!a || payload.length === 0) return;
    let p: AgentPresence;
    try {
      p = JSON.parse(payload.toString('utf8')) as AgentPresence;
    } catch {
      return;
    }
    if (typeof p.online !== 'boolean' || typeof p.session !== 'string' || typeof p.ts !== 'number' || typeof p.proof !== 'string') return;
    if (!safeEqualHex(p.proof, agentPresenceProof(a.key, agentId, p))) return;
    if (!p.online && a.online && a.session !== p.session) return;
    a.online = p.online;
    a.session = p.session;
    this.emit('presence', { agentId, online: p.online });
  }

  #onReply(payload: Buffer): void {
    let env;
    try {
      env = decodeEnvelope(payload);
    } catch {
      return;
    }
    const pending = this.#pending.get(env.header.id);
    if (!pending || env.header.t !== 'res' || !verifyEnvelope(pending.key, env.header, env.body)) return;
    this.#pending.delete(env.header.id);
    clearTimeout(pending.timer);
    const err = env.header.error;
    if (err) {
      const code: ErrorCode = isErrorCode(err.code) ? err.code : 'DEVICE_PROTOCOL_ERROR';
      pending.reject(new AppError(code, err.message, err.details ? { details: err.details } : undefined));
      return;
    }
    pending.resolve({ header: env.header, body: env.body });
  }

  isOnline(agentId: string): boolean {
    return this.#agents.get(agentId)?.online === true;
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

  async #call(agentId: string, header: Omit<RequestHeader, 't' | 'id' | 'replyTo' | 'ts'>, body: Buffer, timeoutMs: number) {
    if (this.#closed || !this.#client) throw new AppError('SERVICE_UNAVAILABLE');
    const agent = this.#agents.get(agentId);
    if (!agent?.online) throw new AppError('AGENT_OFFLINE', undefined, { details: { agentId } });
    if (body.length > MAX_TUNNEL_BODY_BYTES) throw new AppError('DEVICE_BODY_TOO_LARGE', undefined, { details: { maxBytes: MAX_TUNNEL_BODY_BYTES } });
    const id = newNonce();
    const full: RequestHeader = { t: 'req', id, replyTo: this.#t.nodeReplies(this.nodeId), ts: this.#now(), ...header };
    const payload = encodeEnvelope(signEnvelope(agent.key, full, body), body);
    return new Promise<{ header: { status?: number; headers?: Record<string, string> }; body: Buffer }>((resolve, reject) => {
      // The agent has its own device timeout; give the round trip a little more.
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AppError(this.isOnline(agentId) ? 'DEVICE_TIMEOUT' : 'AGENT_OFFLINE', undefined, { details: { agentId, timeoutMs } }));
      }, timeoutMs + 2000);
      timer.unref();
      this.#pending.set(id, { key: agent.key, resolve, reject, timer });
      this.#client!.publish(this.#t.agentRequest(agentId), payload, { qos: 1 });
    });
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
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new AppError('SERVICE_UNAVAILABLE'));
      this.#pending.delete(id);
    }
    await this.#service?.release();
  }
}
