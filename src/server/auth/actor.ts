import type { UserRecord } from './user.repository';

/** Who is making a request, as resolved by the auth plugin: a user without the secrets. */
export type Actor = Pick<UserRecord, 'id' | 'companyId' | 'companyName' | 'email' | 'name' | 'role' | 'permission'>;

export interface RequestMeta {
  correlationId: string;
}
