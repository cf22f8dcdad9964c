/**
 * The server side of the device cloud. Devices connect out to the broker and say hello with a
 * proof of their device key. A device without one registers by key agreement and waits, pending,
 * until an installer's code is proven by the device itself; then the gateway issues it a random
 * key (serial → key sealed at rest, model, type, firmware: issue 12, decision 0002), tracks presence
 * from hellos, online messages and Last Wills (after a (re)connect only what is live counts: it
 * announces itself and devices say hello again), written to the store in batches by the node that
 * holds the presence-writer lease, and routes ISAPI requests from any API node to any device through
 * the broker: each node listens on its own reply topic.
 */
import { EventEmitter } from 'node:events';
import { timingSafeEqual } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { AppError } from '../../errors/app-error';
import { attachService, type MqttLink, type ServiceClient } from '../../mqtt/client';
import { PendingReplies } from '../../mqtt/pending-replies';
import {
  MAX_TUNNEL_BODY_BYTES, deriveDeviceKey, deviceConnectProof, helloProof, isSafeTopicId, newNonce, presenceProof, safeEqualHex, sealKey, topics,
  type DeviceHello, type HelloAck, type ResponseHeader, type Topics,
} from '../../protocol/tunnel/envelope';
import {
  boundTranscript, codeProofMatches, ephemeralFor, isPublicKey, newChallenge, newDeviceKey, newEphemeral, openStep, parseSessionMessage, sealStep, sessionKey,
  transcriptHash, type SessionMessage, type Transcript,
} from '../../protocol/tunnel/registration';
import { serialMatches } from '../../protocol/qr/serial';
import { THROTTLE_FORGET_MS, waitSeconds, type ThrottlePolicy, type ThrottleState } from '../auth/login-throttle';
import {
  ReplayGuard, askingNodeId, isFresh, openReply, openSigned, parseJsonObject, parsePresence, sealRequest, type OpenedReply,
} from '../../protocol/tunnel/exchange';
import type { IsapiRequest, IsapiResponse } from '../../device-client/transport';
import { DEFAULT_TIMEOUT_MS } from '../../device-client/transport';
import type { DeviceRegistration, GatewayStore, PresenceUpdate } from './gateway.types';

export type DeviceGatewayOptions = MqttLink & DeviceGatewaySettings;

export interface DeviceGatewaySettings {
  store: GatewayStore;
  /** Topic prefix shared by the platform and its devices, e.g. `sk/` (unique per test run). */
  topicPrefix?: string;
  /** This API node's id (its reply topic); random by default. */
  nodeId?: string;
  /**
   * Writer nodes handle hellos and write registrations and presence. Every node routes requests;
   * run one writer (or a few: their writes are idempotent).
   */
  writer?: boolean;
  /**
   * Let unbound devices open registration sessions (key agreement; bound only after the installer's
   * code is proven by the device). Off when registrations are provisioned.
   */
  allowFirstRegistration?: boolean;
  /**
   * A secret all platform nodes share (derived from SECRET_KEY): every node that hears a register
   * hello opens the same session (registration.ts ephemeralFor), so the node that verifies the code
   * need not be the one whose answer the device kept. Absent: a random key per node (one node only).
   */
  nodesSecret?: Buffer;
  /** How long a device has to answer a code challenge (default: requestTimeoutMs). */
  proofTimeoutMs?: number;
  /** A pending registration session is forgotten after this long (default 10 min; devices open a new one). */
  registrationTtlMs?: number;
  /**
   * Called after a device key is issued or replaced (with the device's MQTT connect password) and
   * after a binding is reset (null): lets an external broker's accounts follow (Mosquitto dynsec).
   */
  onDeviceCredentials?: (serial: string, connectPassword: string | null) => void;
  presenceFlushMs?: number;
  /**
   * Whether this node writes presence changes at start (default true). Several nodes hear the same
   * presence; with a shared database one of them writes it, chosen by lease (app.ts) and switched
   * with setPresenceWriter(). Every node keeps its own view either way.
   */
  presenceWriter?: boolean;
  /**
   * After the link to the broker is (re)established — the gateway starting, a broker restart, a
   * lost connection — devices believed online must show up again (hello or presence) within this
   * long, else they are marked offline. Default 60 s.
   */
  presenceGraceMs?: number;
  requestTimeoutMs?: number;
  /** Hellos older or newer than this are refused (replay protection). */
  maxClockSkewMs?: number;
  now?: () => number;
}

/** Wrong verification codes per serial: three free, then 1, 2, 4 … 60 s between attempts (never a lockout). */
export const CODE_ATTEMPT_POLICY: ThrottlePolicy = { freeAttempts: 3, maxDelaySeconds: 60 };
/**
 * Wrong codes per user and per company, across serials (a per-serial delay alone lets someone try
 * three codes on each of many serials): more free attempts than one serial's, a longer cap.
 */
export const CODE_GUESSER_POLICIES: { user: ThrottlePolicy; company: ThrottlePolicy } = {
  user: { freeAttempts: 10, maxDelaySeconds: 300 },
  company: { freeAttempts: 30, maxDelaySeconds: 300 },
};

/** Who is checking a code (the signed-in user and their company), for the per-user and per-company caps. */
export interface CodeGuesser {
  /** Null: the user is gone (a job of a deleted user's batch); the company's cap still counts. */
  userId: string | null;
  companyId: string;
}

const guesserKeys = (by: CodeGuesser): Array<['user' | 'company', string]> => [
  ...(by.userId !== null ? [['user', `user:${by.userId}`] as ['user', string]] : []),
  ['company', `company:${by.companyId}`],
];
const MAX_REGISTRATIONS_PER_SERIAL = 8;
const MAX_REGISTRATIONS = 20_000;

/** How one party answered a code challenge. */
type ProofOutcome = 'match' | 'mismatch' | 'silent';

interface PendingRegistration {
  rid: string;
  /** The MQTT session that opened it. */
  session: string;
  key: Buffer;
  transcript: Buffer;
  model: string;
  type: string;
  firmware: string;
  openedAt: number;
}

/** The first promise to give a value wins; null when all give null (a rejection counts as null). */
function firstTrue<T>(ps: Promise<T | null>[]): Promise<T | null> {
  return new Promise((resolve) => {
    let left = ps.length;
    if (left === 0) resolve(null);
    for (const p of ps) {
      void p.catch(() => null).then((v) => {
        if (v !== null) resolve(v);
        else if (--left === 0) resolve(null);
      });
    }
  });
}

export interface DeviceEvent {
  serial: string;
  event: Record<string, unknown>;
}

/** A device's error answer as the platform's error: the transient ones by code, the rest as a protocol error. */
function cloudError(serial: string, error: NonNullable<ResponseHeader['error']>): AppError {
  const code = error.code;
  if (code === 'DEVICE_OFFLINE' || code === 'DEVICE_BUSY' || code === 'DEVICE_TIMEOUT') return new AppError(code, undefined, { details: { serial, via: 'cloud' } });
  return new AppError('DEVICE_PROTOCOL_ERROR', `The device could not handle the request: ${error.message}`, { details: { serial } });
}

export class DeviceGateway extends EventEmitter {
  readonly nodeId: string;
  readonly #opts: Required<Pick<DeviceGatewayOptions, 'writer' | 'allowFirstRegistration' | 'presenceFlushMs' | 'presenceGraceMs' | 'requestTimeoutMs' | 'maxClockSkewMs' | 'proofTimeoutMs' | 'registrationTtlMs'>> & DeviceGatewayOptions;
  readonly #t: Topics;
  readonly #now: () => number;
  #client: MqttClient | undefined;
  #service: ServiceClient | undefined;
  readonly #keys = new Map<string, Buffer>();
  /** Pending registration sessions per serial (this writer node's; see decision 0002). */
  readonly #registrations = new Map<string, PendingRegistration[]>();
  #registrationCount = 0;
  /** Code challenges waiting for their answer, by serial + registration id. */
  readonly #proofWaiters = new Map<string, (box: string) => void>();
  /** Legacy (code-derived) keys being replaced: the issued key the device was sent. */
  readonly #rekeying = new Map<string, Buffer>();
  /** Wrong codes per serial. */
  readonly #attempts = new Map<string, ThrottleState>();
  /** Wrong codes by `user:<id>` and `company:<id>` (CODE_GUESSER_POLICIES). */
  readonly #guessers = new Map<string, ThrottleState>();
  /** One code check at a time per serial. */
  readonly #verifying = new Map<string, Promise<boolean>>();
  readonly #online = new Map<string, { online: boolean; session: string; at: number }>();
  #presenceWriter: boolean;
  /**
   * Presence rebuild: devices believed online that have not shown up since the broker link was last
   * (re)established. They count as online until the grace timer ends, then go offline.
   */
  readonly #unconfirmed = new Set<string>();
  #graceTimer: NodeJS.Timeout | undefined;
  /** Bumped at each rebuild: an online message read before it (handled after an await) proves nothing. */
  #linkEpoch = 0;
  readonly #onReconnect = () => {
    this.#beginPresenceRebuild([]);
    this.#announce();
  };
  #batch = new Map<string, PresenceUpdate>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Requests waiting for their answer: each with the key it was signed with. */
  readonly #pending = new PendingReplies<Buffer, OpenedReply>();
  /** Event ids seen within the clock-skew window: a captured event published again is dropped. */
  readonly #eventReplay: ReplayGuard;
  #closed = false;

  private constructor(opts: DeviceGatewayOptions) {
    super();
    this.#opts = {
      writer: true, allowFirstRegistration: true, presenceFlushMs: 1000, presenceGraceMs: 60_000, requestTimeoutMs: DEFAULT_TIMEOUT_MS, maxClockSkewMs: 300_000,
      proofTimeoutMs: opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS, registrationTtlMs: 10 * 60_000, ...opts,
    };
    this.#presenceWriter = opts.presenceWriter ?? true;
    this.#t = topics(opts.topicPrefix ?? 'sk/');
    this.#now = opts.now ?? Date.now;
    this.nodeId = askingNodeId(opts.nodeId, 'node');
    this.#eventReplay = new ReplayGuard(this.#opts.maxClockSkewMs, 200_000);
  }

  static async start(opts: DeviceGatewayOptions): Promise<DeviceGateway> {
    const gw = new DeviceGateway(opts);
    await gw.#connect();
    return gw;
  }

  async #connect(): Promise<void> {
    const subs = [this.#t.nodeReplies(this.nodeId), this.#t.allDevicePresence];
    if (this.#opts.writer) subs.push(this.#t.allDeviceHellos, this.#t.allDeviceEvents);
    // What the store says is online is not live presence (the broker or this node may have
    // restarted since): those devices must show up again, before subscribing so retained presence counts.
    this.#beginPresenceRebuild(await this.#opts.store.onlineSerials());
    this.#service = await attachService(this.#opts, {
      clientId: `sk-gw-${this.nodeId}`,
      topics: subs,
      onMessage: (topic, payload, meta) => this.#onMessage(topic, payload, meta.retained),
      onError: (err) => this.emit('warn', err),
    });
    this.#client = this.#service.client;
    this.#announce();
    // Every reconnect (a broker restart among them) rebuilds presence from what shows up again; the
    // listener runs before the resubscription's retained messages can arrive.
    this.#client.on('connect', this.#onReconnect);
    this.#flushTimer = setInterval(() => void this.flushPresence(), this.#opts.presenceFlushMs);
    this.#flushTimer.unref();
  }

  // ---- inbound ---------------------------------------------------------------------------------

  /**
   * Tells the devices this gateway's link is (re)established: bound devices answer with a fresh
   * hello, which confirms them during the presence rebuild (a retained presence does not).
   */
  #announce(): void {
    this.#publish(this.#t.gatewayAnnounce, JSON.stringify({ nodeId: this.nodeId, ts: this.#now() }));
  }

  #onMessage(topic: string, payload: Buffer, retained = false): void {
    const t = this.#t;
    if (topic === t.nodeReplies(this.nodeId)) return this.#onReply(payload);
    const serial = t.idOf(topic);
    if (!serial || !isSafeTopicId(serial)) return;
    const epoch = this.#linkEpoch;
    if (topic === t.devicePresence(serial)) return void this.#onPresence(serial, payload, epoch, retained).catch((e: unknown) => this.emit('warn', e));
    if (topic === t.deviceHello(serial)) return void this.#onHello(serial, payload, epoch).catch((e: unknown) => this.emit('warn', e));
    if (topic === t.deviceEvent(serial)) return void this.#onEvent(serial, payload).catch((e: unknown) => this.emit('warn', e));
  }

  async #keyFor(serial: string): Promise<Buffer | null> {
    const cached = this.#keys.get(serial);
    if (cached) return cached;
    const reg = await this.#opts.store.getRegistration(serial);
    if (!reg) return null;
    const key = Buffer.from(reg.keyHex, 'hex');
    this.#keys.set(serial, key);
    return key;
  }

  async #onHello(serial: string, payload: Buffer, epoch: number): Promise<void> {
    const obj = parseJsonObject(payload);
    if (obj && obj.t === 'proof') return this.#onProof(serial, obj);
    const h = obj as DeviceHello | null;
    if (!h || h.serial !== serial || typeof h.ts !== 'number' || typeof h.nonce !== 'string' || typeof h.session !== 'string') return;
    const ack = (a: Omit<HelloAck, 'nonce'>) => this.#publish(this.#t.deviceAck(serial), JSON.stringify({ ...a, nonce: h.nonce }));
    if (!isFresh(h.ts, this.#now(), this.#opts.maxClockSkewMs)) return ack({ ok: false, reason: 'clock-skew' });
    const fields = { model: String(h.model ?? ''), type: String(h.type ?? ''), firmware: String(h.firmware ?? '') };
    const reg = await this.#opts.store.getRegistration(serial);
    if (h.register !== undefined) {
      // A serial that is bound is never bound again by a hello: only the installer's reset unbinds it.
      if (reg) return ack({ ok: false, reason: 'bound' });
      if (!this.#opts.allowFirstRegistration) return ack({ ok: false, reason: 'unknown-device' });
      const pub = this.#openRegistration(serial, h, fields);
      return pub ? ack({ ok: false, reason: 'pending', pub }) : ack({ ok: false, reason: 'rejected' });
    }
    if (typeof h.proof !== 'string') return;
    if (!reg) return ack(this.#opts.allowFirstRegistration ? { ok: false, need: 'register' } : { ok: false, reason: 'unknown-device' });
    const proofOk = (k: Buffer) => safeEqualHex(h.proof, helloProof(k, { serial, ts: h.ts, nonce: h.nonce, session: h.session, ...fields }));
    let key: Buffer = Buffer.from(reg.keyHex, 'hex');
    let changedKey = false;
    if (reg.legacy) {
      // A key derived from the code (before issue 12): replace it with an issued one, sealed under it.
      const next = this.#rekeying.get(serial);
      if (next && proofOk(next)) {
        key = next;
        changedKey = true;
      } else if (proofOk(key)) {
        const issued = next ?? newDeviceKey();
        this.#rekeying.set(serial, issued);
        return ack({ ok: false, rekey: { sealed: sealKey(key, issued) } });
      } else {
        return ack({ ok: false, reason: 'rejected' });
      }
    } else if (!proofOk(key)) {
      return ack({ ok: false, reason: 'rejected' });
    }
    const now = new Date(this.#now());
    const same = !changedKey && reg.model === fields.model && reg.type === fields.type && reg.firmware === fields.firmware;
    if (!same) {
      const next: DeviceRegistration = { serial, keyHex: key.toString('hex'), legacy: false, ...fields, registeredAt: reg.registeredAt, updatedAt: now };
      await this.#opts.store.upsertRegistration(next);
    }
    if (changedKey) {
      this.#rekeying.delete(serial);
      this.#credentialsChanged(serial, key);
    }
    this.#keys.set(serial, key);
    this.emit('registered', { serial, ...fields });
    // An accepted hello is proof enough that the device is online now: do not depend on its
    // retained presence message alone (one lost message must not leave a device offline).
    this.#setPresence(serial, true, h.session, epoch);
    return ack({ ok: true });
  }

  // ---- registration: key agreement, proof of the code, issued key --------------------------------

  /** A pending registration session for a register hello; returns the gateway's public key, or null. */
  #openRegistration(serial: string, h: DeviceHello, fields: { model: string; type: string; firmware: string }): string | null {
    const devicePub = h.register?.pub;
    if (!isPublicKey(devicePub) || !/^[A-Za-z0-9_-]{8,64}$/.test(h.nonce)) return null;
    this.#purgeRegistrations();
    const eph = this.#opts.nodesSecret ? ephemeralFor(this.#opts.nodesSecret, serial, h.nonce, devicePub) : newEphemeral();
    const transcript: Transcript = { serial, rid: h.nonce, devicePub, gatewayPub: eph.pub };
    const key = sessionKey(eph.privateKey, devicePub, transcript);
    if (!key) return null;
    const list = (this.#registrations.get(serial) ?? []).filter((r) => r.rid !== h.nonce && r.session !== h.session);
    list.push({ rid: h.nonce, session: h.session, key, transcript: transcriptHash(transcript), ...fields, openedAt: this.#now() });
    // Several sessions may wait for one serial (a real device's and an impostor's); none binds anything
    // until it proves the code. Bounded, so hellos cannot fill memory.
    while (list.length > MAX_REGISTRATIONS_PER_SERIAL) list.shift();
    this.#registrations.set(serial, list);
    this.#registrationCount = [...this.#registrations.values()].reduce((n, l) => n + l.length, 0);
    if (this.#registrationCount > MAX_REGISTRATIONS) {
      const oldest = this.#registrations.keys().next().value;
      if (oldest !== undefined && oldest !== serial) this.#registrations.delete(oldest);
    }
    return eph.pub;
  }

  #purgeRegistrations(): void {
    const cutoff = this.#now() - this.#opts.registrationTtlMs;
    for (const [serial, list] of this.#registrations) {
      const live = list.filter((r) => r.openedAt >= cutoff);
      if (live.length === 0) this.#registrations.delete(serial);
      else if (live.length !== list.length) this.#registrations.set(serial, live);
    }
  }

  #onProof(serial: string, obj: Record<string, unknown>): void {
    const m = parseSessionMessage(obj);
    if (!m || m.t !== 'proof') return;
    this.#proofWaiters.get(`${serial}\0${m.rid}`)?.(m.box);
  }

  /**
   * Ask one party (a pending session, or the bound device under its key) to prove the code: a random
   * challenge sealed under `key`; the answer, sealed too, must be HMAC(code key, challenge, transcript).
   */
  #challenge(serial: string, rid: string, key: Buffer, transcript: Buffer, code: string, bound: boolean, timeoutMs: number): Promise<ProofOutcome> {
    const challenge = newChallenge();
    const id = `${serial}\0${rid}`;
    return new Promise<ProofOutcome>((resolve) => {
      const timer = setTimeout(() => done('silent'), timeoutMs);
      timer.unref();
      const done = (outcome: ProofOutcome) => {
        clearTimeout(timer);
        if (this.#proofWaiters.get(id) === onBox) this.#proofWaiters.delete(id);
        resolve(outcome);
      };
      const onBox = (box: string) => {
        const opened = openStep(key, serial, rid, 'proof', box);
        if (opened) done(codeProofMatches(serial, code, challenge, transcript, opened.proof) ? 'match' : 'mismatch');
      };
      this.#proofWaiters.set(id, onBox);
      const msg: SessionMessage = { t: 'challenge', rid, ...(bound ? { bound: true } : {}), box: sealStep(key, serial, rid, 'challenge', { challenge }) };
      this.#publish(this.#t.deviceAck(serial), JSON.stringify(msg));
    });
  }

  /** Issue a device key to a pending session that proved the code, store it (sealed by the store) and drop the other sessions. */
  async #issueKey(serial: string, r: PendingRegistration): Promise<void> {
    const key = newDeviceKey();
    const now = new Date(this.#now());
    await this.#opts.store.upsertRegistration({ serial, keyHex: key.toString('hex'), legacy: false, model: r.model, type: r.type, firmware: r.firmware, registeredAt: now, updatedAt: now });
    this.#registrations.delete(serial);
    this.#keys.set(serial, key);
    const registered = new Promise<void>((resolve) => {
      const timer = setTimeout(() => finish(), this.#opts.proofTimeoutMs);
      timer.unref();
      const onReg = (e: { serial: string }) => {
        if (e.serial === serial) finish();
      };
      const finish = () => {
        clearTimeout(timer);
        this.off('registered', onReg);
        resolve();
      };
      this.on('registered', onReg);
    });
    const msg: SessionMessage = { t: 'key', rid: r.rid, box: sealStep(r.key, serial, r.rid, 'key', { key: key.toString('hex') }) };
    this.#publish(this.#t.deviceAck(serial), JSON.stringify(msg));
    this.#credentialsChanged(serial, key);
    // The device says hello with its new key at once; wait for it (briefly) so the caller can use it.
    await registered;
  }

  #credentialsChanged(serial: string, key: Buffer | null): void {
    try {
      this.#opts.onDeviceCredentials?.(serial, key ? deviceConnectProof(key, serial) : null);
    } catch (err) {
      this.emit('warn', err);
    }
  }

  async #onPresence(serial: string, payload: Buffer, epoch: number, retained: boolean): Promise<void> {
    const p = parsePresence(payload);
    if (!p) return;
    // A retained "online" replayed to our new subscription may be older than a broker restart (a
    // broker that persists retained messages keeps one for a device that never came back): it
    // confirms nothing while presence is rebuilt. The device answers our announcement instead.
    if (p.online && retained && this.#unconfirmed.has(serial)) return;
    const key = await this.#keyFor(serial);
    if (!key || !safeEqualHex(p.proof, presenceProof(key, serial, p))) return;
    this.#setPresence(serial, p.online, p.session, epoch);
  }

  #setPresence(serial: string, online: boolean, session: string, epoch: number): void {
    if (online && epoch !== this.#linkEpoch) return;
    const prev = this.#online.get(serial);
    // A Last Will from an older session must not mark a reconnected device offline.
    if (!online && prev?.online && prev.session !== session) return;
    this.#unconfirmed.delete(serial);
    const at = prev?.online === online ? prev.at : this.#now();
    this.#online.set(serial, { online, session, at });
    if (prev?.online === online) return;
    this.emit('presence', { serial, online });
    if (this.#writesPresence) this.#batch.set(serial, { serial, online, at: new Date(at) });
  }

  async #onEvent(serial: string, payload: Buffer): Promise<void> {
    const key = await this.#keyFor(serial);
    const body = key && openSigned(payload, key, this.#now(), this.#opts.maxClockSkewMs, this.#eventReplay);
    const event = body ? parseJsonObject(body) : null;
    if (event) this.emit('device-event', { serial, event } satisfies DeviceEvent);
  }

  #onReply(payload: Buffer): void {
    const reply = openReply(payload, (id) => this.#pending.context(id), this.#now(), this.#opts.maxClockSkewMs);
    if (reply) this.#pending.settle(reply.header.id, reply);
  }

  // ---- presence rebuild ------------------------------------------------------------------------

  /**
   * The link to the broker was (re)established: what this node believed online (and `storedOnline`)
   * is no longer proof — a restarted broker publishes no Last Will for devices that never return.
   * Each must show up again within the grace period; a rebuild during another extends it.
   */
  #beginPresenceRebuild(storedOnline: readonly string[]): void {
    this.#linkEpoch++;
    for (const serial of storedOnline) if (!this.#online.has(serial)) this.#online.set(serial, { online: true, session: '', at: this.#now() });
    for (const [serial, p] of this.#online) if (p.online) this.#unconfirmed.add(serial);
    clearTimeout(this.#graceTimer);
    if (this.#unconfirmed.size === 0) return;
    this.#graceTimer = setTimeout(() => this.#endPresenceRebuild(), this.#opts.presenceGraceMs);
    this.#graceTimer.unref();
  }

  #endPresenceRebuild(): void {
    const gone = [...this.#unconfirmed];
    for (const serial of gone) {
      const prev = this.#online.get(serial);
      if (prev?.online) this.#setPresence(serial, false, prev.session, this.#linkEpoch);
    }
    this.#unconfirmed.clear();
    this.emit('presence-rebuilt', { offline: gone });
  }

  // ---- presence batching -----------------------------------------------------------------------

  get #writesPresence(): boolean {
    return this.#opts.writer && this.#presenceWriter;
  }

  /** Whether this node writes presence now (see DeviceGatewayOptions.presenceWriter). */
  get presenceWriter(): boolean {
    return this.#presenceWriter;
  }

  /**
   * Makes this node the presence writer, or not. A node that becomes the writer writes its whole
   * view at the next flush (changes it heard while another node wrote may have been lost with that
   * node); one that stops drops what it has not written — the new writer writes its own view.
   * Devices still unconfirmed after a broker restart are left to the grace period.
   */
  setPresenceWriter(on: boolean): void {
    if (on === this.#presenceWriter) return;
    this.#presenceWriter = on;
    if (!on) {
      this.#batch = new Map();
      return;
    }
    if (!this.#opts.writer) return;
    for (const [serial, p] of this.#online) {
      if (this.#unconfirmed.has(serial) || this.#batch.has(serial)) continue;
      this.#batch.set(serial, { serial, online: p.online, at: new Date(p.at) });
    }
  }

  /** Write pending presence changes in one batch. Called on a timer and on close. */
  async flushPresence(): Promise<void> {
    const run = async () => {
      if (this.#batch.size === 0) return;
      const batch = [...this.#batch.values()];
      this.#batch = new Map();
      try {
        await this.#opts.store.applyPresence(batch);
      } catch (err) {
        // Keep the changes for the next flush unless newer ones arrived meanwhile (or this node
        // stopped writing: the new writer writes its own view).
        this.emit('warn', err);
        if (!this.#writesPresence) return;
        for (const u of batch) if (!this.#batch.has(u.serial)) this.#batch.set(u.serial, u);
      }
    };
    this.#flushing = this.#flushing.then(run, run);
    return this.#flushing;
  }

  // ---- outbound --------------------------------------------------------------------------------

  #publish(topic: string, payload: string | Buffer, retain = false): void {
    this.#client?.publish(topic, payload, { qos: 1, retain }, (err) => {
      if (err) this.emit('warn', err);
    });
  }

  /**
   * Presence as last seen by this node: true, false, or undefined when never seen. While presence is
   * rebuilt after a (re)connect, a device not seen again yet counts as online until the grace ends.
   */
  isOnline(serial: string): boolean | undefined {
    return this.#online.get(serial)?.online;
  }

  /**
   * Does the user-entered code match the device's? Asked of the device itself: each pending
   * registration session of the serial (or the bound device) gets a challenge it can answer only
   * with the code. A pending session that answers right is issued a device key and the serial is
   * bound. Wrong codes are throttled per serial (growing delay, capped: never a lockout).
   * Throws VERIFICATION_CODE_THROTTLED while a delay runs, DEVICE_OFFLINE for a bound device that
   * is not connected, DEVICE_TIMEOUT for one that does not answer (neither counts as a wrong code).
   */
  verifyCode(serial: string, code: string, by?: CodeGuesser): Promise<boolean> {
    const run = () => this.#verifyCode(serial, code.trim(), by);
    const prev = this.#verifying.get(serial) ?? Promise.resolve(false);
    const next = prev.then(run, run);
    this.#verifying.set(serial, next);
    void next.finally(() => {
      if (this.#verifying.get(serial) === next) this.#verifying.delete(serial);
    }).catch(() => undefined);
    return next;
  }

  /**
   * Throws VERIFICATION_CODE_THROTTLED (details.scope 'user' or 'company', retryAfterSeconds) while
   * this user's or company's wrong codes make them wait, or one of `serials` (full or short) is in
   * its own delay; for callers whose codes are checked later (an add, by its job).
   */
  checkCodeGuesser(by: CodeGuesser, serials: readonly string[] = []): void {
    const now = new Date(this.#now());
    for (const s of serials) {
      const u = s.toUpperCase();
      for (const [full, state] of this.#attempts) {
        if (full !== s && !serialMatches(full, u)) continue;
        const wait = waitSeconds(state, now, CODE_ATTEMPT_POLICY);
        if (wait > 0) throw new AppError('VERIFICATION_CODE_THROTTLED', undefined, { details: { scope: 'serial', serial: s, retryAfterSeconds: wait } });
      }
    }
    for (const [scope, key] of guesserKeys(by)) {
      const state = this.#guessers.get(key);
      if (state && now.getTime() - state.lastFailureAt.getTime() >= THROTTLE_FORGET_MS) this.#guessers.delete(key);
      const wait = waitSeconds(this.#guessers.get(key), now, CODE_GUESSER_POLICIES[scope]);
      if (wait > 0) throw new AppError('VERIFICATION_CODE_THROTTLED', 'Too many wrong verification codes were entered from this account.', { details: { scope, retryAfterSeconds: wait } });
    }
  }

  async #verifyCode(serial: string, code: string, by?: CodeGuesser): Promise<boolean> {
    if (!isSafeTopicId(serial) || code === '') return false;
    if (by) this.checkCodeGuesser(by);
    const attempts = this.#attempts.get(serial);
    const now = new Date(this.#now());
    if (attempts && now.getTime() - attempts.lastFailureAt.getTime() >= THROTTLE_FORGET_MS) this.#attempts.delete(serial);
    const wait = waitSeconds(this.#attempts.get(serial), now, CODE_ATTEMPT_POLICY);
    if (wait > 0) throw new AppError('VERIFICATION_CODE_THROTTLED', undefined, { details: { scope: 'serial', serial, retryAfterSeconds: wait } });
    const reg = await this.#opts.store.getRegistration(serial);
    let ok: boolean;
    if (reg?.legacy) {
      // A key derived from the code (before issue 12) can still be checked here, until it is replaced.
      const expected = Buffer.from(reg.keyHex, 'hex');
      const got = deriveDeviceKey(serial, code);
      ok = expected.length === got.length && timingSafeEqual(expected, got);
    } else if (reg) {
      if (this.isOnline(serial) !== true) throw new AppError('DEVICE_OFFLINE', 'The device must be connected to the device cloud to check its verification code.', { details: { serial, via: 'cloud' } });
      const rid = newNonce();
      const outcome = await this.#challenge(serial, rid, Buffer.from(reg.keyHex, 'hex'), boundTranscript(serial, rid), code, true, this.#opts.proofTimeoutMs);
      // No answer is not a wrong code: not counted.
      if (outcome === 'silent') throw new AppError('DEVICE_TIMEOUT', undefined, { details: { serial, via: 'cloud' } });
      ok = outcome === 'match';
    } else {
      this.#purgeRegistrations();
      const sessions = [...(this.#registrations.get(serial) ?? [])];
      // Nobody to ask: not a guess at the code, so not counted.
      if (sessions.length === 0) return false;
      let answered = false;
      const winner = await firstTrue(sessions.map((r) => this.#challenge(serial, r.rid, r.key, r.transcript, code, false, this.#opts.proofTimeoutMs).then((outcome) => {
        if (outcome !== 'silent') answered = true;
        return outcome === 'match' ? r : null;
      })));
      if (winner) await this.#issueKey(serial, winner);
      // Sessions that never answered (gone, or an impostor playing dead) do not make a guess count.
      if (!winner && !answered) return false;
      ok = winner !== null;
    }
    if (ok) {
      this.#attempts.delete(serial);
    } else {
      const failedAt = new Date(this.#now());
      for (const key of [serial, ...(by ? guesserKeys(by).map(([, k]) => k) : [])]) {
        const map = key === serial ? this.#attempts : this.#guessers;
        map.set(key, { failed: (map.get(key)?.failed ?? 0) + 1, lastFailureAt: failedAt });
      }
    }
    return ok;
  }

  /** A device waiting to prove its code (connected, not bound), by full or short serial: what it says it is. */
  pendingDevice(serial: string): { serial: string; model: string; type: string; firmware: string } | null {
    this.#purgeRegistrations();
    const s = serial.toUpperCase();
    for (const [full, list] of this.#registrations) {
      if (full !== serial && !serialMatches(full, s)) continue;
      const r = list.at(-1);
      if (r) return { serial: full, model: r.model, type: r.type, firmware: r.firmware };
    }
    return null;
  }

  /**
   * The installer's "reset cloud binding": forget the device key, so the device's next hello goes
   * through registration and proof again. Returns false when the serial was not bound.
   */
  async resetBinding(serial: string): Promise<boolean> {
    const removed = await this.#opts.store.deleteRegistration(serial);
    this.#keys.delete(serial);
    this.#rekeying.delete(serial);
    this.#registrations.delete(serial);
    const prev = this.#online.get(serial);
    if (prev?.online) this.#setPresence(serial, false, prev.session, this.#linkEpoch);
    this.#online.delete(serial);
    this.#unconfirmed.delete(serial);
    // Tells a connected device to register again. Unauthenticated, and harmless: a device keeps its key
    // until a new one is issued through a proven session.
    this.#publish(this.#t.deviceAck(serial), JSON.stringify({ ok: false, nonce: '', need: 'register', reason: 'reset' } satisfies HelloAck));
    if (removed) this.#credentialsChanged(serial, null);
    return removed;
  }

  async getRegistration(serial: string): Promise<DeviceRegistration | null> {
    return this.#opts.store.getRegistration(serial);
  }

  /** Send one ISAPI request to a cloud-connected device and wait for its answer. */
  async request(serial: string, req: IsapiRequest): Promise<IsapiResponse> {
    if (this.#closed || !this.#client) throw new AppError('SERVICE_UNAVAILABLE');
    if (!isSafeTopicId(serial)) throw new AppError('DEVICE_NOT_FOUND', undefined, { details: { serial } });
    const key = await this.#keyFor(serial);
    if (!key) throw new AppError('DEVICE_NOT_FOUND', 'No device with this serial number is registered with the device cloud.', { details: { serial } });
    if (this.isOnline(serial) === false) throw new AppError('DEVICE_OFFLINE', undefined, { details: { serial, via: 'cloud' } });
    const body = req.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    if (body.length > MAX_TUNNEL_BODY_BYTES) throw new AppError('DEVICE_BODY_TOO_LARGE', undefined, { details: { maxBytes: MAX_TUNNEL_BODY_BYTES } });
    const timeoutMs = req.timeoutMs ?? this.#opts.requestTimeoutMs;
    const fields = { op: 'isapi', method: req.method, path: req.path, headers: req.headers ?? {}, timeoutMs };
    const { id, payload } = sealRequest(key, this.#t.nodeReplies(this.nodeId), this.#now(), fields, body);
    const answer = this.#pending.wait(id, key, timeoutMs, () => {
      // A device we have never heard from is more likely offline than slow.
      const code = this.isOnline(serial) === true ? 'DEVICE_TIMEOUT' : 'DEVICE_OFFLINE';
      return new AppError(code, undefined, { details: { serial, via: 'cloud', timeoutMs } });
    });
    this.#publish(this.#t.deviceRequest(serial), payload);
    const { header, body: answerBody } = await answer;
    if (header.error) throw cloudError(serial, header.error);
    return { status: header.status ?? 502, headers: header.headers ?? {}, body: answerBody };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#flushTimer) clearInterval(this.#flushTimer);
    clearTimeout(this.#graceTimer);
    this.#client?.off('connect', this.#onReconnect);
    this.#pending.rejectAll(new AppError('SERVICE_UNAVAILABLE'));
    await this.flushPresence();
    await this.#service?.release();
  }
}
