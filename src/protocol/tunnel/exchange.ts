/**
 * One request/reply exchange over the tunnel, both ends: the asking node seals a request and opens
 * the answer; the device or agent opens the request and seals its answer. Pure like the envelope it
 * builds on (callers pass the time); the waiting for answers, with its timers, is
 * src/mqtt/pending-replies.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  MAX_REQUEST_AGE_MS, isSafeTopicId, newNonce, openEnvelope, readEnvelopeHeader, sealEnvelope, type EnvelopeHeader, type RequestHeader, type ResponseHeader,
} from './envelope';

/** Is a timestamp from the other side close enough to our clock (hellos, requests: replay protection)? */
export function isFresh(ts: number, nowMs: number, maxSkewMs: number): boolean {
  return Math.abs(nowMs - ts) <= maxSkewMs;
}

/** What a request carries besides the parts every request has (id, reply topic, time). */
export type RequestFields = Omit<RequestHeader, 't' | 'id' | 'replyTo' | 'ts'>;

/** A sealed (encrypted, authenticated) request ready to publish, and the id its answer will carry. */
export function sealRequest(key: Buffer, replyTo: string, ts: number, fields: RequestFields, body: Buffer): { id: string; payload: Buffer } {
  const id = newNonce();
  const header: RequestHeader = { ...fields, t: 'req', id, replyTo, ts };
  return { id, payload: sealEnvelope(key, header, body) };
}

/**
 * Request ids a device or agent has acted on, remembered for as long as a request with that id
 * could still pass the freshness check: a captured request replayed within its validity window is
 * refused. Bounded (a flood can only come from whoever holds the key, i.e. the platform): when
 * full of live ids, new requests are refused rather than old ids forgotten.
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>(); // id → forget after (ms)
  constructor(
    private readonly windowMs: number = MAX_REQUEST_AGE_MS,
    private readonly maxIds = 10_000,
  ) {}

  /** True the first time `id` is offered (and remembers it); false for a replay, or when full. */
  admit(id: string, ts: number, nowMs: number): boolean {
    if (this.#seen.has(id)) return false;
    if (this.#seen.size >= this.maxIds) {
      for (const [seenId, until] of this.#seen) if (until < nowMs) this.#seen.delete(seenId);
      if (this.#seen.size >= this.maxIds) return false;
    }
    // The id could be offered again until its timestamp leaves the window on either side.
    this.#seen.set(id, Math.max(ts, nowMs) + this.windowMs);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }
}

export interface OpenedRequest {
  header: RequestHeader;
  body: Buffer;
}

/**
 * A request a device or agent may act on: a version-2 envelope, a request, sealed with `key`, and no
 * older (or newer) than `maxAgeMs`. Anything else is null: dropped without an answer, since an
 * answer to a forged or replayed request would help whoever sent it.
 */
export function openRequest(payload: Buffer, key: Buffer, nowMs: number, maxAgeMs: number = MAX_REQUEST_AGE_MS, replay?: ReplayGuard): OpenedRequest | null {
  const env = openOrNull(payload, key);
  if (!env || env.header.t !== 'req') return null;
  if (!isFresh(env.header.ts, nowMs, maxAgeMs)) return null;
  // Checked last: only a genuine, fresh request may take an id (a forgery must not burn a real one).
  if (replay && !replay.admit(env.header.id, env.header.ts, nowMs)) return null;
  return { header: env.header, body: env.body };
}

/** What an answer carries besides the parts every answer has (id, time). */
export type ReplyFields = Omit<ResponseHeader, 't' | 'id' | 'ts'>;

/** A sealed answer to request `id`. */
export function sealReply(key: Buffer, id: string, ts: number, fields: ReplyFields, body: Buffer = Buffer.alloc(0)): Buffer {
  const header: ResponseHeader = { ...fields, t: 'res', id, ts };
  return sealEnvelope(key, header, body);
}

export interface OpenedReply {
  header: ResponseHeader;
  body: Buffer;
}

/**
 * An answer the asking node may trust: a version-2 envelope, an answer, to a request it is waiting
 * for (`keyFor(id)` gives the key that request was sealed with), sealed with that key and — when
 * `nowMs` is given — stamped within `maxSkewMs` of it. Anything else is null: a forged answer is
 * ignored so that the real one, or the timeout, decides. (No replay guard needed: an answer settles
 * its request once, and request ids are random.)
 */
export function openReply(
  payload: Buffer, keyFor: (id: string) => Buffer | undefined, nowMs?: number, maxSkewMs: number = MAX_REQUEST_AGE_MS,
): OpenedReply | null {
  let id: string;
  try {
    const h = readEnvelopeHeader(payload);
    if (h.t !== 'res') return null;
    id = h.id;
  } catch {
    return null;
  }
  const key = keyFor(id);
  const env = key && openOrNull(payload, key);
  if (!env || env.header.t !== 'res') return null;
  if (nowMs !== undefined && !isFresh(env.header.ts, nowMs, maxSkewMs)) return null;
  return { header: env.header, body: env.body };
}

/** A sealed status event from a device (`t: 'evt'`, under a fresh id). */
export function sealEvent(key: Buffer, ts: number, body: Buffer): Buffer {
  return sealEnvelope(key, { t: 'evt', id: newNonce(), ts }, body);
}

/**
 * A sealed event from a device (sealEvent): the envelope's body, or null. Only `t: 'evt'`: an
 * answer or a request sealed under the same key, captured and published on the event topic, is not
 * an event. With `nowMs`, an event stamped more than `maxSkewMs` away is refused, and with `replay`
 * one already seen (a captured event published again).
 */
export function openSigned(payload: Buffer, key: Buffer, nowMs?: number, maxSkewMs: number = MAX_REQUEST_AGE_MS, replay?: ReplayGuard): Buffer | null {
  const env = openOrNull(payload, key);
  if (!env || env.header.t !== 'evt') return null;
  if (nowMs !== undefined && !isFresh(env.header.ts, nowMs, maxSkewMs)) return null;
  if (replay && nowMs !== undefined && !replay.admit(env.header.id, env.header.ts, nowMs)) return null;
  return env.body;
}

function openOrNull(payload: Buffer, key: Buffer): { header: EnvelopeHeader; body: Buffer } | null {
  try {
    return openEnvelope(key, payload);
  } catch {
    return null;
  }
}

/**
 * Presence messages (devices and agents alike: `{online, session, ts, proof}`), checked for shape
 * only; the proof is the caller's to check. Null for anything else, the empty message that clears a
 * retained presence included.
 */
export function parsePresence(payload: Buffer): { online: boolean; session: string; ts: number; proof: string } | null {
  const p = parseJsonObject(payload);
  if (!p || typeof p.online !== 'boolean' || typeof p.session !== 'string' || typeof p.ts !== 'number' || typeof p.proof !== 'string') return null;
  return { online: p.online, session: p.session, ts: p.ts, proof: p.proof };
}

/** A JSON object (hellos, acks, presence), or null for anything else. */
export function parseJsonObject(payload: Buffer): Record<string, unknown> | null {
  if (payload.length === 0) return null;
  try {
    const v: unknown = JSON.parse(payload.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The id of an asking node (its reply topic is `n/<id>/res`): the one given, or a random one. */
export function askingNodeId(given: string | undefined, kind: 'node' | 'hub'): string {
  const id = given ?? `${kind}-${randomBytes(6).toString('hex')}`;
  if (!isSafeTopicId(id)) throw new Error('nodeId must be [A-Za-z0-9._-]{1,64}');
  return id;
}
