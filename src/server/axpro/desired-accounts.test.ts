import { describe, expect, it } from 'vitest';
import { desiredAccounts, panelIdentityProven, panelUserName, type AccountsSnapshot, type SiteCustody } from './desired-accounts';
import type { ClaimProof, DeviceAddedVia } from '../db/schema';

const P = (userId: string, disabled = false) => ({ userId, disabled });
const admin = P('a0000000-0000-0000-0000-000000000001');
const assigned = P('b0000000-0000-0000-0000-000000000002');
const manageAll = P('c0000000-0000-0000-0000-000000000003');
const owner = P('d0000000-0000-0000-0000-000000000004');

const custody = (state: SiteCustody['state'], authorization: SiteCustody['authorization'] = 'none', ownerUserId: string | null = owner.userId): SiteCustody => ({ state, ownerUserId, authorization });
const snap = (c: SiteCustody, over: Partial<AccountsSnapshot> = {}): AccountsSnapshot => ({ custody: c, installerAdmins: [admin], assignedInstallers: [assigned], manageAll: [manageAll], owner, ...over });
const summary = (s: AccountsSnapshot) => desiredAccounts(s).map((a) => `${a.userId[0]}:${a.level}`).sort();

describe('desiredAccounts (issue 17 rules)', () => {
  it.each([
    ['rule 1: not handed over — installer admin, assigned and manage-all installers, installer level', snap(custody('not_handed_over', 'none', null), { owner: null }), ['a:installer', 'b:installer', 'c:installer']],
    ['rule 1: an invitation sent does not change who manages the site', snap(custody('invitation_sent', 'none', null), { owner: null }), ['a:installer', 'b:installer', 'c:installer']],
    ['rule 5: handed over — the owner (administrator) and nobody of the installer company', snap(custody('handed_over')), ['d:administrator']],
    ['rule 4: handed over and authorized — the installer company comes back beside the owner', snap(custody('handed_over', 'active')), ['a:installer', 'b:installer', 'c:installer', 'd:administrator']],
    ['rule 4: authorization ended — removed again', snap(custody('handed_over', 'none')), ['d:administrator']],
    ['rule 5: handed over without a known owner — nobody', snap(custody('handed_over', 'none', null), { owner: null }), []],
    ['an owner who is not the custody\'s owner is ignored', snap(custody('handed_over', 'none', 'e0000000-0000-0000-0000-000000000005')), []],
    ['rule 6: a disabled installer has no account', snap(custody('not_handed_over'), { assignedInstallers: [P(assigned.userId, true)] }), ['a:installer', 'c:installer']],
    ['rule 6: an installer removed from the site (not in the snapshot) has no account', snap(custody('not_handed_over'), { assignedInstallers: [] }), ['a:installer', 'c:installer']],
    ['rule 6: a disabled owner has no account', snap(custody('handed_over', 'active'), { owner: P(owner.userId, true) }), ['a:installer', 'b:installer', 'c:installer']],
    ['someone in two lists gets one account', snap(custody('not_handed_over'), { manageAll: [manageAll, assigned] }), ['a:installer', 'b:installer', 'c:installer']],
  ])('%s', (_name, input, expected) => {
    expect(summary(input)).toEqual(expected);
  });

  it('names are stable per user, within the panel\'s 32 characters, and distinct', () => {
    const a = desiredAccounts(snap(custody('not_handed_over')));
    expect(a.map((x) => x.panelUserName)).toEqual(a.map((x) => panelUserName(x.userId)));
    expect(new Set(a.map((x) => x.panelUserName)).size).toBe(a.length);
    for (const x of a) expect(x.panelUserName).toMatch(/^[\x21-\x7e]{1,32}$/);
  });
});

describe('panelIdentityProven (decision 0016: login passwords only to proven panels)', () => {
  it.each<[DeviceAddedVia, ClaimProof, boolean]>([
    // Reached through the device cloud: the connection authenticates with the key bound to its serial.
    ['cloud', 'code', true],
    ['cloud', 'activation', true],
    // By address, its verification code checked against the device's own cloud registration.
    ['direct', 'code', true],
    ['agent', 'code', true],
    // By address with only its admin password (any host can answer as any serial), or posing as factory-new on the LAN.
    ['direct', 'credentials', false],
    ['direct', 'none', false],
    ['agent', 'credentials', false],
    ['agent', 'activation', false],
  ])('added via %s, claim proven by %s: %s', (addedVia, claimProof, proven) => {
    expect(panelIdentityProven({ addedVia, claimProof })).toBe(proven);
  });
});
