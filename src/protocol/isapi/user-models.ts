/**
 * Typed ISAPI documents of device accounts: the user list, one user (add/modify, with the admin's
 * `loginPassword`) and `userCheck` (the 401 body of a failed or locked login). Written by the
 * emulator, read by the device client.
 */
import { buildXml, parseDocument, parseXml, xmlBool, xmlInt, xmlList, xmlText } from './xml';

const str = (d: unknown, n: string): string => xmlText(d, n) ?? '';

export type UserLevel = 'Administrator' | 'Operator' | 'Viewer' | (string & {});

export interface IsapiUser {
  id: number;
  userName: string;
  userLevel: UserLevel;
}

export function userListXml(users: IsapiUser[], ns?: string): string {
  return buildXml('UserList', { User: users.map((u) => ({ id: u.id, userName: u.userName, userLevel: u.userLevel })) }, ns ? { ns } : {});
}

export function parseUserList(body: string | Buffer): IsapiUser[] {
  const d = parseDocument(body, 'UserList');
  return xmlList(d, 'User').map((u) => ({ id: xmlInt(u, 'id') ?? 0, userName: str(u, 'userName'), userLevel: str(u, 'userLevel') }));
}

export interface UserWrite {
  id?: number;
  userName?: string;
  password?: string;
  userLevel?: UserLevel;
  /** The logged-in administrator's current password (required by the device for user changes). */
  loginPassword?: string;
}

export function userXml(u: UserWrite, ns?: string): string {
  return buildXml('User', { id: u.id, userName: u.userName, password: u.password, userLevel: u.userLevel, loginPassword: u.loginPassword }, ns ? { ns } : {});
}

export function parseUser(body: string | Buffer): UserWrite {
  const d = parseDocument(body, 'User');
  const u: UserWrite = {};
  const id = xmlInt(d, 'id');
  if (id !== undefined) u.id = id;
  for (const k of ['userName', 'password', 'userLevel', 'loginPassword'] as const) {
    const v = xmlText(d, k);
    if (v !== undefined) u[k] = v;
  }
  return u;
}

export interface UserCheck {
  statusValue: number;
  statusString: string;
  isDefaultPassword: boolean;
  isRiskPassword: boolean;
  isActivated: boolean;
  lockStatus: 'lock' | 'unlock';
  /** Seconds until the user is unlocked (0 when not locked). */
  unlockTime: number;
  /** Failed attempts left before the lock. */
  retryLoginTime: number;
}

export function userCheckXml(u: UserCheck, ns?: string): string {
  return buildXml(
    'userCheck',
    {
      statusValue: u.statusValue,
      statusString: u.statusString,
      isDefaultPassword: u.isDefaultPassword,
      isRiskPassword: u.isRiskPassword,
      isActivated: u.isActivated,
      lockStatus: u.lockStatus,
      unlockTime: u.unlockTime,
      retryLoginTime: u.retryLoginTime,
    },
    ns ? { ns } : {},
  );
}

/** Reads a `userCheck` document (the 401 body of a failed or locked login). Returns null if it is not one. */
export function parseUserCheck(body: string | Buffer): UserCheck | null {
  try {
    const p = parseXml(body);
    if (p.root.toLowerCase() !== 'usercheck') return null;
    const d = p.doc;
    return {
      statusValue: xmlInt(d, 'statusValue') ?? 0,
      statusString: str(d, 'statusString'),
      isDefaultPassword: xmlBool(d, 'isDefaultPassword') ?? false,
      isRiskPassword: xmlBool(d, 'isRiskPassword') ?? false,
      isActivated: xmlBool(d, 'isActivated') ?? true,
      lockStatus: xmlText(d, 'lockStatus') === 'lock' ? 'lock' : 'unlock',
      unlockTime: xmlInt(d, 'unlockTime') ?? 0,
      retryLoginTime: xmlInt(d, 'retryLoginTime') ?? 0,
    };
  } catch {
    return null;
  }
}

