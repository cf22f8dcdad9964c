/**
 * AX Pro session login (as the panels and open-source clients do it):
 *   GET  /ISAPI/Security/sessionLogin/capabilities?username=U → SessionLoginCap
 *        (sessionID, challenge, iterations, isIrreversible, salt, salt2)
 *   POST /ISAPI/Security/sessionLogin?timeStamp=T  <SessionLogin><sessionID/><password>HASH</password>
 *        <userName/><sessionIDVersion>2.1</sessionIDVersion></SessionLogin>  → Set-Cookie session
 * HASH (isIrreversible): h = sha256(U+salt+pw); h = sha256(U+salt2+h); h = sha256(h+challenge);
 * then h = sha256(h) (iterations − 2) more times. Lower-case hex throughout. Pure.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import { buildXml, HIKVISION_NS, parseXml, xmlBool, xmlInt, xmlText } from './xml';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export interface SessionLoginCap {
  sessionID: string;
  challenge: string;
  iterations: number;
  isIrreversible: boolean;
  salt: string;
  salt2: string;
  sessionIDVersion?: string;
}

export function sessionLoginHash(p: { userName: string; password: string; salt: string; salt2: string; challenge: string; iterations: number; isIrreversible?: boolean }): string {
  let h: string;
  if (p.isIrreversible ?? true) {
    h = sha256(p.userName + p.salt + p.password);
    h = sha256(p.userName + p.salt2 + h);
    h = sha256(h + p.challenge);
  } else {
    h = sha256(p.password) + p.challenge;
    h = sha256(h);
  }
  for (let i = 2; i < p.iterations; i++) h = sha256(h);
  return h;
}

export function sessionLoginCapXml(c: SessionLoginCap): string {
  return buildXml(
    'SessionLoginCap',
    {
      sessionID: c.sessionID,
      challenge: c.challenge,
      iterations: c.iterations,
      isSupportRTSPWithSession: true,
      isIrreversible: c.isIrreversible,
      sessionIDVersion: c.sessionIDVersion ?? '2.1',
      salt: c.salt,
      salt2: c.salt2,
    },
    { ns: HIKVISION_NS, declaration: false },
  );
}

export function parseSessionLoginCap(body: string | Buffer): SessionLoginCap {
  const { root, doc } = parseXml(body);
  if (root !== 'SessionLoginCap') throw new AppError('VALIDATION_FAILED', `Expected <SessionLoginCap> but got <${root}>.`);
  const sessionID = xmlText(doc, 'sessionID');
  const challenge = xmlText(doc, 'challenge');
  if (!sessionID || !challenge) throw new AppError('VALIDATION_FAILED', 'SessionLoginCap without sessionID or challenge.');
  const cap: SessionLoginCap = {
    sessionID,
    challenge,
    iterations: xmlInt(doc, 'iterations') ?? 100,
    isIrreversible: xmlBool(doc, 'isIrreversible') ?? false,
    salt: xmlText(doc, 'salt') ?? '',
    salt2: xmlText(doc, 'salt2') ?? '',
  };
  const v = xmlText(doc, 'sessionIDVersion');
  if (v !== undefined) cap.sessionIDVersion = v;
  return cap;
}

/** The POST body, without namespace, as the open-source clients send it. */
export function sessionLoginXml(p: { sessionID: string; password: string; userName: string; sessionIDVersion?: string }): string {
  return buildXml('SessionLogin', { sessionID: p.sessionID, password: p.password, userName: p.userName, sessionIDVersion: p.sessionIDVersion ?? '2.1' }, { ns: null, version: null, declaration: false, eol: '' });
}

export function parseSessionLogin(body: string | Buffer): { sessionID: string; password: string; userName: string } {
  const { root, doc } = parseXml(body);
  if (root !== 'SessionLogin') throw new AppError('VALIDATION_FAILED', `Expected <SessionLogin> but got <${root}>.`);
  return { sessionID: xmlText(doc, 'sessionID') ?? '', password: xmlText(doc, 'password') ?? '', userName: xmlText(doc, 'userName') ?? '' };
}
