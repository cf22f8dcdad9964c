/**
 * Device password policy (as Hikvision devices enforce it on activation and user changes) and
 * the strength levels the device and the platform show. Pure.
 *
 * Rules: 8–16 printable ASCII characters, at least two kinds among digits / lower / upper /
 * special, and not the user name, its reverse, or containing the user name.
 * Levels: risky (rejected); weak (digits + one letter case only); medium (lower + upper, or any
 * kind + special); strong (three or more kinds).
 */
export type PasswordStrength = 'risky' | 'weak' | 'medium' | 'strong';

/** Why a password is refused, as the device's subStatusCode family names it. */
export type PasswordProblem = 'passwordMustContainMorethan8Characters' | 'passwordLenNoMoreThan16' | 'userPwdNameSame' | 'userPwdNameMirror' | 'riskPassword';

/** The rule a refused password breaks, named as the web app's rule list names them. */
export type PasswordRule = 'length' | 'printable' | 'user' | 'kinds';

export interface PasswordCheck {
  ok: boolean;
  strength: PasswordStrength;
  problem?: PasswordProblem;
  rule?: PasswordRule;
  /** Human explanation of the problem (English, for logs and the emulator's `description`). */
  reason?: string;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 16;

function kinds(pw: string): { digit: boolean; lower: boolean; upper: boolean; special: boolean; count: number } {
  const digit = /[0-9]/.test(pw);
  const lower = /[a-z]/.test(pw);
  const upper = /[A-Z]/.test(pw);
  const special = /[^0-9a-zA-Z]/.test(pw);
  return { digit, lower, upper, special, count: [digit, lower, upper, special].filter(Boolean).length };
}

export function checkPassword(password: string, userName?: string): PasswordCheck {
  const risky = (problem: PasswordProblem, rule: PasswordRule, reason: string): PasswordCheck => ({ ok: false, strength: 'risky', problem, rule, reason });
  if (password.length < PASSWORD_MIN_LENGTH) return risky('passwordMustContainMorethan8Characters', 'length', `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (password.length > PASSWORD_MAX_LENGTH) return risky('passwordLenNoMoreThan16', 'length', `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`);
  if (!/^[\x21-\x7e]+$/.test(password)) return risky('riskPassword', 'printable', 'The password may only contain printable ASCII characters without spaces.');
  if (userName) {
    const u = userName.toLowerCase();
    const p = password.toLowerCase();
    if (p === u || p.includes(u)) return risky('userPwdNameSame', 'user', 'The password must not contain the user name.');
    if (p === [...u].reverse().join('') || p.includes([...u].reverse().join(''))) return risky('userPwdNameMirror', 'user', 'The password must not contain the user name reversed.');
  }
  const k = kinds(password);
  if (k.count < 2) return risky('riskPassword', 'kinds', 'The password must mix at least two kinds of characters: digits, lower case, upper case, special characters.');
  if (k.count >= 3) return { ok: true, strength: 'strong' };
  if ((k.lower && k.upper) || k.special) return { ok: true, strength: 'medium' };
  return { ok: true, strength: 'weak' };
}

export function passwordStrength(password: string, userName?: string): PasswordStrength {
  return checkPassword(password, userName).strength;
}
