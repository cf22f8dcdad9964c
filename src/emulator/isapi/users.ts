/**
 * Users under /ISAPI/Security: the XML user list and its changes (admin only, confirmed with the
 * admin's `loginPassword` as real devices do), and `userCheck`. The add/modify/delete rules are
 * shared with the AX Pro's JSON accounts (./axpro.ts), which have their own levels.
 */
import { parseUser, userCheckXml, userListXml, type UserWrite } from '../../protocol/isapi/models';
import { checkPassword } from '../../protocol/isapi/password-policy';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, parsedBody, type IsapiRoute } from './route';

const ISAPI_LEVELS = ['Administrator', 'Operator', 'Viewer'];
const MAX_USERS = 32;

function requireAdmin(d: DeviceCore, c: IsapiContext): IsapiResponse | null {
  if (c.via === 'cloud' || !c.user) return null;
  return c.user.userLevel.toLowerCase() === 'administrator' ? null : d.rs(c, 'invalidOperation', { description: 'Only an administrator can manage users.' });
}

/** The admin's `loginPassword` check that real devices apply to user changes. */
export function checkLoginPassword(d: DeviceCore, c: IsapiContext, loginPassword: string | undefined): IsapiResponse | null {
  const admin = c.user && c.user.userLevel.toLowerCase() === 'administrator' ? c.user : d.adminUser;
  if (!admin || loginPassword !== admin.password) return d.rs(c, 'loginPasswordError', { http: 403 });
  return null;
}

/** `riskPassword` when the password policy refuses `password` for `userName`, else null. */
export function refusePassword(d: DeviceCore, c: IsapiContext, password: string, userName: string): IsapiResponse | null {
  const check = checkPassword(password, userName);
  if (check.ok) return null;
  return d.rs(c, 'riskPassword', { ...(check.reason ? { description: check.reason } : {}) });
}

function levelOf(levels: string[], wanted: string): string | undefined {
  return levels.find((l) => l.toLowerCase() === wanted.toLowerCase());
}

function badLevel(d: DeviceCore, c: IsapiContext, levels: string[]): IsapiResponse {
  return d.rs(c, 'badParameters', { description: `userLevel must be one of ${levels.join(', ')}.` });
}

/** Validates and applies an add (XML and AX Pro JSON). */
export function addUser(d: DeviceCore, c: IsapiContext, u: UserWrite, levels: string[]): IsapiResponse {
  const denied = requireAdmin(d, c) ?? checkLoginPassword(d, c, u.loginPassword);
  if (denied) return denied;
  const users = d.state.users;
  if (!u.userName || !u.password || !/^[\x21-\x7e]{1,32}$/.test(u.userName)) return d.rs(c, 'badParameters', { description: 'userName and password are required.' });
  const level = levelOf(levels, u.userLevel ?? levels[levels.length - 1] ?? '');
  if (!level) return badLevel(d, c, levels);
  if (users.some((x) => x.userName === u.userName)) return d.rs(c, 'userAlreadyExist');
  if (users.length >= MAX_USERS) return d.rs(c, 'invalidOperation', { description: `The device holds at most ${MAX_USERS} users.` });
  const refused = refusePassword(d, c, u.password, u.userName);
  if (refused) return refused;
  const id = Math.max(0, ...users.map((x) => x.id)) + 1;
  users.push({ id, userName: u.userName, password: u.password, userLevel: level });
  d.changed();
  return d.ok(c, { id });
}

export function modifyUser(d: DeviceCore, c: IsapiContext, id: number, u: UserWrite, levels: string[]): IsapiResponse {
  const denied = requireAdmin(d, c) ?? checkLoginPassword(d, c, u.loginPassword);
  if (denied) return denied;
  const user = d.state.users.find((x) => x.id === id);
  if (!user) return d.rs(c, 'userNotExist', { http: 404 });
  if (u.userName && u.userName !== user.userName) {
    if (id === 1) return d.rs(c, 'invalidOperation', { description: 'The admin user cannot be renamed.' });
    if (d.state.users.some((x) => x.userName === u.userName)) return d.rs(c, 'userAlreadyExist');
  }
  if (u.userLevel !== undefined) {
    const level = levelOf(levels, u.userLevel);
    if (!level) return badLevel(d, c, levels);
    if (id === 1 && level !== user.userLevel) return d.rs(c, 'invalidOperation', { description: "The admin user's level cannot change." });
    user.userLevel = level;
  }
  if (u.userName) user.userName = u.userName;
  if (u.password !== undefined && u.password !== '') {
    const refused = refusePassword(d, c, u.password, user.userName);
    if (refused) return refused;
    user.password = u.password;
    d.guard.succeed(user.userName);
  }
  d.changed();
  return d.ok(c);
}

export function deleteUser(d: DeviceCore, c: IsapiContext, id: number): IsapiResponse {
  const denied = requireAdmin(d, c) ?? checkLoginPassword(d, c, c.query.get('loginPassword') ?? undefined);
  if (denied) return denied;
  const idx = d.state.users.findIndex((x) => x.id === id);
  if (idx < 0) return d.rs(c, 'userNotExist', { http: 404 });
  if (id === 1) return d.rs(c, 'invalidOperation', { description: 'The admin user cannot be deleted.' });
  d.state.users.splice(idx, 1);
  d.changed();
  return d.ok(c);
}

function userCheckRes(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const risky = c.user ? !checkPassword(c.user.password, c.user.userName).ok : false;
  return d.xml(
    200,
    userCheckXml(
      { statusValue: 200, statusString: 'OK', isDefaultPassword: false, isRiskPassword: risky, isActivated: true, lockStatus: 'unlock', unlockTime: 0, retryLoginTime: d.options.maxFailedLogins },
      d.ns,
    ),
  );
}

export function userRoutes(d: DeviceCore): IsapiRoute[] {
  const list = (c: IsapiContext): IsapiResponse =>
    requireAdmin(d, c) ?? d.xml(200, userListXml(d.state.users.map(({ id, userName, userLevel }) => ({ id, userName, userLevel })), d.ns));
  const add = (c: IsapiContext): IsapiResponse => {
    const u = parsedBody(d, c, parseUser);
    if (isResponse(u)) return u;
    if (u.userLevel?.toLowerCase() === 'administrator') return d.rs(c, 'invalidOperation', { description: 'There is only one administrator.' });
    return addUser(d, c, u, ISAPI_LEVELS);
  };
  const modify = (c: IsapiContext, id: number): IsapiResponse => {
    const u = parsedBody(d, c, parseUser);
    if (isResponse(u)) return u;
    // As on add: the device keeps its one administrator, the admin user.
    if (id !== 1 && u.userLevel?.toLowerCase() === 'administrator') return d.rs(c, 'invalidOperation', { description: 'There is only one administrator.' });
    return modifyUser(d, c, id, u, ISAPI_LEVELS);
  };
  return [
    ['GET', /^\/isapi\/security\/users$/, list],
    ['POST', /^\/isapi\/security\/users$/, add],
    ['PUT', /^\/isapi\/security\/users\/(\d+)$/, (c, m) => modify(c, Number(m[1]))],
    ['DELETE', /^\/isapi\/security\/users\/(\d+)$/, (c, m) => deleteUser(d, c, Number(m[1]))],
    ['GET', /^\/isapi\/security\/usercheck$/, (c) => userCheckRes(d, c)],
  ];
}
