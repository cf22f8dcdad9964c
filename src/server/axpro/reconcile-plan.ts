/**
 * The difference between the accounts a panel must have and what it has, as steps to apply. Pure;
 * table-tested in reconcile-plan.test.ts. Only users Sitekeeper recorded (axpro_accounts) are ever
 * changed or deleted; a panel user with one of our names that we did not record is a conflict.
 * A row in 'creating' means the add may have reached the panel before a crash: a user of that name
 * is then ours (adopted, never added twice).
 * A panel whose identity is not proven (desired-accounts.ts, panelIdentityProven) is never sent a
 * login password: accounts that would need one are 'identity_unproven' instead; deletions and level
 * changes (no password) still go ahead.
 */
import type { AxproAccountState } from '../db/schema';
import type { DesiredAccount, PanelLevel } from './desired-accounts';

export interface RecordedAccount {
  userId: string;
  panelUserId: number | null;
  panelUserName: string;
  level: string;
  state: AxproAccountState;
  passwordPending: boolean;
}

export interface PanelUser {
  id: number;
  userName: string;
  userLevel: string;
}

export type PlanStep =
  /** Add the user (record 'creating' first); needs the user's password. */
  | { do: 'create'; account: DesiredAccount }
  /** The panel has our user (found by name after a crash, or already recorded): record its id. */
  | { do: 'adopt'; account: DesiredAccount; panelUserId: number }
  /** Change the level and/or password of our user. */
  | { do: 'modify'; account: DesiredAccount; panelUserId: number; level?: PanelLevel; password: boolean }
  /** Nothing to do on the panel (clears an old error). */
  | { do: 'keep'; account: DesiredAccount; panelUserId: number }
  /** The account must exist but the user's password is not known yet (next sign-in). */
  | { do: 'password_needed'; account: DesiredAccount }
  /** The account needs the user's password (to be made, or a changed one to deliver) but the panel's identity is not proven: nothing is sent. */
  | { do: 'identity_unproven'; account: DesiredAccount }
  /** A panel user of that name exists that Sitekeeper did not make. */
  | { do: 'conflict'; account: DesiredAccount; code: 'AXPRO_NAME_TAKEN'; message: string }
  /** Delete our panel user (no longer wanted). */
  | { do: 'delete'; userId: string; panelUserId: number; panelUserName: string }
  /** No longer wanted and not on the panel: drop the row. */
  | { do: 'forget'; userId: string };

export interface PlanOptions {
  /** Whether login passwords may be sent to this panel (panelIdentityProven). */
  identityProven: boolean;
}

export function planReconcile(desired: DesiredAccount[], recorded: RecordedAccount[], panel: PanelUser[], hasPassword: (userId: string) => boolean, opts: PlanOptions): PlanStep[] {
  // The password is never sent to a panel whose identity is unproven, known or not.
  const canSend = (userId: string) => opts.identityProven && hasPassword(userId);
  const waiting = (d: DesiredAccount): PlanStep => (opts.identityProven ? { do: 'password_needed', account: d } : { do: 'identity_unproven', account: d });
  const rec = new Map(recorded.map((r) => [r.userId, r]));
  const byId = new Map(panel.map((u) => [u.id, u]));
  const byName = new Map(panel.map((u) => [u.userName, u]));
  const wanted = new Set(desired.map((d) => d.userId));
  const steps: PlanStep[] = [];

  for (const d of desired) {
    const r = rec.get(d.userId);
    const known = r?.panelUserId != null ? byId.get(r.panelUserId) : undefined;
    const ours = known && known.userName === r!.panelUserName ? known : undefined;
    const named = byName.get(d.panelUserName);
    const target = ours ?? (named && r?.state === 'creating' ? named : undefined);
    if (target) {
      const levelWrong = target.userLevel.toLowerCase() !== d.level;
      const password = r?.passwordPending === true && canSend(d.userId);
      if (target !== ours) steps.push({ do: 'adopt', account: d, panelUserId: target.id });
      if (levelWrong || password) steps.push({ do: 'modify', account: d, panelUserId: target.id, ...(levelWrong ? { level: d.level } : {}), password });
      if (r?.passwordPending && !password) steps.push(waiting(d));
      else if (!levelWrong && !password && target === ours) steps.push({ do: 'keep', account: d, panelUserId: target.id });
      continue;
    }
    if (named) {
      steps.push({
        do: 'conflict', account: d, code: 'AXPRO_NAME_TAKEN',
        message: `The panel already has a user named ${d.panelUserName} (level ${named.userLevel}) that Sitekeeper did not create. Delete or rename it on the panel; Sitekeeper tries again at the next reconcile.`,
      });
      continue;
    }
    steps.push(canSend(d.userId) ? { do: 'create', account: d } : waiting(d));
  }

  for (const r of recorded) {
    if (wanted.has(r.userId)) continue;
    const known = r.panelUserId != null ? byId.get(r.panelUserId) : undefined;
    if (known && known.userName === r.panelUserName) steps.push({ do: 'delete', userId: r.userId, panelUserId: known.id, panelUserName: r.panelUserName });
    else if (r.state === 'creating' && byName.has(r.panelUserName)) {
      const u = byName.get(r.panelUserName)!;
      steps.push({ do: 'delete', userId: r.userId, panelUserId: u.id, panelUserName: r.panelUserName });
    } else steps.push({ do: 'forget', userId: r.userId });
  }
  return steps;
}
