/**
 * RBAC matrix, generated from the route table: every /api route × every kind of caller, with the
 * expected outcome. A route without an entry here fails the suite, so a new route cannot ship
 * without a rule. Outcomes: ok (the handler ran: 2xx or a domain answer such as 409), unauth (401),
 * forbidden (403), hidden (404: another tenant's object does not exist for you).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { ApiClient } from '../helpers/api';
import { buildEndUser, buildInstaller, buildOtherCompany, buildSite, setupCompany, TEST_PASSWORD, type TestCompany } from '../helpers/factories';

type Caller = 'admin' | 'manageAll' | 'assigned' | 'unassigned' | 'endUser' | 'otherCompany' | 'anonymous';
type Outcome = 'ok' | 'unauth' | 'forbidden' | 'hidden';
const CALLERS: Caller[] = ['admin', 'manageAll', 'assigned', 'unassigned', 'endUser', 'otherCompany', 'anonymous'];

interface Fixture {
  company: TestCompany;
  siteId: string;
  installerId: string;
  scanId: string;
  candidateId: string;
  batchId: string;
  deviceId: string;
  endUserId: string;
  clients: Record<Caller, ApiClient>;
  emails: Record<Caller, string>;
}

interface Case {
  /** Builds a fresh request for one call (mutations get their own targets). */
  request: (fx: Fixture, caller: Caller) => Promise<{ url: string; body?: unknown }>;
  expect: Record<Caller, Outcome>;
  /** Why a successful mutation writes no audit row (only for a user's own inbox state, never for devices, sites, accounts or settings). */
  unaudited?: string;
}

const all = (o: Outcome): Record<Caller, Outcome> => Object.fromEntries(CALLERS.map((c) => [c, o])) as Record<Caller, Outcome>;
const signedIn = { ...all('ok'), anonymous: 'unauth' } as Record<Caller, Outcome>;
const adminOnly: Record<Caller, Outcome> = { admin: 'ok', manageAll: 'forbidden', assigned: 'forbidden', unassigned: 'forbidden', endUser: 'forbidden', otherCompany: 'ok', anonymous: 'unauth' };
const adminOnlyOwnTarget: Record<Caller, Outcome> = { ...adminOnly, otherCompany: 'hidden' };
const installersOnly: Record<Caller, Outcome> = { admin: 'ok', manageAll: 'ok', assigned: 'ok', unassigned: 'ok', endUser: 'forbidden', otherCompany: 'ok', anonymous: 'unauth' };
/** Reading or editing the fixture site. */
const siteRead: Record<Caller, Outcome> = { admin: 'ok', manageAll: 'ok', assigned: 'ok', unassigned: 'forbidden', endUser: 'forbidden', otherCompany: 'hidden', anonymous: 'unauth' };
const siteAdmin: Record<Caller, Outcome> = { admin: 'ok', manageAll: 'forbidden', assigned: 'forbidden', unassigned: 'forbidden', endUser: 'forbidden', otherCompany: 'hidden', anonymous: 'unauth' };
/** End-user routes (the site owner's): installers are refused by role. */
const endUserOnly: Record<Caller, Outcome> = { admin: 'forbidden', manageAll: 'forbidden', assigned: 'forbidden', unassigned: 'forbidden', endUser: 'ok', otherCompany: 'forbidden', anonymous: 'unauth' };
/** Who has access to a handed-over site: its owner and the company's people who see it. */
const siteAccessView: Record<Caller, Outcome> = { ...siteRead, endUser: 'ok' };
const siteCreateDelete: Record<Caller, Outcome> = { admin: 'ok', manageAll: 'ok', assigned: 'forbidden', unassigned: 'forbidden', endUser: 'forbidden', otherCompany: 'hidden', anonymous: 'unauth' };

async function freshInvitationToken(fx: Fixture): Promise<string> {
  const r = await fx.company.admin.post('/api/installers/invitations', { email: `rbac-${Math.random().toString(36).slice(2)}@example.test`, name: 'R', permission: 'manage_all' });
  return new URL(r.body.inviteUrl).searchParams.get('token')!;
}

/** An installer row made directly (the invitation accept route is rate-limited per client: the matrix would exhaust it). */
async function freshVictim(fx: Fixture): Promise<string> {
  const r = await APP.platform.database.db
    .insertInto('users')
    .values({ company_id: fx.company.companyId, email: `victim-${Math.random().toString(36).slice(2)}@example.test`, name: 'Victim', role: 'installer', permission: 'manage_assigned', password_hash: 'not-a-hash' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function freshResetToken(fx: Fixture): Promise<string> {
  const r = await fx.company.admin.post(`/api/installers/${await freshVictim(fx)}/password-reset`);
  return new URL(r.body.resetUrl).searchParams.get('token')!;
}

async function freshInvitationId(fx: Fixture): Promise<string> {
  const r = await fx.company.admin.post('/api/installers/invitations', { email: `rbac-${Math.random().toString(36).slice(2)}@example.test`, name: 'R', permission: 'manage_all' });
  return r.body.invitation.id;
}

async function freshSite(fx: Fixture, caller: Caller): Promise<string> {
  const s = await buildSite(fx.company);
  // The assigned installer is assigned to every site made for the matrix.
  if (caller === 'assigned') await fx.company.admin.put(`/api/sites/${s.id}/installers`, { installerIds: [fx.installerId] });
  return s.id;
}

/** A site of the fixture company handed over to the fixture end user (assigned to the assigned installer). */
async function freshOwnedSite(fx: Fixture, caller: Caller): Promise<string> {
  const id = await freshSite(fx, caller);
  await APP.platform.database.db.updateTable('sites').set({ handover_state: 'handed_over', owner_user_id: fx.endUserId }).where('id', '=', id).execute();
  return id;
}

async function freshSiteInvitation(fx: Fixture, caller: Caller): Promise<{ siteId: string; invitationId: string; token: string }> {
  const siteId = await freshSite(fx, caller);
  const r = await fx.company.admin.post(`/api/sites/${siteId}/invitations`, { email: `cust-${Math.random().toString(36).slice(2)}@example.test` });
  return { siteId, invitationId: r.body.invitation.id, token: new URL(r.body.inviteUrl).searchParams.get('token')! };
}

const CASES: Record<string, Case> = {
  'GET /api/setup/status': { request: async () => ({ url: '/api/setup/status' }), expect: all('ok') },
  'POST /api/setup': {
    request: async () => ({ url: '/api/setup', body: { token: 'x', companyName: 'x', name: 'x', email: 'x@example.test', password: TEST_PASSWORD } }),
    expect: all('ok'), // 409 SETUP_ALREADY_DONE for everybody: setup is public but once
  },
  'POST /api/auth/login': { request: async (fx, c) => ({ url: '/api/auth/login', body: { email: fx.emails[c] || 'nobody@example.test', password: TEST_PASSWORD } }), expect: { ...all('ok'), anonymous: 'unauth' } },
  'POST /api/auth/logout': { request: async () => ({ url: '/api/auth/logout' }), expect: signedIn },
  'GET /api/auth/me': { request: async () => ({ url: '/api/auth/me' }), expect: signedIn },
  'POST /api/auth/password': { request: async () => ({ url: '/api/auth/password', body: { currentPassword: 'wrong-wrong-1', newPassword: 'N3w-Password-ok' } }), expect: signedIn },
  'GET /api/auth/tokens': { request: async () => ({ url: '/api/auth/tokens' }), expect: signedIn },
  // Signed-in sessions only: a token creating a token is refused (API_TOKEN_SESSION_REQUIRED: src/server/auth/api-tokens.test.ts).
  'POST /api/auth/tokens': { request: async () => ({ url: '/api/auth/tokens', body: { name: 'rbac' } }), expect: signedIn },
  // Each caller revokes one of their own (someone else's is 404: see src/server/auth/api-tokens.test.ts).
  'DELETE /api/auth/tokens/:id': { request: async (fx, c) => ({ url: `/api/auth/tokens/${await freshApiToken(fx, c)}` }), expect: signedIn },
  'GET /api/installers': { request: async () => ({ url: '/api/installers' }), expect: adminOnly },
  'POST /api/installers/invitations': {
    request: async () => ({ url: '/api/installers/invitations', body: { email: `m-${Math.random().toString(36).slice(2)}@example.test`, name: 'M', permission: 'manage_all' } }),
    expect: adminOnly,
  },
  'GET /api/installers/invitations': { request: async () => ({ url: '/api/installers/invitations' }), expect: adminOnly },
  'POST /api/installers/invitations/:id/resend': { request: async (fx) => ({ url: `/api/installers/invitations/${await freshInvitationId(fx)}/resend` }), expect: adminOnlyOwnTarget },
  'DELETE /api/installers/invitations/:id': { request: async (fx) => ({ url: `/api/installers/invitations/${await freshInvitationId(fx)}` }), expect: adminOnlyOwnTarget },
  'GET /api/invitations/:token': { request: async (fx) => ({ url: `/api/invitations/${await freshInvitationToken(fx)}` }), expect: all('ok') },
  'POST /api/invitations/:token/accept': {
    request: async (fx) => ({ url: `/api/invitations/${await freshInvitationToken(fx)}/accept`, body: { name: 'A', password: TEST_PASSWORD } }),
    expect: all('ok'),
  },
  // A one-time link; the victim is each caller's own (their sessions end: never the fixture's installers).
  'POST /api/installers/:id/password-reset': { request: async (fx) => ({ url: `/api/installers/${await freshVictim(fx)}/password-reset` }), expect: adminOnlyOwnTarget },
  'GET /api/password-resets/:token': { request: async (fx) => ({ url: `/api/password-resets/${await freshResetToken(fx)}` }), expect: all('ok') },
  'POST /api/password-resets/:token': { request: async (fx) => ({ url: `/api/password-resets/${await freshResetToken(fx)}`, body: { password: 'Fresh-Reset-Pass-9' } }), expect: all('ok') },
  'PATCH /api/installers/:id': { request: async (fx) => ({ url: `/api/installers/${fx.installerId}`, body: { permission: 'manage_assigned' } }), expect: adminOnlyOwnTarget },
  'DELETE /api/installers/:id': {
    request: async (fx) => {
      const victim = await buildInstaller(APP, fx.company, 'manage_assigned');
      return { url: `/api/installers/${victim.id}` };
    },
    expect: adminOnlyOwnTarget,
  },
  'GET /api/sites': { request: async () => ({ url: '/api/sites' }), expect: installersOnly },
  'POST /api/sites': { request: async () => ({ url: '/api/sites', body: { name: 'RBAC site' } }), expect: { ...siteCreateDelete, otherCompany: 'ok' } },
  'GET /api/sites/:id': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}` }), expect: siteRead },
  'PATCH /api/sites/:id': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}`, body: { address: 'Matrix Rd' } }), expect: siteRead },
  'DELETE /api/sites/:id': { request: async (fx, c) => ({ url: `/api/sites/${await freshSite(fx, c)}` }), expect: siteCreateDelete },
  'GET /api/sites/:id/installers': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/installers` }), expect: siteRead },
  'PUT /api/sites/:id/installers': { request: async (fx, c) => ({ url: `/api/sites/${await freshSite(fx, c)}/installers`, body: { installerIds: [fx.installerId] } }), expect: siteAdmin },
  // Site agents: whoever sees the site lists them; only the installer admin adds or revokes one (a foothold on the customer's network).
  'GET /api/sites/:id/agents': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/agents` }), expect: siteRead },
  'POST /api/sites/:id/agents': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/agents`, body: { name: 'RBAC agent' } }), expect: siteAdmin },
  'DELETE /api/sites/:id/agents/:agentId': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/agents/${await freshAgent(fx)}` }), expect: siteAdmin },
  // Site custody (decision 0015): installers on the site invite its customer; the public link is the
  // invitee's; the owner grants and revokes (the whole state matrix: src/server/sites/site-policy.test.ts).
  'POST /api/sites/:id/invitations': { request: async (fx, c) => ({ url: `/api/sites/${await freshSite(fx, c)}/invitations`, body: { email: `cust-${Math.random().toString(36).slice(2)}@example.test` } }), expect: siteRead },
  'GET /api/sites/:id/invitations': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/invitations` }), expect: siteRead },
  'POST /api/sites/:id/invitations/:invitationId/resend': { request: async (fx, c) => { const i = await freshSiteInvitation(fx, c); return { url: `/api/sites/${i.siteId}/invitations/${i.invitationId}/resend` }; }, expect: siteRead },
  'DELETE /api/sites/:id/invitations/:invitationId': { request: async (fx, c) => { const i = await freshSiteInvitation(fx, c); return { url: `/api/sites/${i.siteId}/invitations/${i.invitationId}` }; }, expect: siteRead },
  'GET /api/site-invitations/:token': { request: async (fx, c) => ({ url: `/api/site-invitations/${(await freshSiteInvitation(fx, c)).token}` }), expect: all('ok') },
  // Everybody gets an answer: a new account (anonymous), the site (the end user), SITE_INVITATION_ACCOUNT_MISMATCH (installers).
  'POST /api/site-invitations/:token/accept': { request: async (fx, c) => ({ url: `/api/site-invitations/${(await freshSiteInvitation(fx, c)).token}/accept`, body: { name: 'A', password: TEST_PASSWORD } }), expect: all('ok') },
  'GET /api/end-user-app': { request: async () => ({ url: '/api/end-user-app' }), expect: installersOnly },
  'GET /api/me/sites': { request: async () => ({ url: '/api/me/sites' }), expect: endUserOnly },
  'PUT /api/sites/:id/authorization': { request: async (fx, c) => ({ url: `/api/sites/${await freshOwnedSite(fx, c)}/authorization`, body: { permissions: ['configuration'], expiresAt: null } }), expect: endUserOnly },
  'DELETE /api/sites/:id/authorization': { request: async (fx, c) => ({ url: `/api/sites/${await freshOwnedSite(fx, c)}/authorization` }), expect: endUserOnly },
  'GET /api/sites/:id/access': { request: async (fx, c) => ({ url: `/api/sites/${await freshOwnedSite(fx, c)}/access` }), expect: siteAccessView },
  'GET /api/audit': { request: async () => ({ url: '/api/audit' }), expect: adminOnly },
  'POST /api/sites/:id/scans': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/scans`, body: { text: 'RBAC12345' } }), expect: siteRead },
  // An address that is not one (a space in it): the probe answers DEVICE_HOST_INVALID on the candidate without contacting anything.
  'POST /api/sites/:id/scans/address': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/scans/address`, body: { host: 'not a host', port: 80, user: 'admin', password: 'Some-pass-1' } }), expect: siteRead },
  'GET /api/scans/:id': { request: async (fx) => ({ url: `/api/scans/${fx.scanId}` }), expect: siteRead },
  'POST /api/scans/:id/add': {
    request: async (fx) => ({ url: `/api/scans/${fx.scanId}/add`, body: { candidateIds: [fx.candidateId], idempotencyKey: `rbac-${Math.random().toString(36).slice(2)}` } }),
    expect: siteRead,
  },
  'GET /api/batches/:id': { request: async (fx) => ({ url: `/api/batches/${fx.batchId}` }), expect: siteRead },
  'GET /api/batches/:id/events': { request: async (fx) => ({ url: `/api/batches/${fx.batchId}/events` }), expect: siteRead },
  'GET /api/sites/:id/devices': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/devices` }), expect: siteRead },
  'GET /api/devices': { request: async () => ({ url: '/api/devices' }), expect: installersOnly },
  'GET /api/devices/:id': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}` }), expect: siteRead },
  // Encrypted codes for whoever sees the site; a plain code (unencrypted: true) is installer admins'
  // only, inside the handler (DEVICE_QR_PLAIN_ADMIN_ONLY: src/server/devices/device-qr.test.ts).
  'POST /api/devices/:id/qr': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/qr`, body: { password: 'Qr-pass-1234' } }), expect: siteRead },
  // Installer admins and installers who manage the site (the device cloud holds no key for the fixture: wasBound false).
  'POST /api/devices/:id/cloud-binding/reset': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/cloud-binding/reset` }), expect: siteRead },
  // Set type: a device whose type was not recognised (each caller gets their own).
  'GET /api/devices/:id/firmware': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/firmware` }), expect: siteRead },
  'PUT /api/devices/:id/type': { request: async (fx) => ({ url: `/api/devices/${await freshDevice(fx, { type: 'unknown' })}/type`, body: { type: 'doorbell' } }), expect: siteRead },
  // A cloud device answers DEVICE_CONNECTION_NOT_EDITABLE (409) to whoever may see it: no device is contacted here
  // (the connection check against the emulator: test/e2e/device-options.test.ts).
  'PUT /api/devices/:id/connection': { request: async (fx) => ({ url: `/api/devices/${await freshDevice(fx, { addedVia: 'cloud' })}/connection`, body: { host: '127.0.0.1', port: 80, user: 'admin', password: 'x' } }), expect: siteRead },
  'DELETE /api/devices/:id': { request: async (fx) => ({ url: `/api/devices/${await freshDevice(fx)}` }), expect: siteRead },
  // Releasing a claim and disputing one: installer admins only (decision 0005). Another company's
  // device does not exist for you; a dispute with a code no device accepts is a domain answer (422).
  'POST /api/devices/:id/release': { request: async (fx) => ({ url: `/api/devices/${await freshDevice(fx)}/release` }), expect: siteAdmin },
  'POST /api/devices/claims/dispute': { request: async () => ({ url: '/api/devices/claims/dispute', body: { serial: 'DS-2CD2143G2-I20240101AAWRJ00000001', verificationCode: 'ABCDEF' } }), expect: adminOnly },
  // Admin password, remote configuration: whoever manages the device's site. The fixture device holds no
  // admin password (DEVICE_ADMIN_PASSWORD_NEEDED, 409): no device is contacted here (the round trips
  // against the emulator: test/e2e/device-remote.test.ts).
  // A direct device with credentials answers DEVICE_ADMIN_PASSWORD_HELD (409: edit its connection instead).
  'PUT /api/devices/:id/admin-password': { request: async (fx) => ({ url: `/api/devices/${await freshDevice(fx, { credentials: true })}/admin-password`, body: { password: 'Wrong-pass-1' } }), expect: siteRead },
  'GET /api/devices/:id/config/device-name': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/device-name` }), expect: siteRead },
  'PUT /api/devices/:id/config/device-name': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/device-name`, body: { deviceName: 'Gate' } }), expect: siteRead },
  'GET /api/devices/:id/config/time': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/time` }), expect: siteRead },
  'PUT /api/devices/:id/config/time': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/time`, body: { timeMode: 'NTP', timeZone: 'CST-1:00:00', ntp: { host: 'pool.ntp.org', port: 123, intervalMinutes: 60 } } }), expect: siteRead },
  // Device users (remote configuration): whoever manages the device's site; the fixture device holds no admin password
  // (409 after the access checks, before the password rules: a weak password tells nothing to the wrong party).
  'GET /api/devices/:id/config/users': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/users` }), expect: siteRead },
  'POST /api/devices/:id/config/users': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/users`, body: { userName: 'rbac', password: 'weak', userLevel: 'Viewer' } }), expect: siteRead },
  'PUT /api/devices/:id/config/users/:userId': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/users/2`, body: { userLevel: 'Viewer' } }), expect: siteRead },
  'DELETE /api/devices/:id/config/users/:userId': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/users/2` }), expect: siteRead },
  'GET /api/devices/:id/config/channels': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/channels` }), expect: siteRead },
  'PUT /api/devices/:id/config/channels/:channelId': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/channels/1`, body: { name: 'Gate' } }), expect: siteRead },
  'GET /api/devices/:id/config/recording': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/recording` }), expect: siteRead },
  'PUT /api/devices/:id/config/recording': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/recording`, body: { overwrite: true } }), expect: siteRead },
  'GET /api/devices/:id/config/network': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/network` }), expect: siteRead },
  'PUT /api/devices/:id/config/network': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/network`, body: { addressing: 'static', ipAddress: '192.168.1.64', subnetMask: '255.255.255.0', defaultGateway: '192.168.1.1' } }), expect: siteRead },
  'GET /api/devices/:id/config/ports': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/ports` }), expect: siteRead },
  'PUT /api/devices/:id/config/ports': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/config/ports`, body: { httpPort: 8080, rtspPort: 8554 } }), expect: siteRead },
  // The ISAPI pass-through: installer admins only (an allowed path: the fixture device answers DEVICE_ADMIN_PASSWORD_NEEDED).
  // Firmware (issue 16): packages are the installer admin's; a campaign needs configuration access to every device's site
  // (the fixture device has health monitoring off: refused per device, 422, after the access checks).
  'POST /api/firmware/packages': { request: async () => ({ url: '/api/firmware/packages' }), expect: adminOnly },
  'GET /api/firmware/packages': { request: async () => ({ url: '/api/firmware/packages' }), expect: adminOnly },
  // Installer admins only; another company's admin does not find the package.
  'DELETE /api/firmware/packages/:id': { request: async (fx) => ({ url: `/api/firmware/packages/${await freshPackage(fx)}` }), expect: adminOnlyOwnTarget },
  'POST /api/firmware/campaigns': { request: async (fx) => ({ url: '/api/firmware/campaigns', body: { packageId: (await fixtureCampaign(fx)).packageId, deviceIds: [await freshDevice(fx, { healthMonitoring: false })] } }), expect: siteRead },
  'GET /api/firmware/campaigns': { request: async () => ({ url: '/api/firmware/campaigns' }), expect: installersOnly },
  'GET /api/firmware/campaigns/:id': { request: async (fx) => ({ url: `/api/firmware/campaigns/${(await fixtureCampaign(fx)).campaignId}` }), expect: siteRead },
  // The fixture campaign is finished: its stream sends it and ends (`done`).
  'GET /api/firmware/campaigns/:id/events': { request: async (fx) => ({ url: `/api/firmware/campaigns/${(await fixtureCampaign(fx)).campaignId}/events` }), expect: siteRead },
  'POST /api/devices/:id/isapi': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/isapi`, body: { method: 'GET', path: '/ISAPI/System/deviceInfo' } }), expect: siteAdmin },
  // Health: whoever manages the device's site (installer admins, manage-all, assigned installers).
  'GET /api/devices/:id/health': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/health` }), expect: siteRead },
  'PUT /api/devices/:id/health-monitoring': { request: async (fx) => ({ url: `/api/devices/${await freshDevice(fx)}/health-monitoring`, body: { enabled: false } }), expect: siteRead },
  // AX Pro panel accounts as Sitekeeper keeps them: whoever manages the device's site, and its owner
  // (the fixture's end user does not own this site: the panel does not exist for them).
  'GET /api/devices/:id/panel-accounts': { request: async (fx) => ({ url: `/api/devices/${fx.deviceId}/panel-accounts` }), expect: { ...siteRead, endUser: 'hidden' } },
  'GET /api/health': { request: async () => ({ url: '/api/health' }), expect: installersOnly },
  'GET /api/sites/:id/health': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/health` }), expect: siteRead },
  'GET /api/notifications': { request: async () => ({ url: '/api/notifications' }), expect: signedIn },
  // A one-second stream: the request ends on its own (a live stream would hold the call open).
  'GET /api/notifications/events': { request: async () => ({ url: '/api/notifications/events?maxSeconds=1' }), expect: signedIn },
  'GET /api/notifications/counts': { request: async () => ({ url: '/api/notifications/counts' }), expect: signedIn },
  'GET /api/notifications/preferences': { request: async () => ({ url: '/api/notifications/preferences' }), expect: signedIn },
  'PUT /api/notifications/preferences': { request: async () => ({ url: '/api/notifications/preferences', body: { emailAlerts: true } }), expect: signedIn },
  // Each caller marks one of their own (someone else's is 404: see notification.routes.test.ts).
  'POST /api/notifications/:id/read': { request: async (fx, c) => ({ url: `/api/notifications/${await freshNotification(fx, c)}/read` }), expect: signedIn, unaudited: "a user's own read marks" },
  'POST /api/notifications/read-all': { request: async () => ({ url: '/api/notifications/read-all' }), expect: signedIn, unaudited: "a user's own read marks" },
  // Exception rules: reading, every installer (the company default and the rules of their sites);
  // a site's rules, whoever manages the site; the company default, installer admins (exception.service.test.ts).
  'GET /api/exception-rules': { request: async () => ({ url: '/api/exception-rules' }), expect: installersOnly },
  'POST /api/exception-rules': { request: async (fx) => ({ url: '/api/exception-rules', body: { siteId: fx.siteId, name: 'RBAC', types: ['offline'], recipients: { siteInstallers: true, installerAdmins: true }, schedule: null } }), expect: siteRead },
  'PUT /api/exception-rules/:id': { request: async (fx) => ({ url: `/api/exception-rules/${await freshRule(fx)}`, body: { name: 'RBAC 2', types: ['hdd_error'], recipients: { siteInstallers: false, installerAdmins: true }, schedule: { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' } } }), expect: siteRead },
  'DELETE /api/exception-rules/:id': { request: async (fx) => ({ url: `/api/exception-rules/${await freshRule(fx)}` }), expect: siteRead },
  'GET /api/exceptions': { request: async () => ({ url: '/api/exceptions' }), expect: installersOnly },
  // Linkage rules of a site: read with the site's devices, changed by who configures its devices (as exception rules).
  'GET /api/sites/:id/linkage-rules/templates': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/linkage-rules/templates` }), expect: siteRead },
  'GET /api/sites/:id/linkage-rules': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/linkage-rules` }), expect: siteRead },
  'POST /api/sites/:id/linkage-rules': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/linkage-rules`, body: linkageBody(fx) }), expect: siteRead },
  'GET /api/sites/:id/linkage-rules/:ruleId': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/linkage-rules/${await freshLinkageRule(fx)}` }), expect: siteRead },
  'PUT /api/sites/:id/linkage-rules/:ruleId': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/linkage-rules/${await freshLinkageRule(fx)}`, body: { ...linkageBody(fx), name: 'RBAC 2' } }), expect: siteRead },
  'DELETE /api/sites/:id/linkage-rules/:ruleId': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/linkage-rules/${await freshLinkageRule(fx)}` }), expect: siteRead },
  'GET /api/sites/:id/linkage-rules/:ruleId/firings': { request: async (fx) => ({ url: `/api/sites/${fx.siteId}/linkage-rules/${await freshLinkageRule(fx)}/firings` }), expect: siteRead },
  // Webhooks: installer admins of the company. Loopback URLs are refused here (422, a domain answer): no traffic leaves.
  'GET /api/webhooks': { request: async () => ({ url: '/api/webhooks' }), expect: adminOnly },
  'POST /api/webhooks': { request: async () => ({ url: '/api/webhooks', body: { name: 'RBAC', url: 'http://127.0.0.1:9/hook' } }), expect: adminOnly },
  'PUT /api/webhooks/:id': { request: async (fx) => ({ url: `/api/webhooks/${await freshWebhook(fx)}`, body: { name: 'RBAC', url: 'http://127.0.0.1:9/hook' } }), expect: adminOnlyOwnTarget },
  'DELETE /api/webhooks/:id': { request: async (fx) => ({ url: `/api/webhooks/${await freshWebhook(fx)}` }), expect: adminOnlyOwnTarget },
  'GET /api/webhooks/:id/deliveries': { request: async (fx) => ({ url: `/api/webhooks/${await freshWebhook(fx)}/deliveries` }), expect: adminOnlyOwnTarget },
  // The stored loopback URL is refused at delivery: the test answers a failed log entry (200), no traffic.
  'POST /api/webhooks/:id/test': { request: async (fx) => ({ url: `/api/webhooks/${await freshWebhook(fx)}/test` }), expect: adminOnlyOwnTarget },
  // E-mail: whether it is configured, every installer; the delivery log and a test e-mail, installer admins.
  // This platform has no SMTP_URL: the test answers EMAIL_NOT_CONFIGURED (409, a domain answer), nothing is sent.
  'GET /api/email/status': { request: async () => ({ url: '/api/email/status' }), expect: installersOnly },
  'GET /api/email/deliveries': { request: async () => ({ url: '/api/email/deliveries' }), expect: adminOnly },
  'POST /api/email/test': { request: async () => ({ url: '/api/email/test' }), expect: adminOnly },
};

async function freshRule(fx: Fixture): Promise<string> {
  const r = await APP.platform.database.db
    .insertInto('exception_rules')
    .values({ company_id: fx.company.companyId, site_id: fx.siteId, name: 'RBAC rule', types: JSON.stringify(['offline']), recipients: JSON.stringify({ siteInstallers: true, installerAdmins: true }), schedule: JSON.stringify(null) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const linkageBody = (fx: Fixture) => ({ name: 'RBAC rule', eventType: 'offline', sourceDeviceId: fx.deviceId, actions: [{ kind: 'notify', recipients: { siteInstallers: true, installerAdmins: true } }] });

async function freshLinkageRule(fx: Fixture): Promise<string> {
  const r = await APP.platform.database.db
    .insertInto('linkage_rules')
    .values({ company_id: fx.company.companyId, site_id: fx.siteId, name: 'RBAC rule', template: null, event_type: 'offline', source_device_id: fx.deviceId, source_channel: null, source_zone: null, conditions: JSON.stringify({}), actions: JSON.stringify([{ kind: 'notify', recipients: { siteInstallers: true, installerAdmins: true } }]), created_by: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function freshWebhook(fx: Fixture): Promise<string> {
  const r = await APP.platform.database.db
    .insertInto('webhook_endpoints')
    .values({ company_id: fx.company.companyId, name: 'RBAC hook', url: 'http://127.0.0.1:9/hook', secret_sealed: 'v1.none', types: JSON.stringify([]) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A firmware package of the fixture company, unused (deleting it is allowed). */
async function freshPackage(fx: Fixture): Promise<string> {
  const sha256 = randomBytes(32).toString('hex');
  const r = await APP.platform.database.db
    .insertInto('firmware_packages')
    .values({ company_id: fx.company.companyId, sha256, file_name: 'fw.bin', models: JSON.stringify(['DS-2CD2143G2-I']), version: 'V5.8.0', build: '1', size: 4, content: Buffer.from('pkg!'), uploaded_by: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function freshNotification(fx: Fixture, caller: Caller): Promise<string> {
  const db = APP.platform.database.db;
  const user = await db.selectFrom('users').select(['id', 'company_id']).where('email', '=', fx.emails[caller] || fx.company.adminEmail).executeTakeFirstOrThrow();
  const r = await db
    .insertInto('notifications')
    .values({ company_id: user.company_id ?? fx.company.companyId, user_id: user.id, kind: 'test', severity: 'info', title: 'RBAC', body: 'RBAC', link: null, data: JSON.stringify({}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function freshAgent(fx: Fixture): Promise<string> {
  const r = await fx.company.admin.post(`/api/sites/${fx.siteId}/agents`, { name: 'RBAC revoke' });
  return r.body.agentId;
}

async function freshApiToken(fx: Fixture, caller: Caller): Promise<string> {
  const db = APP.platform.database.db;
  const user = await db.selectFrom('users').select('id').where('email', '=', fx.emails[caller] || fx.company.adminEmail).executeTakeFirstOrThrow();
  const r = await db
    .insertInto('api_tokens')
    .values({ user_id: user.id, name: 'RBAC revoke', token_hash: `rbac-${Math.random().toString(36).slice(2)}-${Date.now()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

let campaignFixture: Promise<{ packageId: string; campaignId: string }> | undefined;

/** A finished firmware campaign of one fixture device (rows made directly: no device is contacted). */
function fixtureCampaign(fx: Fixture): Promise<{ packageId: string; campaignId: string }> {
  campaignFixture ??= (async () => {
    const db = APP.platform.database.db;
    const pkg = await db
      .insertInto('firmware_packages')
      .values({ company_id: fx.company.companyId, sha256: 'rbac', file_name: 'rbac.bin', models: JSON.stringify(['DS-2CD']), version: 'V9.9.9', build: '000000', size: 4, content: Buffer.from('SKFW'), uploaded_by: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const c = await db.insertInto('firmware_campaigns').values({ company_id: fx.company.companyId, package_id: pkg.id, created_by: null }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('firmware_campaign_devices').values({ campaign_id: c.id, device_id: fx.deviceId, site_id: fx.siteId, position: 0, state: 'failed', stage: 'upload', reason_code: 'DEVICE_FIRMWARE_REJECTED', reason_message: 'rbac' }).execute();
    return { packageId: pkg.id, campaignId: c.id };
  })();
  return campaignFixture;
}

async function freshDevice(fx: Fixture, o: { type?: string; addedVia?: 'direct' | 'cloud'; credentials?: boolean; healthMonitoring?: boolean } = {}): Promise<string> {
  const serial = `DS-RBAC${Math.random().toString(36).slice(2, 11).toUpperCase()}`;
  const r = await APP.platform.database.db
    .insertInto('devices')
    .values({ company_id: fx.company.companyId, site_id: fx.siteId, serial, name: 'RBAC cam', type: o.type ?? 'camera', model: 'DS-2CD', added_via: o.addedVia ?? 'direct', host: '127.0.0.1', port: 1, credentials_sealed: o.credentials ? APP.platform.secrets.seal(JSON.stringify({ user: 'admin', password: 'x' }), `device:${serial}`) : null, verification_code_sealed: null, added_by: null, firmware_compatible: null, ...(o.healthMonitoring === false ? { health_monitoring: false } : {}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

let p: TestPlatform;
let APP: TestPlatform['app'];
let fx: Fixture;

beforeAll(async () => {
  p = await startTestPlatform();
  APP = p.app;
  const company = await setupCompany(p.app, p.setupToken);
  const site = await buildSite(company);
  const manageAll = await buildInstaller(p.app, company, 'manage_all');
  const assigned = await buildInstaller(p.app, company, 'manage_assigned');
  const unassigned = await buildInstaller(p.app, company, 'manage_assigned');
  await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [assigned.id] });
  const endUser = await buildEndUser(p.app, company);
  const other = await buildOtherCompany(p.app);
  const scan = await company.admin.post(`/api/sites/${site.id}/scans`, { text: 'FIXTURE01' });
  if (scan.status !== 201) throw new Error(`scan failed: ${JSON.stringify(scan.body)}`);
  const batch = await company.admin.post(`/api/scans/${scan.body.scanId}/add`, { candidateIds: [scan.body.candidates[0].id], idempotencyKey: 'rbac-fixture-batch' });
  fx = {
    company,
    siteId: site.id,
    installerId: assigned.id,
    scanId: scan.body.scanId,
    candidateId: scan.body.candidates[0].id,
    batchId: batch.body.batchId,
    deviceId: '',
    endUserId: endUser.id,
    clients: { admin: company.admin, manageAll: manageAll.client, assigned: assigned.client, unassigned: unassigned.client, endUser: endUser.client, otherCompany: other.admin, anonymous: new ApiClient(p.app) },
    emails: { admin: company.adminEmail, manageAll: manageAll.email, assigned: assigned.email, unassigned: unassigned.email, endUser: endUser.email, otherCompany: other.adminEmail, anonymous: '' },
  };
  fx.deviceId = await freshDevice(fx);
});
afterAll(async () => p?.close());

function classify(status: number): Outcome | 'error' {
  if (status === 401) return 'unauth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'hidden';
  if (status >= 500) return 'error';
  return 'ok';
}

describe('RBAC matrix', () => {
  it('has a rule for every /api route, and no rule for a route that does not exist', () => {
    const keys = p.app.routeTable.filter((r) => r.url.startsWith('/api')).map((r) => `${r.method} ${r.url}`);
    const missing = keys.filter((k) => !(k in CASES));
    expect(missing, `routes without an RBAC matrix entry: ${missing.join(', ')}`).toEqual([]);
    expect(Object.keys(CASES).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('every route outside /api is public (docs, health, metrics, web app)', () => {
    const nonApi = p.app.routeTable.filter((r) => !r.url.startsWith('/api'));
    expect(nonApi.length).toBeGreaterThan(3);
    expect(nonApi.filter((r) => r.access !== 'public')).toEqual([]);
  });

  for (const [key, c] of Object.entries(CASES)) {
    it(key, async () => {
      const [method, ...rest] = key.split(' ');
      expect(rest.join(' ')).toMatch(/^\/api/);
      const got: Record<string, string> = {};
      for (const caller of CALLERS) {
        // Sign-out ends the session: give that caller a fresh one so later cases still have it.
        const client = key === 'POST /api/auth/logout' && caller !== 'anonymous' ? await relogin(fx, caller) : fx.clients[caller].clone();
        const req = await c.request(fx, caller);
        const auditBefore = await auditCount();
        const res = await client.request(method!, req.url, req.body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}));
        got[caller] = classify(res.status);
        // Every change leaves an audit row: a successful mutation by the admin must add one.
        if (caller === 'admin' && method !== 'GET' && res.status < 300 && !c.unaudited) {
          expect(await auditCount(), `${key} by the admin wrote no audit row`).toBeGreaterThan(auditBefore);
        }
        if (got[caller] === 'error') got[caller] = `error ${res.status} ${JSON.stringify(res.body)}`;
      }
      expect(got).toEqual(c.expect);
    });
  }
});

async function auditCount(): Promise<number> {
  const r = await APP.platform.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function relogin(f: Fixture, caller: Caller): Promise<ApiClient> {
  const c = new ApiClient(APP);
  await c.post('/api/auth/login', { email: f.emails[caller], password: TEST_PASSWORD });
  return c;
}
