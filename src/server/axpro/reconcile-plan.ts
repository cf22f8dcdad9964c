/**
 * The difference between the accounts a panel must have and what it has, as steps to apply. Pure;
 * table-tested in reconcile-plan.test.ts. Only users Sitekeeper recorded (axpro_accounts) are ever
 * changed or deleted; a panel user with one of our names that we did not record is a conflict.
 * A row in 'creating' means the add may have reached the panel before a crash: a user of that name
 * is then ours (adopted, never added twice).
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
  /** A panel user of that name exists that Sitekeeper did not make. */
  | { do: 'conflict'; account: DesiredAccount; code: 'AXPRO_NAME_TAKEN'; message: string }
  /** Delete our panel user (no longer wanted). */
  | { do: 'delete'; userId: string; panelUserId: number; panelUserName: string }
  /** No longer wanted and not on the panel: drop the row. */
  | { do: 'forget'; userId: string };

export function planReconcile(desired: DesiredAccount[], recorded: RecordedAccount[], panel: PanelUser[], hasPassword: (userId: string) => boolean): PlanStep[] {
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
      const password = r?.passwordPending === true && hasPassword(d.userId);
      if (target !== ours) steps.push({ do: 'adopt', account: d, panelUserId: target.id });
      if (levelWrong || password) steps.push({ do: 'modify', account: d, panelUserId: target.id, ...(levelWrong ? { level: d.level } : {}), password });
      else if (r?.passwordPending && !hasPassword(d.userId)) steps.push({ do: 'password_needed', account: d });
      else if (target === ours) steps.push({ do: 'keep', account: d, panelUserId: target.id });
      continue;
    }
    if (named) {
      steps.push({
        do: 'conflict', account: d, code: 'AXPRO_NAME_TAKEN',
        message: `The panel already has a user named ${d.panelUserName} (level ${named.userLevel}) that Sitekeeper did not create. Delete or rename it on the panel; Sitekeeper tries again at the next reconcile.`,
      });
      continue;
    }
    steps.push(hasPassword(d.userId) ? { do: 'create', account: d } : { do: 'password_needed', account: d });
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
