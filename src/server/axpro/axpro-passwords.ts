/**
 * Rule 3's password (decision 0016): a panel account carries its user's Sitekeeper login password,
 * which the platform otherwise keeps only as a hash. While some panel needs it (an account still to
 * be made, or a changed password not yet delivered) it is kept sealed with the platform's secret
 * key in `pending_secrets` (purpose 'axpro_password'); the reconcile deletes it as soon as no panel
 * needs it. It is captured where the platform sees the password in clear: sign-in, password change
 * (and reset), setup and invitation acceptance — only when an account needs it.
 */
import type { Clock } from '../lib/clock';
import type { Repos } from '../db/unit-of-work';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';

export const passwordAd = (userId: string): string => `axpro-password:${userId}`;

export interface PasswordSealer {
  seal(plaintext: string, associatedData: string): string;
}

/** What the auth and invitation services call with a password in clear (inside their transaction). */
export interface LoginPasswordCapture {
  /** `changed`: the login password was just changed or reset (every panel account needs the new one). */
  capture(r: Repos, user: { id: string; companyId: string | null }, password: string, changed: boolean): Promise<void>;
}

export class AxproPasswordCapture implements LoginPasswordCapture {
  constructor(
    private readonly sealer: PasswordSealer,
    private readonly clock: Clock,
  ) {}

  async capture(r: Repos, user: { id: string; companyId: string | null }, password: string, changed: boolean): Promise<void> {
    const now = this.clock.now();
    if (changed) await r.axpro.markPasswordPending(user.id, now);
    if (!(await r.axpro.needsPassword(user.id))) {
      // A copy kept for an older password is worthless now.
      if (changed) await r.axpro.deleteSealedPassword(user.id);
      return;
    }
    await r.axpro.putSealedPassword(user.id, this.sealer.seal(password, passwordAd(user.id)), now);
    // A change already has its event (user.password_changed); a sign-in tells the reconcile here.
    if (!changed) await r.events.append(user.companyId, DOMAIN_EVENT_TYPES.axproPasswordCaptured, { userId: user.id });
  }
}
