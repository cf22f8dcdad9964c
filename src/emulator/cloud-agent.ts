/**
 * The device-cloud connector of an emulated device: what a device's cloud client does, on our
 * protocol (src/protocol/tunnel/envelope.ts, docs/decisions/0002-device-cloud-protocol.md).
 * While the device's cloud service is enabled and its cloud link is up, it connects out to the
 * platform's broker, proves its serial + verification code, keeps a retained online presence with
 * a Last Will for offline, publishes status events, and answers tunnelled ISAPI requests.
 */
import { createHash } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import {
  DEVICE_USER_PREFIX, deviceConnectProof, deriveDeviceKey, helloProof, newNonce, normalizePrefix, presenceProof, sealKey, topics,
  type DeviceHello, type HelloAck, type Presence, type RequestHeader,
} from '../protocol/tunnel/envelope';
import { ReplayGuard, openRequest, parseJsonObject, sealReply, type ReplyFields } from '../protocol/tunnel/exchange';
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
}

export interface CloudAgent {
  close(): Promise<void>;
}

export async function startCloudAgent(device: EmulatedDevice, opts: CloudAgentOptions): Promise<CloudAgent> {
  const prefix = normalizePrefix(opts.topicPrefix);
  const t = topics(prefix);
  const serial = device.serial;
  // Unique per prefix so parallel runs on one broker with the same serials do not kick each other.
  const clientId = `skd-${createHash('sha256').update(prefix).digest('hex').slice(0, 8)}-${serial}`;
  const helloRetryMs = opts.helloRetryMs ?? 3000;

  let client: MqttClient | null = null;
  let key: Buffer | null = null;
  /** Key of the last successful registration: proves the old code when the code changes. */
  let registeredKey: Buffer | null = null;
  let session = '';
  let registered = false;
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

  const presence = (online: boolean): string => {
    const p = { online, session, ts: Date.now() };
    const full: Presence = { ...p, proof: presenceProof(key!, serial, p) };
    return JSON.stringify(full);
  };

  const sendHello = (extra: Pick<DeviceHello, 'register' | 'rotate'> = {}) => {
    if (!client || !key) return;
    const base = { serial, model: device.model, type: device.type, firmware: device.firmwareVersion, ts: Date.now(), nonce: newNonce(), session };
    const hello: DeviceHello = { v: 1, ...base, proof: helloProof(key, base), ...extra };
    lastHelloNonce = hello.nonce;
    client.publish(t.deviceHello(serial), JSON.stringify(hello), { qos: 1 });
    clearTimeout(helloTimer);
    helloTimer = setTimeout(() => {
      helloDelayMs = Math.min(helloDelayMs * 2, 60_000);
      sendHello(extra);
    }, helloDelayMs + Math.floor(Math.random() * 1000));
    helloTimer.unref();
  };

  const onAck = (payload: Buffer) => {
    const ack = parseJsonObject(payload) as HelloAck | null;
    if (!ack || !client || !key || ack.nonce !== lastHelloNonce) return;
    clearTimeout(helloTimer);
    helloDelayMs = helloRetryMs;
    if (ack.ok) {
      registeredKey = key;
      // Later reconnects authenticate with the key the platform now holds.
      client.options.password = deviceConnectProof(key, serial);
      client.publish(t.devicePresence(serial), presence(true), { qos: 1, retain: true });
      setRegistered(true);
    } else if (ack.need === 'register') {
      sendHello({ register: { key: key.toString('hex') } });
    } else if (ack.need === 'rotate' && registeredKey && !registeredKey.equals(key)) {
      sendHello({ rotate: { sealed: sealKey(registeredKey, key) } });
    } else {
      // Refused (e.g. the code does not match the registration): stay connected but unregistered.
      setRegistered(false);
    }
  };

  // Request ids already acted on: a captured request sent again is dropped (replay).
  const replay = new ReplayGuard();
  const onRequest = (payload: Buffer) => {
    const req = key && openRequest(payload, key, Date.now(), undefined, replay);
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
    if (!client || !key || !registered) return;
    const body = Buffer.from(JSON.stringify({ ...event, ts: Date.now() }), 'utf8');
    client.publish(t.deviceEvent(serial), sealReply(key, newNonce(), Date.now(), {}, body), { qos: 1 });
  };

  const disconnect = async (graceful: boolean) => {
    const c = client;
    if (!c) return;
    client = null;
    clearTimeout(helloTimer);
    setRegistered(false);
    if (graceful && c.connected && key) {
      // Tell the platform now rather than leave it to the Last Will, then clear the retained message.
      await c.publishAsync(t.devicePresence(serial), presence(false), { qos: 1, retain: true }).catch(() => undefined);
      await c.publishAsync(t.devicePresence(serial), '', { qos: 1, retain: true }).catch(() => undefined);
      await c.endAsync().catch(() => undefined);
    } else {
      // Link lost: the socket just dies, the broker publishes the Last Will.
      c.stream?.destroy();
      await c.endAsync(true).catch(() => undefined);
    }
  };

  const connect = () => {
    key = deriveDeviceKey(serial, device.verificationCode);
    session = newNonce();
    const c = mqtt.connect(opts.mqttUrl, {
      protocolVersion: 4,
      clientId,
      clean: true,
      keepalive: opts.keepaliveSeconds ?? 30,
      reconnectPeriod: 2000 + Math.floor(Math.random() * 2000),
      // Generous: a loaded broker (or a fleet of thousands starting at once) answers CONNECT late.
      connectTimeout: 30_000,
      will: { topic: t.devicePresence(serial), payload: Buffer.from(presence(false)), qos: 1, retain: true },
      // Broker credentials (checked by the embedded broker's hook; ignored by an anonymous one).
      username: `${DEVICE_USER_PREFIX}${serial}`,
      password: deviceConnectProof(registeredKey ?? key, serial),
    });
    client = c;
    disableNagle(c);
    c.on('connect', () => {
      if (client !== c) return;
      c.subscribe([t.deviceAck(serial), t.deviceRequest(serial)], { qos: 1 }, (err) => {
        if (!err && client === c) sendHello();
      });
    });
    c.on('close', () => {
      if (client === c) {
        clearTimeout(helloTimer);
        setRegistered(false);
      }
    });
    c.on('error', () => undefined); // reconnects on its own; the platform sees presence
    c.on('message', (topic, payload) => {
      if (client !== c) return;
      if (topic === t.deviceAck(serial)) onAck(payload);
      else if (topic === t.deviceRequest(serial)) onRequest(payload);
    });
  };

  const sync = async () => {
    if (closed) return;
    const want = device.cloudEnabled && device.cloudLinkUp;
    if (!want) {
      await disconnect(device.cloudLinkUp);
      return;
    }
    const wantKey = deriveDeviceKey(serial, device.verificationCode);
    if (client && key?.equals(wantKey)) return;
    if (client) await disconnect(true);
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
