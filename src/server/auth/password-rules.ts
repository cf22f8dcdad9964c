import { AppError } from '../../errors/app-error';
import { checkAccountPassword } from '../../protocol/account/password-policy';

/**
 * Sitekeeper login passwords: the rule the web app shows (src/protocol/account), enforced here.
 * Device admin passwords have their own policy.
 */
export function checkLoginPassword(password: string, email: string): void {
  const verdict = checkAccountPassword(password, email);
  if (verdict.ok) return;
  const problems = verdict.rules.filter((r) => !r.ok).map((r) => r.label);
  throw new AppError('PASSWORD_TOO_WEAK', verdict.reason ? `The password is too easy to guess. ${verdict.reason}` : undefined, { details: { problems, reason: verdict.reason } });
}
