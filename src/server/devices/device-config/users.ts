/**
 * Remote configuration, device users (issue 16): the user accounts of a camera, recorder or other
 * device — list, add, change password or level, delete — over whichever way Sitekeeper reaches it
 * (device cloud, site agent, directly). The device confirms each change with its admin's current
 * password (`loginPassword`, the one Sitekeeper holds sealed), as ISAPI /ISAPI/Security/users needs.
 *
 * Sitekeeper's own checks come first and send nothing to the device: the device's password rules
 * (src/protocol/isapi/password-policy.ts, the ones the device applies), a taken user name, the admin
 * user that cannot be deleted, renamed or given another level. Each change is audited
 * (`device.config.update`, area `users`) with the user name, level and action: never a password.
 *
 * AX Pro panels are refused (DEVICE_USERS_AXPRO): their users are the panel accounts Sitekeeper keeps
 * in step with the site (src/server/axpro), which must not be changed behind its back.
 */
import { AppError, isAppError } from '../../../errors/app-error';
import type { IsapiUser } from '../../../device-client/device-client';
import { checkPassword } from '../../../protocol/isapi/password-policy';
import type { Actor, RequestMeta } from '../../auth/actor';
import type { Device, DeviceRemoteService } from '../device-remote.service';

/** The levels a user other than the admin can have, as the device names them (its one Administrator is the admin). */
export const ASSIGNABLE_LEVELS = ['Operator', 'Viewer'] as const;
export type AssignableLevel = (typeof ASSIGNABLE_LEVELS)[number];

export interface DeviceUser {
  id: number;
  userName: string;
  /** As the device names it: Administrator, Operator, Viewer (some firmware adds its own). */
  userLevel: string;
  /** The device's admin: cannot be deleted, renamed or given another level; its password is not changed here. */
  admin: boolean;
}

export interface NewDeviceUser {
  userName: string;
  password: string;
  userLevel: AssignableLevel;
}

export interface DeviceUserChange {
  password?: string | undefined;
  userLevel?: AssignableLevel | undefined;
}

// ---- the decisions (pure) ---------------------------------------------------------------------------

/** The admin user: id 1 on Hikvision devices, and whichever user holds the Administrator level. */
export function isAdminUser(u: IsapiUser): boolean {
  return u.id === 1 || u.userLevel.toLowerCase() === 'administrator';
}

/**
 * DEVICE_USER_PASSWORD_INVALID naming the rule the password breaks, or null. Without `userName`, the
 * rules that do not depend on it (checked before the device is even read).
 */
export function passwordRefusal(password: string, userName?: string): AppError | null {
  const c = checkPassword(password, userName);
  if (c.ok) return null;
  return new AppError('DEVICE_USER_PASSWORD_INVALID', c.reason, { details: { rule: c.rule, deviceRule: c.problem } });
}

export function checkNewUser(users: readonly IsapiUser[], u: NewDeviceUser): AppError | null {
  const weak = passwordRefusal(u.password, u.userName);
  if (weak) return weak;
  if (users.some((x) => x.userName === u.userName)) return new AppError('DEVICE_USER_NAME_TAKEN', undefined, { details: { userName: u.userName } });
  return null;
}

/** The user to change, or why not. */
export function checkUserChange(users: readonly IsapiUser[], userId: number, change: DeviceUserChange): IsapiUser | AppError {
  const user = users.find((x) => x.id === userId);
  if (!user) return new AppError('DEVICE_USER_NOT_FOUND', undefined, { details: { userId } });
  if (isAdminUser(user)) {
    if (change.userLevel !== undefined) return new AppError('DEVICE_USER_ADMIN_PROTECTED', undefined, { details: { userId } });
    // Refused rather than changed and then re-sealed: this is the password Sitekeeper signs in with.
    // A change the device applied but whose answer was lost on the way back (cloud or agent timeout)
    // would leave Sitekeeper holding the old one, and its regular polls would then lock the admin out
    // of the device (and a recorder using it for this camera with it). Changing it on the device and
    // giving Sitekeeper the new one (checked before it is kept) never leaves that state.
    if (change.password !== undefined) return new AppError('DEVICE_USER_ADMIN_PASSWORD', undefined, { details: { userId } });
  }
  if (change.password !== undefined) {
    const weak = passwordRefusal(change.password, user.userName);
    if (weak) return weak;
  }
  return user;
}

export function checkUserDelete(users: readonly IsapiUser[], userId: number): IsapiUser | AppError {
  const user = users.find((x) => x.id === userId);
  if (!user) return new AppError('DEVICE_USER_NOT_FOUND', undefined, { details: { userId } });
  if (isAdminUser(user)) return new AppError('DEVICE_USER_ADMIN_PROTECTED', undefined, { details: { userId } });
  return user;
}

/** The device's own refusals that have a users code: a name taken or a user gone meanwhile. */
export function deviceRefusal(e: unknown, at: { userId?: number; userName?: string }): unknown {
  if (!isAppError(e)) return e;
  const sub = e.details?.subStatusCode;
  if (sub === 'userAlreadyExist') return new AppError('DEVICE_USER_NAME_TAKEN', undefined, { details: { ...at }, cause: e });
  if (sub === 'userNotExist') return new AppError('DEVICE_USER_NOT_FOUND', undefined, { details: { ...at }, cause: e });
  return e;
}

const shown = (u: IsapiUser): DeviceUser => ({ id: u.id, userName: u.userName, userLevel: u.userLevel, admin: isAdminUser(u) });
const fail = <T>(r: T | AppError): T => {
  if (r instanceof AppError) throw r;
  return r;
};

function refuseAxpro(d: Device): void {
  if (d.type === 'axpro') throw new AppError('DEVICE_USERS_AXPRO', undefined, { details: { deviceId: d.id } });
}

// ---- the area ---------------------------------------------------------------------------------------

export class DeviceUsersService {
  constructor(private readonly remote: DeviceRemoteService) {}

  async list(actor: Actor, id: string): Promise<{ items: DeviceUser[] }> {
    const { client } = await this.remote.forConfig(actor, id, refuseAxpro);
    return { items: (await client.users()).map(shown) };
  }

  async add(actor: Actor, id: string, u: NewDeviceUser, meta: RequestMeta): Promise<DeviceUser> {
    const { d, client } = await this.remote.forConfig(actor, id, refuseAxpro);
    const weak = passwordRefusal(u.password, u.userName);
    if (weak) throw weak;
    const taken = checkNewUser(await client.users(), u);
    if (taken) throw taken;
    const { password: loginPassword } = this.remote.adminCredentials(d);
    const next = { action: 'add', userName: u.userName, userLevel: u.userLevel };
    await this.remote.write(actor, d, 'users', {}, next, async () => {
      try {
        await client.addUser({ userName: u.userName, password: u.password, userLevel: u.userLevel }, loginPassword);
      } catch (e) {
        throw deviceRefusal(e, { userName: u.userName });
      }
    }, meta);
    const added = (await client.users()).find((x) => x.userName === u.userName);
    // The device said yes but does not list it: its word on the add stands, the list is what it shows.
    return added ? shown(added) : { id: 0, userName: u.userName, userLevel: u.userLevel, admin: false };
  }

  async change(actor: Actor, id: string, userId: number, change: DeviceUserChange, meta: RequestMeta): Promise<DeviceUser> {
    const { d, client } = await this.remote.forConfig(actor, id, refuseAxpro);
    if (change.password !== undefined) {
      const weak = passwordRefusal(change.password);
      if (weak) throw weak;
    }
    const user = fail(checkUserChange(await client.users(), userId, change));
    const { password: loginPassword } = this.remote.adminCredentials(d);
    const old = { userId, userName: user.userName, userLevel: user.userLevel };
    const next = { action: 'change', userId, userName: user.userName, userLevel: change.userLevel ?? user.userLevel, passwordChanged: change.password !== undefined };
    await this.remote.write(actor, d, 'users', old, next, async () => {
      try {
        await client.modifyUser(userId, { ...(change.password !== undefined ? { password: change.password } : {}), ...(change.userLevel !== undefined ? { userLevel: change.userLevel } : {}) }, loginPassword);
      } catch (e) {
        throw deviceRefusal(e, { userId, userName: user.userName });
      }
    }, meta);
    const after = (await client.users()).find((x) => x.id === userId);
    return after ? shown(after) : shown({ ...user, userLevel: next.userLevel });
  }

  async remove(actor: Actor, id: string, userId: number, meta: RequestMeta): Promise<void> {
    const { d, client } = await this.remote.forConfig(actor, id, refuseAxpro);
    const user = fail(checkUserDelete(await client.users(), userId));
    const { password: loginPassword } = this.remote.adminCredentials(d);
    const old = { userId, userName: user.userName, userLevel: user.userLevel };
    await this.remote.write(actor, d, 'users', old, { action: 'delete', userId, userName: user.userName }, async () => {
      try {
        await client.deleteUser(userId, loginPassword);
      } catch (e) {
        throw deviceRefusal(e, { userId, userName: user.userName });
      }
    }, meta);
  }
}
