import { describe, expect, it } from 'vitest';
import { askAnswers, type Prompts } from './answers';
import type { Candidate } from '../api/onboarding';

/** Answers questions from a script, recording what was asked and how (secret or echoed). */
function scripted(replies: string[]): Prompts & { asked: string[] } {
  const asked: string[] = [];
  const next = (kind: string) => async (q: string) => {
    asked.push(`${kind}: ${q}`);
    const r = replies.shift();
    if (r === undefined) throw new Error(`unexpected question ${q}`);
    return r;
  };
  return { asked, secret: next('secret'), line: next('line') };
}
const needs = (...a: Array<Candidate['nextAction']>) => new Set(a);

describe('askAnswers', () => {
  it('asks nothing the flags gave or the devices do not need', async () => {
    const ask = scripted([]);
    expect(await askAnswers(needs('add', 'activate'), { adminPassword: 'given' }, ask)).toEqual({ adminPassword: 'given', verificationCode: undefined, devicePassword: undefined });
    expect(ask.asked).toEqual([]);
  });
  it('activation asks a new admin password twice, without echo; a mismatch stops', async () => {
    const ask = scripted(['Secret1!', 'Secret1!']);
    expect((await askAnswers(needs('activate'), {}, ask)).adminPassword).toBe('Secret1!');
    expect(ask.asked.every((q) => q.startsWith('secret:'))).toBe(true);
    await expect(askAnswers(needs('activate'), {}, scripted(['a', 'b']))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: 'The two passwords differ.' });
  });
  it('enabling the cloud asks a code to choose (echoed) and the device password (secret)', async () => {
    const ask = scripted(['ABC123', 'devpass']);
    expect(await askAnswers(needs('enable_cloud'), {}, ask)).toEqual({ verificationCode: 'ABC123', devicePassword: 'devpass', adminPassword: undefined });
    expect(ask.asked).toEqual(['line: Choose a verification code for the cloud service (6–12 letters or digits): ', 'secret: Device admin password: ']);
  });
  it('the label code is asked once even when another device also enables the cloud', async () => {
    const ask = scripted(['ABCDEF', 'pw']);
    expect(await askAnswers(needs('enter_verification_code', 'enable_cloud'), {}, ask)).toMatchObject({ verificationCode: 'ABCDEF', devicePassword: 'pw' });
    expect(ask.asked[0]).toBe('line: Verification code (on the device label): ');
    expect(ask.asked).toHaveLength(2);
  });
});
