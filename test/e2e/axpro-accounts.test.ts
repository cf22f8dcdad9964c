/**
 * AX Pro panel accounts kept in step with who manages the site (issue 17), through the real server,
 * database, outbox consumer and jobs, against emulated AX Pro panels over sockets (their user lists
 * read over ISAPI). Rules 1, 2, 3 and 6 from the installer side; rules 4 and 5 through the site
 * lifecycle's own routes (invitation, acceptance, authorization, revocation); the panel offline during a
 * change; a reconcile that dies between the panel's add and its record; panel users Sitekeeper did
 * not create are never touched.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, signIn, TEST_PASSWORD, type TestCompany } from '../helpers/factories';
import { ApiClient } from '../helpers/api';
import { eventually, startFleetFor } from '../helpers/fleet';
import { panelUserName } from '../../src/server/axpro/desired-accounts';
import { isAppError } from '../../src/errors/app-error';

// Panels take 8–16 characters: these passwords suit both the platform's rule and the panel's.
const PW_ADMIN = 'Vq7#mZ2pLw9!xR';
const PW_INST = 'Hn4$tB8qWz3@kP';
const PW_INST2 = 'Ry6%cJ1vXs5&dM';
const PW_OWNER = 'Gk2*uN7fYe4^bT';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let crashAfterAdd = false;

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let panels: VirtualDevice[];
let nextPanel = 0;

beforeAll(async () => {
  p = await startTestPlatform({
    // Every panel reconciled every 3 s besides on events: a panel back online catches up quickly.
    config: { axproReconcileSeconds: 3, exceptionsPollMs: 200 },
    build: {
      axproHooks: {
        afterPanelAdd: async () => {
          if (!crashAfterAdd) return;
          crashAfterAdd = false;
          throw new Error('simulated death between the panel add and its record');
        },
      },
    },
  });
  company = await setupCompany(p.app, p.setupToken);
  expect((await company.admin.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: PW_ADMIN, revokeApiTokens: false })).status).toBe(204);
  fleet = await startFleetFor(p, Array.from({ length: 6 }, () => ({ type: 'axpro' as const, cloudEnabled: false })));
  panels = fleet.devices;
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

async function installer(permission: 'manage_all' | 'manage_assigned', password = PW_INST): Promise<{ id: string; email: string; client: ApiClient }> {
  const email = `ax-${Math.random().toString(36).slice(2)}@example.test`;
  const inv = await company.admin.post('/api/installers/invitations', { email, name: 'Ines Installer', permission });
  const token = new URL(inv.body.inviteUrl).searchParams.get('token')!;
  const client = new ApiClient(p.app);
  const acc = await client.post(`/api/invitations/${token}/accept`, { name: 'Ines Installer', password });
  expect(acc.status, JSON.stringify(acc.body)).toBe(201);
  return { id: acc.body.user.id, email, client };
}

/**
 * Adds an emulated panel to the site as onboarding does: the row (admin credentials sealed) and `device.added`, in one transaction.
 * Reached by address; its claim proven with its verification code unless told otherwise (an unproven panel gets no login password, decision 0016).
 */
async function addPanel(siteId: string, claimProof: 'code' | 'credentials' = 'code'): Promise<{ id: string; d: VirtualDevice }> {
  const d = panels[nextPanel++]!;
  const desc = fleet.describe(d);
  const { secrets, database } = p.app.platform;
  const id = await database.db.transaction().execute(async (trx) => {
    const r = await trx.insertInto('devices').values({
      company_id: company.companyId, site_id: siteId, serial: desc.serial, name: 'Alarm panel', type: 'axpro', model: desc.model, added_via: 'direct', host: desc.host, port: desc.httpPort,
      credentials_sealed: secrets.seal(JSON.stringify({ user: desc.adminUser, password: desc.adminPassword }), `device:${desc.serial}`), verification_code_sealed: null, added_by: company.adminId, firmware_compatible: true, status: 'online', claim_proof: claimProof,
    }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('domain_events').values({ company_id: company.companyId, type: 'device.added', payload: JSON.stringify({ deviceId: r.id, siteId, family: 'axpro', firmwareCompatible: true, wasPending: false, notifyUserId: null }) }).execute();
    return r.id;
  });
  return { id, d };
}

/** The panel's user list, read over ISAPI with its admin account. */
async function panelUsers(d: VirtualDevice): Promise<Array<{ id: number; userName: string; userLevel: string }>> {
  const desc = fleet.describe(d);
  const list = await p.app.platform.reach.directClient(desc.host, desc.httpPort, { user: desc.adminUser!, password: desc.adminPassword! }).axproUsers();
  return list.map((u) => ({ id: Number(u.id), userName: String(u.userName), userLevel: String(u.userLevel) }));
}

/** Whether the panel lets this user in with this password (a real digest sign-in over ISAPI). */
async function panelLogin(d: VirtualDevice, user: string, password: string): Promise<boolean> {
  const desc = fleet.describe(d);
  try {
    await p.app.platform.reach.directClient(desc.host, desc.httpPort, { user, password }).axproHostStatus();
    return true;
  } catch (err) {
    if (isAppError(err, 'DEVICE_AUTH_FAILED') || isAppError(err, 'DEVICE_LOCKED')) return false;
    throw err;
  }
}

/** The password the emulated panel holds for a user (polling with failed sign-ins would lock the user). */
const panelPassword = (d: VirtualDevice, user: string) => d.state.users.find((u) => u.userName === user)?.password;
const names = async (d: VirtualDevice) => (await panelUsers(d)).map((u) => u.userName).sort();
const accounts = async (deviceId: string) => {
  const r = await company.admin.get(`/api/devices/${deviceId}/panel-accounts`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { adminPasswordNeeded: boolean; identityProven: boolean; items: Array<{ userId: string; panelUserName: string; level: string; state: string; passwordPending: boolean; error: { code: string; message: string } | null }> };
};
const stateOf = async (deviceId: string, userId: string) => (await accounts(deviceId)).items.find((a) => a.userId === userId);
const secretsOf = async (userId: string) => p.app.platform.database.db.selectFrom('pending_secrets').select('ciphertext').where('user_id', '=', userId).execute();

describe('a panel whose identity is not proven (decision 0016)', () => {
  it('gets no login password: its accounts say "identity unproven", nothing is kept sealed for it; proven, it gets them at the next sign-in', async () => {
    const siteId = (await buildSite(company)).id;
    // Added by address with only its admin password: any host can answer as an AX Pro with any serial.
    const panel = await addPanel(siteId, 'credentials');
    const unproven = await eventually(async () => {
      const a = await stateOf(panel.id, company.adminId);
      return a?.state === 'identity_unproven' ? a : undefined;
    }, 'the account held back');
    expect(unproven.error?.code).toBe('AXPRO_IDENTITY_UNPROVEN');
    expect((await accounts(panel.id)).identityProven).toBe(false);
    // A sign-in captures nothing for it, and nothing reaches the panel.
    await signIn(p.app, company.adminEmail, PW_ADMIN);
    await p.app.platform.axpro.reconciles.run(panel.id);
    expect((await stateOf(panel.id, company.adminId))?.state).toBe('identity_unproven');
    expect(await secretsOf(company.adminId)).toEqual([]);
    expect(await names(panel.d)).toEqual(['admin']);

    // Proven (its verification code checked): the account waits for the next sign-in, then is made.
    await p.app.platform.database.db.updateTable('devices').set({ claim_proof: 'code' }).where('id', '=', panel.id).execute();
    await p.app.platform.axpro.reconciles.run(panel.id);
    await eventually(async () => (await stateOf(panel.id, company.adminId))?.state === 'password_needed', 'waiting for a sign-in once proven');
    expect((await accounts(panel.id)).identityProven).toBe(true);
    await signIn(p.app, company.adminEmail, PW_ADMIN);
    await eventually(async () => (await names(panel.d)).includes(panelUserName(company.adminId)), 'made on the proven panel');
    expect(await panelLogin(panel.d, panelUserName(company.adminId), PW_ADMIN)).toBe(true);
    expect((await company.admin.delete(`/api/devices/${panel.id}`)).status).toBe(204);
    await eventually(async () => JSON.stringify(await names(panel.d)) === JSON.stringify(['admin']), 'cleaned up');
  });
});

describe('installer side (rules 1, 3, 6, 2)', () => {
  let siteId: string;
  let inst: Awaited<ReturnType<typeof installer>>;
  let other: Awaited<ReturnType<typeof installer>>;
  let panel: { id: string; d: VirtualDevice };

  it('rule 1: an AX Pro added to a site gets the installer admin and the site\'s installers, made with their passwords at their next sign-in', async () => {
    siteId = (await buildSite(company)).id;
    inst = await installer('manage_assigned');
    other = await installer('manage_assigned', PW_INST2);
    expect((await company.admin.put(`/api/sites/${siteId}/installers`, { installerIds: [inst.id] })).status).toBe(200);
    panel = await addPanel(siteId);
    // A user made on the panel by hand: never touched by Sitekeeper.
    const desc = fleet.describe(panel.d);
    await p.app.platform.reach.directClient(desc.host, desc.httpPort, { user: desc.adminUser!, password: desc.adminPassword! }).axproAddUser({ userName: 'alice', password: 'Al1ce-Panel', userLevel: 'operator' }, desc.adminPassword!);

    // Sitekeeper keeps no login password: the accounts wait for their owners' next sign-in.
    await eventually(async () => (await stateOf(panel.id, inst.id))?.state === 'password_needed' && (await stateOf(panel.id, company.adminId))?.state === 'password_needed', 'accounts waiting for a password');
    expect((await stateOf(panel.id, inst.id))!.error!.code).toBe('AXPRO_PASSWORD_NEEDED');
    expect(await stateOf(panel.id, other.id)).toBeUndefined();

    await signIn(p.app, company.adminEmail, PW_ADMIN);
    await signIn(p.app, inst.email, PW_INST);
    await eventually(async () => (await names(panel.d)).includes(panelUserName(inst.id)) && (await names(panel.d)).includes(panelUserName(company.adminId)), 'panel users made');
    expect(await names(panel.d)).toEqual(['admin', 'alice', panelUserName(company.adminId), panelUserName(inst.id)].sort());
    expect((await panelUsers(panel.d)).find((u) => u.userName === panelUserName(inst.id))!.userLevel).toBe('installer');
    await eventually(async () => (await stateOf(panel.id, inst.id))?.state === 'present', 'recorded present');
    expect(await panelLogin(panel.d, panelUserName(inst.id), PW_INST)).toBe(true);
    // Delivered: the sealed copy is gone.
    await eventually(async () => (await secretsOf(inst.id)).length === 0 && (await secretsOf(company.adminId)).length === 0, 'pending passwords deleted');
  });

  it('rule 3: an installer\'s new login password becomes their panel password', async () => {
    expect((await inst.client.post('/api/auth/password', { currentPassword: PW_INST, newPassword: PW_INST2, revokeApiTokens: false })).status).toBe(204);
    await eventually(() => panelPassword(panel.d, panelUserName(inst.id)) === PW_INST2, 'new password on the panel');
    expect(await panelLogin(panel.d, panelUserName(inst.id), PW_INST2)).toBe(true);
    expect(await panelLogin(panel.d, panelUserName(inst.id), PW_INST)).toBe(false);
    await eventually(async () => (await stateOf(panel.id, inst.id))?.passwordPending === false && (await secretsOf(inst.id)).length === 0, 'delivered and forgotten');
  });

  it('rule 6: an installer removed from the site is removed from its panel; others stay', async () => {
    expect((await company.admin.put(`/api/sites/${siteId}/installers`, { installerIds: [] })).status).toBe(200);
    await eventually(async () => !(await names(panel.d)).includes(panelUserName(inst.id)), 'installer gone from the panel');
    expect(await names(panel.d)).toEqual(['admin', 'alice', panelUserName(company.adminId)].sort());
    expect(await stateOf(panel.id, inst.id)).toBeUndefined();
  });

  it('rule 6: a disabled installer is removed from the panel', async () => {
    const mgr = await installer('manage_all');
    // Manage-all installers manage every site: their account is made (password captured at the sign-in when it waits).
    await eventually(async () => (await stateOf(panel.id, mgr.id))?.state === 'password_needed', 'waiting for the manage-all installer');
    await signIn(p.app, mgr.email, PW_INST);
    await eventually(async () => (await names(panel.d)).includes(panelUserName(mgr.id)), 'manage-all installer on the panel');
    expect((await company.admin.patch(`/api/installers/${mgr.id}`, { disabled: true })).status).toBe(200);
    await eventually(async () => !(await names(panel.d)).includes(panelUserName(mgr.id)), 'disabled installer gone');
  });

  it('rule 2: deleting the AX Pro deletes the accounts Sitekeeper made, and only those', async () => {
    expect((await company.admin.delete(`/api/devices/${panel.id}`)).status).toBe(204);
    await eventually(async () => JSON.stringify(await names(panel.d)) === JSON.stringify(['admin', 'alice']), 'only the panel\'s own users left');
    const left = await p.app.platform.database.db.selectFrom('axpro_accounts').select('user_id').where('device_id', '=', panel.id).execute();
    expect(left).toEqual([]);
  });
});

describe('the panel offline, and a reconcile that dies half-way', () => {
  it('a password changed while the panel is offline reaches it when it is back', async () => {
    const siteId = (await buildSite(company)).id;
    const panel = await addPanel(siteId);
    await eventually(async () => (await stateOf(panel.id, company.adminId))?.state === 'password_needed', 'admin waiting');
    await signIn(p.app, company.adminEmail, PW_ADMIN);
    await eventually(async () => (await stateOf(panel.id, company.adminId))?.state === 'present', 'admin on the panel');

    await fleet.applyFaults(panel.d.serial, { lan: 'down' });
    const newPw = 'Zp8!wQ3rTy6#nB';
    expect((await company.admin.post('/api/auth/password', { currentPassword: PW_ADMIN, newPassword: newPw, revokeApiTokens: false })).status).toBe(204);
    await eventually(async () => {
      const a = await stateOf(panel.id, company.adminId);
      return a?.passwordPending === true && a.error?.code === 'AXPRO_PANEL_OFFLINE';
    }, 'the change waits, saying the panel is offline');
    expect((await secretsOf(company.adminId)).length).toBe(1);

    await fleet.applyFaults(panel.d.serial, { lan: 'up' });
    await eventually(() => panelPassword(panel.d, panelUserName(company.adminId)) === newPw, 'new password on the panel once it is back', 60_000);
    expect(await panelLogin(panel.d, panelUserName(company.adminId), newPw)).toBe(true);
    await eventually(async () => (await stateOf(panel.id, company.adminId))?.passwordPending === false, 'recorded');
    // Back to the password the other tests use.
    expect((await company.admin.post('/api/auth/password', { currentPassword: newPw, newPassword: PW_ADMIN, revokeApiTokens: false })).status).toBe(204);
    await eventually(() => panelPassword(panel.d, panelUserName(company.adminId)) === PW_ADMIN, 'password restored on the panel');
  });

  it('dying between the panel\'s add and its record: the next run adopts the user, no duplicate', async () => {
    const siteId = (await buildSite(company)).id;
    const panel = await addPanel(siteId);
    await eventually(async () => (await stateOf(panel.id, company.adminId))?.state === 'password_needed', 'admin waiting');
    crashAfterAdd = true;
    await signIn(p.app, company.adminEmail, PW_ADMIN);
    // The run that died left its record in 'creating' (the panel has the user already).
    await eventually(async () => !crashAfterAdd && (await names(panel.d)).includes(panelUserName(company.adminId)), 'the add reached the panel');
    await p.app.platform.axpro.reconciles.run(panel.id);
    await eventually(async () => (await stateOf(panel.id, company.adminId))?.state === 'present', 'adopted');
    expect((await names(panel.d)).filter((n) => n === panelUserName(company.adminId))).toHaveLength(1);
    const row = await p.app.platform.database.db.selectFrom('axpro_accounts').select('panel_user_id').where('device_id', '=', panel.id).where('user_id', '=', company.adminId).executeTakeFirstOrThrow();
    expect(row.panel_user_id).toBe((await panelUsers(panel.d)).find((u) => u.userName === panelUserName(company.adminId))!.id);
  });
});

describe('handover and authorization (rules 5 and 4) through the site lifecycle', () => {
  it('handed over: the owner in, the installer side out; authorized: back; revoked: out again', async () => {
    const siteId = (await buildSite(company)).id;
    const inst = await installer('manage_assigned');
    expect((await company.admin.put(`/api/sites/${siteId}/installers`, { installerIds: [inst.id] })).status).toBe(200);
    const panel = await addPanel(siteId);
    await eventually(async () => (await stateOf(panel.id, inst.id))?.state === 'password_needed', 'installer waiting');
    await signIn(p.app, company.adminEmail, PW_ADMIN);
    await signIn(p.app, inst.email, PW_INST);
    await eventually(async () => (await names(panel.d)).includes(panelUserName(inst.id)) && (await names(panel.d)).includes(panelUserName(company.adminId)), 'installer side on the panel');

    // Once handed over, the company sees no device of the site until authorized (panel accounts
    // included: 403 SITE_NOT_AUTHORIZED), so the accounts' states are read from the table here.
    const rowState = async (userId: string) =>
      (await p.app.platform.database.db.selectFrom('axpro_accounts').select('state').where('device_id', '=', panel.id).where('user_id', '=', userId).executeTakeFirst())?.state;

    // Rule 5: the customer accepts the site's invitation (a new account).
    const ownerEmail = `owner-${Math.random().toString(36).slice(2)}@example.test`;
    const inv = await company.admin.post(`/api/sites/${siteId}/invitations`, { email: ownerEmail });
    expect(inv.status, JSON.stringify(inv.body)).toBe(201);
    const owner = new ApiClient(p.app);
    const acc = await owner.post(`/api/site-invitations/${new URL(inv.body.inviteUrl).searchParams.get('token')!}/accept`, { name: 'Olga Owner', password: PW_OWNER });
    expect(acc.status, JSON.stringify(acc.body)).toBe(201);
    const ownerId = (await p.app.platform.database.db.selectFrom('users').select('id').where('email', '=', ownerEmail).executeTakeFirstOrThrow()).id;
    await eventually(async () => JSON.stringify(await names(panel.d)) === JSON.stringify(['admin']), 'installer side gone');
    await eventually(async () => (await rowState(ownerId)) === 'password_needed', 'owner waits for a sign-in');
    const hidden = await company.admin.get(`/api/devices/${panel.id}/panel-accounts`);
    expect(hidden.body.error?.code).toBe('SITE_NOT_AUTHORIZED');
    await signIn(p.app, ownerEmail, PW_OWNER);
    await eventually(async () => (await names(panel.d)).includes(panelUserName(ownerId)), 'owner on the panel');
    expect((await panelUsers(panel.d)).find((u) => u.userName === panelUserName(ownerId))!.userLevel).toBe('administrator');
    expect(await panelLogin(panel.d, panelUserName(ownerId), PW_OWNER)).toBe(true);
    // The owner sees the panel's accounts in the end-user app: their own, and nobody of the company.
    const ownerView = async () => {
      const r = await owner.get(`/api/devices/${panel.id}/panel-accounts`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as { items: Array<{ userId: string; state: string; level: string }> };
    };
    await eventually(async () => (await ownerView()).items.some((a) => a.userId === ownerId && a.state === 'present' && a.level === 'administrator'), 'owner sees their account');
    expect((await ownerView()).items.map((a) => a.userId)).toEqual([ownerId]);

    // Rule 4: the owner authorizes the installer company.
    expect((await owner.put(`/api/sites/${siteId}/authorization`, { permissions: ['configuration'], expiresAt: null })).status).toBe(200);
    await eventually(async () => (await stateOf(panel.id, inst.id))?.state === 'password_needed', 'installer waits again');
    await signIn(p.app, company.adminEmail, PW_ADMIN);
    await signIn(p.app, inst.email, PW_INST);
    await eventually(async () => (await names(panel.d)).includes(panelUserName(inst.id)) && (await names(panel.d)).includes(panelUserName(company.adminId)), 'installer side back');

    // Revoked.
    expect((await owner.delete(`/api/sites/${siteId}/authorization`)).status).toBe(204);
    await eventually(async () => JSON.stringify(await names(panel.d)) === JSON.stringify(['admin', panelUserName(ownerId)].sort()), 'installer side gone again, owner stays');
    await eventually(async () => JSON.stringify((await ownerView()).items.map((a) => a.userId)) === JSON.stringify([ownerId]), 'the owner sees only their own account again');
  });
});

describe('conflicts the panel reports, shown on the device and retried', () => {
  it('a panel user of our name that Sitekeeper did not make, a full panel, an admin password that no longer works', async () => {
    const siteId = (await buildSite(company)).id;
    const d = panels[nextPanel]!;
    const desc = fleet.describe(d);
    const admin = p.app.platform.reach.directClient(desc.host, desc.httpPort, { user: desc.adminUser!, password: desc.adminPassword! });
    // Made by hand before the panel was added, with the name Sitekeeper gives the installer admin.
    await admin.axproAddUser({ userName: panelUserName(company.adminId), password: 'Hand-made-9', userLevel: 'operator' }, desc.adminPassword!);
    const panel = await addPanel(siteId);
    const taken = await eventually(async () => {
      const a = await stateOf(panel.id, company.adminId);
      return a?.state === 'conflict' ? a : undefined;
    }, 'name conflict shown');
    expect(taken.error).toMatchObject({ code: 'AXPRO_NAME_TAKEN', message: expect.stringContaining('did not create') });
    // Never taken over: still the hand-made user, with its own password and level.
    const hand = (await panelUsers(d)).find((u) => u.userName === panelUserName(company.adminId))!;
    expect(hand.userLevel).toBe('operator');
    expect(panelPassword(d, panelUserName(company.adminId))).toBe('Hand-made-9');

    // The account waits for the name: the password is kept (sealed) at sign-in meanwhile.
    await signIn(p.app, company.adminEmail, PW_ADMIN);
    await eventually(async () => (await secretsOf(company.adminId)).length === 1, 'password kept for the waiting account');
    // Resolved on the panel: the next run makes the account.
    await admin.axproDeleteUser(hand.id, desc.adminPassword!);
    await eventually(async () => (await stateOf(panel.id, company.adminId))?.state === 'present', 'made once the name is free');
    expect(panelPassword(d, panelUserName(company.adminId))).toBe(PW_ADMIN);

    // A full panel (32 users): the refusal, in the panel's words, until there is room.
    const filler: number[] = [];
    for (let i = (await panelUsers(d)).length; i < 32; i++) await admin.axproAddUser({ userName: `guest${i}`, password: `Guest-pw-${i}x`, userLevel: 'operator' }, desc.adminPassword!);
    for (const u of await panelUsers(d)) if (u.userName.startsWith('guest')) filler.push(u.id);
    const inst = await installer('manage_assigned');
    expect((await company.admin.put(`/api/sites/${siteId}/installers`, { installerIds: [inst.id] })).status).toBe(200);
    await eventually(async () => (await stateOf(panel.id, inst.id))?.state === 'password_needed', 'installer waiting');
    await signIn(p.app, inst.email, PW_INST);
    const full = await eventually(async () => {
      const a = await stateOf(panel.id, inst.id);
      return a?.state === 'conflict' ? a : undefined;
    }, 'user limit shown');
    expect(full.error).toMatchObject({ code: 'AXPRO_PANEL_REFUSED', message: expect.stringContaining('32 users') });
    await admin.axproDeleteUser(filler[0]!, desc.adminPassword!);
    await eventually(async () => (await stateOf(panel.id, inst.id))?.state === 'present', 'made once there is room');

    // The panel's admin password changed behind Sitekeeper's back: every account says what is needed.
    d.state.users.find((u) => u.id === 1)!.password = 'Changed-on-site-1';
    expect((await company.admin.put(`/api/sites/${siteId}/installers`, { installerIds: [] })).status).toBe(200);
    await eventually(async () => (await accounts(panel.id)).adminPasswordNeeded, 'admin password needed shown');
    const a = await stateOf(panel.id, inst.id);
    expect(a).toMatchObject({ state: 'admin_password_needed', error: { code: 'AXPRO_ADMIN_PASSWORD_NEEDED' } });
    // Nothing was deleted without the admin password; restored, the pending removal is applied.
    expect(await names(d)).toContain(panelUserName(inst.id));
    d.state.users.find((u) => u.id === 1)!.password = desc.adminPassword!;
    await eventually(async () => !(await names(d)).includes(panelUserName(inst.id)), 'removal applied once the admin password works');
    expect((await accounts(panel.id)).adminPasswordNeeded).toBe(false);
  });
});
