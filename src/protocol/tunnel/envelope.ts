/**
 * The device-cloud and site-agent tunnel protocol over MQTT (see
 * docs/decisions/0002-device-cloud-protocol.md). Pure: no I/O, no clock (callers pass `ts`).
 *
 * Aedes 1.2 speaks MQTT 3.1.1 only (no response topic / correlation data properties), so the reply
 * topic and the correlation id travel inside a small binary envelope that works on MQTT 3.1.1 and 5
 * alike:  'S' 0x01 | uint32 BE header length | header JSON (UTF-8) | raw body bytes.
 * Requests and answers between the platform and a device are signed with HMAC-SHA256 under a key
 * derived from the device's serial and verification code, which both sides know: a device proves
 * its code without sending it, and neither side trusts a message an anonymous broker user forged.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const ENVELOPE_MAGIC = 0x53;
export const ENVELOPE_VERSION = 1;
/** Largest tunnelled body (firmware packages included); above it use a direct LAN connection. */
export const MAX_TUNNEL_BODY_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;
/** Requests older than this are refused by devices (replay protection). */
export const MAX_REQUEST_AGE_MS = 120_000;

export const DEFAULT_TOPIC_PREFIX = 'sk/';
const ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** Serials, agent ids and node ids appear in topics: no wildcards or separators. */
export function isSafeTopicId(id: string): boolean {
  return ID_RE.test(id);
}

export function normalizePrefix(prefix: string | undefined): string {
  const p = prefix ?? DEFAULT_TOPIC_PREFIX;
  if (p === '') return '';
  if (/[+#]/.test(p)) throw new Error('MQTT topic prefix must not contain wildcards');
  return p.endsWith('/') ? p : `${p}/`;
}

export function topics(prefix: string) {
  const p = normalizePrefix(prefix);
  return {
    deviceHello: (serial: string) => `${p}d/${serial}/hello`,
    devicePresence: (serial: string) => `${p}d/${serial}/presence`,
    deviceAck: (serial: string) => `${p}d/${serial}/ack`,
    deviceRequest: (serial: string) => `${p}d/${serial}/req`,
    deviceEvent: (serial: string) => `${p}d/${serial}/event`,
    nodeReplies: (nodeId: string) => `${p}n/${nodeId}/res`,
    agentHello: (agentId: string) => `${p}a/${agentId}/hello`,
    agentPresence: (agentId: string) => `${p}a/${agentId}/presence`,
    agentAck: (agentId: string) => `${p}a/${agentId}/ack`,
    agentRequest: (agentId: string) => `${p}a/${agentId}/req`,
    /** Hubs announce themselves here at start; agents answer with a fresh hello. */
    hubAnnounce: `${p}hub/announce`,
    /** Wildcard subscriptions for the gateway. */
    allDeviceHellos: `${p}d/+/hello`,
    allDevicePresence: `${p}d/+/presence`,
    allDeviceEvents: `${p}d/+/event`,
    allAgentHellos: `${p}a/+/hello`,
    allAgentPresence: `${p}a/+/presence`,
    /** The id in `${p}<kind>/<id>/...`. */
    idOf: (topic: string): string | undefined => topic.slice(p.length).split('/')[1],
  };
}
export type Topics = ReturnType<typeof topics>;

// ---- keys and proofs -------------------------------------------------------------------------

/**
 * The device key: SHA-256 over serial and verification code. The gateway stores only this (the
 * "hashed verification code") and checks a user-entered code by deriving and comparing.
 */
export function deriveDeviceKey(serial: string, verificationCode: string): Buffer {
  return createHash('sha256').update(`sitekeeper-device-v1\0${serial}\0${verificationCode}`).digest();
}

export function hmacHex(key: Buffer, ...parts: (string | Buffer)[]): string {
  const h = createHmac('sha256', key);
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex');
}

export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function newNonce(): string {
  return randomBytes(12).toString('hex');
}

/** Seal a new key under the previous one (AES-256-GCM): proves the old code while rotating to a new one. */
export function sealKey(oldKey: Buffer, newKey: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', oldKey, iv);
  const enc = Buffer.concat([c.update(newKey), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), enc]).toString('base64');
}

export function unsealKey(oldKey: Buffer, sealed: string): Buffer | null {
  try {
    const raw = Buffer.from(sealed, 'base64');
    if (raw.length !== 12 + 16 + 32) return null;
    const d = createDecipheriv('aes-256-gcm', oldKey, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]);
  } catch {
    return null;
  }
}

// ---- hello / presence (JSON) ------------------------------------------------------------------

export interface DeviceHello {
  v: 1;
  serial: string;
  model: string;
  type: string;
  firmware: string;
  ts: number;
  nonce: string;
  /** The connection's session (the one its Last Will names): an accepted hello means online. */
  session: string;
  /** hmac(key, 'hello', serial, ts, nonce, session, model, type, firmware) */
  proof: string;
  /** First registration (trust on first use): the derived key itself. Sent only when asked. */
  register?: { key: string };
  /** Code changed: the new key sealed under the previous one. */
  rotate?: { sealed: string };
}

export function helloProof(key: Buffer, h: Pick<DeviceHello, 'serial' | 'ts' | 'nonce' | 'session' | 'model' | 'type' | 'firmware'>): string {
  return hmacHex(key, 'hello', h.serial, String(h.ts), h.nonce, h.session, h.model, h.type, h.firmware);
}

export interface HelloAck {
  ok: boolean;
  nonce: string;
  /** When not ok: what the device should do. */
  need?: 'register' | 'rotate';
  reason?: string;
}

export interface Presence {
  online: boolean;
  session: string;
  ts: number;
  /** hmac(key, 'presence', serial, online, session, ts) */
  proof: string;
}

export function presenceProof(key: Buffer, serial: string, p: Pick<Presence, 'online' | 'session' | 'ts'>): string {
  return hmacHex(key, 'presence', serial, p.online ? '1' : '0', p.session, String(p.ts));
}

// ---- request / response envelope (binary) -----------------------------------------------------

export interface RequestHeader {
  t: 'req';
  id: string;
  replyTo: string;
  ts: number;
  /** What to do: `isapi` for devices; `isapi` or `discover` for agents. */
  op: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Op-specific arguments (agent: target host/port/credentials, discovery options). */
  args?: Record<string, unknown>;
  sig?: string;
}

export interface ResponseHeader {
  t: 'res';
  id: string;
  ts: number;
  status?: number;
  headers?: Record<string, string>;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  sig?: string;
}

export type EnvelopeHeader = RequestHeader | ResponseHeader;

export class EnvelopeError extends Error {}

export function encodeEnvelope(header: EnvelopeHeader, body: Buffer = Buffer.alloc(0)): Buffer {
  if (body.length > MAX_TUNNEL_BODY_BYTES) throw new EnvelopeError('tunnel body too large');
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  if (h.length > MAX_HEADER_BYTES) throw new EnvelopeError('tunnel header too large');
  const pre = Buffer.alloc(6);
  pre[0] = ENVELOPE_MAGIC;
  pre[1] = ENVELOPE_VERSION;
  pre.writeUInt32BE(h.length, 2);
  return Buffer.concat([pre, h, body]);
}

export function decodeEnvelope(buf: Buffer): { header: EnvelopeHeader; body: Buffer } {
  if (buf.length < 6 || buf[0] !== ENVELOPE_MAGIC) throw new EnvelopeError('not a tunnel envelope');
  if (buf[1] !== ENVELOPE_VERSION) throw new EnvelopeError(`unsupported envelope version ${buf[1]}`);
  const len = buf.readUInt32BE(2);
  if (len > MAX_HEADER_BYTES || 6 + len > buf.length) throw new EnvelopeError('bad envelope header length');
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(6, 6 + len).toString('utf8'));
  } catch {
    throw new EnvelopeError('envelope header is not JSON');
  }
  const h = header as Partial<EnvelopeHeader> | null;
  if (!h || typeof h !== 'object' || (h.t !== 'req' && h.t !== 'res') || typeof h.id !== 'string' || typeof h.ts !== 'number') {
    throw new EnvelopeError('envelope header is incomplete');
  }
  if (h.t === 'req' && typeof (h as RequestHeader).replyTo !== 'string') throw new EnvelopeError('request without replyTo');
  return { header: h as EnvelopeHeader, body: buf.subarray(6 + len) };
}

function canonical(header: EnvelopeHeader): string {
  const { sig: _sig, ...rest } = header;
  return JSON.stringify(rest);
}

export function signEnvelope<T extends EnvelopeHeader>(key: Buffer, header: T, body: Buffer): T {
  return { ...header, sig: hmacHex(key, canonical(header), body) };
}

export function verifyEnvelope(key: Buffer, header: EnvelopeHeader, body: Buffer): boolean {
  return typeof header.sig === 'string' && safeEqualHex(header.sig, hmacHex(key, canonical(header), body));
}

// ---- site agents -------------------------------------------------------------------------------

/** An agent's id follows from its token, so the platform can find the agent for a token it issued. */
export function agentIdForToken(token: string): string {
  return `ag-${createHash('sha256').update(`sitekeeper-agent-id\0${token}`).digest('hex').slice(0, 16)}`;
}

/** Key that signs requests to and answers from an agent. */
export function deriveAgentKey(agentId: string, token: string): Buffer {
  return createHash('sha256').update(`sitekeeper-agent-v1\0${agentId}\0${token}`).digest();
}

export interface AgentHello {
  v: 1;
  agentId: string;
  ts: number;
  nonce: string;
  /** The site token (see decision 0002: needs TLS and broker ACLs on an external broker). */
  token: string;
  version: string;
}

export interface AgentPresence {
  online: boolean;
  session: string;
  ts: number;
  proof: string;
}

export function agentPresenceProof(key: Buffer, agentId: string, p: Pick<AgentPresence, 'online' | 'session' | 'ts'>): string {
  return hmacHex(key, 'agent-presence', agentId, p.online ? '1' : '0', p.session, String(p.ts));
}

// ---- broker credentials --------------------------------------------------------------------------

/** MQTT user names by role: the broker's authenticate hook tells devices, agents and nodes apart. */
export const DEVICE_USER_PREFIX = 'dev:';
export const AGENT_USER_PREFIX = 'agent:';

/** The MQTT password of a device: proves the key without revealing it (static, like any password). */
export function deviceConnectProof(key: Buffer, serial: string): string {
  return hmacHex(key, 'connect', serial);
}
