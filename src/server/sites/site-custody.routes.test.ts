import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { ApiClient } from '../../../test/helpers/api';
import { buildInstaller, buildOtherCompany, buildSite, TEST_PASSWORD, type TestCompany } from '../../../test/helpers/factories';

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx));

const uniq = () => Math.random().toString(36).slice(2, 10);
const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

async function insertDevice(siteId: string, companyId: string, addedVia: 'direct' | 'cloud'): Promise<string> {
  const r = await p.app.platform.database.db
    .insertInto('devices')
    .values({ company_id: companyId, site_id: siteId, serial: `DS-CUST${uniq().toUpperCase()}`, name: `Cam ${addedVia}`, type: 'camera', model: 'DS-2CD', added_via: addedVia, host: '127.0.0.1', port: 1, credentials_sealed: null, verification_code_sealed: null, added_by: null, firmware_compatible: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function events(type: string, siteId: string): Promise<number> {
  const rows = await p.app.platform.database.db.selectFrom('domain_events').select('payload').where('type', '=', type).execute();
  return rows.filter((r) => (r.payload as { siteId?: string }).siteId === siteId).length;
}

/** Invite `email` to a new site of `c` and accept as a new account (or as `as`). */
async function handOver(c: TestCompany, email: string, as?: ApiClient): Promise<{ siteId: string; owner: ApiClient }> {
  const site = await buildSite(c);
  const inv = await c.admin.post(`/api/sites/${site.id}/invitations`, { email });
  expect(inv.status).toBe(201);
  const owner = as ?? new ApiClient(p.app);
  const acc = await owner.post(`/api/site-invitations/${tokenOf(inv.body.inviteUrl)}/accept`, as ? {} : { name: 'Carla Customer', password: TEST_PASSWORD });
  expect(acc.status, JSON.stringify(acc.body)).toBe(201);
  return { siteId: site.id, owner };
}

describe('site invitations and handover', () => {
  it('invite (link and QR), describe, accept with a new account: the site is handed over, audited, event emitted', async () => {
    const site = await buildSite(company);
    const email = `cust-${uniq()}@example.test`;
    const inv = await company.admin.post(`/api/sites/${site.id}/invitations`, { email });
    expect(inv.status).toBe(201);
    expect(inv.body.inviteUrl).toMatch(/\/app\/invite\?token=/);
    expect(inv.body.qrSvg).toMatch(/^<svg|<\?xml/);
    // No SMTP_URL on this platform: the invitation says so, nothing is queued, the API says e-mail is not configured.
    expect(inv.body.email).toBe('not_configured');
    expect(await p.app.platform.database.db.selectFrom('email_deliveries').select('id').execute()).toEqual([]);
    expect((await company.admin.get('/api/email/status')).body).toEqual({ configured: false, from: null });
    expect((await company.admin.post('/api/email/test')).body.error.code).toBe('EMAIL_NOT_CONFIGURED');
    expect((await company.admin.get(`/api/sites/${site.id}/access`)).body.state).toBe('invitation_sent');
    const token = tokenOf(inv.body.inviteUrl);

    const anon = new ApiClient(p.app);
    const d = await anon.get(`/api/site-invitations/${token}`);
    expect(d.body).toMatchObject({ siteName: site.name, companyName: expect.any(String), email, expired: false, status: 'pending', hasAccount: false });

    const weak = await anon.post(`/api/site-invitations/${token}/accept`, { name: 'C', password: 'aaaaaaaaa1' });
    expect(weak.status).toBe(400);

    const acc = await anon.post(`/api/site-invitations/${token}/accept`, { name: 'Carla Customer', password: TEST_PASSWORD });
    expect(acc.status).toBe(201);
    expect(acc.body.user).toMatchObject({ email, role: 'end_user', companyId: null, companyName: null });
    expect(acc.body.siteId).toBe(site.id);

    const mine = await anon.get('/api/me/sites');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((s: { id: string }) => s.id)).toEqual([site.id]);
    const access = (await anon.get(`/api/sites/${site.id}/access`)).body;
    expect(access).toMatchObject({ state: 'handed_over', owner: { email }, authorization: null });
    expect(await events('site.handed_over', site.id)).toBe(1);
    const actions = (await company.admin.get(`/api/audit?targetId=${site.id}`)).body.items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(expect.arrayContaining(['site.invitation.create', 'site.handover']));

    // Reuse is refused with a typed code; the installer can no longer invite or delete the site.
    const again = await new ApiClient(p.app).post(`/api/site-invitations/${token}/accept`, { name: 'X', password: TEST_PASSWORD });
    expect(again.body.error.code).toBe('SITE_INVITATION_USED');
    expect((await company.admin.post(`/api/sites/${site.id}/invitations`, { email })).body.error.code).toBe('SITE_HANDED_OVER');
    expect((await company.admin.delete(`/api/sites/${site.id}`)).body.error.code).toBe('SITE_HANDED_OVER');
  });

  it('expiry is refused with SITE_INVITATION_EXPIRED; resend makes a new link and kills the old; cancel ends it', async () => {
    const site = await buildSite(company);
    const email = `cust-${uniq()}@example.test`;
    const inv = await company.admin.post(`/api/sites/${site.id}/invitations`, { email });
    const old = tokenOf(inv.body.inviteUrl);
    await p.app.platform.database.db.updateTable('site_invitations').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', inv.body.invitation.id).execute();
    const anon = new ApiClient(p.app);
    expect((await anon.get(`/api/site-invitations/${old}`)).body).toMatchObject({ expired: true, status: 'expired' });
    const exp = await anon.post(`/api/site-invitations/${old}/accept`, { name: 'C', password: TEST_PASSWORD });
    expect(exp.status).toBe(410);
    expect(exp.body.error.code).toBe('SITE_INVITATION_EXPIRED');
    expect((await company.admin.get(`/api/sites/${site.id}/invitations`)).body.items).toMatchObject([{ id: inv.body.invitation.id, expired: true }]);

    const re = await company.admin.post(`/api/sites/${site.id}/invitations/${inv.body.invitation.id}/resend`);
    expect(re.status).toBe(201);
    const fresh = tokenOf(re.body.inviteUrl);
    expect(fresh).not.toBe(old);
    expect((await anon.post(`/api/site-invitations/${old}/accept`, { name: 'C', password: TEST_PASSWORD })).body.error.code).toBe('SITE_INVITATION_CANCELLED');

    const list = (await company.admin.get(`/api/sites/${site.id}/invitations`)).body.items;
    expect(list).toHaveLength(1);
    expect((await company.admin.delete(`/api/sites/${site.id}/invitations/${list[0].id}`)).status).toBe(204);
    expect((await anon.post(`/api/site-invitations/${fresh}/accept`, { name: 'C', password: TEST_PASSWORD })).body.error.code).toBe('SITE_INVITATION_CANCELLED');
    expect((await company.admin.get(`/api/sites/${site.id}/access`)).body.state).toBe('not_handed_over');
    expect((await anon.get('/api/site-invitations/not-a-real-token-at-all')).body.error.code).toBe('SITE_INVITATION_NOT_FOUND');
  });

  it('one end user is the customer of sites of two companies; an existing account signs in and accepts', async () => {
    const other = await buildOtherCompany(p.app);
    const email = `two-${uniq()}@example.test`;
    const first = await handOver(company, email);
    // Not signed in, the e-mail's account exists: sign in first.
    const site2 = await buildSite(other);
    const inv2 = await other.admin.post(`/api/sites/${site2.id}/invitations`, { email });
    const t2 = tokenOf(inv2.body.inviteUrl);
    expect((await new ApiClient(p.app).get(`/api/site-invitations/${t2}`)).body.hasAccount).toBe(true);
    expect((await new ApiClient(p.app).post(`/api/site-invitations/${t2}/accept`, { name: 'X', password: TEST_PASSWORD })).body.error.code).toBe('SITE_INVITATION_ACCOUNT_MISMATCH');
    // An installer cannot take a site.
    expect((await other.admin.post(`/api/site-invitations/${t2}/accept`, {})).body.error.code).toBe('SITE_INVITATION_ACCOUNT_MISMATCH');
    expect((await first.owner.post(`/api/site-invitations/${t2}/accept`, {})).status).toBe(201);

    const mine = (await first.owner.get('/api/me/sites')).body.items;
    expect(mine.map((s: { id: string }) => s.id).sort()).toEqual([first.siteId, site2.id].sort());
    expect(new Set(mine.map((s: { companyName: string }) => s.companyName)).size).toBe(2);
    // Each company still sees only its own site.
    expect((await other.admin.get(`/api/sites/${first.siteId}`)).status).toBe(404);
    expect((await company.admin.get(`/api/sites/${site2.id}`)).status).toBe(404);
    // An installer account's e-mail cannot be invited as a customer.
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const bad = await company.admin.post(`/api/sites/${(await buildSite(company)).id}/invitations`, { email: inst.email });
    expect(bad.body.error.code).toBe('SITE_INVITATION_ACCOUNT_MISMATCH');
  });
});

describe('authorization', () => {
  it('handed over: the company sees the site but not its devices until authorized; grant, change, revoke, expiry', async () => {
    const { siteId, owner } = await handOver(company, `auth-${uniq()}@example.test`);
    const cloudDevice = await insertDevice(siteId, company.companyId, 'cloud');
    const directDevice = await insertDevice(siteId, company.companyId, 'direct');

    expect((await company.admin.get(`/api/sites/${siteId}`)).status).toBe(200);
    const refused = await company.admin.get(`/api/sites/${siteId}/devices`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('SITE_NOT_AUTHORIZED');
    // Nor in the company-wide list, its total included.
    const listed = async () => {
      const r = await company.admin.get('/api/devices?pageSize=200');
      expect(r.status).toBe(200);
      return { ids: (r.body.items as Array<{ id: string }>).map((d) => d.id), total: r.body.total as number };
    };
    // Nor its devices' options: remote configuration, the admin password, the ISAPI pass-through.
    for (const [method, url, body] of [
      ['get', `/api/devices/${cloudDevice}/config/time`, undefined],
      ['put', `/api/devices/${cloudDevice}/admin-password`, { password: 'guess-1234' }],
      ['post', `/api/devices/${cloudDevice}/isapi`, { method: 'GET', path: '/ISAPI/System/deviceInfo' }],
      ['get', `/api/devices/${cloudDevice}/panel-accounts`, undefined],
    ] as const) {
      const r = method === 'get' ? await company.admin.get(url) : await company.admin[method](url, body);
      expect(r.status, `${method} ${url}`).toBe(403);
      expect(r.body.error.code).toBe('SITE_NOT_AUTHORIZED');
    }
    // A late write of an earlier state (an invitation racing the acceptance) never undoes the handover.
    await p.app.platform.uow.tx(async (r) => r.sites.setHandoverState(siteId, 'invitation_sent', undefined, new Date()));
    expect((await p.app.platform.uow.read.sites.find(siteId))?.handoverState).toBe('handed_over');
    const before = await listed();
    expect(before.ids).not.toContain(cloudDevice);
    expect(before.ids).not.toContain(directDevice);
    expect((await company.admin.patch(`/api/sites/${siteId}`, { address: 'x' })).body.error.code).toBe('SITE_NOT_AUTHORIZED');
    // Installers cannot grant themselves access.
    expect((await company.admin.put(`/api/sites/${siteId}/authorization`, { permissions: ['configuration'], expiresAt: null })).status).toBe(403);

    // Live view only: devices visible, changes refused.
    const g1 = await owner.put(`/api/sites/${siteId}/authorization`, { permissions: ['live_view', 'playback'], expiresAt: null });
    expect(g1.status).toBe(200);
    expect(g1.body).toMatchObject({ permissions: ['live_view', 'playback'], expiresAt: null });
    expect((await company.admin.get(`/api/sites/${siteId}/devices`)).status).toBe(200);
    const during = await listed();
    expect(during.ids).toEqual(expect.arrayContaining([cloudDevice, directDevice]));
    expect(during.total).toBe(before.total + 2);
    expect((await company.admin.patch(`/api/sites/${siteId}`, { address: 'x' })).body.error.code).toBe('SITE_PERMISSION_MISSING');
    // Every device route that changes or reveals its configuration needs the configuration permission
    // (remote configuration, the ISAPI pass-through, the admin password, health monitoring, the device
    // QR with its credentials, type and connection, delete and release); viewing it does not.
    for (const [method, url, body] of [
      ['get', `/api/devices/${directDevice}/config/device-name`, undefined],
      ['put', `/api/devices/${directDevice}/config/device-name`, { deviceName: 'x' }],
      ['post', `/api/devices/${directDevice}/isapi`, { method: 'GET', path: '/ISAPI/System/deviceInfo' }],
      ['put', `/api/devices/${cloudDevice}/admin-password`, { password: 'guess-1234' }],
      ['put', `/api/devices/${directDevice}/health-monitoring`, { enabled: true }],
      ['post', `/api/devices/${directDevice}/qr`, { unencrypted: true }],
      ['put', `/api/devices/${directDevice}/type`, { type: 'nvr' }],
      ['delete', `/api/devices/${directDevice}`, undefined],
      ['post', `/api/devices/${directDevice}/release`, undefined],
    ] as const) {
      const r = method === 'get' || method === 'delete' ? await company.admin[method](url) : await company.admin[method](url, body);
      expect(r.status, `${method} ${url}`).toBe(403);
      expect(r.body.error.code, `${method} ${url}`).toBe('SITE_PERMISSION_MISSING');
    }
    expect((await company.admin.get(`/api/devices/${directDevice}`)).status).toBe(200);

    // Configuration: changes allowed; deleting a cloud device refused (the product rule), a direct one allowed.
    const until = new Date(Date.now() + 86_400_000).toISOString();
    expect((await owner.put(`/api/sites/${siteId}/authorization`, { permissions: ['configuration'], expiresAt: until })).status).toBe(200);
    expect((await company.admin.patch(`/api/sites/${siteId}`, { address: 'Service Rd' })).status).toBe(200);
    const del = await company.admin.delete(`/api/devices/${cloudDevice}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('DEVICE_DELETE_SITE_AUTHORIZED');
    expect(del.body.error.message).toMatch(/authorized/);
    expect(del.body.error.hint).toMatch(/IP address or domain/);
    expect((await company.admin.delete(`/api/devices/${directDevice}`)).status).toBe(204);

    const access = (await owner.get(`/api/sites/${siteId}/access`)).body;
    expect(access).toMatchObject({ state: 'authorized', authorization: { permissions: ['configuration'] }, company: { id: company.companyId } });
    expect(access.installers.map((i: { email: string }) => i.email)).toContain(company.adminEmail);

    // Expiry (database time): not authorized any more.
    await p.app.platform.database.db.updateTable('site_authorizations').set({ expires_at: new Date(Date.now() - 1000) }).where('site_id', '=', siteId).where('revoked_at', 'is', null).execute();
    expect((await company.admin.get(`/api/sites/${siteId}/devices`)).body.error.code).toBe('SITE_NOT_AUTHORIZED');

    // Grant again, then revoke.
    expect((await owner.put(`/api/sites/${siteId}/authorization`, { permissions: ['configuration'], expiresAt: null })).status).toBe(200);
    expect((await company.admin.get(`/api/sites/${siteId}/devices`)).status).toBe(200);
    expect((await owner.delete(`/api/sites/${siteId}/authorization`)).status).toBe(204);
    expect((await company.admin.get(`/api/sites/${siteId}/devices`)).body.error.code).toBe('SITE_NOT_AUTHORIZED');
    expect((await owner.get(`/api/sites/${siteId}/access`)).body).toMatchObject({ state: 'handed_over', authorization: null });
    // grant, change, grant, revoke: four events.
    expect(await events('site.authorization_changed', siteId)).toBe(4);

    const past = await owner.put(`/api/sites/${siteId}/authorization`, { permissions: ['configuration'], expiresAt: new Date(Date.now() - 60_000).toISOString() });
    expect(past.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('another end user (or another company) does not see the site', async () => {
    const { siteId } = await handOver(company, `own-${uniq()}@example.test`);
    const { owner: stranger } = await handOver(company, `str-${uniq()}@example.test`);
    expect((await stranger.get(`/api/sites/${siteId}/access`)).status).toBe(404);
    expect((await stranger.put(`/api/sites/${siteId}/authorization`, { permissions: ['configuration'], expiresAt: null })).status).toBe(404);
    expect((await stranger.delete(`/api/sites/${siteId}/authorization`)).status).toBe(404);
    const other = await buildOtherCompany(p.app);
    expect((await other.admin.get(`/api/sites/${siteId}/access`)).status).toBe(404);
  });
});

describe('installer and assignment events', () => {
  it('assignment changes emit site.installers_changed; a permission change user.updated; a removal user.removed (and its sites changed)', async () => {
    const site = await buildSite(company);
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    const count = async (type: string, key: 'siteId' | 'userId', id: string) => {
      const rows = await p.app.platform.database.db.selectFrom('domain_events').select('payload').where('type', '=', type).execute();
      return rows.filter((r) => (r.payload as Record<string, string>)[key] === id).length;
    };
    expect((await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [inst.id] })).status).toBe(200);
    expect(await count('site.installers_changed', 'siteId', site.id)).toBe(1);
    // The same set again changes nothing.
    await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [inst.id] });
    expect(await count('site.installers_changed', 'siteId', site.id)).toBe(1);
    expect((await company.admin.patch(`/api/installers/${inst.id}`, { permission: 'manage_all' })).status).toBe(200);
    expect(await count('user.updated', 'userId', inst.id)).toBe(1);
    expect((await company.admin.delete(`/api/installers/${inst.id}`)).status).toBe(204);
    expect(await count('user.removed', 'userId', inst.id)).toBe(1);
    expect(await count('site.installers_changed', 'siteId', site.id)).toBe(2);
    const removed = await p.app.platform.database.db.selectFrom('domain_events').select(['payload', 'company_id']).where('type', '=', 'user.removed').execute();
    expect(removed.map((r) => [r.payload, r.company_id])).toContainEqual([{ userId: inst.id }, company.companyId]);
    const siteChanges = await p.app.platform.database.db.selectFrom('domain_events').select('payload').where('type', '=', 'site.installers_changed').execute();
    expect(siteChanges.map((r) => r.payload)).toContainEqual({ siteId: site.id, added: [], removed: [inst.id] });
  });
});
