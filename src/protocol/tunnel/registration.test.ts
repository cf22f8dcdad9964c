import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  boundTranscript, codeKey, codeProof, codeProofMatches, ephemeralFor, isPublicKey, newEphemeral, openStep, parseSessionMessage, sealStep, sessionKey,
  transcriptHash, type Transcript,
} from './registration';

const SERIAL = 'DS-2CD2143G2-I20240101AAWR000000001';

function agree(rid = 'rid-00000001') {
  const device = newEphemeral();
  const gateway = newEphemeral();
  const t: Transcript = { serial: SERIAL, rid, devicePub: device.pub, gatewayPub: gateway.pub };
  return { device, gateway, t, dk: sessionKey(device.privateKey, gateway.pub, t), gk: sessionKey(gateway.privateKey, device.pub, t) };
}

describe('registration key agreement', () => {
  it('both ends derive the same 32-byte session key; another session gets another key', () => {
    const a = agree();
    expect(a.dk).toHaveLength(32);
    expect(a.dk!.equals(a.gk!)).toBe(true);
    const b = agree();
    expect(b.dk!.equals(a.dk!)).toBe(false);
  });

  it('binds the key to the transcript: a different serial or registration id gives a different key', () => {
    const a = agree();
    expect(sessionKey(a.device.privateKey, a.gateway.pub, { ...a.t, serial: 'OTHER0001' })!.equals(a.dk!)).toBe(false);
    expect(sessionKey(a.device.privateKey, a.gateway.pub, { ...a.t, rid: 'rid-00000002' })!.equals(a.dk!)).toBe(false);
  });

  it('refuses malformed and low-order public keys', () => {
    const a = agree();
    expect(sessionKey(a.device.privateKey, 'not a key', a.t)).toBeNull();
    expect(sessionKey(a.device.privateKey, Buffer.alloc(32).toString('base64url'), a.t)).toBeNull();
    expect(isPublicKey(a.device.pub)).toBe(true);
    expect(isPublicKey(Buffer.alloc(31).toString('base64url'))).toBe(false);
    expect(isPublicKey(42)).toBe(false);
  });

  it('public keys are raw 32 bytes, base64url', () => {
    expect(Buffer.from(newEphemeral().pub, 'base64url')).toHaveLength(32);
  });
});

describe('session boxes', () => {
  it('round-trip under the session key, and only in their own serial, session and step', () => {
    const { dk, gk } = agree();
    const box = sealStep(gk!, SERIAL, 'rid-00000001', 'challenge', { challenge: 'abc' });
    expect(openStep(dk!, SERIAL, 'rid-00000001', 'challenge', box)).toEqual({ challenge: 'abc' });
    expect(openStep(dk!, SERIAL, 'rid-00000001', 'proof', box)).toBeNull();
    expect(openStep(dk!, SERIAL, 'rid-00000002', 'challenge', box)).toBeNull();
    expect(openStep(dk!, 'OTHER0001', 'rid-00000001', 'challenge', box)).toBeNull();
    expect(openStep(agree().dk!, SERIAL, 'rid-00000001', 'challenge', box)).toBeNull();
  });

  it('opening never throws, whatever arrives', () => {
    const { dk } = agree();
    fc.assert(fc.property(fc.anything(), (box) => {
      expect(openStep(dk!, SERIAL, 'rid-00000001', 'key', box)).toBeNull();
    }));
    fc.assert(fc.property(fc.anything(), (m) => {
      parseSessionMessage(m);
    }));
  });

  it('parses only well-formed session messages', () => {
    expect(parseSessionMessage({ t: 'proof', rid: 'rid-00000001', box: 'x' })).toEqual({ t: 'proof', rid: 'rid-00000001', box: 'x' });
    expect(parseSessionMessage({ t: 'challenge', rid: 'rid-00000001', box: 'x', bound: true })).toMatchObject({ bound: true });
    expect(parseSessionMessage({ t: 'hello', rid: 'rid-00000001', box: 'x' })).toBeNull();
    expect(parseSessionMessage({ t: 'proof', rid: 'a/b', box: 'x' })).toBeNull();
    expect(parseSessionMessage({ t: 'proof', rid: 'rid-00000001' })).toBeNull();
  });
});

describe('proof of the code', () => {
  it('matches only the right code, for this challenge and this transcript', () => {
    const { t } = agree();
    const th = transcriptHash(t);
    const proof = codeProof(codeKey(SERIAL, 'ABCDEF'), 'challenge-1', th);
    expect(codeProofMatches(SERIAL, 'ABCDEF', 'challenge-1', th, proof)).toBe(true);
    expect(codeProofMatches(SERIAL, ' ABCDEF ', 'challenge-1', th, proof)).toBe(true);
    expect(codeProofMatches(SERIAL, 'ABCDEG', 'challenge-1', th, proof)).toBe(false);
    expect(codeProofMatches(SERIAL, 'ABCDEF', 'challenge-2', th, proof)).toBe(false);
    expect(codeProofMatches(SERIAL, 'ABCDEF', 'challenge-1', transcriptHash({ ...t, rid: 'rid-00000009' }), proof)).toBe(false);
    expect(codeProofMatches(SERIAL, 'ABCDEF', 'challenge-1', boundTranscript(SERIAL, t.rid), proof)).toBe(false);
    expect(codeProofMatches(SERIAL, 'ABCDEF', 'challenge-1', th, 42)).toBe(false);
  });
});

describe('the nodes\' shared registration key (ephemeralFor)', () => {
  it('every node with the secret answers one hello with the same key and session; another hello, secret or device key gives another', () => {
    const secret = Buffer.alloc(32, 7);
    const device = newEphemeral();
    const a = ephemeralFor(secret, SERIAL, 'rid-00000001', device.pub);
    const b = ephemeralFor(Buffer.from(secret), SERIAL, 'rid-00000001', device.pub);
    expect(isPublicKey(a.pub)).toBe(true);
    expect(b.pub).toBe(a.pub);
    const t: Transcript = { serial: SERIAL, rid: 'rid-00000001', devicePub: device.pub, gatewayPub: a.pub };
    const dk = sessionKey(device.privateKey, a.pub, t);
    expect(dk).not.toBeNull();
    expect(sessionKey(a.privateKey, device.pub, t)?.equals(dk!)).toBe(true);
    expect(sessionKey(b.privateKey, device.pub, t)?.equals(dk!)).toBe(true);
    const others = [
      ephemeralFor(secret, SERIAL, 'rid-00000002', device.pub),
      ephemeralFor(Buffer.alloc(32, 8), SERIAL, 'rid-00000001', device.pub),
      ephemeralFor(secret, SERIAL, 'rid-00000001', newEphemeral().pub),
      ephemeralFor(secret, `${SERIAL}X`, 'rid-00000001', device.pub),
    ];
    expect(new Set([a.pub, ...others.map((o) => o.pub)]).size).toBe(5);
  });
});
