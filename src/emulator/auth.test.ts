import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type VirtualDevice } from './index';
import { DigestClient, digestHeader, parseChallenge, rawRequest } from './testing';
import { parseUserCheck } from '../protocol/isapi/models';
import { parseResponseStatus } from '../protocol/isapi/response-status';
import { generateActivationKeyPair, decryptChallenge, encryptActivationPassword } from '../protocol/isapi/activation-crypto';
import { activateInfoXml, publicKeyXml, parseKeyDocument, parseActivateStatus } from '../protocol/isapi/models';

let now = 1_700_000_000_000;
const clock = (): number => now;

describe('digest authentication and lockout (over sockets)', () => {
  let cam: VirtualDevice;
  let base: string;
  beforeAll(async () => {
    cam = createDevice({ type: 'camera', adminPassword: 'Abcd1234!' }, { clock, nonceTtlMs: 60_000, maxFailedLogins: 3, lockMs: 600_000 });
    await cam.attachLan('127.0.0.1', 0);
    base = `http://127.0.0.1:${cam.httpPort}`;
  });
  afterAll(() => cam.close());

  it('challenges like the real camera: 401, HTML body, Digest qop="auth" with a realm and stale="FALSE"', async () => {
    const r = await rawRequest(`${base}/ISAPI/System/deviceInfo`);
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('text/html');
    expect(r.text).toContain('Access Error: 401 -- Unauthorized');
    expect(r.headers['www-authenticate']).toMatch(/^Digest qop="auth", realm="IP Camera\(\d{5}\)", nonce="[0-9a-f]+", stale="FALSE"$/);
    expect(r.headers.server).toBe('App-webs/');
  });

  it('accepts a correct digest (uri with query string) and refuses Basic', async () => {
    const c = new DigestClient(base, 'admin', 'Abcd1234!');
    const r = await c.get('/ISAPI/System/deviceInfo?x=1');
    expect(r.status).toBe(200);
    expect(r.text).toContain('<DeviceInfo');
    const basic = await rawRequest(`${base}/ISAPI/System/status`, { headers: { authorization: `Basic ${Buffer.from('admin:Abcd1234!').toString('base64')}` } });
    expect(basic.status).toBe(401);
  });

  it('answers stale=TRUE for an expired nonce with a correct response, without counting a failure', async () => {
    const first = await rawRequest(`${base}/ISAPI/System/status`);
    const ch = parseChallenge(first.headers['www-authenticate'] ?? '');
    now += 61_000;
    const auth = digestHeader({ user: 'admin', password: 'Abcd1234!', method: 'GET', uri: '/ISAPI/System/status', realm: ch.realm ?? '', nonce: ch.nonce ?? '' });
    const r = await rawRequest(`${base}/ISAPI/System/status`, { headers: { authorization: auth } });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toContain('stale="TRUE"');
    expect(cam.guard.attemptsLeft('admin')).toBe(3);
    // The client library retries with the fresh nonce and gets through.
    expect((await new DigestClient(base, 'admin', 'Abcd1234!').get('/ISAPI/System/status')).status).toBe(200);
  });

  it('counts failed logins (retryLoginTime), locks with unlockTime, and unlocks after the lock time', async () => {
    const bad = new DigestClient(base, 'admin', 'wrong-pass1');
    const r1 = await bad.get('/ISAPI/System/deviceInfo');
    expect(r1.status).toBe(401);
    expect(parseUserCheck(r1.body)).toMatchObject({ lockStatus: 'unlock', retryLoginTime: 2 });
    await bad.get('/ISAPI/System/deviceInfo');
    const r3 = await bad.get('/ISAPI/System/deviceInfo');
    expect(parseUserCheck(r3.body)).toMatchObject({ lockStatus: 'lock', unlockTime: 600, retryLoginTime: 0 });
    // Even the right password is refused while locked.
    const good = new DigestClient(base, 'admin', 'Abcd1234!');
    const locked = await good.get('/ISAPI/System/deviceInfo');
    expect(locked.status).toBe(401);
    expect(parseUserCheck(locked.body)?.lockStatus).toBe('lock');
    now += 601_000;
    expect((await new DigestClient(base, 'admin', 'Abcd1234!').get('/ISAPI/System/deviceInfo')).status).toBe(200);
  });

  it('answers unknown paths like the real devices (404 + ResponseStatus)', async () => {
    const r = await new DigestClient(base, 'admin', 'Abcd1234!').get('/ISAPI/Nope');
    expect(r.status).toBe(404);
    expect(parseResponseStatus(r.body)?.statusCode).toBe(4);
  });

  it('skips digest for requests through the device cloud', async () => {
    const r = await cam.handleIsapi({ method: 'GET', path: '/ISAPI/System/deviceInfo', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
    expect(r.status).toBe(200);
  });
});

describe('activation (RSA challenge + AES password) over sockets', () => {
  let dev: VirtualDevice;
  let base: string;
  beforeAll(async () => {
    dev = createDevice({ type: 'nvr', activated: false });
    await dev.attachLan('127.0.0.1', 0);
    base = `http://127.0.0.1:${dev.httpPort}`;
  });
  afterAll(() => dev.close());

  async function activate(password: string) {
    const pair = generateActivationKeyPair();
    const ch = await rawRequest(`${base}/ISAPI/Security/challenge`, { method: 'POST', body: publicKeyXml(pair.challengeKey) });
    expect(ch.status).toBe(200);
    const random = decryptChallenge(pair.privateKey, parseKeyDocument(ch.body));
    return rawRequest(`${base}/ISAPI/System/activate`, { method: 'PUT', body: activateInfoXml(encryptActivationPassword(random, password)) });
  }

  it('a factory-new device says so without authentication and refuses everything else with notActivated', async () => {
    const st = await rawRequest(`${base}/SDK/activateStatus`);
    expect(parseActivateStatus(st.body)).toBe(false);
    const info = await rawRequest(`${base}/ISAPI/System/deviceInfo`);
    expect(parseResponseStatus(info.body)).toMatchObject({ statusCode: 4, subStatusCode: 'notActivated' });
    const cloud = await dev.handleIsapi({ method: 'GET', path: '/ISAPI/System/deviceInfo', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
    expect(parseResponseStatus(cloud.body)?.subStatusCode).toBe('notActivated');
  });

  it('refuses a risky password with riskPassword', async () => {
    const r = await activate('12345678');
    expect(r.status).toBe(400);
    expect(parseResponseStatus(r.body)).toMatchObject({ statusCode: 6, subStatusCode: 'riskPassword' });
    expect(dev.activated).toBe(false);
  });

  it('activates with a good password, which then works for digest; a second activation is refused', async () => {
    const r = await activate('Install3r!');
    expect(r.status).toBe(200);
    expect(parseResponseStatus(r.body)).toMatchObject({ statusCode: 1, subStatusCode: 'ok' });
    expect(parseActivateStatus((await rawRequest(`${base}/SDK/activateStatus`)).body)).toBe(true);
    expect((await new DigestClient(base, 'admin', 'Install3r!').get('/ISAPI/System/deviceInfo')).status).toBe(200);
    const again = await rawRequest(`${base}/ISAPI/System/activate`, { method: 'PUT', body: activateInfoXml('AAAA') });
    expect(parseResponseStatus(again.body)?.subStatusCode).toBe('hasActivated');
  });
});
