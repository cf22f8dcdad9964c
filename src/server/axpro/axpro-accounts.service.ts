/**
 * Keeps each AX Pro panel's user accounts in step with who manages its site (issue 17, decision
 * 0016): the desired accounts (desired-accounts.ts, from the site's custody and its people) are
 * compared with the panel's user list and the accounts Sitekeeper recorded (reconcile-plan.ts), and
 * the difference applied, one account at a time, each outcome recorded. Idempotent: any number of
 * runs converge; a run that dies half-way is finished by the next (an add is recorded as 'creating'
 * before it is sent, so the next run adopts the user of that name instead of adding it twice; the
 * panel refuses a second user of one name in any case). Panel users Sitekeeper did not record are
 * never changed or deleted.
 *
 * Passwords (rule 3): a panel account carries its user's Sitekeeper login password. The platform
 * keeps only a hash of it; while some panel needs the password (an account to create, or a changed
 * password to deliver) it is kept sealed in `pending_secrets` (captured at sign-in, password change,
 * setup and invitation acceptance: capturePassword) and deleted as soon as no panel needs it.
 */
import { AppError, isAppError } from '../../errors/app-error';
import type { ErrorCode } from '../../errors/catalogue';
import type { DeviceClient } from '../../device-client/device-client';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import { passwordAd } from './axpro-passwords';
import type { Actor } from '../auth/actor';
import { requireSiteAccess } from '../sites/site-access';
import { desiredAccounts, panelIdentityProven, type DesiredAccount, type SiteCustody } from './desired-accounts';
import { planReconcile, type PanelUser, type PlanStep } from './reconcile-plan';
import type { AccountView, AxproRepository, PanelTarget } from './axpro.repository';

/** Reads a site's custody (handover state, owner, authorization): site-custody-reader.ts over the sites' tables. */
export interface SiteCustodyReader {
  custodyOf(siteId: string): Promise<SiteCustody>;
}

export interface Sealer {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
}

/** A client for the panel (null: it cannot be reached as it was added, e.g. no address). */
export type PanelClients = (target: PanelTarget, creds: { user: string; password: string } | null) => DeviceClient | null;

export interface ReconcileResult {
  /** What happened to the panel as a whole. */
  outcome: 'done' | 'not_a_panel' | 'nothing_to_do' | 'admin_password_needed' | 'offline';
  steps: PlanStep['do'][];
}

export interface ReconcileHooks {
  /** Test hook: after the panel accepted an add, before its id is recorded (a throw = the process dying there). */
  afterPanelAdd?: (deviceId: string, userId: string) => Promise<void>;
}

const credsAd = (serial: string) => `device:${serial}`;

export class AxproAccountsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sealer: Sealer,
    private readonly clients: PanelClients,
    private readonly custody: SiteCustodyReader,
    private readonly clock: Clock,
    private readonly hooks: ReconcileHooks = {},
    /** AXPRO_TRUST_UNPROVEN_PANELS: the operator accepts sending login passwords to panels reached by address (decision 0016). */
    private readonly trustUnprovenPanels = false,
  ) {}

  /** The accounts the panel must have now (rules 1, 4, 5, 6); none for a deleted panel (rule 2). */
  async desired(repo: AxproRepository, t: PanelTarget): Promise<DesiredAccount[]> {
    if (t.deleted) return [];
    const custody = await this.custody.custodyOf(t.siteId);
    const people = await repo.people(t.companyId, t.siteId);
    const owner = custody.ownerUserId ? await repo.person(custody.ownerUserId) : null;
    return desiredAccounts({ custody, ...people, owner });
  }

  async reconcile(deviceId: string): Promise<ReconcileResult> {
    const repo = this.uow.read.axpro;
    const t = await repo.target(deviceId);
    if (!t || t.type !== 'axpro') {
      // A device that is gone without a trace of an AX Pro: nothing of ours can be cleaned up.
      if (!t) for (const a of await repo.accounts(deviceId)) await repo.remove(deviceId, a.userId);
      return { outcome: 'not_a_panel', steps: [] };
    }
    const desired = await this.desired(repo, t);
    const recorded = await repo.accounts(deviceId);
    if (desired.length === 0 && recorded.length === 0) return { outcome: 'nothing_to_do', steps: [] };
    const now = () => this.clock.now();
    const creds = this.#credentials(t);
    const client = creds ? this.clients(t, creds) : null;
    if (!creds || !client) {
      await this.#recordAll(repo, t, desired, recorded, 'admin_password_needed', error('AXPRO_ADMIN_PASSWORD_NEEDED'));
      return { outcome: 'admin_password_needed', steps: [] };
    }
    let panel: PanelUser[];
    try {
      panel = (await client.axproUsers()).map(toPanelUser).filter((u): u is PanelUser => u !== null);
    } catch (err) {
      if (isAppError(err, 'DEVICE_AUTH_FAILED')) {
        await this.#recordAll(repo, t, desired, recorded, 'admin_password_needed', error('AXPRO_ADMIN_PASSWORD_NEEDED', "The panel refused the admin password Sitekeeper holds for it. Enter the panel's current admin password on the device page."));
        return { outcome: 'admin_password_needed', steps: [] };
      }
      await repo.errorOnAll(deviceId, panelError(err), now());
      return { outcome: 'offline', steps: [] };
    }
    // A panel whose identity is not proven gets no login password (decision 0016): not even opened here.
    const identityProven = this.trustUnprovenPanels || panelIdentityProven(t);
    const passwords = new Map<string, string>();
    for (const d of identityProven ? desired : []) {
      const sealed = await repo.sealedPassword(d.userId);
      if (!sealed) continue;
      try {
        passwords.set(d.userId, this.sealer.open(sealed, passwordAd(d.userId)));
      } catch {
        // Sealed under another key or damaged: as if absent (the next sign-in captures it again).
      }
    }
    const steps = planReconcile(desired, recorded, panel, (u) => passwords.has(u), { identityProven });
    const base = (a: DesiredAccount) => ({ deviceId, userId: a.userId, companyId: t.companyId, panelUserName: a.panelUserName, level: a.level });
    const touched = new Set<string>();
    for (const s of steps) {
      const userId = 'account' in s ? s.account.userId : s.userId;
      touched.add(userId);
      try {
        switch (s.do) {
          case 'keep':
            await repo.write({ ...base(s.account), state: 'present', panelUserId: s.panelUserId, error: null }, now());
            break;
          case 'adopt':
            await repo.write({ ...base(s.account), state: 'present', panelUserId: s.panelUserId, error: null }, now());
            break;
          case 'password_needed':
            await repo.write({ ...base(s.account), state: 'password_needed', error: error('AXPRO_PASSWORD_NEEDED') }, now());
            break;
          case 'identity_unproven':
            await repo.write({ ...base(s.account), state: 'identity_unproven', error: error('AXPRO_IDENTITY_UNPROVEN') }, now());
            break;
          case 'conflict':
            await repo.write({ ...base(s.account), state: 'conflict', panelUserId: null, error: { code: s.code, message: s.message } }, now());
            break;
          case 'create': {
            // Recorded before it is sent: a crash after the panel took it adopts it next time.
            await repo.write({ ...base(s.account), state: 'creating', panelUserId: null, passwordPending: false, error: null }, now());
            await client.axproAddUser({ userName: s.account.panelUserName, password: passwords.get(userId)!, userLevel: s.account.level }, creds.password);
            await this.hooks.afterPanelAdd?.(deviceId, userId);
            const made = (await client.axproUsers()).map(toPanelUser).find((u) => u?.userName === s.account.panelUserName);
            if (made) await repo.write({ ...base(s.account), state: 'present', panelUserId: made.id, error: null }, now());
            break;
          }
          case 'modify':
            await client.axproModifyUser(s.panelUserId, { ...(s.level ? { userLevel: s.level } : {}), ...(s.password ? { password: passwords.get(userId)! } : {}) }, creds.password);
            await repo.write({ ...base(s.account), state: 'present', panelUserId: s.panelUserId, ...(s.password ? { passwordPending: false } : {}), error: null }, now());
            break;
          case 'delete': {
            const row = recorded.find((r) => r.userId === userId)!;
            await repo.write({ deviceId, userId, companyId: t.companyId, panelUserName: row.panelUserName, level: row.level, state: 'deleting', panelUserId: s.panelUserId }, now());
            try {
              await client.axproDeleteUser(s.panelUserId, creds.password);
            } catch (err) {
              // Already gone from the panel: done.
              if (!(isAppError(err) && err.status === 404)) throw err;
            }
            await repo.remove(deviceId, userId);
            break;
          }
          case 'forget':
            await repo.remove(deviceId, userId);
            break;
        }
      } catch (err) {
        if (isAppError(err, 'DEVICE_AUTH_FAILED')) {
          await this.#recordAll(repo, t, desired, await repo.accounts(deviceId), 'admin_password_needed', error('AXPRO_ADMIN_PASSWORD_NEEDED', "The panel refused the admin password Sitekeeper holds for it. Enter the panel's current admin password on the device page."));
          return { outcome: 'admin_password_needed', steps: steps.map((x) => x.do) };
        }
        const e = panelError(err);
        const row = (await repo.accounts(deviceId)).find((r) => r.userId === userId);
        if (e.code === 'AXPRO_PANEL_OFFLINE') {
          // The change may or may not have reached the panel: state kept ('creating' adopts next time).
          await repo.errorOnAll(deviceId, e, now());
          return { outcome: 'offline', steps: steps.map((x) => x.do) };
        }
        if (row) {
          const state = row.state === 'deleting' ? 'deleting' : row.panelUserId !== null ? 'present' : 'conflict';
          await repo.write({ deviceId, userId, companyId: t.companyId, panelUserName: row.panelUserName, level: row.level, state, error: e }, now());
        }
      }
    }
    // The login password is deleted as soon as no panel needs it any more.
    for (const userId of touched) {
      if (!(await repo.needsPassword(userId))) await repo.deleteSealedPassword(userId);
    }
    return { outcome: 'done', steps: steps.map((x) => x.do) };
  }

  /**
   * The panel's accounts as Sitekeeper keeps them, for the device page: whoever may see the site's
   * devices (the installer side while it manages the site or is authorized, and the site's owner in
   * the end-user app). Another company's or another end user's panel does not exist for the caller.
   */
  async list(actor: Actor, deviceId: string): Promise<{ identityProven: boolean; items: AccountView[] }> {
    const d = await this.uow.read.devices.find(deviceId);
    if (!d || (actor.role !== 'end_user' && d.companyId !== actor.companyId)) throw new AppError('DEVICE_NOT_FOUND_HERE');
    try {
      await requireSiteAccess(actor, d.siteId, this.uow.read.sites, false, 'view_devices');
    } catch (err) {
      if (actor.role === 'end_user' && isAppError(err, 'SITE_NOT_FOUND')) throw new AppError('DEVICE_NOT_FOUND_HERE');
      throw err;
    }
    return { identityProven: this.trustUnprovenPanels || panelIdentityProven(d), items: await this.uow.read.axpro.accounts(deviceId) };
  }

  #credentials(t: PanelTarget): { user: string; password: string } | null {
    if (!t.credentialsSealed) return null;
    try {
      const c = JSON.parse(this.sealer.open(t.credentialsSealed, credsAd(t.serial))) as { user?: unknown; password?: unknown };
      return typeof c.user === 'string' && typeof c.password === 'string' ? { user: c.user, password: c.password } : null;
    } catch {
      return null;
    }
  }

  /** Every desired account (and every recorded one) takes this state and error: the panel as a whole could not be changed. */
  async #recordAll(repo: AxproRepository, t: PanelTarget, desired: DesiredAccount[], recorded: Array<{ userId: string; panelUserName: string; level: string }>, state: 'admin_password_needed', e: { code: string; message: string }): Promise<void> {
    const now = this.clock.now();
    const seen = new Set<string>();
    for (const a of desired) {
      seen.add(a.userId);
      await repo.write({ deviceId: t.deviceId, userId: a.userId, companyId: t.companyId, panelUserName: a.panelUserName, level: a.level, state, error: e }, now);
    }
    for (const a of recorded) if (!seen.has(a.userId)) await repo.write({ deviceId: t.deviceId, userId: a.userId, companyId: t.companyId, panelUserName: a.panelUserName, level: a.level, state, error: e }, now);
  }
}

function error(code: ErrorCode, message?: string): { code: string; message: string } {
  return { code, message: message ?? new AppError(code).message };
}

/** A device error met while changing one account, as the device page shows it. */
function panelError(err: unknown): { code: string; message: string } {
  if (!isAppError(err)) return error('AXPRO_PANEL_OFFLINE');
  if (['DEVICE_OFFLINE', 'DEVICE_TIMEOUT', 'AGENT_OFFLINE', 'DEVICE_UNREACHABLE'].includes(err.code)) return error('AXPRO_PANEL_OFFLINE');
  if (err.code === 'DEVICE_LOCKED') return error('AXPRO_PANEL_REFUSED', 'The panel has locked this user after failed sign-ins; Sitekeeper tries again once it is unlocked.');
  if (err.code === 'DEVICE_PASSWORD_RISKY') {
    return error('AXPRO_PANEL_REFUSED', "The panel does not accept this user's Sitekeeper password (panels take 8–16 characters of at least two kinds, without the user name). It is applied once the user sets a password the panel accepts.");
  }
  const d = (err.details ?? {}) as { subStatusCode?: unknown; statusString?: unknown; description?: unknown };
  if (d.subStatusCode === 'userAlreadyExist') return error('AXPRO_NAME_TAKEN');
  // Only what the panel said about itself: a device error's own message can name the request.
  const why = typeof d.description === 'string' ? d.description : typeof d.statusString === 'string' ? d.statusString : `no reason given (${err.code})`;
  return error('AXPRO_PANEL_REFUSED', `The panel refused the change: ${why}`);
}

function toPanelUser(u: Record<string, unknown>): PanelUser | null {
  const id = typeof u.id === 'number' ? u.id : typeof u.id === 'string' ? Number(u.id) : NaN;
  if (!Number.isInteger(id) || typeof u.userName !== 'string') return null;
  return { id, userName: u.userName, userLevel: typeof u.userLevel === 'string' ? u.userLevel : '' };
}
