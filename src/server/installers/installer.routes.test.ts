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
