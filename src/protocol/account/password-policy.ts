/**
 * The rule for Sitekeeper account passwords (setup, invitation accept, password change), shared
 * by the server (which enforces it) and the web app (which shows it while the user types). Pure:
 * the common and breached passwords come from @zxcvbn-ts/language-common's dictionaries, shipped in
 * the package, so nothing is fetched at run time. Device admin passwords have their own policy
 * (../isapi/password-policy.ts).
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

export interface AccountPasswordRule {
  id: 'length' | 'kinds' | 'email' | 'guessable';
  label: string;
  ok: boolean;
}

export interface AccountPasswordVerdict {
  ok: boolean;
  rules: AccountPasswordRule[];
  /** zxcvbn's 0–4 (4: very hard to guess); 0 when not estimated (empty or too long). */
  score: number;
  /** Why the password is easy to guess, in a sentence; null when it is not. */
  reason: string | null;
}

export const ACCOUNT_PASSWORD_MIN_LENGTH = 10;
export const ACCOUNT_PASSWORD_MAX_LENGTH = 128;
/** zxcvbn score 3: about 10^8 guesses or more, out of reach of online guessing and slow for a stolen hash. */
export const ACCOUNT_PASSWORD_MIN_SCORE = 3;

const WARNINGS: Record<string, string> = {
  straightRow: 'Rows of keys on the keyboard are easy to guess.',
  keyPattern: 'Short keyboard patterns are easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "6543" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  topTen: 'This is one of the ten most used passwords.',
  topHundred: 'This is one of the hundred most used passwords.',
  common: 'This is a commonly used password.',
  similarToCommon: 'This is similar to a commonly used password.',
  wordByItself: 'Single words are easy to guess.',
  namesByThemselves: 'Single names or surnames are easy to guess.',
  commonNames: 'Common names and surnames are easy to guess.',
  userInputs: 'It is built from your e-mail address.',
  pwned: 'This password appeared in a data breach.',
};
const FALLBACK_REASON = 'It is too easy to guess: add a word or two that are not common.';

let estimator: ZxcvbnFactory | undefined;
/** Built on first use: unpacking the dictionaries takes a moment that a page or a server start need not pay. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
  return estimator;
}

function kinds(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
}

/** Checks a new account password; `email` (the account's) must not be in it. */
export function checkAccountPassword(password: string, email?: string): AccountPasswordVerdict {
  const local = email?.split('@')[0]?.toLowerCase() ?? '';
  const lengthOk = password.length >= ACCOUNT_PASSWORD_MIN_LENGTH && password.length <= ACCOUNT_PASSWORD_MAX_LENGTH;
  let score = 0;
  let reason: string | null = null;
  if (password.length > 0 && password.length <= ACCOUNT_PASSWORD_MAX_LENGTH) {
    const r = zxcvbn().check(password, email ? [email, local] : []);
    score = r.score;
    if (score < ACCOUNT_PASSWORD_MIN_SCORE) reason = (r.feedback.warning && WARNINGS[r.feedback.warning]) ?? FALLBACK_REASON;
  }
  const guessableOk = password.length > 0 && score >= ACCOUNT_PASSWORD_MIN_SCORE;
  const rules: AccountPasswordRule[] = [
    { id: 'length', label: `${ACCOUNT_PASSWORD_MIN_LENGTH} to ${ACCOUNT_PASSWORD_MAX_LENGTH} characters`, ok: lengthOk },
    { id: 'kinds', label: 'At least two of: lowercase, uppercase, digits, symbols', ok: kinds(password) >= 2 },
  ];
  if (local.length >= 3) {
    rules.push({ id: 'email', label: 'Does not contain your e-mail name', ok: password.length > 0 && !password.toLowerCase().includes(local) });
  }
  rules.push({ id: 'guessable', label: reason ? `Not a common or easily guessed password: ${reason}` : 'Not a common or easily guessed password', ok: guessableOk });
  return { ok: rules.every((r) => r.ok), rules, score, reason };
}
