/**
 * Rules shown while the installer types a device admin password or a verification code. They
 * mirror what the devices accept (8–16 characters, at least two kinds of character, not the
 * user name); the device has the last word and its refusal is shown as a server error.
 */
import { ACCOUNT_PASSWORD_MIN_SCORE, checkAccountPassword } from '../../protocol/account/password-policy';

export interface Rule {
  id: string;
  label: string;
  ok: boolean;
}

export type Strength = 'empty' | 'risky' | 'weak' | 'medium' | 'strong';

function kinds(password: string): number {
  let n = 0;
  if (/[a-z]/.test(password)) n++;
  if (/[A-Z]/.test(password)) n++;
  if (/[0-9]/.test(password)) n++;
  if (/[^a-zA-Z0-9]/.test(password)) n++;
  return n;
}

export function devicePasswordRules(password: string, userName = 'admin'): Rule[] {
  const lower = password.toLowerCase();
  const user = userName.toLowerCase();
  return [
    { id: 'length', label: '8 to 16 characters', ok: password.length >= 8 && password.length <= 16 },
    { id: 'kinds', label: 'At least two of: lowercase, uppercase, digits, symbols', ok: kinds(password) >= 2 },
    {
      id: 'user',
      label: `Does not contain the user name "${userName}"`,
      ok: password.length > 0 && !lower.includes(user) && !lower.includes([...user].reverse().join('')),
    },
    { id: 'printable', label: 'Printable characters only, no spaces', ok: password.length > 0 && /^[\x21-\x7e]+$/.test(password) },
  ];
}

/** The device's own scale: risky (breaks a rule), weak, medium, strong. */
export function passwordStrength(password: string, userName = 'admin'): Strength {
  if (password.length === 0) return 'empty';
  if (!devicePasswordRules(password, userName).every((r) => r.ok)) return 'risky';
  const k = kinds(password);
  if (k >= 3 && password.length >= 10) return 'strong';
  if (k >= 3) return 'medium';
  return 'weak';
}

export function verificationCodeRules(code: string): Rule[] {
  return [
    { id: 'length', label: '6 to 12 characters', ok: code.length >= 6 && code.length <= 12 },
    { id: 'charset', label: 'Letters and digits only (case-sensitive)', ok: code.length > 0 && /^[a-zA-Z0-9]+$/.test(code) },
  ];
}

/** Platform account passwords (setup, invitation, change): the server's own rule (src/protocol/account). */
export function accountPasswordRules(password: string, email?: string): Rule[] {
  return checkAccountPassword(password, email).rules;
}

/**
 * The meter for an account password, with the reason it is easy to guess: risky when it breaks a
 * basic rule, weak when it is common or guessable, then medium (zxcvbn 3) and strong (4).
 */
export function accountPasswordCheck(password: string, email?: string): { rules: Rule[]; ok: boolean; strength: Strength; reason: string | null } {
  const v = checkAccountPassword(password, email);
  const basic = v.rules.filter((r) => r.id !== 'guessable').every((r) => r.ok);
  const strength: Strength =
    password.length === 0 ? 'empty' : !basic ? 'risky' : v.score < ACCOUNT_PASSWORD_MIN_SCORE ? 'weak' : v.score === ACCOUNT_PASSWORD_MIN_SCORE ? 'medium' : 'strong';
  return { rules: v.rules, ok: v.ok, strength, reason: v.reason };
}
