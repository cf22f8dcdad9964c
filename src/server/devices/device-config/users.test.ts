import { describe, expect, it } from 'vitest';
import { AppError } from '../../../errors/app-error';
import { checkNewUser, checkUserChange, checkUserDelete, deviceRefusal, passwordRefusal } from './users';

const USERS = [
  { id: 1, userName: 'admin', userLevel: 'Administrator' },
  { id: 2, userName: 'guard', userLevel: 'Viewer' },
];
const code = (r: unknown) => (r instanceof AppError ? r.code : r === null ? null : 'user');

describe('device users: the checks made before anything is sent', () => {
  it.each([
    ['Short-1', undefined, 'length'],
    ['Much-too-long-pass-1', undefined, 'length'],
    ['with space 1', undefined, 'printable'],
    ['onlyletters', undefined, 'kinds'],
    ['Guard-2024', 'guard', 'user'],
    ['Draug-2024', 'guard', 'user'],
    ['Patrol-2024', 'guard', null],
  ])('password %s (user %s) → rule %s', (pw, user, rule) => {
    const r = passwordRefusal(pw, user);
    if (rule === null) expect(r).toBeNull();
    else expect(r).toMatchObject({ code: 'DEVICE_USER_PASSWORD_INVALID', details: { rule } });
  });

  it('a new user: the password rules, then a taken name', () => {
    expect(code(checkNewUser(USERS, { userName: 'op', password: 'Night-shift-7', userLevel: 'Operator' }))).toBeNull();
    expect(code(checkNewUser(USERS, { userName: 'guard', password: 'Night-shift-7', userLevel: 'Operator' }))).toBe('DEVICE_USER_NAME_TAKEN');
    expect(code(checkNewUser(USERS, { userName: 'night', password: 'Night-shift-7', userLevel: 'Operator' }))).toBe('DEVICE_USER_PASSWORD_INVALID');
  });

  it.each([
    [2, { password: 'Patrol-2024' }, 'user'],
    [2, { userLevel: 'Operator' as const }, 'user'],
    [2, { password: 'guard-2024X' }, 'DEVICE_USER_PASSWORD_INVALID'],
    [9, { userLevel: 'Operator' as const }, 'DEVICE_USER_NOT_FOUND'],
    [1, { userLevel: 'Operator' as const }, 'DEVICE_USER_ADMIN_PROTECTED'],
    [1, { password: 'Patrol-2024' }, 'DEVICE_USER_ADMIN_PASSWORD'],
  ])('change of user %s %j → %s', (id, change, expected) => {
    expect(code(checkUserChange(USERS, id, change))).toBe(expected);
  });

  it.each([
    [2, 'user'],
    [1, 'DEVICE_USER_ADMIN_PROTECTED'],
    [9, 'DEVICE_USER_NOT_FOUND'],
  ])('delete of user %s → %s', (id, expected) => {
    expect(code(checkUserDelete(USERS, id))).toBe(expected);
  });

  it("names the device's own refusals of a taken name or a user gone meanwhile", () => {
    const dev = (sub: string) => new AppError('DEVICE_REJECTED', undefined, { details: { subStatusCode: sub } });
    expect(code(deviceRefusal(dev('userAlreadyExist'), { userName: 'x' }))).toBe('DEVICE_USER_NAME_TAKEN');
    expect(code(deviceRefusal(dev('userNotExist'), { userId: 3 }))).toBe('DEVICE_USER_NOT_FOUND');
    expect(code(deviceRefusal(dev('badXmlContent'), {}))).toBe('DEVICE_REJECTED');
  });
});
