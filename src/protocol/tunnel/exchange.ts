/**
 * One request/reply exchange over the tunnel, both ends: the asking node seals a request and opens
 * the answer; the device or agent opens the request and seals its answer. Pure like the envelope it
 * builds on (callers pass the time); the waiting for answers, with its timers, is
 * src/mqtt/pending-replies.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  MAX_REQUEST_AGE_MS, decodeEnvelope, encodeEnvelope, isSafeTopicId, newNonce, signEnvelope, verifyEnvelope, type RequestHeader, type ResponseHeader,
} from './envelope';

/** Is a timestamp from the other side close enough to our clock (hellos, requests: replay protection)? */
export function isFresh(ts: number, nowMs: number, maxSkewMs: number): boolean {
  return Math.abs(nowMs - ts) <= maxSkewMs;
}

/** What a request carries besides the parts every request has (id, reply topic, time). */
export type RequestFields = Omit<RequestHeader, 't' | 'id' | 'replyTo' | 'ts' | 'sig'>;

/** A signed request ready to publish, and the id its answer will carry. */
export function sealRequest(key: Buffer, replyTo: string, ts: number, fields: RequestFields, body: Buffer): { id: string; payload: Buffer } {
  const id = newNonce();
  const header: RequestHeader = { t: 'req', id, replyTo, ts, ...fields };
  return { id, payload: encodeEnvelope(signEnvelope(key, header, body), body) };
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
 * A request a device or agent may act on: an envelope, a request, signed with `key`, and no older
 * (or newer) than `maxAgeMs`. Anything else is null: dropped without an answer, since an answer to
 * a forged or replayed request would help whoever sent it.
 */
export function openRequest(payload: Buffer, key: Buffer, nowMs: number, maxAgeMs: number = MAX_REQUEST_AGE_MS, replay?: ReplayGuard): OpenedRequest | null {
  const env = decodeOrNull(payload);
  if (!env || env.header.t !== 'req' || !verifyEnvelope(key, env.header, env.body)) return null;
  if (!isFresh(env.header.ts, nowMs, maxAgeMs)) return null;
  // Checked last: only a genuine, fresh request may take an id (a forgery must not burn a real one).
  if (replay && !replay.admit(env.header.id, env.header.ts, nowMs)) return null;
  return { header: env.header, body: env.body };
}

/** What an answer carries besides the parts every answer has (id, time). */
export type ReplyFields = Omit<ResponseHeader, 't' | 'id' | 'ts' | 'sig'>;

/** A signed answer to request `id` (device events use the same shape under a fresh id). */
export function sealReply(key: Buffer, id: string, ts: number, fields: ReplyFields, body: Buffer = Buffer.alloc(0)): Buffer {
  const header: ResponseHeader = { t: 'res', id, ts, ...fields };
  return encodeEnvelope(signEnvelope(key, header, body), body);
}

export interface OpenedReply {
  header: ResponseHeader;
  body: Buffer;
}

/**
 * An answer the asking node may trust: an envelope, an answer, to a request it is waiting for
 * (`keyFor(id)` gives the key that request was signed with), signed with that key. Anything else is
 * null: a forged answer is ignored so that the real one, or the timeout, decides.
 */
export function openReply(payload: Buffer, keyFor: (id: string) => Buffer | undefined): OpenedReply | null {
  const env = decodeOrNull(payload);
  if (!env || env.header.t !== 'res') return null;
  const key = keyFor(env.header.id);
  if (!key || !verifyEnvelope(key, env.header, env.body)) return null;
  return { header: env.header, body: env.body };
}

/** A signed message from a device that is not an answer (status events): the envelope's body, or null. */
export function openSigned(payload: Buffer, key: Buffer): Buffer | null {
  const env = decodeOrNull(payload);
  return env && verifyEnvelope(key, env.header, env.body) ? env.body : null;
}

function decodeOrNull(payload: Buffer): ReturnType<typeof decodeEnvelope> | null {
  try {
    return decodeEnvelope(payload);
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
