/**
 * The one reader and writer of `axpro_accounts` (migration 0015) and of the sealed login passwords
 * waiting for panels (`pending_secrets`, purpose 'axpro_password'), and the reads the reconcile
 * needs: the panel (or what its `device.deleted` event kept of it) and the people of its site.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { AxproAccountState, ClaimProof, DeviceAddedVia } from '../db/schema';
import type { DeviceReachFields } from '../devices/device-reach';
import type { Person } from './desired-accounts';
import type { RecordedAccount } from './reconcile-plan';

export const AXPRO_PASSWORD_PURPOSE = 'axpro_password';

export interface PanelTarget extends DeviceReachFields {
  deviceId: string;
  /** The device row is gone: only its `device.deleted` event is left (every account goes). */
  deleted: boolean;
  /** How the claim on its serial was proven (decision 0005); with addedVia, whether it may receive login passwords. */
  claimProof: ClaimProof;
}

export interface SitePeople {
  installerAdmins: Person[];
  assignedInstallers: Person[];
  manageAll: Person[];
}

export interface AccountView extends RecordedAccount {
  userName: string | null;
  userEmail: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  updatedAt: Date;
}

export interface AccountWrite {
  deviceId: string;
  userId: string;
  companyId: string;
  panelUserName: string;
  level: string;
  state: AxproAccountState;
  panelUserId?: number | null;
  passwordPending?: boolean;
  error?: { code: string; message: string } | null;
}

/** States in which the user's login password is still needed by the panel. */
const NEEDS_PASSWORD: AxproAccountState[] = ['creating', 'password_needed'];

export class AxproRepository {
  constructor(private readonly db: Executor) {}

  async target(deviceId: string): Promise<PanelTarget | undefined> {
    const d = await this.db
      .selectFrom('devices')
      .select(['id', 'company_id', 'site_id', 'serial', 'type', 'added_via', 'host', 'port', 'credentials_sealed', 'claim_proof'])
      .where('id', '=', deviceId)
      .executeTakeFirst();
    if (d) return { deviceId: d.id, companyId: d.company_id, siteId: d.site_id, serial: d.serial, type: d.type, addedVia: d.added_via, host: d.host, port: d.port, credentialsSealed: d.credentials_sealed, deleted: false, claimProof: d.claim_proof };
    const e = await this.db
      .selectFrom('domain_events')
      .select('payload')
      .where('type', '=', 'device.deleted')
      .where(sql<boolean>`payload->>'deviceId' = ${deviceId}`)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!e) return undefined;
    const p = e.payload as Record<string, unknown>;
    const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : null);
    return {
      deviceId, companyId: s('companyId') ?? '', siteId: s('siteId') ?? '', serial: s('serial') ?? '', type: s('type') ?? '', addedVia: (s('addedVia') ?? 'direct') as DeviceAddedVia,
      host: s('host'), port: typeof p.port === 'number' ? p.port : null, credentialsSealed: s('credentialsSealed'), deleted: true,
      // A deleted panel only loses accounts: no password goes to it either way.
      claimProof: 'none',
    };
  }

  async people(companyId: string, siteId: string): Promise<SitePeople> {
    const users = await this.db.selectFrom('users').select(['id', 'role', 'permission', 'disabled']).where('company_id', '=', companyId).where('role', 'in', ['installer_admin', 'installer']).execute();
    const assigned = new Set((await this.db.selectFrom('site_installers').select('user_id').where('site_id', '=', siteId).execute()).map((r) => r.user_id));
    const person = (u: { id: string; disabled: boolean }): Person => ({ userId: u.id, disabled: u.disabled });
    return {
      installerAdmins: users.filter((u) => u.role === 'installer_admin').map(person),
      assignedInstallers: users.filter((u) => u.role === 'installer' && assigned.has(u.id)).map(person),
      manageAll: users.filter((u) => u.role === 'installer' && u.permission === 'manage_all').map(person),
    };
  }

  async person(userId: string): Promise<Person | null> {
    const u = await this.db.selectFrom('users').select(['id', 'disabled']).where('id', '=', userId).executeTakeFirst();
    return u ? { userId: u.id, disabled: u.disabled } : null;
  }

  async accounts(deviceId: string): Promise<AccountView[]> {
    const rows = await this.db
      .selectFrom('axpro_accounts as a')
      .leftJoin('users as u', 'u.id', 'a.user_id')
      .select(['a.user_id', 'a.panel_user_id', 'a.panel_user_name', 'a.level', 'a.state', 'a.password_pending', 'a.last_error_code', 'a.last_error_message', 'a.updated_at', 'u.name', 'u.email'])
      .where('a.device_id', '=', deviceId)
      .orderBy('a.panel_user_name')
      .execute();
    return rows.map((r) => ({
      userId: r.user_id, panelUserId: r.panel_user_id, panelUserName: r.panel_user_name, level: r.level, state: r.state, passwordPending: r.password_pending,
      lastErrorCode: r.last_error_code, lastErrorMessage: r.last_error_message, updatedAt: r.updated_at, userName: r.name, userEmail: r.email,
    }));
  }

  async write(a: AccountWrite, now: Date): Promise<void> {
    const values = {
      device_id: a.deviceId, user_id: a.userId, company_id: a.companyId, panel_user_name: a.panelUserName, level: a.level, state: a.state,
      ...(a.panelUserId !== undefined ? { panel_user_id: a.panelUserId } : {}),
      ...(a.passwordPending !== undefined ? { password_pending: a.passwordPending } : {}),
      ...(a.error !== undefined ? { last_error_code: a.error?.code ?? null, last_error_message: a.error?.message ?? null } : {}),
      updated_at: now,
    };
    const { device_id: _d, user_id: _u, company_id: _c, ...update } = values;
    await this.db.insertInto('axpro_accounts').values(values).onConflict((oc) => oc.columns(['device_id', 'user_id']).doUpdateSet(update)).execute();
  }

  /** Records an error on every account of the panel (offline, admin password refused), keeping their states. */
  async errorOnAll(deviceId: string, error: { code: string; message: string }, now: Date, state?: AxproAccountState): Promise<void> {
    await this.db
      .updateTable('axpro_accounts')
      .set({ last_error_code: error.code, last_error_message: error.message, updated_at: now, ...(state ? { state } : {}) })
      .where('device_id', '=', deviceId)
      .execute();
  }

  async remove(deviceId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('axpro_accounts').where('device_id', '=', deviceId).where('user_id', '=', userId).execute();
  }

  /** The panels a user has (or waits for) an account on. */
  async devicesOfUser(userId: string): Promise<string[]> {
    return (await this.db.selectFrom('axpro_accounts').select('device_id').where('user_id', '=', userId).execute()).map((r) => r.device_id);
  }

  /** Accounts that hold the old password now: they need the new one. */
  async markPasswordPending(userId: string, now: Date): Promise<number> {
    const r = await this.db.updateTable('axpro_accounts').set({ password_pending: true, updated_at: now }).where('user_id', '=', userId).where('panel_user_id', 'is not', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Whether any panel still waits for the user's login password. */
  async needsPassword(userId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('axpro_accounts')
      .select('device_id')
      .where('user_id', '=', userId)
      // A panel whose identity is unproven is sent no password: it needs none kept for it.
      .where('state', '!=', 'identity_unproven')
      .where((eb) => eb.or([eb('password_pending', '=', true), eb('state', 'in', NEEDS_PASSWORD), eb.and([eb('panel_user_id', 'is', null), eb('state', '!=', 'deleting')])]))
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  async hasAccounts(userId: string): Promise<boolean> {
    return (await this.db.selectFrom('axpro_accounts').select('device_id').where('user_id', '=', userId).limit(1).executeTakeFirst()) !== undefined;
  }

  /** Every AX Pro, and every panel whose device is gone but still has accounts of ours. */
  async allPanels(): Promise<string[]> {
    const live = await this.db.selectFrom('devices').select('id').where('type', '=', 'axpro').execute();
    const orphans = await this.db.selectFrom('axpro_accounts').select('device_id').distinct().execute();
    return [...new Set([...live.map((r) => r.id), ...orphans.map((r) => r.device_id)])];
  }

  async panelsOfSite(siteId: string): Promise<string[]> {
    return (await this.db.selectFrom('devices').select('id').where('site_id', '=', siteId).where('type', '=', 'axpro').execute()).map((r) => r.id);
  }

  async panelsOfCompany(companyId: string): Promise<string[]> {
    return (await this.db.selectFrom('devices').select('id').where('company_id', '=', companyId).where('type', '=', 'axpro').execute()).map((r) => r.id);
  }

  async panelsBySerials(serials: readonly string[]): Promise<string[]> {
    if (serials.length === 0) return [];
    return (await this.db.selectFrom('devices').select('id').where('serial', 'in', serials).where('type', '=', 'axpro').execute()).map((r) => r.id);
  }

  async isPanel(deviceId: string): Promise<boolean> {
    return (await this.db.selectFrom('devices').select('id').where('id', '=', deviceId).where('type', '=', 'axpro').executeTakeFirst()) !== undefined;
  }

  async sealedPassword(userId: string): Promise<string | undefined> {
    return (await this.db.selectFrom('pending_secrets').select('ciphertext').where('user_id', '=', userId).where('purpose', '=', AXPRO_PASSWORD_PURPOSE).executeTakeFirst())?.ciphertext;
  }

  async putSealedPassword(userId: string, ciphertext: string, now: Date): Promise<void> {
    await this.db
      .insertInto('pending_secrets')
      .values({ user_id: userId, purpose: AXPRO_PASSWORD_PURPOSE, ciphertext, created_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'purpose']).doUpdateSet({ ciphertext, created_at: now }))
      .execute();
  }

  async deleteSealedPassword(userId: string): Promise<void> {
    await this.db.deleteFrom('pending_secrets').where('user_id', '=', userId).where('purpose', '=', AXPRO_PASSWORD_PURPOSE).execute();
  }
}
