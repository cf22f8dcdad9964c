/**
 * The server side of the device cloud. Devices connect out to the broker and say hello with a
 * proof of their verification code; the gateway registers them (serial → key, model, type,
 * firmware), tracks presence from retained online messages and Last Wills (written to the store
 * in batches, never one write per message), and routes ISAPI requests from any API node to any
 * device through the broker: each node listens on its own reply topic.
 */
import { EventEmitter } from 'node:events';
import { timingSafeEqual } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { AppError } from '../../errors/app-error';
import { attachService, type MqttLink, type ServiceClient } from '../../mqtt/client';
import { PendingReplies } from '../../mqtt/pending-replies';
import {
  MAX_TUNNEL_BODY_BYTES, deriveDeviceKey, helloProof, isSafeTopicId, presenceProof, safeEqualHex, topics, unsealKey,
  type DeviceHello, type HelloAck, type ResponseHeader, type Topics,
} from '../../protocol/tunnel/envelope';
import {
  askingNodeId, isFresh, openReply, openSigned, parseJsonObject, parsePresence, sealRequest, type OpenedReply,
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
  /** Accept a device's first registration (trust on first use). Off when registrations are provisioned. */
  allowFirstRegistration?: boolean;
  presenceFlushMs?: number;
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
  readonly #opts: Required<Pick<DeviceGatewayOptions, 'writer' | 'allowFirstRegistration' | 'presenceFlushMs' | 'presenceGraceMs' | 'requestTimeoutMs' | 'maxClockSkewMs'>> & DeviceGatewayOptions;
  readonly #t: Topics;
  readonly #now: () => number;
  #client: MqttClient | undefined;
  #service: ServiceClient | undefined;
  readonly #keys = new Map<string, Buffer>();
  readonly #online = new Map<string, { online: boolean; session: string }>();
  /**
   * Presence rebuild: devices believed online that have not shown up since the broker link was last
   * (re)established. They count as online until the grace timer ends, then go offline.
   */
  readonly #unconfirmed = new Set<string>();
  #graceTimer: NodeJS.Timeout | undefined;
  /** Bumped at each rebuild: an online message read before it (handled after an await) proves nothing. */
  #linkEpoch = 0;
  readonly #onReconnect = () => this.#beginPresenceRebuild([]);
  #batch = new Map<string, PresenceUpdate>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Requests waiting for their answer: each with the key it was signed with. */
  readonly #pending = new PendingReplies<Buffer, OpenedReply>();
  #closed = false;

  private constructor(opts: DeviceGatewayOptions) {
    super();
    this.#opts = {
      writer: true, allowFirstRegistration: true, presenceFlushMs: 1000, presenceGraceMs: 60_000, requestTimeoutMs: DEFAULT_TIMEOUT_MS, maxClockSkewMs: 300_000, ...opts,
    };
    this.#t = topics(opts.topicPrefix ?? 'sk/');
    this.#now = opts.now ?? Date.now;
    this.nodeId = askingNodeId(opts.nodeId, 'node');
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
      onMessage: (topic, payload) => this.#onMessage(topic, payload),
      onError: (err) => this.emit('warn', err),
    });
    this.#client = this.#service.client;
    // Every reconnect (a broker restart among them) rebuilds presence from what shows up again; the
    // listener runs before the resubscription's retained messages can arrive.
    this.#client.on('connect', this.#onReconnect);
    this.#flushTimer = setInterval(() => void this.flushPresence(), this.#opts.presenceFlushMs);
    this.#flushTimer.unref();
  }

  // ---- inbound ---------------------------------------------------------------------------------

  #onMessage(topic: string, payload: Buffer): void {
    const t = this.#t;
    if (topic === t.nodeReplies(this.nodeId)) return this.#onReply(payload);
    const serial = t.idOf(topic);
    if (!serial || !isSafeTopicId(serial)) return;
    const epoch = this.#linkEpoch;
    if (topic === t.devicePresence(serial)) return void this.#onPresence(serial, payload, epoch).catch((e: unknown) => this.emit('warn', e));
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
    const h = parseJsonObject(payload) as DeviceHello | null;
    if (!h || h.serial !== serial || typeof h.ts !== 'number' || typeof h.nonce !== 'string' || typeof h.session !== 'string' || typeof h.proof !== 'string') return;
    const ack = (a: Omit<HelloAck, 'nonce'>) => this.#publish(this.#t.deviceAck(serial), JSON.stringify({ ...a, nonce: h.nonce }));
    if (!isFresh(h.ts, this.#now(), this.#opts.maxClockSkewMs)) return ack({ ok: false, reason: 'clock-skew' });
    const fields = { model: String(h.model ?? ''), type: String(h.type ?? ''), firmware: String(h.firmware ?? '') };
    const reg = await this.#opts.store.getRegistration(serial);
    let key: Buffer | null = reg ? Buffer.from(reg.keyHex, 'hex') : null;
    const proofOk = (k: Buffer) => safeEqualHex(h.proof, helloProof(k, { serial, ts: h.ts, nonce: h.nonce, session: h.session, ...fields }));
    let changedKey = false;
    if (!key) {
      if (!this.#opts.allowFirstRegistration) return ack({ ok: false, reason: 'unknown-device' });
      if (!h.register?.key) return ack({ ok: false, need: 'register' });
      key = Buffer.from(h.register.key, 'hex');
      if (key.length !== 32) return ack({ ok: false, reason: 'bad-key' });
      changedKey = true;
    } else if (!proofOk(key)) {
      if (!h.rotate?.sealed) return ack({ ok: false, need: 'rotate' });
      const next = unsealKey(key, h.rotate.sealed);
      if (!next) return ack({ ok: false, reason: 'rejected' });
      key = next;
      changedKey = true;
    }
    if (!proofOk(key)) return ack({ ok: false, reason: 'rejected' });
    const now = new Date(this.#now());
    const same = reg && !changedKey && reg.model === fields.model && reg.type === fields.type && reg.firmware === fields.firmware;
    if (!same) {
      const next: DeviceRegistration = { serial, keyHex: key.toString('hex'), ...fields, registeredAt: reg?.registeredAt ?? now, updatedAt: now };
      await this.#opts.store.upsertRegistration(next);
    }
    this.#keys.set(serial, key);
    this.emit('registered', { serial, ...fields });
    // An accepted hello is proof enough that the device is online now: do not depend on its
    // retained presence message alone (one lost message must not leave a device offline).
    this.#setPresence(serial, true, h.session, epoch);
    return ack({ ok: true });
  }

  async #onPresence(serial: string, payload: Buffer, epoch: number): Promise<void> {
    const p = parsePresence(payload);
    if (!p) return;
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
    this.#online.set(serial, { online, session });
    if (prev?.online === online) return;
    this.emit('presence', { serial, online });
    if (this.#opts.writer) this.#batch.set(serial, { serial, online, at: new Date(this.#now()) });
  }

  async #onEvent(serial: string, payload: Buffer): Promise<void> {
    const key = await this.#keyFor(serial);
    const body = key && openSigned(payload, key);
    const event = body ? parseJsonObject(body) : null;
    if (event) this.emit('device-event', { serial, event } satisfies DeviceEvent);
  }

  #onReply(payload: Buffer): void {
    const reply = openReply(payload, (id) => this.#pending.context(id));
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
    for (const serial of storedOnline) if (!this.#online.has(serial)) this.#online.set(serial, { online: true, session: '' });
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

  /** Write pending presence changes in one batch. Called on a timer and on close. */
  async flushPresence(): Promise<void> {
    const run = async () => {
      if (this.#batch.size === 0) return;
      const batch = [...this.#batch.values()];
      this.#batch = new Map();
      try {
        await this.#opts.store.applyPresence(batch);
      } catch (err) {
        // Keep the changes for the next flush unless newer ones arrived meanwhile.
        for (const u of batch) if (!this.#batch.has(u.serial)) this.#batch.set(u.serial, u);
        this.emit('warn', err);
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

  /** Does the user-entered code match the one the device registered with? Constant-time. */
  async verifyCode(serial: string, code: string): Promise<boolean> {
    const reg = await this.#opts.store.getRegistration(serial);
    if (!reg) return false;
    const expected = Buffer.from(reg.keyHex, 'hex');
    const got = deriveDeviceKey(serial, code.trim());
    return expected.length === got.length && timingSafeEqual(expected, got);
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
