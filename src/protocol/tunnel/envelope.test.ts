import { webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, MAX_REQUEST_AGE_MS, TUNNEL_KEY_INFO, openEnvelope, readEnvelopeHeader, sealEnvelope, type RequestHeader } from './envelope';
import { encodeEnvelopeV1, signEnvelopeV1 } from './envelope-v1';
import {
  agentAckProof, agentConnectProof, agentEnrolKey, agentHelloProof, agentIdForToken, enrolWrapKey, isSafeTopicId, newExchangeKey, sealKey, unsealKey,
} from './envelope';
import { ReplayGuard, openReply, openRequest, openSigned, sealEvent, sealReply, sealRequest } from './exchange';

const key = Buffer.alloc(32, 1);
const other = Buffer.alloc(32, 2);
const NOW = 1_700_000_000_000;

const PASSWORD = 'Secret-Pass-1';
const CODE = 'ABCDEF';
const PATH = '/ISAPI/Security/users/1';
const AUTH = 'Digest username="admin", realm="IPC", nonce="n0nce", response="0123456789abcdef"';

/** An agent request as the hub sends it: every secret field the tunnel carries, at once. */
function secretRequest(k: Buffer = key, ts = NOW) {
  return sealRequest(
    k,
    'sk/n/node-1/res',
    ts,
    {
      op: 'isapi', method: 'PUT', path: PATH, headers: { Authorization: AUTH }, timeoutMs: 5000,
      args: { host: '192.168.1.64', port: 80, username: 'admin', password: PASSWORD, verificationCode: CODE },
    },
    Buffer.from(`<User><password>${PASSWORD}</password></User>`),
  );
}

describe('tunnel envelope v2 (AES-256-GCM)', () => {
  it('round trip: request and answer open with their key, header and body intact', () => {
    const { id, payload } = secretRequest();
    const req = openRequest(payload, key, NOW);
    expect(req?.header).toEqual({
      t: 'req', id, replyTo: 'sk/n/node-1/res', ts: NOW, op: 'isapi', method: 'PUT', path: PATH, headers: { Authorization: AUTH }, timeoutMs: 5000,
      args: { host: '192.168.1.64', port: 80, username: 'admin', password: PASSWORD, verificationCode: CODE },
    });
    expect(req?.body.toString()).toBe(`<User><password>${PASSWORD}</password></User>`);
    const answer = sealReply(key, id, NOW, { status: 401, headers: { 'WWW-Authenticate': 'Digest realm="IPC"' }, error: { code: 'X', message: 'm' } }, Buffer.from('reply'));
    expect(openReply(answer, (i) => (i === id ? key : undefined), NOW)).toEqual({
      header: { t: 'res', id, ts: NOW, status: 401, headers: { 'WWW-Authenticate': 'Digest realm="IPC"' }, error: { code: 'X', message: 'm' } },
      body: Buffer.from('reply'),
    });
    // Empty bodies too, and a body of every byte value.
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(openEnvelope(key, sealEnvelope(key, { t: 'res', id: 'e', ts: NOW }))).toEqual({ header: { t: 'res', id: 'e', ts: NOW }, body: Buffer.alloc(0) });
    expect(openEnvelope(key, sealEnvelope(key, { t: 'res', id: 'e', ts: NOW }, all)).body).toEqual(all);
  });

  it('only t, id, ts and replyTo are readable; nothing secret appears in the bytes on the wire', () => {
    const { id, payload } = secretRequest();
    expect(readEnvelopeHeader(payload)).toEqual({ t: 'req', id, ts: NOW, replyTo: 'sk/n/node-1/res' });
    const wire = payload.toString('latin1');
    for (const secret of [PASSWORD, CODE, PATH, AUTH, 'Digest', 'Authorization', 'password', 'isapi', 'PUT', '192.168.1.64', 'admin', '<User>']) {
      expect(wire, secret).not.toContain(secret);
      expect(payload.includes(Buffer.from(secret, 'utf16le')), secret).toBe(false);
    }
    const answer = sealReply(key, id, NOW, { status: 200, headers: { 'Set-Cookie': 'session=s3cr3t' } }, Buffer.from(`{"code":"${CODE}"}`));
    expect(readEnvelopeHeader(answer)).toEqual({ t: 'res', id, ts: NOW });
    for (const secret of [CODE, 's3cr3t', 'Set-Cookie', '"status"']) expect(answer.toString('latin1'), secret).not.toContain(secret);
  });

  it('a fresh random IV per message: the same request sealed twice differs', () => {
    const h: RequestHeader = { t: 'req', id: 'same', replyTo: 'r', ts: NOW, op: 'isapi' };
    const a = sealEnvelope(key, h, Buffer.from('b'));
    const b = sealEnvelope(key, h, Buffer.from('b'));
    expect(a.equals(b)).toBe(false);
    expect(openEnvelope(key, a)).toEqual(openEnvelope(key, b));
  });

  it('tamper with any single byte (prefix, readable header, IV, ciphertext, tag): refused', () => {
    const { payload } = secretRequest();
    expect(openRequest(payload, key, NOW)).not.toBeNull();
    for (let i = 0; i < payload.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const t = Buffer.from(payload);
        t[i] = t[i]! ^ flip;
        expect(openRequest(t, key, NOW), `byte ${i} ^ ${flip}`).toBeNull();
        expect(() => openEnvelope(key, t), `byte ${i}`).toThrow(EnvelopeError);
      }
    }
    // Truncated or extended: refused too.
    for (const cut of [1, 15, 16, 17, payload.length - 6]) expect(openRequest(payload.subarray(0, payload.length - cut), key, NOW)).toBeNull();
    expect(openRequest(Buffer.concat([payload, Buffer.from([0])]), key, NOW)).toBeNull();
  });

  it('a readable header rewritten consistently (new replyTo, new ts, same length prefix fixed up) is refused', () => {
    const { payload } = secretRequest();
    const h = readEnvelopeHeader(payload);
    const oldLen = payload.readUInt32BE(2);
    for (const changed of [{ ...h, replyTo: 'sk/n/evil/res' }, { ...h, ts: NOW + 1 }, { ...h, id: 'other' }, { ...h, t: 'res' }]) {
      const readable = Buffer.from(JSON.stringify(changed));
      const pre = Buffer.from(payload.subarray(0, 6));
      pre.writeUInt32BE(readable.length, 2);
      const forged = Buffer.concat([pre, readable, payload.subarray(6 + oldLen)]);
      expect(() => openEnvelope(key, forged)).toThrow(/authenticate/);
    }
  });

  it('wrong key refused; key derivation is bound to the party key', () => {
    const { payload } = secretRequest();
    expect(openRequest(payload, other, NOW)).toBeNull();
    expect(openReply(sealReply(other, 'i', NOW, { status: 200 }), () => key, NOW)).toBeNull();
    expect(openSigned(sealEvent(other, NOW, Buffer.from('{}')), key)).toBeNull();
    // A key that differs in its last bit.
    const near = Buffer.from(key);
    near[31] = near[31]! ^ 1;
    expect(openRequest(payload, near, NOW)).toBeNull();
  });

  it('version 1 (signed, readable) is refused by every opener, even when signed with the right key: no downgrade', () => {
    const header = { t: 'req' as const, id: 'v1', replyTo: 'sk/n/node-1/res', ts: NOW, op: 'isapi', method: 'GET', path: '/ISAPI/System/deviceInfo' };
    const v1 = encodeEnvelopeV1(signEnvelopeV1(key, header, Buffer.alloc(0)));
    expect(openRequest(v1, key, NOW)).toBeNull();
    expect(() => readEnvelopeHeader(v1)).toThrow(/unsupported envelope version 1/);
    const v1Answer = encodeEnvelopeV1(signEnvelopeV1(key, { t: 'res' as const, id: 'a', ts: NOW, status: 200 }, Buffer.from('x')), Buffer.from('x'));
    expect(openReply(v1Answer, () => key, NOW)).toBeNull();
    expect(openSigned(v1Answer, key)).toBeNull();
    expect(openSigned(encodeEnvelopeV1(signEnvelopeV1(key, { t: 'res' as const, id: 'e', ts: NOW }, Buffer.from('{}')), Buffer.from('{}')), key)).toBeNull();
    // And a v2 envelope with its version byte set back to 1 fails both ways.
    const v2 = Buffer.from(secretRequest().payload);
    v2[1] = 1;
    expect(openRequest(v2, key, NOW)).toBeNull();
  });

  it('replay refused within the window (ReplayGuard); stale and future timestamps refused both ways', () => {
    const guard = new ReplayGuard();
    const { payload } = secretRequest();
    expect(openRequest(payload, key, NOW, MAX_REQUEST_AGE_MS, guard)).not.toBeNull();
    expect(openRequest(payload, key, NOW + 1, MAX_REQUEST_AGE_MS, guard)).toBeNull();
    expect(openRequest(secretRequest(key, NOW - MAX_REQUEST_AGE_MS - 1).payload, key, NOW)).toBeNull(); // stale
    expect(openRequest(secretRequest(key, NOW + MAX_REQUEST_AGE_MS + 1).payload, key, NOW)).toBeNull(); // from the future
    expect(openRequest(secretRequest(key, NOW + MAX_REQUEST_AGE_MS).payload, key, NOW)).not.toBeNull(); // inclusive bound
    // Answers: checked against the asker's clock when it gives one.
    const ans = (ts: number) => sealReply(key, 'r', ts, { status: 200 });
    expect(openReply(ans(NOW - 1001), () => key, NOW, 1000)).toBeNull();
    expect(openReply(ans(NOW + 1001), () => key, NOW, 1000)).toBeNull();
    expect(openReply(ans(NOW + 1000), () => key, NOW, 1000)).not.toBeNull();
    // Device events: skew and replay.
    const events = new ReplayGuard(1000);
    const ev = sealEvent(key, NOW, Buffer.from('{"kind":"x"}'));
    expect(openSigned(ev, key, NOW + 1001, 1000, events)).toBeNull();
    expect(openSigned(ev, key, NOW, 1000, events)?.toString()).toBe('{"kind":"x"}');
    expect(openSigned(ev, key, NOW, 1000, events)).toBeNull(); // the same event again
  });

  it('message kinds do not cross: an answer or a request (same key) is no event, an event no answer or request', () => {
    const body = Buffer.from('{"kind":"alarm"}');
    const answer = sealReply(key, 'r1', NOW, { status: 200 }, body);
    const request = sealRequest(key, 'sk/n/a/res', NOW, { op: 'isapi' }, body).payload;
    const event = sealEvent(key, NOW, body);
    expect(openSigned(answer, key, NOW)).toBeNull();
    expect(openSigned(request, key, NOW)).toBeNull();
    expect(openSigned(event, key, NOW)).toEqual(body);
    const id = readEnvelopeHeader(event).id;
    expect(openReply(event, (i) => (i === id ? key : undefined), NOW)).toBeNull();
    expect(openRequest(event, key, NOW)).toBeNull();
    expect(openRequest(answer, key, NOW)).toBeNull();
  });

  it('an opener never throws anything but EnvelopeError, on arbitrary bytes or on a mutated envelope', () => {
    const sealed = sealEnvelope(key, { t: 'res', id: 'p', ts: NOW, status: 200 }, Buffer.from('body'));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (bytes, at, patch) => {
        for (const b of [Buffer.from(bytes), Buffer.concat([Buffer.from([0x53, 0x02]), Buffer.from(bytes)])]) {
          expect(() => openEnvelope(key, b)).toThrow(EnvelopeError);
        }
        const m = Buffer.from(sealed);
        Buffer.from(patch).copy(m, at % m.length);
        if (!m.equals(sealed)) expect(() => openEnvelope(key, m)).toThrow(EnvelopeError);
      }),
      { numRuns: 300 },
    );
  });

  it('fixed vector: matches an independent AES-GCM + HKDF (WebCrypto) and a stored vector', async () => {
    const partyKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const iv = Buffer.from(Array.from({ length: 12 }, (_, i) => 0xa0 + i));
    const header: RequestHeader = {
      t: 'req', id: 'vec-1', ts: 1_700_000_000_000, replyTo: 'sk/n/node-1/res', op: 'isapi', method: 'PUT', path: PATH, headers: { Authorization: 'Digest username="admin"' },
    };
    const body = Buffer.from(`<User><password>${PASSWORD}</password></User>`);
    const sealed = sealEnvelope(partyKey, header, body, iv);

    // Independent: WebCrypto's HKDF and AES-GCM over the format as documented in decision 0002.
    const { subtle } = webcrypto;
    const readable = Buffer.from(JSON.stringify({ t: 'req', id: 'vec-1', ts: 1_700_000_000_000, replyTo: 'sk/n/node-1/res' }));
    const secret = Buffer.from(JSON.stringify({ op: 'isapi', method: 'PUT', path: PATH, headers: { Authorization: 'Digest username="admin"' } }));
    const pre = Buffer.from([0x53, 0x02, 0, 0, 0, 0]);
    pre.writeUInt32BE(readable.length, 2);
    const aad = Buffer.concat([pre, readable]);
    const secretLen = Buffer.alloc(4);
    secretLen.writeUInt32BE(secret.length);
    const ikm = await subtle.importKey('raw', partyKey, 'HKDF', false, ['deriveKey']);
    const aes = await subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: Buffer.from(TUNNEL_KEY_INFO) }, ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt'],
    );
    const ct = Buffer.from(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, aes, Buffer.concat([secretLen, secret, body])));
    expect(sealed.toString('hex')).toBe(Buffer.concat([aad, iv, ct]).toString('hex'));

    // Stored (computed once with the WebCrypto code above, run standalone): pins the wire format.
    expect(sealed.toString('hex')).toBe(
      '5302000000477b2274223a22726571222c226964223a227665632d31222c227473223a313730303030303030303030302c227265706c79546f223a22736b2f6e2f6e6f64652d312f726573227d'
      + 'a0a1a2a3a4a5a6a7a8a9aaab'
      + 'ec9d7ca970a83bf65ac61f473963286102706780fe30113a2ad79aed771c74b8e4a24bc32d03e2f0e0d9a12bbbdbbfd854c644f1add4d931a0e204c57dd9e4785679613d67c24c3721384bf3e8dfdce6d9d56d7032f602870db70a622fad400b5ea92c8ef888c1bf76a58e0400477d184d3c32d5a88614d362bd50a308a197fd3b0a03b5bff81c7d6cbda08dff0739426a10eb50de3fb6ad85e2c914e309a0dfa2afa9f3c2937a9bd1648080552d488e8f5ba904d9ed8583c5',
    );
    expect(openEnvelope(partyKey, sealed)).toEqual({ header, body });
    expect(() => sealEnvelope(partyKey, header, body, Buffer.alloc(8))).toThrow(/96 bits/);
  });

  it('round trip of arbitrary headers and bodies; arbitrary bytes and mutations never throw from the openers', () => {
    fc.assert(
      fc.property(
        fc.record({ method: fc.string(), path: fc.string(), headers: fc.dictionary(fc.string(), fc.string()) }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (fields, bytes, at, x) => {
          const { id, payload } = sealRequest(key, 'sk/n/a/res', NOW, { op: 'isapi', ...fields }, Buffer.from(bytes));
          const opened = openRequest(payload, key, NOW);
          expect(opened?.header).toEqual({ t: 'req', id, replyTo: 'sk/n/a/res', ts: NOW, op: 'isapi', ...fields });
          expect(opened?.body).toEqual(Buffer.from(bytes));
          const t = Buffer.from(payload);
          const i = at % t.length;
          t[i] = t[i]! ^ (x || 1);
          expect(openRequest(t, key, NOW)).toBeNull();
          expect(openRequest(Buffer.from(bytes), key, NOW)).toBeNull();
          expect(openReply(Buffer.from(bytes), () => key, NOW)).toBeNull();
          expect(openSigned(Buffer.from(bytes), key, NOW)).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('site agent enrolment crypto', () => {
  it('the agent id follows from the token and is a safe topic id; the enrolment key is not the token', () => {
    const token = 'ska_abc';
    expect(agentIdForToken(token)).toMatch(/^ag-[0-9a-f]{16}$/);
    expect(isSafeTopicId(agentIdForToken(token))).toBe(true);
    expect(agentEnrolKey(token).toString('utf8')).not.toContain(token);
    expect(agentEnrolKey(token)).toHaveLength(32);
  });

  it('both sides derive the same wrap key; the issued key opens only with it', () => {
    const enrolKey = agentEnrolKey('ska_token');
    const agent = newExchangeKey();
    const hub = newExchangeKey();
    const a = enrolWrapKey(agent.privateKey, hub.pub, enrolKey)!;
    const h = enrolWrapKey(hub.privateKey, agent.pub, enrolKey)!;
    expect(a.equals(h)).toBe(true);
    const key = Buffer.alloc(32, 5);
    const sealed = sealKey(h, key);
    expect(unsealKey(a, sealed)?.equals(key)).toBe(true);
    // Whoever holds only the enrolment key (the database) cannot open it.
    expect(unsealKey(enrolKey, sealed)).toBeNull();
    // Another token's enrolment key gives another wrap key.
    expect(enrolWrapKey(agent.privateKey, hub.pub, agentEnrolKey('ska_other'))!.equals(a)).toBe(false);
  });

  it('a malformed public key gives null, never a throw', () => {
    const me = newExchangeKey();
    fc.assert(fc.property(fc.string(), (pub) => {
      const r = enrolWrapKey(me.privateKey, pub, Buffer.alloc(32));
      expect(r === null || r.length === 32).toBe(true);
    }));
    expect(enrolWrapKey(me.privateKey, 'A'.repeat(43), Buffer.alloc(32))).toBeNull();
  });

  it('proofs bind every field', () => {
    const key = Buffer.alloc(32, 1);
    const h = { agentId: 'ag-1', ts: 1, nonce: 'n', version: '1', enrol: true, enrolPub: 'p' };
    const base = agentHelloProof(key, h);
    expect(agentHelloProof(key, { ...h, enrolPub: 'q' })).not.toBe(base);
    expect(agentHelloProof(key, { ...h, enrol: false })).not.toBe(base);
    expect(agentHelloProof(Buffer.alloc(32, 2), h)).not.toBe(base);
    const ack = { ok: true, nonce: 'n', issued: { pub: 'p', sealed: 's' } };
    expect(agentAckProof(key, 'ag-1', ack)).not.toBe(agentAckProof(key, 'ag-1', { ...ack, issued: { pub: 'x', sealed: 's' } }));
    expect(agentConnectProof(key, 'ag-1')).not.toBe(agentConnectProof(key, 'ag-2'));
  });
});
