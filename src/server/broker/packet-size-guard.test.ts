import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PacketSizeGuard, maxPacketBytes } from './packet-size-guard';
import { MAX_TUNNEL_BODY_BYTES } from '../../protocol/tunnel/envelope';
import { MAX_RESPONSE_BYTES } from '../../device-client/transport';

/** An MQTT fixed header: the type byte and the remaining length (1–4 bytes). */
function fixedHeader(length: number, type = 0x30): Buffer {
  const len: number[] = [];
  let x = length;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    len.push(b);
  } while (x > 0);
  return Buffer.from([type, ...len]);
}

/** A packet of `length` bytes after its fixed header. */
const packet = (length: number, type = 0x30) => Buffer.concat([fixedHeader(length, type), Buffer.alloc(length, 7)]);

/** Feeds `bytes` in pieces cut at `cuts` (offsets); false as soon as the guard says stop. */
function feedCut(guard: PacketSizeGuard, bytes: Buffer, cuts: number[]): boolean {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (!guard.feed(bytes.subarray(from, to))) return false;
    from = to;
  }
  return true;
}

describe('PacketSizeGuard', () => {
  it('lets packets up to the limit through, whatever their lengths\' encoding (1–4 bytes) and however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (lengths, cuts) => {
        const stream = Buffer.concat(lengths.map((n) => packet(n)));
        expect(feedCut(new PacketSizeGuard(() => 20_000), stream, cuts)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('stops at the first packet over the limit, before its body (its header is enough)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 5 }), fc.integer({ min: 1001, max: 268_435_455 }), fc.array(fc.nat(), { maxLength: 10 }), (before, over, cuts) => {
        const stream = Buffer.concat([...before.map((n) => packet(n)), fixedHeader(over)]);
        expect(feedCut(new PacketSizeGuard(() => 1000), stream, cuts)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a remaining length longer than MQTT allows (a fifth length byte)', () => {
    expect(new PacketSizeGuard(() => Number.MAX_SAFE_INTEGER).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(false);
    expect(new PacketSizeGuard(() => Number.MAX_SAFE_INTEGER).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toBe(true);
  });

  it('asks the limit at each packet: a CONNECT\'s worth before authentication, more after', () => {
    let limit = maxPacketBytes('unauthenticated');
    const g = new PacketSizeGuard(() => limit);
    expect(g.feed(packet(300, 0x10))).toBe(true);
    limit = maxPacketBytes({ kind: 'device', serial: 'DS-1' });
    expect(g.feed(packet(100_000))).toBe(true);
    expect(new PacketSizeGuard(() => maxPacketBytes('unauthenticated')).feed(fixedHeader(100_000, 0x10))).toBe(false);
  });

  it('gives each sender what it legitimately sends: the platform a tunnel request, devices and agents an answer', () => {
    expect(maxPacketBytes('unauthenticated')).toBe(64 * 1024);
    expect(maxPacketBytes({ kind: 'platform' })).toBeGreaterThan(MAX_TUNNEL_BODY_BYTES);
    expect(maxPacketBytes({ kind: 'platform' })).toBeLessThan(MAX_TUNNEL_BODY_BYTES + 512 * 1024);
    for (const who of [{ kind: 'device', serial: 'DS-1' }, { kind: 'agent', agentId: 'ag-1' }] as const) {
      expect(maxPacketBytes(who)).toBeGreaterThan(MAX_RESPONSE_BYTES);
      expect(maxPacketBytes(who)).toBeLessThan(MAX_RESPONSE_BYTES + 512 * 1024);
    }
  });
});
