import { Type, type Static } from 'typebox';
import { DateTime, Email, Password, Permission, Role, Shared, Uuid } from '../http/common.schema';

export const UserSchema = Shared(Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: Role,
  permission: Type.Union([Permission, Type.Null()]),
  companyId: Type.Union([Uuid, Type.Null()], { description: 'Null for end users: they belong to no installer company' }),
  companyName: Type.Union([Type.String(), Type.Null()]),
}, { $id: 'SessionUser' }));
export type UserDto = Static<typeof UserSchema>;

export const SessionResponse = Type.Object({ user: UserSchema, csrfToken: Type.String() });
export const LoginResponse = Type.Object({
  user: UserSchema,
  csrfToken: Type.String(),
  failedAttemptsSinceLastLogin: Type.Integer({ minimum: 0, description: 'Failed sign-ins on this account since its last successful one: if it was not you, change your password.' }),
});

export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const SetupBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    companyName: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Email,
    password: Password,
  },
  { additionalProperties: false },
);
export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Password,
    newPassword: Password,
    revokeApiTokens: Type.Optional(Type.Boolean({ description: 'Revoke all your API tokens too (default: true); scripts then need a new token.' })),
  },
  { additionalProperties: false },
);
export const ApiTokenBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export const ApiTokenCreated = Type.Object({ id: Uuid, token: Type.String() });
/** A token as its owner sees it in a list: never the secret or its hash. */
export const ApiTokenSchema = Type.Object({ id: Uuid, name: Type.String(), createdAt: DateTime, lastUsedAt: Type.Union([DateTime, Type.Null()]) });
export const ApiTokenList = Type.Object({ items: Type.Array(ApiTokenSchema) });
