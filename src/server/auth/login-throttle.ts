/**
 * Sign-in throttling as pure decisions (table-tested in login-throttle.test.ts): failures are
 * counted per client address and per account; past a number of free attempts each further attempt
 * waits 2^k seconds after the last failure, up to a cap. There is no hard lock: the account's cap
 * is short, so someone who knows an e-mail address can slow its owner down by a minute at most,
 * while one address guessing hard waits up to the longer cap. The owner hears of the failures at
 * their next sign-in.
 */

export interface ThrottlePolicy {
  /** Failures allowed before the first delay. */
  freeAttempts: number;
  /** The longest wait between two attempts. */
  maxDelaySeconds: number;
}

export interface ThrottleState {
  failed: number;
  lastFailureAt: Date;
}

/** A count with no failure for this long starts again from nothing. */
export const THROTTLE_FORGET_MS = 60 * 60_000;

/** How long after the last failure the next attempt must wait (0: no wait). */
export function delaySeconds(failed: number, policy: ThrottlePolicy): number {
  if (failed < policy.freeAttempts) return 0;
  const k = failed - policy.freeAttempts;
  return k >= 30 ? policy.maxDelaySeconds : Math.min(2 ** k, policy.maxDelaySeconds);
}

/** Seconds this key must still wait before an attempt is considered (0: go ahead). */
export function waitSeconds(state: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): number {
  if (!state) return 0;
  const sinceMs = now.getTime() - state.lastFailureAt.getTime();
  if (sinceMs >= THROTTLE_FORGET_MS) return 0;
  const remainingMs = delaySeconds(state.failed, policy) * 1000 - sinceMs;
  return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : 0;
}

export interface LoginPolicies {
  ip: ThrottlePolicy;
  account: ThrottlePolicy;
}

/** Keys for one attempt: the client address and the account (existing or not, so the answer tells nothing). */
export function throttleKeys(ip: string, email: string): { ip: string; account: string } {
  return { ip: `ip:${ip}`, account: `account:${email.trim().toLowerCase()}` };
}

/** The longest wait any of the attempt's keys imposes (0: go ahead). */
export function loginWaitSeconds(states: { ip?: ThrottleState | undefined; account?: ThrottleState | undefined }, now: Date, policies: LoginPolicies): number {
  return Math.max(waitSeconds(states.ip, now, policies.ip), waitSeconds(states.account, now, policies.account));
}
