import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_AGE_MS, readEnvelopeHeader } from './envelope';
import { encodeEnvelopeV1 } from './envelope-v1';
import { ReplayGuard, askingNodeId, isFresh, openReply, openRequest, openSigned, parseJsonObject, parsePresence, sealEvent, sealReply, sealRequest } from './exchange';

const key = Buffer.alloc(32, 1);
const other = Buffer.alloc(32, 2);
const NOW = 1_700_000_000_000;

describe('tunnel exchange', () => {
  it('a sealed request opens with its key, within its age; only t, id, replyTo and ts are readable', () => {
    const { id, payload } = sealRequest(key, 'sk/n/node-1/res', NOW, { op: 'isapi', method: 'GET', path: '/ISAPI/System/deviceInfo', headers: {}, timeoutMs: 5000 }, Buffer.from('x'));
    expect(Object.keys(readEnvelopeHeader(payload))).toEqual(['t', 'id', 'ts', 'replyTo']);
    expect(openRequest(payload, key, NOW + MAX_REQUEST_AGE_MS)).toMatchObject({ header: { id, replyTo: 'sk/n/node-1/res', op: 'isapi' }, body: Buffer.from('x') });
    expect(openRequest(payload, other, NOW)).toBeNull(); // not signed with this key
    expect(openRequest(payload, key, NOW + MAX_REQUEST_AGE_MS + 1)).toBeNull(); // too old: a replay
    expect(openRequest(payload, key, NOW - MAX_REQUEST_AGE_MS - 1)).toBeNull(); // from the future
    expect(openRequest(encodeEnvelopeV1({ t: 'req', id: 'x', replyTo: 'sk/n/evil/res', ts: NOW, op: 'isapi' }), key, NOW)).toBeNull(); // unsigned, v1
    expect(openRequest(sealReply(key, 'x', NOW, { status: 200 }), key, NOW)).toBeNull(); // an answer is not a request
  });

  it('an answer opens only for a request waited for, sealed with that request\'s key', () => {
    const payload = sealReply(key, 'req-1', NOW, { status: 200, headers: { a: 'b' } }, Buffer.from('body'));
    expect(Object.keys(readEnvelopeHeader(payload))).toEqual(['t', 'id', 'ts']);
    expect(openReply(payload, (id) => (id === 'req-1' ? key : undefined))).toMatchObject({ header: { id: 'req-1', status: 200 }, body: Buffer.from('body') });
    expect(openReply(payload, () => undefined)).toBeNull(); // nobody waits
    expect(openReply(payload, () => other)).toBeNull(); // forged
    expect(openReply(sealRequest(key, 'r', NOW, { op: 'isapi' }, Buffer.alloc(0)).payload, () => key)).toBeNull(); // a request is not an answer
    expect(openSigned(payload, key)).toBeNull(); // an answer is not an event
    expect(openSigned(sealEvent(key, NOW, Buffer.from('body')), key)).toEqual(Buffer.from('body'));
    expect(openSigned(sealEvent(key, NOW, Buffer.from('body')), other)).toBeNull();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const b = Buffer.from(bytes);
        expect(openRequest(b, key, NOW)).toBeNull();
        expect(openReply(b, () => key)).toBeNull();
        expect(openSigned(b, key)).toBeNull();
        expect(() => parsePresence(b)).not.toThrow();
        expect(() => parseJsonObject(b)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('clock skew: inclusive bound both ways', () => {
    expect(isFresh(NOW, NOW + 1000, 1000)).toBe(true);
    expect(isFresh(NOW + 1000, NOW, 1000)).toBe(true);
    expect(isFresh(NOW, NOW + 1001, 1000)).toBe(false);
    expect(isFresh(NOW + 1001, NOW, 1000)).toBe(false);
  });

  it('presence and JSON objects: shape only, null for anything else', () => {
    const ok = { online: true, session: 's', ts: 1, proof: 'ab' };
    expect(parsePresence(Buffer.from(JSON.stringify({ ...ok, extra: 1 })))).toEqual(ok);
    for (const bad of ['', 'null', '[]', '"x"', '{"online":"yes","session":"s","ts":1,"proof":"ab"}', '{"online":true,"session":"s","ts":"1","proof":"ab"}']) {
      expect(parsePresence(Buffer.from(bad)), bad).toBeNull();
    }
    expect(parseJsonObject(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(parseJsonObject(Buffer.from('[1]'))).toBeNull();
  });

  it('node ids: the given one when safe for a topic, else refused; random by default', () => {
    expect(askingNodeId('api-1', 'node')).toBe('api-1');
    expect(askingNodeId(undefined, 'hub')).toMatch(/^hub-[0-9a-f]{12}$/);
    expect(() => askingNodeId('a/b', 'node')).toThrow(/nodeId/);
    expect(() => askingNodeId('#', 'node')).toThrow(/nodeId/);
  });

  it('refuses a request id it has acted on, for as long as the request could be fresh', () => {
    const key = Buffer.alloc(32, 7);
    const now = 1_000_000;
    const { payload } = sealRequest(key, 'sk/n/a/res', now, { op: 'isapi', method: 'GET', path: '/x' }, Buffer.alloc(0));
    const guard = new ReplayGuard();
    expect(openRequest(payload, key, now, MAX_REQUEST_AGE_MS, guard)).not.toBeNull();
    expect(openRequest(payload, key, now + 1, MAX_REQUEST_AGE_MS, guard)).toBeNull();
    expect(openRequest(payload, key, now + MAX_REQUEST_AGE_MS, MAX_REQUEST_AGE_MS, guard)).toBeNull();
    // Past the window the freshness check refuses it anyway.
    expect(openRequest(payload, key, now + MAX_REQUEST_AGE_MS + 1, MAX_REQUEST_AGE_MS, guard)).toBeNull();
  });

  it('a forgery does not burn the id of a real request; a full guard forgets expired ids first and otherwise refuses', () => {
    const key = Buffer.alloc(32, 7);
    const now = 5_000_000;
    const real = sealRequest(key, 'sk/n/a/res', now, { op: 'isapi', method: 'GET', path: '/x' }, Buffer.alloc(0));
    // Same readable header (so the same id), wrong tag.
    const forged = Buffer.from(real.payload);
    forged[forged.length - 1] = forged[forged.length - 1]! ^ 1;
    const guard = new ReplayGuard(1000, 2);
    expect(openRequest(forged, key, now, 1000, guard)).toBeNull();
    expect(openRequest(real.payload, key, now, 1000, guard)).not.toBeNull();
    expect(guard.admit('b', now, now)).toBe(true);
    expect(guard.admit('c', now, now)).toBe(false); // full of live ids
    expect(guard.admit('c', now + 1001, now + 1001)).toBe(true); // the old ones expired
    expect(guard.size).toBe(1);
  });
});
