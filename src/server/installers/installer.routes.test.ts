import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { ApiClient } from '../../../test/helpers/api';
import { buildInstaller, buildOtherCompany, signIn, TEST_PASSWORD, type TestCompany } from '../../../test/helpers/factories';
import type { Clock } from '../lib/clock';

// A clock the test can move forward, to expire invitations without waiting.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx), { clock });

const tokenOf = (inviteUrl: string) => new URL(inviteUrl).searchParams.get('token')!;

async function audit(filter = '') {
  return (await company.admin.get(`/api/audit?pageSize=200${filter}`)).body.items as Array<{ action: string; targetId: string; actorId: string; outcome: string; details: Record<string, unknown> }>;
}

describe('invitations', () => {
  it('invite → describe → accept signs the installer in with the chosen permission', async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'new.one@example.test', name: 'New One', permission: 'manage_assigned' });
    expect(inv.status).toBe(201);
    expect(new Date(inv.body.invitation.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    const token = tokenOf(inv.body.inviteUrl);
    const c = new ApiClient(p.app);
    const d = await c.get(`/api/invitations/${token}`);
    expect(d.body).toMatchObject({ email: 'new.one@example.test', companyName: 'Acme Security' });
    const acc = await c.post(`/api/invitations/${token}/accept`, { name: 'New One', password: TEST_PASSWORD });
    expect(acc.status).toBe(201);
    expect(acc.body.user).toMatchObject({ role: 'installer', permission: 'manage_assigned', companyId: company.companyId });
    expect((await c.get('/api/auth/me')).status).toBe(200);
    const actions = (await audit()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['installer.invite', 'installer.invitation.accept']));
  });

  it('a used invitation cannot be used again', async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'twice@example.test', name: 'Twice', permission: 'manage_all' });
    const token = tokenOf(inv.body.inviteUrl);
    expect((await new ApiClient(p.app).post(`/api/invitations/${token}/accept`, { name: 'T', password: TEST_PASSWORD })).status).toBe(201);
    const again = await new ApiClient(p.app).post(`/api/invitations/${token}/accept`, { name: 'T', password: TEST_PASSWORD });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVITATION_USED');
  });

  it('an expired invitation is refused with 410', async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'late@example.test', name: 'Late', permission: 'manage_all' });
    offsetMs = (p.config.invitationTtlHours + 1) * 3_600_000;
    try {
      const r = await new ApiClient(p.app).post(`/api/invitations/${tokenOf(inv.body.inviteUrl)}/accept`, { name: 'L', password: TEST_PASSWORD });
      expect(r.status).toBe(410);
      expect(r.body.error.code).toBe('INVITATION_EXPIRED');
    } finally {
      offsetMs = 0;
    }
  });

  it('an unknown token is 404, and a weak password leaves the invitation usable', async () => {
    expect((await new ApiClient(p.app).get('/api/invitations/not-a-real-token-123')).body.error.code).toBe('INVITATION_NOT_FOUND');
    const inv = await company.admin.post('/api/installers/invitations', { email: 'weak@example.test', name: 'Weak', permission: 'manage_all' });
    const token = tokenOf(inv.body.inviteUrl);
    const weak = await new ApiClient(p.app).post(`/api/invitations/${token}/accept`, { name: 'W', password: 'password' });
    expect(weak.body.error.code).toBe('PASSWORD_TOO_WEAK');
    expect((await new ApiClient(p.app).post(`/api/invitations/${token}/accept`, { name: 'W', password: TEST_PASSWORD })).status).toBe(201);
  });

  it('a duplicate e-mail is 409 EMAIL_TAKEN', async () => {
    const r = await company.admin.post('/api/installers/invitations', { email: company.adminEmail.toUpperCase(), name: 'Dup', permission: 'manage_all' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('EMAIL_TAKEN');
  });
});

describe('pending invitations', () => {
  it('are listed with permission, expiry and who invited; an accepted one leaves the list', async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'pending.one@example.test', name: 'Pending One', permission: 'manage_assigned' });
    const list = await company.admin.get('/api/installers/invitations');
    expect(list.status).toBe(200);
    const mine = list.body.items.find((i: { id: string }) => i.id === inv.body.invitation.id);
    expect(mine).toEqual({
      id: inv.body.invitation.id, email: 'pending.one@example.test', name: 'Pending One', permission: 'manage_assigned', expiresAt: inv.body.invitation.expiresAt, expired: false,
      createdAt: expect.any(String), invitedBy: { id: company.adminId, name: 'Ada Admin', email: company.adminEmail },
    });
    // Nobody else's: another company sees none of them.
    expect((await (await buildOtherCompany(p.app)).admin.get('/api/installers/invitations')).body.items).toEqual([]);
    await new ApiClient(p.app).post(`/api/invitations/${tokenOf(inv.body.inviteUrl)}/accept`, { name: 'Pending One', password: TEST_PASSWORD });
    expect((await company.admin.get('/api/installers/invitations')).body.items.map((i: { id: string }) => i.id)).not.toContain(inv.body.invitation.id);
  });

  it('an expired one is listed as expired; sending it again gives a new link (the old one stops working) — audited', async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'resend.me@example.test', name: 'Resend Me', permission: 'manage_all' });
    const id = inv.body.invitation.id as string;
    offsetMs = (p.config.invitationTtlHours + 1) * 3_600_000;
    try {
      const listed = (await company.admin.get('/api/installers/invitations')).body.items.find((i: { id: string }) => i.id === id);
      expect(listed.expired).toBe(true);
      const again = await company.admin.post(`/api/installers/invitations/${id}/resend`);
      expect(again.status).toBe(200);
      expect(again.body.invitation).toMatchObject({ id, email: 'resend.me@example.test', permission: 'manage_all' });
      expect(new Date(again.body.invitation.expiresAt).getTime()).toBeGreaterThan(clock.now().getTime() + 3_600_000);
      expect(again.body.inviteUrl).not.toBe(inv.body.inviteUrl);
      expect((await new ApiClient(p.app).get(`/api/invitations/${tokenOf(inv.body.inviteUrl)}`)).body.error.code).toBe('INVITATION_NOT_FOUND');
      const d = await new ApiClient(p.app).get(`/api/invitations/${tokenOf(again.body.inviteUrl)}`);
      expect(d.body).toMatchObject({ email: 'resend.me@example.test' });
      expect((await company.admin.get('/api/installers/invitations')).body.items.find((i: { id: string }) => i.id === id).expired).toBe(false);
    } finally {
      offsetMs = 0;
    }
    const rows = await audit(`&targetId=${id}`);
    expect(rows.map((r) => r.action).sort()).toEqual(['installer.invitation.resend', 'installer.invite']);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(inv.body.inviteUrl));
  });

  it('cancelling one ends its link and is audited; an accepted or unknown one is 404', async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'cancel.me@example.test', name: 'Cancel Me', permission: 'manage_all' });
    const id = inv.body.invitation.id as string;
    expect((await company.admin.delete(`/api/installers/invitations/${id}`)).status).toBe(204);
    expect((await new ApiClient(p.app).get(`/api/invitations/${tokenOf(inv.body.inviteUrl)}`)).body.error.code).toBe('INVITATION_NOT_FOUND');
    expect((await company.admin.get('/api/installers/invitations')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    const again = await company.admin.delete(`/api/installers/invitations/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('INVITATION_NOT_FOUND');
    expect((await company.admin.post(`/api/installers/invitations/${id}/resend`)).status).toBe(404);
    const [row] = await audit(`&targetId=${id}&action=installer.invitation.cancel`);
    expect(row).toMatchObject({ details: { email: 'cancel.me@example.test', targetLabel: 'Cancel Me (cancel.me@example.test)' } });

    const used = await company.admin.post('/api/installers/invitations', { email: 'used.one@example.test', name: 'Used', permission: 'manage_all' });
    await new ApiClient(p.app).post(`/api/invitations/${tokenOf(used.body.inviteUrl)}/accept`, { name: 'Used', password: TEST_PASSWORD });
    expect((await company.admin.delete(`/api/installers/invitations/${used.body.invitation.id}`)).status).toBe(404);
  });

  it("another company's invitation cannot be resent or cancelled", async () => {
    const inv = await company.admin.post('/api/installers/invitations', { email: 'mine.only@example.test', name: 'Mine', permission: 'manage_all' });
    const other = await buildOtherCompany(p.app);
    expect((await other.admin.post(`/api/installers/invitations/${inv.body.invitation.id}/resend`)).status).toBe(404);
    expect((await other.admin.delete(`/api/installers/invitations/${inv.body.invitation.id}`)).status).toBe(404);
    expect((await new ApiClient(p.app).get(`/api/invitations/${tokenOf(inv.body.inviteUrl)}`)).status).toBe(200);
  });
});

describe('managing installers', () => {
  it('changes permission, disables (sessions end, sign-in refused), enables, removes — each audited', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    const up = await company.admin.patch(`/api/installers/${inst.id}`, { permission: 'manage_all' });
    expect(up.status).toBe(200);
    expect(up.body.permission).toBe('manage_all');

    expect((await company.admin.patch(`/api/installers/${inst.id}`, { disabled: true })).body.disabled).toBe(true);
    expect((await inst.client.get('/api/auth/me')).status).toBe(401);
    const login = await new ApiClient(p.app).post('/api/auth/login', { email: inst.email, password: TEST_PASSWORD });
    expect(login.body.error.code).toBe('AUTH_ACCOUNT_DISABLED');
    await company.admin.patch(`/api/installers/${inst.id}`, { disabled: false });
    await signIn(p.app, inst.email);

    expect((await company.admin.delete(`/api/installers/${inst.id}`)).status).toBe(204);
    expect((await company.admin.get('/api/installers')).body.items.map((i: { id: string }) => i.id)).not.toContain(inst.id);
    const rows = await audit(`&targetId=${inst.id}`);
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['installer.update', 'installer.remove']));
    expect(rows.filter((r) => r.action === 'installer.update')).toHaveLength(3);
  });

  it("another company's installer is not found, not forbidden", async () => {
    const other = await buildOtherCompany(p.app);
    const inst = await buildInstaller(p.app, company, 'manage_all');
    const r = await other.admin.patch(`/api/installers/${inst.id}`, { permission: 'manage_assigned' });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('INSTALLER_NOT_FOUND');
    expect((await other.admin.get('/api/installers')).body.items).toEqual([]);
  });
});

describe('audit log', () => {
  it('filters by actor, action, target type and time', async () => {
    // Rows of its own, so the filters have something to find whichever tests ran before.
    for (const email of ['audit.a@example.test', 'audit.b@example.test', 'audit.c@example.test']) {
      expect((await company.admin.post('/api/installers/invitations', { email, name: 'Audit', permission: 'manage_all' })).status).toBe(201);
    }
    const other = await buildInstaller(p.app, company, 'manage_all');
    await other.client.post('/api/sites', { name: 'By someone else' });
    const all = await audit();
    expect(all.length).toBeGreaterThan(5);
    const byAction = await audit('&action=installer.invite');
    expect(byAction.length).toBeGreaterThan(0);
    expect(byAction.every((a) => a.action === 'installer.invite')).toBe(true);
    const byActor = await audit(`&actorId=${company.adminId}`);
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.length).toBeLessThan(all.length); // the other installer's rows are filtered out
    expect(byActor.every((a) => a.actorId === company.adminId)).toBe(true);
    const future = await audit(`&from=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`);
    expect(future).toEqual([]);
    const page = await company.admin.get('/api/audit?page=2&pageSize=2');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBe(all.length);
  });
});
