/**
 * The device-cloud and site-agent tunnel protocol over MQTT (see
 * docs/decisions/0002-device-cloud-protocol.md). Pure: no I/O, no clock (callers pass `ts`).
 *
 * Aedes 1.2 speaks MQTT 3.1.1 only (no response topic / correlation data properties), so the reply
 * topic and the correlation id travel inside a small binary envelope that works on MQTT 3.1.1 and 5
 * alike (version 2, see sealEnvelope): only `t`, `id`, `ts` and `replyTo` are readable; the rest of
 * the header (op, method, path, headers, args, status, error) and the body are encrypted and
 * authenticated with AES-256-GCM under a key derived (HKDF) from the device's or agent's key, which
 * both ends know. Nobody else on the broker can read a request or answer, nor forge or alter one;
 * replays are the receiver's to refuse (ReplayGuard, isFresh in exchange.ts).
 */
import {
  createCipheriv, createDecipheriv, createHash, createHmac, createPublicKey, createSecretKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, randomFillSync, timingSafeEqual, type KeyObject,
} from 'node:crypto';

export const ENVELOPE_MAGIC = 0x53;
/** Version 2: encrypted and authenticated (AES-256-GCM). Version 1 (signed only) is refused. */
export const ENVELOPE_VERSION = 2;
/** Largest tunnelled body (firmware packages included); above it use a direct LAN connection. */
export const MAX_TUNNEL_BODY_BYTES = 64 * 1024 * 1024;
export const MAX_HEADER_BYTES = 64 * 1024;
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
    /**
     * Gateways announce themselves here when their link to the broker is (re)established; bound
     * devices answer with a fresh hello (a retained presence a persistent broker replays proves nothing).
     */
    gatewayAnnounce: `${p}gw/announce`,
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
 * The legacy device key (before issue 12): SHA-256 over serial and verification code. Devices
 * registered with it are moved to an issued key at their next hello (decision 0002); new keys are
 * issued by the platform, never derived.
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

/** Seal a new key under the previous one (AES-256-GCM): replacing a legacy key with an issued one. */
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
  /** hmac(key, 'hello', serial, ts, nonce, session, model, type, firmware); empty in a register hello (no key yet). */
  proof: string;
  /**
   * Registration (device without a key, or told to register again): its ephemeral X25519 public
   * key (src/protocol/tunnel/registration.ts). The nonce is the registration id.
   */
  register?: { pub: string };
}

export function helloProof(key: Buffer, h: Pick<DeviceHello, 'serial' | 'ts' | 'nonce' | 'session' | 'model' | 'type' | 'firmware'>): string {
  return hmacHex(key, 'hello', h.serial, String(h.ts), h.nonce, h.session, h.model, h.type, h.firmware);
}

export interface HelloAck {
  ok: boolean;
  /** The hello it answers; empty for a gateway's own notice (a reset: `need: 'register'`). */
  nonce: string;
  /** When not ok: what the device should do. */
  need?: 'register';
  /** `pending` (registration session open; `pub` given), `bound`, `rejected`, `clock-skew`, `unknown-device`, `reset`. */
  reason?: string;
  /** The gateway's ephemeral X25519 public key of a registration session. */
  pub?: string;
  /** A legacy (code-derived) key is being replaced: the issued key sealed under it. */
  rekey?: { sealed: string };
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

// ---- request / response envelope (binary, version 2: encrypted) -------------------------------

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
}

export interface ResponseHeader {
  t: 'res';
  id: string;
  ts: number;
  status?: number;
  headers?: Record<string, string>;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/** A device's status event: not an answer, so that no answer can be passed off as one (and back). */
export interface EventHeader {
  t: 'evt';
  id: string;
  ts: number;
}

export type EnvelopeHeader = RequestHeader | ResponseHeader | EventHeader;

/**
 * The part of a header the broker's other users may read: what routing (`replyTo`), matching an
 * answer to its request (`id`) and replay checks (`id`, `ts`) need before the key is known.
 */
export interface ReadableHeader {
  t: 'req' | 'res' | 'evt';
  id: string;
  ts: number;
  replyTo?: string;
}

export class EnvelopeError extends Error {}

/** HKDF info label of the tunnel's encryption key: distinct from every other use of a party's key. */
export const TUNNEL_KEY_INFO = 'sitekeeper-tunnel-v2 aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX_BYTES = 6;

// Derived keys per party key object (the gateway and agents hand the same Buffer each time); a
// WeakMap so that a forgotten device's keys go with it. A new key is a new Buffer (callers assign,
// never overwrite a key in place, which this cache would not notice).
const derived = new WeakMap<Buffer, KeyObject>();

/** The AES-256-GCM key of the tunnel: HKDF-SHA256 of the party's (device or agent) key. */
export function tunnelKey(partyKey: Buffer): KeyObject {
  let k = derived.get(partyKey);
  if (!k) {
    k = createSecretKey(Buffer.from(hkdfSync('sha256', partyKey, Buffer.alloc(0), TUNNEL_KEY_INFO, 32)));
    derived.set(partyKey, k);
  }
  return k;
}

function readableOf(header: EnvelopeHeader): ReadableHeader {
  return header.t === 'req' ? { t: 'req', id: header.id, ts: header.ts, replyTo: header.replyTo } : { t: header.t, id: header.id, ts: header.ts };
}

function secretOf(header: EnvelopeHeader): Record<string, unknown> {
  const { t: _t, id: _id, ts: _ts, replyTo: _replyTo, ...rest } = header as EnvelopeHeader & { replyTo?: string };
  return rest;
}

/**
 * Envelope version 2: `'S' 0x02 | uint32 BE n | readable header JSON (n bytes) | IV (12) |
 * AES-256-GCM ciphertext | tag (16)`. The plaintext is `uint32 BE m | secret header JSON (m bytes)
 * | body`; the additional authenticated data is everything before the IV, so not one readable byte
 * can change unnoticed either. `testIv` is for the fixed-vector test only: production passes none
 * and gets a random 96-bit IV per message.
 */
export function sealEnvelope(key: Buffer, header: EnvelopeHeader, body: Buffer = Buffer.alloc(0), testIv?: Buffer): Buffer {
  if (body.length > MAX_TUNNEL_BODY_BYTES) throw new EnvelopeError('tunnel body too large');
  const readable = JSON.stringify(readableOf(header));
  const secret = JSON.stringify(secretOf(header));
  const readableBytes = Buffer.byteLength(readable);
  const secretBytes = Buffer.byteLength(secret);
  if (readableBytes > MAX_HEADER_BYTES || secretBytes > MAX_HEADER_BYTES) throw new EnvelopeError('tunnel header too large');
  // aad = magic, version, length, readable header; then the 12-byte IV, written in place.
  const head = Buffer.allocUnsafe(PREFIX_BYTES + readableBytes + IV_BYTES);
  head[0] = ENVELOPE_MAGIC;
  head[1] = ENVELOPE_VERSION;
  head.writeUInt32BE(readableBytes, 2);
  head.write(readable, PREFIX_BYTES, 'utf8');
  const aad = head.subarray(0, PREFIX_BYTES + readableBytes);
  const iv = head.subarray(PREFIX_BYTES + readableBytes);
  if (testIv) {
    if (testIv.length !== IV_BYTES) throw new EnvelopeError('IV must be 96 bits');
    testIv.copy(iv);
  } else randomIv(iv);
  const secretPart = Buffer.allocUnsafe(4 + secretBytes);
  secretPart.writeUInt32BE(secretBytes, 0);
  secretPart.write(secret, 4, 'utf8');
  const c = createCipheriv('aes-256-gcm', tunnelKey(key), iv, { authTagLength: TAG_BYTES });
  c.setAAD(aad);
  const parts = [head, c.update(secretPart)];
  if (body.length > 0) parts.push(c.update(body));
  parts.push(c.final(), c.getAuthTag());
  return Buffer.concat(parts);
}

// Random IVs drawn from a pool refilled from the CSPRNG (one system call per 341 messages instead
// of one each): every IV is still fresh random bytes, never reused.
const ivPool = Buffer.alloc(IV_BYTES * 341);
let ivPoolAt = ivPool.length;
function randomIv(into: Buffer): void {
  if (ivPoolAt + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivPoolAt = 0;
  }
  ivPool.copy(into, 0, ivPoolAt, ivPoolAt + IV_BYTES);
  ivPool.fill(0, ivPoolAt, ivPoolAt + IV_BYTES);
  ivPoolAt += IV_BYTES;
}

/** The readable header of a version-2 envelope, unauthenticated (to find the key: `keyFor(id)`). */
export function readEnvelopeHeader(buf: Buffer): ReadableHeader {
  return splitEnvelope(buf).header;
}

function splitEnvelope(buf: Buffer): { header: ReadableHeader; aad: Buffer; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  if (buf.length < PREFIX_BYTES || buf[0] !== ENVELOPE_MAGIC) throw new EnvelopeError('not a tunnel envelope');
  // Version 1 (signed, readable) is refused: a peer must not be talked into sending in clear.
  if (buf[1] !== ENVELOPE_VERSION) throw new EnvelopeError(`unsupported envelope version ${buf[1]}`);
  const len = buf.readUInt32BE(2);
  const end = PREFIX_BYTES + len;
  if (len > MAX_HEADER_BYTES || end + IV_BYTES + 4 + TAG_BYTES > buf.length) throw new EnvelopeError('bad envelope header length');
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.subarray(PREFIX_BYTES, end).toString('utf8'));
  } catch {
    throw new EnvelopeError('envelope header is not JSON');
  }
  const h = parsed as Partial<ReadableHeader> | null;
  if (!h || typeof h !== 'object' || (h.t !== 'req' && h.t !== 'res' && h.t !== 'evt') || typeof h.id !== 'string' || typeof h.ts !== 'number') {
    throw new EnvelopeError('envelope header is incomplete');
  }
  if (h.t === 'req' && typeof h.replyTo !== 'string') throw new EnvelopeError('request without replyTo');
  const header: ReadableHeader = h.t === 'req' ? { t: 'req', id: h.id, ts: h.ts, replyTo: h.replyTo } : { t: h.t, id: h.id, ts: h.ts };
  return {
    header,
    aad: buf.subarray(0, end),
    iv: buf.subarray(end, end + IV_BYTES),
    ciphertext: buf.subarray(end + IV_BYTES, buf.length - TAG_BYTES),
    tag: buf.subarray(buf.length - TAG_BYTES),
  };
}

/**
 * Decrypt and authenticate a version-2 envelope under `key`: the full header (readable and secret
 * parts) and the body. Throws EnvelopeError for anything that is not a genuine envelope sealed with
 * this key: another version, a wrong key, or any byte changed.
 */
export function openEnvelope(key: Buffer, buf: Buffer): { header: EnvelopeHeader; body: Buffer } {
  const { header, aad, iv, ciphertext, tag } = splitEnvelope(buf);
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-gcm', tunnelKey(key), iv, { authTagLength: TAG_BYTES });
    d.setAAD(aad);
    d.setAuthTag(tag);
    plain = d.update(ciphertext);
    d.final(); // checks the tag; GCM has no trailing output
  } catch {
    throw new EnvelopeError('envelope does not authenticate');
  }
  const secretLen = plain.readUInt32BE(0);
  if (secretLen > MAX_HEADER_BYTES || 4 + secretLen > plain.length) throw new EnvelopeError('bad sealed header length');
  let secret: unknown;
  try {
    secret = JSON.parse(plain.subarray(4, 4 + secretLen).toString('utf8'));
  } catch {
    throw new EnvelopeError('sealed header is not JSON');
  }
  if (!secret || typeof secret !== 'object' || Array.isArray(secret)) throw new EnvelopeError('sealed header is not an object');
  // The readable part wins: it is what routing and replay checks saw.
  return { header: { ...(secret as object), ...header } as EnvelopeHeader, body: plain.subarray(4 + secretLen) };
}

// ---- site agents -------------------------------------------------------------------------------
//
// Site agents are enrolled per site (docs/decisions/0002, "Site agents"): the platform issues a
// one-time enrolment token, which the agent uses once as its broker CONNECT password (never in a
// publish) and to prove itself in its first hello. The platform answers with the agent's
// long-term key, sealed so that only the holder of the token can open it; from then on the agent
// proves that key (connect password and hello proof are HMACs, the key never travels again).

/** An agent's id follows from its enrolment token, so the agent knows its id from the token alone. */
export function agentIdForToken(token: string): string {
  return `ag-${createHash('sha256').update(`sitekeeper-agent-id\0${token}`).digest('hex').slice(0, 16)}`;
}

/**
 * The enrolment key: what the platform stores of a one-time token (its hash), and the key the
 * agent's enrolment hello is signed with and its long-term key is sealed under.
 */
export function agentEnrolKey(token: string): Buffer {
  return createHash('sha256').update(`sitekeeper-agent-enrol-v1\0${token}`).digest();
}

export interface AgentHello {
  v: 2;
  agentId: string;
  ts: number;
  nonce: string;
  version: string;
  /** True for the one enrolment hello (proof under the enrolment key); absent afterwards (agent key). */
  enrol?: boolean;
  /** With `enrol`: the agent's ephemeral X25519 public key (base64url), for sealing the issued key. */
  enrolPub?: string;
  /** agentHelloProof(key, hello) */
  proof: string;
}

export function agentHelloProof(key: Buffer, h: Pick<AgentHello, 'agentId' | 'ts' | 'nonce' | 'version' | 'enrol' | 'enrolPub'>): string {
  return hmacHex(key, 'agent-hello', h.agentId, String(h.ts), h.nonce, h.version, h.enrol ? 'enrol' : 'run', h.enrolPub ?? '');
}

/** An ephemeral X25519 key pair: its public half as base64url (the JWK `x`). */
export function newExchangeKey(): { privateKey: KeyObject; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKey, pub: String(publicKey.export({ format: 'jwk' }).x) };
}

/**
 * The key that seals an agent's issued key at enrolment: X25519 between the two ephemeral keys,
 * bound to the enrolment key. A broker observer lacks the ephemeral secrets; someone who read the
 * platform's database (the enrolment key) still lacks them too. Null for a malformed public key.
 */
export function enrolWrapKey(privateKey: KeyObject, peerPub: string, enrolKey: Buffer): Buffer | null {
  try {
    if (!/^[A-Za-z0-9_-]{43}$/.test(peerPub)) return null;
    const shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: peerPub }, format: 'jwk' }) });
    return createHash('sha256').update('sitekeeper-agent-wrap-v1\0').update(shared).update(enrolKey).digest();
  } catch {
    return null;
  }
}

export interface AgentAck {
  ok: boolean;
  nonce: string;
  reason?: string;
  /** Answer to an enrolment hello: the platform's ephemeral X25519 key and the agent's long-term key sealed (sealKey) under enrolWrapKey. */
  issued?: { pub: string; sealed: string };
  /** agentAckProof(key, ack): the agent trusts only an ack signed by the platform (enrolment or agent key). */
  proof?: string;
}

export function agentAckProof(key: Buffer, agentId: string, a: Pick<AgentAck, 'ok' | 'nonce' | 'issued'>): string {
  return hmacHex(key, 'agent-ack', agentId, a.ok ? '1' : '0', a.nonce, a.issued?.pub ?? '', a.issued?.sealed ?? '');
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

/** The MQTT password of an enrolled agent: proves its key without revealing it. */
export function agentConnectProof(key: Buffer, agentId: string): string {
  return hmacHex(key, 'agent-connect', agentId);
}

// ---- broker credentials --------------------------------------------------------------------------

/** MQTT user names by role: the broker's authenticate hook tells devices, agents and nodes apart. */
export const DEVICE_USER_PREFIX = 'dev:';
export const AGENT_USER_PREFIX = 'agent:';

/**
 * The MQTT password of a device that has no key yet (it connects to register). Not a secret: on a
 * broker whose accounts the platform manages the account behind it exists only while the platform
 * expects that serial to register, and reaches only its own hello and ack (`registrationTopics`).
 */
export const DEVICE_REGISTER_PASSWORD = 'register';

/** The MQTT password of a device: proves the key without revealing it (static, like any password). */
export function deviceConnectProof(key: Buffer, serial: string): string {
  return hmacHex(key, 'connect', serial);
}
