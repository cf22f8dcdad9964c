/**
 * Packet sizes on the embedded broker. Aedes (and its MQTT parser) has no size limit: a packet may
 * declare up to 256 MiB, and the broker buffers it whole before looking at it — even a CONNECT,
 * before the client is authenticated (measured: one unauthenticated connection made the broker hold
 * 150 MiB in a second). The guard reads only the fixed headers of the bytes the broker takes from a
 * connection and says stop when a packet declares more than the sender may send.
 */
import { MAX_HEADER_BYTES, MAX_TUNNEL_BODY_BYTES } from '../../protocol/tunnel/envelope';
import { MAX_RESPONSE_BYTES } from '../../device-client/transport';
import type { BrokerPrincipal } from '../../protocol/tunnel/acl';

/** Room for an envelope's two headers, IV, tag, the topic and MQTT's own fields. */
const ENVELOPE_SLACK_BYTES = 2 * MAX_HEADER_BYTES + 64 * 1024;

/**
 * The largest packet (MQTT remaining length) a client may send: before it is authenticated, a
 * CONNECT (client id, user, password, a presence Last Will: a few hundred bytes); the platform, a
 * tunnel request (a firmware package: MAX_TUNNEL_BODY_BYTES); a device or an agent, an answer
 * (what a transport accepts back: MAX_RESPONSE_BYTES).
 */
export function maxPacketBytes(who: BrokerPrincipal | 'unauthenticated'): number {
  if (who === 'unauthenticated') return 64 * 1024;
  if (who.kind === 'platform') return MAX_TUNNEL_BODY_BYTES + ENVELOPE_SLACK_BYTES;
  return MAX_RESPONSE_BYTES + ENVELOPE_SLACK_BYTES;
}

/**
 * Follows MQTT packet boundaries in a byte stream (fixed header: one type byte, then the remaining
 * length in 1–4 bytes of 7 bits each; then that many bytes) without keeping any of it. Pure.
 */
export class PacketSizeGuard {
  #state: 'type' | 'length' | 'body' = 'type';
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #remaining = 0;

  /** `limit` is asked at each packet's length, so that it can change once the client is authenticated. */
  constructor(private readonly limit: () => number) {}

  /** False when a packet in `buf` declares more than the limit, or a length MQTT does not allow: close the connection. */
  feed(buf: Uint8Array): boolean {
    let i = 0;
    while (i < buf.length) {
      if (this.#state === 'body') {
        const n = Math.min(this.#remaining, buf.length - i);
        this.#remaining -= n;
        i += n;
        if (this.#remaining === 0) this.#state = 'type';
        continue;
      }
      if (this.#state === 'type') {
        i++;
        this.#state = 'length';
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
        continue;
      }
      const b = buf[i++]!;
      this.#length += (b & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes++;
      if (b & 0x80) {
        if (this.#lengthBytes >= 4) return false;
        continue;
      }
      if (this.#length > this.limit()) return false;
      this.#remaining = this.#length;
      this.#state = this.#remaining === 0 ? 'type' : 'body';
    }
    return true;
  }
}
