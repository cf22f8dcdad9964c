/**
 * Benchmarks only: the tunnel's envelope codecs side by side — version 1 (HMAC-signed, readable;
 * no longer accepted by any opener, kept in envelope-v1.ts as this baseline) and version 2
 * (AES-256-GCM, what the platform speaks) — (a) as a request/answer round trip between two MQTT
 * clients through a real broker, the codec being the only difference, interleaved in blocks so that
 * load from other processes hits both alike; (b) as CPU time per round trip (seal and open of a
 * request and of its answer), no broker.
 */
import { randomBytes } from 'node:crypto';
import { connectMqtt } from '../../src/mqtt/client';
import { MAX_REQUEST_AGE_MS, newNonce, topics, type RequestHeader, type ResponseHeader } from '../../src/protocol/tunnel/envelope';
import { decodeEnvelopeV1, encodeEnvelopeV1, signEnvelopeV1, verifyEnvelopeV1 } from '../../src/protocol/tunnel/envelope-v1';
import {
  ReplayGuard, isFresh, openReply, openRequest, sealReply, sealRequest, type RequestFields, type ReplyFields,
} from '../../src/protocol/tunnel/exchange';
import { quantile } from '../lib';

export interface Codec {
  name: string;
  sealRequest(key: Buffer, replyTo: string, ts: number, fields: RequestFields, body: Buffer): { id: string; payload: Buffer };
  openRequest(payload: Buffer, key: Buffer, nowMs: number, replay: ReplayGuard): { header: RequestHeader; body: Buffer } | null;
  sealReply(key: Buffer, id: string, ts: number, fields: ReplyFields, body: Buffer): Buffer;
  openReply(payload: Buffer, keyFor: (id: string) => Buffer | undefined, nowMs: number): { header: ResponseHeader; body: Buffer } | null;
}

/** Version 1 as exchange.ts did it before issue 12 (decode, verify HMAC, freshness, replay). */
export const signOnly: Codec = {
  name: 'sign-only (v1, HMAC)',
  sealRequest(key, replyTo, ts, fields, body) {
    const id = newNonce();
    return { id, payload: encodeEnvelopeV1(signEnvelopeV1(key, { ...fields, t: 'req', id, replyTo, ts }, body), body) };
  },
  openRequest(payload, key, nowMs, replay) {
    const env = decodeEnvelopeV1(payload);
    if (env.header.t !== 'req' || !verifyEnvelopeV1(key, env.header, env.body) || !isFresh(env.header.ts, nowMs, MAX_REQUEST_AGE_MS)) return null;
    if (!replay.admit(env.header.id, env.header.ts, nowMs)) return null;
    return { header: env.header, body: env.body };
  },
  sealReply(key, id, ts, fields, body) {
    return encodeEnvelopeV1(signEnvelopeV1(key, { ...fields, t: 'res', id, ts }, body), body);
  },
  openReply(payload, keyFor) {
    const env = decodeEnvelopeV1(payload);
    const key = keyFor(env.header.id);
    if (env.header.t !== 'res' || !key || !verifyEnvelopeV1(key, env.header, env.body)) return null;
    return { header: env.header, body: env.body };
  },
};

export const encrypted: Codec = {
  name: 'encrypted (v2, AES-256-GCM)',
  sealRequest,
  openRequest: (payload, key, nowMs, replay) => openRequest(payload, key, nowMs, MAX_REQUEST_AGE_MS, replay),
  sealReply,
  openReply,
};

const REQUEST: RequestFields = { op: 'isapi', method: 'GET', path: '/ISAPI/System/deviceInfo', headers: {}, timeoutMs: 10_000 };
const ANSWER: ReplyFields = { status: 200, headers: { 'content-type': 'application/xml; charset="UTF-8"' } };

export interface Stats {
  p50: number;
  p99: number;
  n: number;
  /** CPU time of this process (both clients, and the broker when embedded) per round trip, µs. */
  cpuMicros: number;
}

function stats(ms: number[], cpuMicros: number): Stats {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), n: s.length, cpuMicros: cpuMicros / Math.max(1, s.length) };
}

/**
 * Round trips through the broker at `mqttUrl`: `requests` per codec at `concurrency`, in
 * alternating blocks of 50. The answer carries `answerBytes` of body (a deviceInfo is ~600).
 */
export async function brokerRoundTrips(mqttUrl: string, codecs: Codec[], requests: number, concurrency: number, answerBytes: number): Promise<Map<string, Stats>> {
  const prefix = `sk-bench-codec/${randomBytes(4).toString('hex')}/`;
  const t = topics(prefix);
  const key = randomBytes(32);
  const serial = 'BENCHCODEC0001';
  const replyTo = t.nodeReplies('bench');
  const answerBody = randomBytes(answerBytes);
  const device = await connectMqtt(mqttUrl, { clientId: `bench-dev-${randomBytes(4).toString('hex')}` });
  const node = await connectMqtt(mqttUrl, { clientId: `bench-node-${randomBytes(4).toString('hex')}` });
  let codec = codecs[0]!;
  const replay = new ReplayGuard(MAX_REQUEST_AGE_MS, 1_000_000);
  const pending = new Map<string, () => void>();
  device.on('message', (_topic, payload) => {
    const req = codec.openRequest(payload, key, Date.now(), replay);
    if (req) device.publish(req.header.replyTo, codec.sealReply(key, req.header.id, Date.now(), ANSWER, answerBody), { qos: 1 });
  });
  node.on('message', (_topic, payload) => {
    const res = codec.openReply(payload, (id) => (pending.has(id) ? key : undefined), Date.now());
    if (res) {
      pending.get(res.header.id)?.();
      pending.delete(res.header.id);
    }
  });
  await device.subscribeAsync(t.deviceRequest(serial), { qos: 1 });
  await node.subscribeAsync(replyTo, { qos: 1 });
  const call = () => new Promise<void>((resolve) => {
    const { id, payload } = codec.sealRequest(key, replyTo, Date.now(), REQUEST, Buffer.alloc(0));
    pending.set(id, resolve);
    node.publish(t.deviceRequest(serial), payload, { qos: 1 });
  });
  const times = new Map<string, number[]>(codecs.map((c) => [c.name, []]));
  const cpu = new Map<string, number>(codecs.map((c) => [c.name, 0]));
  try {
    for (const c of codecs) {
      codec = c;
      for (let i = 0; i < 20; i++) await call(); // warm up
    }
    const BLOCK = 50;
    for (let done = 0, round = 0; done < requests; done += BLOCK, round++) {
      // ABBA: neither codec always goes first (a block after a pause, or after the other's garbage).
      for (const c of round % 2 === 0 ? codecs : [...codecs].reverse()) {
        codec = c;
        const out = times.get(c.name)!;
        let left = Math.min(BLOCK, requests - done);
        const cpu0 = process.cpuUsage();
        await Promise.all(Array.from({ length: concurrency }, async () => {
          while (left > 0) {
            left--;
            const t0 = performance.now();
            await call();
            out.push(performance.now() - t0);
          }
        }));
        const used = process.cpuUsage(cpu0);
        cpu.set(c.name, cpu.get(c.name)! + used.user + used.system);
      }
    }
  } finally {
    await device.endAsync();
    await node.endAsync();
  }
  return new Map([...times].map(([name, ms]) => [name, stats(ms, cpu.get(name)!)]));
}

/**
 * CPU time (µs) of one round trip's codec work — seal + open of a request and of its answer — for
 * each codec, measured in interleaved blocks (ABBA) of `iterations / blocks`; the median block per
 * codec, so that a burst of load from other processes lands in a block that does not count.
 */
export function codecMicros(codecs: Codec[], answerBytes: number, iterations: number, blocks = 20): Map<string, number> {
  const perBlock = Math.max(1, Math.floor(iterations / blocks));
  const runs = codecs.map((c) => ({ c, once: codecOnce(c, answerBytes, iterations + perBlock * 2), blocks: [] as number[] }));
  for (const r of runs) for (let i = 0; i < Math.min(200, perBlock * 2); i++) r.once();
  for (let b = 0; b < blocks; b++) {
    for (const r of b % 2 === 0 ? runs : [...runs].reverse()) {
      const t0 = performance.now();
      for (let i = 0; i < perBlock; i++) r.once();
      r.blocks.push(((performance.now() - t0) * 1000) / perBlock);
    }
  }
  return new Map(runs.map((r) => [r.c.name, quantile([...r.blocks].sort((a, b) => a - b), 0.5)]));
}

function codecOnce(codec: Codec, answerBytes: number, maxIds: number): () => void {
  const key = randomBytes(32);
  const body = randomBytes(answerBytes);
  const replay = new ReplayGuard(MAX_REQUEST_AGE_MS, maxIds + 1000);
  return () => {
    const now = Date.now();
    const { payload } = codec.sealRequest(key, 'sk/n/bench/res', now, REQUEST, Buffer.alloc(0));
    const req = codec.openRequest(payload, key, now, replay);
    if (!req) throw new Error('request did not open');
    const res = codec.openReply(codec.sealReply(key, req.header.id, now, ANSWER, body), () => key, now);
    if (!res) throw new Error('answer did not open');
  };
}
