import type { Permission, Role } from '../db/schema';

/** Who is making a request, as resolved by the auth plugin. */
export interface Actor {
  id: string;
  companyId: string;
  companyName: string;
  email: string;
  name: string;
  role: Role;
  permission: Permission | null;
}

export interface RequestMeta {
  correlationId: string;
}
