import { describe, expect, it } from 'vitest';
import { planReconcile, type PanelUser, type RecordedAccount } from './reconcile-plan';
import type { DesiredAccount } from './desired-accounts';

const want = (u: string, level: 'installer' | 'administrator' = 'installer'): DesiredAccount => ({ userId: u, panelUserName: `sk-${u}`, level });
const rec = (u: string, o: Partial<RecordedAccount> = {}): RecordedAccount => ({ userId: u, panelUserId: null, panelUserName: `sk-${u}`, level: 'installer', state: 'present', passwordPending: false, ...o });
const admin: PanelUser = { id: 1, userName: 'admin', userLevel: 'administrator' };
const pu = (id: number, u: string, level = 'installer'): PanelUser => ({ id, userName: `sk-${u}`, userLevel: level });
const yes = () => true;
const no = () => false;
const kinds = (s: ReturnType<typeof planReconcile>) => s.map((x) => `${x.do}:${'account' in x ? x.account.userId : x.userId}`);

describe('planReconcile', () => {
  it.each<[string, DesiredAccount[], RecordedAccount[], PanelUser[], (u: string) => boolean, string[]]>([
    ['a new account with a known password is created', [want('u1')], [], [admin], yes, ['create:u1']],
    ['without the password it waits for the next sign-in', [want('u1')], [], [admin], no, ['password_needed:u1']],
    ['already there and recorded: kept', [want('u1')], [rec('u1', { panelUserId: 5 })], [admin, pu(5, 'u1')], yes, ['keep:u1']],
    ['crash after the add, before its id was recorded: adopted, not added twice', [want('u1')], [rec('u1', { state: 'creating' })], [admin, pu(7, 'u1')], yes, ['adopt:u1']],
    ['a user of our name that we never tried to create: a conflict, never taken over', [want('u1')], [], [admin, pu(7, 'u1', 'operator')], yes, ['conflict:u1']],
    ['still a conflict on the next run', [want('u1')], [rec('u1', { state: 'conflict' })], [admin, pu(7, 'u1')], yes, ['conflict:u1']],
    ['a changed login password is delivered', [want('u1')], [rec('u1', { panelUserId: 5, passwordPending: true })], [admin, pu(5, 'u1')], yes, ['modify:u1']],
    ['a changed password not captured (yet) waits', [want('u1')], [rec('u1', { panelUserId: 5, passwordPending: true })], [admin, pu(5, 'u1')], no, ['password_needed:u1']],
    ['a wrong level is corrected', [want('u1', 'administrator')], [rec('u1', { panelUserId: 5 })], [admin, pu(5, 'u1', 'installer')], yes, ['modify:u1']],
    ['deleted on the panel by hand: made again', [want('u1')], [rec('u1', { panelUserId: 5 })], [admin], yes, ['create:u1']],
    ['no longer wanted: deleted from the panel', [], [rec('u1', { panelUserId: 5 })], [admin, pu(5, 'u1')], yes, ['delete:u1']],
    ['no longer wanted, the id now holds someone else: not deleted, forgotten', [], [rec('u1', { panelUserId: 5 })], [admin, { id: 5, userName: 'alice', userLevel: 'operator' }], yes, ['forget:u1']],
    ['no longer wanted, died while creating: the user of our name is deleted', [], [rec('u1', { state: 'creating' })], [admin, pu(9, 'u1')], yes, ['delete:u1']],
    ['no longer wanted and already gone: forgotten', [], [rec('u1', { panelUserId: 5, state: 'deleting' })], [admin], yes, ['forget:u1']],
    ['panel users Sitekeeper did not record are never touched', [], [], [admin, { id: 3, userName: 'alice', userLevel: 'operator' }, pu(4, 'zz')], yes, []],
  ])('%s', (_n, desired, recorded, panel, has, expected) => {
    expect(kinds(planReconcile(desired, recorded, panel, has, { identityProven: true }))).toEqual(expected);
  });

  it('a modify carries only what changes', () => {
    const [s] = planReconcile([want('u1', 'administrator')], [rec('u1', { panelUserId: 5, passwordPending: true })], [admin, pu(5, 'u1')], yes, { identityProven: true });
    expect(s).toMatchObject({ do: 'modify', panelUserId: 5, level: 'administrator', password: true });
  });

  // Decision 0016, "Identity of the panel": a panel reached by address without its verification code
  // could be a fake one collecting passwords. Nothing that carries a password goes to it.
  describe('a panel whose identity is not proven', () => {
    const unproven = (desired: DesiredAccount[], recorded: RecordedAccount[], panel: PanelUser[], has: (u: string) => boolean) => planReconcile(desired, recorded, panel, has, { identityProven: false });
    it.each<[string, DesiredAccount[], RecordedAccount[], PanelUser[], string[]]>([
      ['a new account is not created, even with the password at hand', [want('u1')], [], [admin], ['identity_unproven:u1']],
      ['a changed login password is not delivered', [want('u1')], [rec('u1', { panelUserId: 5, passwordPending: true })], [admin, pu(5, 'u1')], ['identity_unproven:u1']],
      ['a wrong level is corrected (no password), the changed password still held back', [want('u1', 'administrator')], [rec('u1', { panelUserId: 5, passwordPending: true })], [admin, pu(5, 'u1')], ['modify:u1', 'identity_unproven:u1']],
      ['an account already there with nothing to deliver is kept', [want('u1')], [rec('u1', { panelUserId: 5 })], [admin, pu(5, 'u1')], ['keep:u1']],
      ['no longer wanted: still deleted (a deletion sends no password)', [], [rec('u1', { panelUserId: 5 })], [admin, pu(5, 'u1')], ['delete:u1']],
      ['a name conflict is still reported', [want('u1')], [], [admin, pu(7, 'u1', 'operator')], ['conflict:u1']],
    ])('%s', (_n, desired, recorded, panel, expected) => {
      expect(kinds(unproven(desired, recorded, panel, yes))).toEqual(expected);
    });

    it('no step carries a password', () => {
      const steps = unproven([want('u1', 'administrator'), want('u2')], [rec('u1', { panelUserId: 5, passwordPending: true })], [admin, pu(5, 'u1')], yes);
      expect(steps.some((x) => x.do === 'create' || (x.do === 'modify' && x.password))).toBe(false);
      expect(steps.find((x) => x.do === 'modify')).toMatchObject({ level: 'administrator', password: false });
    });
  });
});
