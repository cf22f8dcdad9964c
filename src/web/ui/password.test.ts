import { describe, expect, it } from 'vitest';
import { accountPasswordCheck, accountPasswordRules, devicePasswordRules, passwordStrength, verificationCodeRules } from './password';

const failed = (rules: { id: string; ok: boolean }[]) => rules.filter((r) => !r.ok).map((r) => r.id);

describe('device password rules', () => {
  it('flags each broken rule', () => {
    expect(failed(devicePasswordRules('short'))).toEqual(['length', 'kinds']);
    expect(failed(devicePasswordRules('admin12345'))).toEqual(['user']);
    expect(failed(devicePasswordRules('nimda12345'))).toEqual(['user']);
    expect(failed(devicePasswordRules('has space 12'))).toEqual(['printable']);
    expect(failed(devicePasswordRules('abcdefghijklmnopq1'))).toEqual(['length']);
    expect(failed(devicePasswordRules('Ladder2024'))).toEqual([]);
  });

  it('grades strength like the device', () => {
    expect(passwordStrength('')).toBe('empty');
    expect(passwordStrength('admin123')).toBe('risky');
    expect(passwordStrength('abcd1234')).toBe('weak');
    expect(passwordStrength('Abcd1234')).toBe('medium');
    expect(passwordStrength('Abcd1234!x')).toBe('strong');
  });
});

describe('verification code and account rules', () => {
  it('checks verification codes', () => {
    expect(failed(verificationCodeRules('ABCDEF'))).toEqual([]);
    expect(failed(verificationCodeRules('ABC'))).toEqual(['length']);
    expect(failed(verificationCodeRules('ABC-DEF'))).toEqual(['charset']);
  });

  it('checks account passwords', () => {
    expect(failed(accountPasswordRules('short1'))).toEqual(['length', 'guessable']);
    expect(failed(accountPasswordRules('onlylowercaseletters'))).toEqual(['kinds']);
    expect(failed(accountPasswordRules('Installer-2026'))).toEqual([]);
    expect(failed(accountPasswordRules('Installer-2026', 'installer@example.test'))).toEqual(['email', 'guessable']);
    expect(failed(accountPasswordRules('Ladder-2026', 'installer@example.test'))).toEqual([]);
  });

  it.each([
    ['aaaaaaaaa1', /Repeated characters/],
    ['Password12', /commonly used password/],
    ['1234567890!', /similar to a commonly used/],
  ])('refuses the common or guessable %s and says why, as the server does', (weak, why) => {
    const check = accountPasswordCheck(weak);
    expect(check.ok).toBe(false);
    expect(failed(check.rules)).toEqual(['guessable']);
    expect(check.strength).toBe('weak');
    expect(check.reason).toMatch(why);
    expect(check.rules.find((r) => r.id === 'guessable')?.label).toMatch(why);
  });

  it('grades account passwords: empty, risky (breaks a rule), medium, strong', () => {
    expect(accountPasswordCheck('')).toMatchObject({ strength: 'empty', ok: false, reason: null });
    expect(accountPasswordCheck('short1').strength).toBe('risky');
    expect(accountPasswordCheck('Installer-2026')).toMatchObject({ strength: 'medium', ok: true, reason: null });
    expect(accountPasswordCheck('Corr3ct-Horse-Battery')).toMatchObject({ strength: 'strong', ok: true });
  });
});
