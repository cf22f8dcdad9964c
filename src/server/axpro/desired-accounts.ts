/**
 * Which accounts an AX Pro panel must have (issue 17, rules 1–6), from a snapshot of the site's
 * custody and the people around it. Pure: no I/O, no clock; table-tested in desired-accounts.test.ts.
 *
 * 1. Not handed over (or only invited): the company's installer admins and the installers who manage
 *    the site (assigned to it, or allowed to manage all sites) are installer-level panel users.
 * 4. Handed over and authorized: the same people again (installer admins, assigned installers and
 *    every manage-all account), beside the owner.
 * 5. Handed over: the end user owner is an administrator-level panel user; the installer side goes
 *    unless an authorization is active.
 * 6. Disabled (or removed: absent from the snapshot) people have no panel account.
 * Rules 2 (device deleted: nothing) and 3 (password follows the login) are the reconciler's.
 */

export type HandoverState = 'not_handed_over' | 'invitation_sent' | 'handed_over';

/** A site's custody as the reconcile needs it (site-custody-reader.ts reads it from the sites' tables, decision 0015). */
export interface SiteCustody {
  state: HandoverState;
  ownerUserId: string | null;
  /** An authorization of the installer company that is in force now (not expired, not revoked). */
  authorization: 'active' | 'none';
}

export const NOT_HANDED_OVER: SiteCustody = Object.freeze({ state: 'not_handed_over', ownerUserId: null, authorization: 'none' });

export interface Person {
  userId: string;
  disabled: boolean;
}

export interface AccountsSnapshot {
  custody: SiteCustody;
  /** The company's installer admins. */
  installerAdmins: Person[];
  /** Installers assigned to the site. */
  assignedInstallers: Person[];
  /** Installers allowed to manage every site of the company. */
  manageAll: Person[];
  /** The end user who owns the site (after handover), when known. */
  owner: Person | null;
}

/** AX Pro user levels (the panel's own words). */
export type PanelLevel = 'installer' | 'administrator';

export interface DesiredAccount {
  userId: string;
  panelUserName: string;
  level: PanelLevel;
}

/**
 * The panel user name Sitekeeper gives a user: stable, unique per user, within the panel's
 * 32 printable characters, and never a name a person would pick (so it does not clash with
 * users made on the panel by hand).
 */
export function panelUserName(userId: string): string {
  return `sk-${userId.replace(/-/g, '').slice(0, 16)}`;
}

/** The accounts the panel must have, one per user, sorted by user id. */
export function desiredAccounts(s: AccountsSnapshot): DesiredAccount[] {
  const out = new Map<string, DesiredAccount>();
  const add = (p: Person | null, level: PanelLevel) => {
    if (!p || p.disabled || out.has(p.userId)) return;
    out.set(p.userId, { userId: p.userId, panelUserName: panelUserName(p.userId), level });
  };
  const handedOver = s.custody.state === 'handed_over';
  if (handedOver) {
    // Rule 5: the owner first, so an owner who is also listed elsewhere keeps the owner's level.
    if (s.owner && s.owner.userId === s.custody.ownerUserId) add(s.owner, 'administrator');
  }
  if (!handedOver || s.custody.authorization === 'active') {
    // Rules 1 and 4.
    for (const p of s.installerAdmins) add(p, 'installer');
    for (const p of s.assignedInstallers) add(p, 'installer');
    for (const p of s.manageAll) add(p, 'installer');
  }
  return [...out.values()].sort((a, b) => a.userId.localeCompare(b.userId));
}

/** What the device row says about how the panel was reached and how its claim was proven (decision 0005). */
export interface PanelIdentity {
  /** 'cloud' | 'direct' | 'agent' */
  addedVia: string;
  /** 'code' | 'activation' | 'credentials' | 'none' */
  claimProof: string;
}

/**
 * Whether Sitekeeper may send login passwords to this panel (decision 0016, "Identity of the
 * panel"). A host reached by address answers with any serial and type it likes: a server of an
 * installer's own could pose as an AX Pro and collect the passwords of the installer admin, the
 * manage-all installers and the owner. Proven only when the panel is reached through the device
 * cloud (its connection authenticates with the key bound to its serial) or its claim was proven with
 * the verification code checked against the device's own cloud registration. 'activation' is not
 * enough here: a host on the site's network can pose as a factory-new device, and the people this
 * guards against can reach that network.
 */
export function panelIdentityProven(p: PanelIdentity): boolean {
  return p.addedVia === 'cloud' || p.claimProof === 'code';
}
