/**
 * Activation, answered without authentication: `GET /SDK/activateStatus`, the RSA challenge
 * (`POST /ISAPI/Security/challenge`, only while not activated) and `PUT /ISAPI/System/activate`
 * with the admin password encrypted with the challenge's key.
 */
import { decryptActivationPassword, encryptChallenge, generateChallengeRandom } from '../../protocol/isapi/activation-crypto';
import { activateStatusXml, challengeXml, parseActivateInfo, parseKeyDocument } from '../../protocol/isapi/models';
import { adminLevel } from '../state';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { refusePassword } from './users';

const CHALLENGE_TTL_MS = 60_000;

export class Activation {
  private challenge: { random: string; expires: number } | undefined;

  constructor(private readonly d: DeviceCore) {}

  /** Forgets the challenge (a reboot or a factory reset). */
  reset(): void {
    this.challenge = undefined;
  }

  /** The answer to an activation request, or undefined for any other request. */
  openEndpoint(c: IsapiContext): IsapiResponse | undefined {
    if (c.method === 'GET' && c.path === '/sdk/activatestatus') return this.d.xml(200, activateStatusXml(this.d.state.activated, this.d.ns));
    if (c.method === 'POST' && c.path === '/isapi/security/challenge' && !this.d.state.activated) return this.handleChallenge(c);
    if (c.method === 'PUT' && c.path === '/isapi/system/activate') return this.handleActivate(c);
    return undefined;
  }

  private handleChallenge(c: IsapiContext): IsapiResponse {
    let key: string;
    try {
      key = parseKeyDocument(c.req.body);
    } catch {
      return this.d.rs(c, 'badXmlContent');
    }
    const random = generateChallengeRandom();
    let answer: string;
    try {
      answer = encryptChallenge(key, random);
    } catch {
      return this.d.rs(c, 'badXmlContent', { description: 'The public key is not an RSA-1024 modulus.' });
    }
    this.challenge = { random, expires: this.d.clock() + CHALLENGE_TTL_MS };
    return this.d.xml(200, challengeXml(answer, this.d.ns));
  }

  private handleActivate(c: IsapiContext): IsapiResponse {
    const d = this.d;
    if (d.state.activated) return d.rs(c, 'hasActivated');
    const ch = this.challenge;
    if (!ch || ch.expires < d.clock()) return d.rs(c, 'invalidOperation', { description: 'Request a challenge first (POST /ISAPI/Security/challenge).' });
    let password: string;
    try {
      password = decryptActivationPassword(ch.random, parseActivateInfo(c.req.body));
    } catch {
      return d.rs(c, 'badXmlContent', { description: 'The password could not be decrypted with the current challenge.' });
    }
    const refused = refusePassword(d, c, password, 'admin');
    if (refused) return refused;
    this.challenge = undefined;
    d.state.activated = true;
    d.state.users = [{ id: 1, userName: 'admin', password, userLevel: adminLevel(d.type) }];
    d.guard.reset();
    d.emitStatus('activated');
    d.changed();
    return d.ok(c);
  }
}
