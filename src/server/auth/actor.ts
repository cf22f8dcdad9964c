import { AppError } from '../../errors/app-error';
import type { UserRecord } from './user.repository';

/** Who is making a request, as resolved by the auth plugin: a user without the secrets. */
export type Actor = Pick<UserRecord, 'id' | 'companyId' | 'companyName' | 'email' | 'name' | 'role' | 'permission'>;

export interface RequestMeta {
  correlationId: string;
}

/**
 * The installer company an installer-side actor acts for. End users belong to no company
 * (decision 0015): an end user reaching a company-scoped service is refused, never run against a null company.
 */
export function companyOf(actor: Pick<Actor, 'companyId'>): string {
  if (actor.companyId === null) throw new AppError('FORBIDDEN', 'This is for installer accounts.', { hint: 'End users see their sites in the Sitekeeper app at /app.' });
  return actor.companyId;
}
