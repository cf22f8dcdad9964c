/**
 * The device-cloud connector of an emulated device: what a device's cloud client does, on our
 * protocol (src/protocol/tunnel/envelope.ts and registration.ts, docs/decisions/0002-device-cloud-protocol.md).
 * While the device's cloud service is enabled and its cloud link is up, it connects out to the
 * platform's broker. Without a device key it registers by key agreement and waits until the
 * platform challenges it to prove its verification code, then keeps the key the platform issues
 * (in memory: the emulator's "flash"). With a key it proves the key, keeps a retained online
 * presence with a Last Will for offline, publishes status events, and answers tunnelled ISAPI
 * requests. The code is never sent: only HMACs of it, inside boxes sealed under a session key.
 */
import { createHash } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import {
  DEVICE_REGISTER_PASSWORD, DEVICE_USER_PREFIX, deviceConnectProof, helloProof, newNonce, normalizePrefix, presenceProof, topics, unsealKey,
  type DeviceHello, type HelloAck, type Presence, type RequestHeader,
} from '../protocol/tunnel/envelope';
import {
  boundTranscript, codeKey, codeProof, newEphemeral, openStep, parseSessionMessage, sealStep, sessionKey, transcriptHash,
  type Ephemeral, type SessionMessage,
} from '../protocol/tunnel/registration';
import { ReplayGuard, openRequest, parseJsonObject, sealEvent, sealReply, type ReplyFields } from '../protocol/tunnel/exchange';
import type { EmulatedDevice } from './types';
import { disableNagle } from '../mqtt/client';
import { isAppError } from '../errors/app-error';

export interface CloudAgentOptions {
  mqttUrl: string;
  /** Must match the platform's; `sk/` by default. */
  topicPrefix?: string;
  keepaliveSeconds?: number;
  /** First hello retry after this long; doubles up to a minute. */
  helloRetryMs?: number;
  /**
   * The device key it already holds (issued earlier, or a legacy key derived from its code before
   * issue 12). Without one it registers.
   */
  initialKey?: Buffer;
  /** MQTT client id (default: one per topic prefix and serial). */
  clientId?: string;
  /** A pending registration is opened again after this long (the platform forgets idle ones). Default 5 min. */
  registrationRefreshMs?: number;
  /**
   * A gateway's announcement is answered with a fresh hello after a random delay of up to this long,
   * so that a fleet does not answer all at once (default 2 s).
   */
  announceJitterMs?: number;
}

export interface CloudAgent {
  /** The device key it holds now (null while unregistered). */
  deviceKey(): Buffer | null;
  /** The platform accepted its key on this connection: it answers requests and publishes presence and events. */
  accepted(): boolean;
  close(): Promise<void>;
}

interface Registration {
  rid: string;
  eph: Ephemeral;
  key?: Buffer;
  transcript?: Buffer;
}

export async function startCloudAgent(device: EmulatedDevice, opts: CloudAgentOptions): Promise<CloudAgent> {
  const prefix = normalizePrefix(opts.topicPrefix);
  const t = topics(prefix);
  const serial = device.serial;
  // Unique per prefix so parallel runs on one broker with the same serials do not kick each other.
  const clientId = opts.clientId ?? `skd-${createHash('sha256').update(prefix).digest('hex').slice(0, 8)}-${serial}`;
  const helloRetryMs = opts.helloRetryMs ?? 3000;
  const refreshMs = opts.registrationRefreshMs ?? 5 * 60_000;

  let client: MqttClient | null = null;
  /** The device key (issued by the platform); kept across reconnects and code changes. */
  let key: Buffer | null = opts.initialKey ?? null;
  /** While a legacy key is replaced: the key held before, back if the new one is refused. */
  let previousKey: Buffer | null = null;
  /** The registration in progress (no key, or told to register again). */
  let reg: Registration | null = null;
  let session = '';
  /** Connected to the platform's cloud (pending or bound): the device's registerStatus. */
  let registered = false;
  /** The platform accepted its key: it takes requests and publishes presence and events. */
  let accepted = false;
  let lastHelloNonce = '';
  let helloTimer: NodeJS.Timeout | undefined;
  let helloDelayMs = helloRetryMs;
  let closed = false;
  let syncing: Promise<void> = Promise.resolve();

  const setRegistered = (r: boolean) => {
    if (registered !== r) {
      registered = r;
      device.setCloudRegistered(r);
    }
  };

  const presence = (k: Buffer, online: boolean): string => {
    const p = { online, session, ts: Date.now() };
    const full: Presence = { ...p, proof: presenceProof(k, serial, p) };
    return JSON.stringify(full);
  };

  const retryLater = (again: () => void, delayMs = helloDelayMs) => {
    clearTimeout(helloTimer);
    helloTimer = setTimeout(() => {
      helloDelayMs = Math.min(helloDelayMs * 2, 60_000);
      again();
    }, delayMs + Math.floor(Math.random() * 1000));
    helloTimer.unref();
  };

  /** Hello with a proof of the key; without a key (or when asked to), a register hello. */
  const sendHello = () => {
    if (!client) return;
    const base = { serial, model: device.model, type: device.type, firmware: device.firmwareVersion, ts: Date.now(), nonce: newNonce(), session };
    let hello: DeviceHello;
    if (reg || !key) {
      reg = { rid: base.nonce, eph: newEphemeral() };
      hello = { v: 1, ...base, proof: '', register: { pub: reg.eph.pub } };
    } else {
      hello = { v: 1, ...base, proof: helloProof(key, base) };
    }
    lastHelloNonce = hello.nonce;
    client.publish(t.deviceHello(serial), JSON.stringify(hello), { qos: 1 });
    retryLater(sendHello);
  };

  /** A gateway (re)connected: a bound device says hello again, so its presence is live, not a replayed retained message. */
  const onAnnounce = () => {
    if (!key || reg) return;
    retryLater(sendHello, Math.floor(Math.random() * (opts.announceJitterMs ?? 2000)));
  };

  const startRegistration = () => {
    reg = { rid: '', eph: newEphemeral() };
    sendHello();
  };

  const onSession = (m: SessionMessage) => {
    const c = client;
    if (!c) return;
    if (m.t === 'challenge') {
      // A bound device answers under its key; a pending one under its session key. Never the code itself.
      const boxKey = m.bound ? key : reg?.rid === m.rid ? reg.key : undefined;
      const transcript = m.bound ? boundTranscript(serial, m.rid) : reg?.transcript;
      if (!boxKey || !transcript) return;
      const opened = openStep(boxKey, serial, m.rid, 'challenge', m.box);
      if (!opened?.challenge) return;
      const proof = codeProof(codeKey(serial, device.verificationCode), opened.challenge, transcript);
      const answer: SessionMessage = { t: 'proof', rid: m.rid, box: sealStep(boxKey, serial, m.rid, 'proof', { proof }) };
      c.publish(t.deviceHello(serial), JSON.stringify(answer), { qos: 1 });
    } else if (m.t === 'key') {
      if (!reg?.key || reg.rid !== m.rid) return;
      const opened = openStep(reg.key, serial, m.rid, 'key', m.box);
      const issued = opened?.key && /^[0-9a-f]{64}$/.test(opened.key) ? Buffer.from(opened.key, 'hex') : null;
      if (!issued) return;
      key = issued;
      reg = null;
      previousKey = null;
      // Connect again: the broker checks the new key, and the Last Will is signed with it.
      void reconnect();
    }
  };

  const onAck = (payload: Buffer) => {
    const obj = parseJsonObject(payload);
    if (!obj || !client) return;
    const m = parseSessionMessage(obj);
    if (m) return onSession(m);
    const ack = obj as unknown as HelloAck;
    // The gateway's own notice (binding reset): register again, keeping the key until a new one is issued.
    if (ack.nonce === '' && ack.need === 'register') {
      accepted = false;
      setRegistered(false);
      return startRegistration();
    }
    if (ack.nonce !== lastHelloNonce) return;
    clearTimeout(helloTimer);
    helloDelayMs = helloRetryMs;
    if (ack.ok && key) {
      previousKey = null;
      // Later reconnects authenticate with the key the platform now holds.
      client.options.password = deviceConnectProof(key, serial);
      client.publish(t.devicePresence(serial), presence(key, true), { qos: 1, retain: true });
      accepted = true;
      setRegistered(true);
    } else if (ack.need === 'register') {
      startRegistration();
    } else if (ack.reason === 'pending' && typeof ack.pub === 'string' && reg && reg.rid === ack.nonce) {
      const transcript = { serial, rid: reg.rid, devicePub: reg.eph.pub, gatewayPub: ack.pub };
      const k = sessionKey(reg.eph.privateKey, ack.pub, transcript);
      if (!k) return retryLater(sendHello);
      reg.key = k;
      reg.transcript = transcriptHash(transcript);
      // Registered with the cloud (what the device reports), though bound to nothing until it proves its code.
      setRegistered(true);
      // Wait for a challenge; open a fresh session now and then (the platform forgets idle ones).
      retryLater(sendHello, refreshMs);
    } else if (ack.rekey && key) {
      // A legacy key is replaced by an issued one, sealed under it.
      const next = unsealKey(key, ack.rekey.sealed);
      if (!next) return retryLater(sendHello);
      previousKey = key;
      key = next;
      sendHello();
    } else if (ack.reason === 'bound' && key) {
      // Told to register while bound (a forged notice, or a reset that did not happen): keep the key.
      reg = null;
      sendHello();
    } else {
      if (ack.reason === 'rejected' && previousKey) {
        key = previousKey;
        previousKey = null;
      }
      // Refused (e.g. unbound and no key): stay connected but unregistered, try again later.
      accepted = false;
      setRegistered(false);
      retryLater(sendHello);
    }
  };

  // Request ids already acted on: a captured request sent again is dropped (replay).
  const replay = new ReplayGuard();
  const onRequest = (payload: Buffer) => {
    const req = key && accepted ? openRequest(payload, key, Date.now(), undefined, replay) : null;
    // Answer only on the platform's reply topics: a device must not be a publishing relay.
    if (!req || !req.header.replyTo.startsWith(`${prefix}n/`)) return;
    void answer(req.header, req.body);
  };

  const answer = async (header: RequestHeader, body: Buffer) => {
    const c = client;
    const k = key;
    if (!c || !k) return;
    let res: ReplyFields;
    let resBody: Buffer = Buffer.alloc(0);
    if (header.op !== 'isapi' || typeof header.method !== 'string' || typeof header.path !== 'string') {
      res = { error: { code: 'UNSUPPORTED_OP', message: `unsupported op ${header.op}` } };
    } else {
      try {
        const r = await device.handleIsapi({ method: header.method, path: header.path, headers: header.headers ?? {}, body }, { via: 'cloud' });
        res = { status: r.status, headers: r.headers };
        resBody = r.body;
      } catch (err) {
        // A device that is powered off mid-request answers nothing the platform could use.
        const code = isAppError(err) ? err.code : 'DEVICE_ERROR';
        res = { error: { code, message: err instanceof Error ? err.message.slice(0, 200) : 'device error' } };
      }
    }
    if (client !== c) return; // disconnected meanwhile: the platform times out, as with a real device
    c.publish(header.replyTo, sealReply(k, header.id, Date.now(), res, resBody), { qos: 1 });
  };

  const onStatus = (event: { kind: string; [k: string]: unknown }) => {
    if (!client || !key || !accepted) return;
    const body = Buffer.from(JSON.stringify({ ...event, ts: Date.now() }), 'utf8');
    client.publish(t.deviceEvent(serial), sealEvent(key, Date.now(), body), { qos: 1 });
  };

  const disconnect = async (graceful: boolean) => {
    const c = client;
    if (!c) return;
    client = null;
    clearTimeout(helloTimer);
    const wasAccepted = accepted;
    accepted = false;
    setRegistered(false);
    if (graceful && c.connected && key && wasAccepted) {
      // Tell the platform now rather than leave it to the Last Will, then clear the retained message.
      await c.publishAsync(t.devicePresence(serial), presence(key, false), { qos: 1, retain: true }).catch(() => undefined);
      await c.publishAsync(t.devicePresence(serial), '', { qos: 1, retain: true }).catch(() => undefined);
      await c.endAsync().catch(() => undefined);
    } else if (graceful) {
      await c.endAsync().catch(() => undefined);
    } else {
      // Link lost: the socket just dies, the broker publishes the Last Will.
      c.stream?.destroy();
      await c.endAsync(true).catch(() => undefined);
    }
  };

  /** A new connection after a key was issued (a clean DISCONNECT: no Last Will, no offline message). */
  const reconnect = async () => {
    const c = client;
    if (!c) return;
    client = null;
    accepted = false;
    clearTimeout(helloTimer);
    await c.endAsync().catch(() => undefined);
    if (!closed && device.cloudEnabled && device.cloudLinkUp) connect();
  };

  const connect = () => {
    session = newNonce();
    reg = null;
    const c = mqtt.connect(opts.mqttUrl, {
      protocolVersion: 4,
      clientId,
      clean: true,
      keepalive: opts.keepaliveSeconds ?? 30,
      reconnectPeriod: 2000 + Math.floor(Math.random() * 2000),
      // A real device keeps trying after a refused CONNECT: on a broker whose accounts the platform
      // manages, its account may be made (onboarding) or changed (an issued key) after its attempt.
      reconnectOnConnackError: true,
      // Generous: a loaded broker (or a fleet of thousands starting at once) answers CONNECT late.
      connectTimeout: 30_000,
      // Signed offline presence; an unregistered device has nothing to sign with (and no presence).
      ...(key ? { will: { topic: t.devicePresence(serial), payload: Buffer.from(presence(key, false)), qos: 1 as const, retain: true } } : {}),
      // Broker credentials (checked by the embedded broker's hook; ignored by an anonymous one).
      username: `${DEVICE_USER_PREFIX}${serial}`,
      password: key ? deviceConnectProof(key, serial) : DEVICE_REGISTER_PASSWORD,
    });
    client = c;
    disableNagle(c);
    c.on('connect', () => {
      if (client !== c) return;
      // Registering (no key): only its acks — a broker's registration account grants nothing more.
      c.subscribe(key ? [t.deviceAck(serial), t.deviceRequest(serial), t.gatewayAnnounce] : [t.deviceAck(serial)], { qos: 1 }, (err) => {
        if (!err && client === c) sendHello();
      });
    });
    c.on('close', () => {
      if (client === c) {
        clearTimeout(helloTimer);
        accepted = false;
        setRegistered(false);
      }
    });
    c.on('error', () => undefined); // reconnects on its own; the platform sees presence
    c.on('message', (topic, payload) => {
      if (client !== c) return;
      if (topic === t.deviceAck(serial)) onAck(payload);
      else if (topic === t.deviceRequest(serial)) onRequest(payload);
      else if (topic === t.gatewayAnnounce) onAnnounce();
    });
  };

  const sync = async () => {
    if (closed) return;
    const want = device.cloudEnabled && device.cloudLinkUp;
    if (!want) {
      await disconnect(device.cloudLinkUp);
      return;
    }
    // A new verification code changes nothing here: the key is issued, not derived from the code.
    if (client) return;
    connect();
  };

  const onConfig = () => {
    syncing = syncing.then(sync, sync);
  };
  device.on('cloud-config', onConfig);
  device.on('status', onStatus);
  onConfig();
  await syncing;

  return {
    deviceKey: () => key,
    accepted: () => accepted,
    async close() {
      if (closed) return;
      closed = true;
      device.off('cloud-config', onConfig);
      device.off('status', onStatus);
      await syncing;
      await disconnect(true);
    },
  };
}
