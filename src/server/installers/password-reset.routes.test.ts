import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { ApiClient } from '../../../test/helpers/api';
import { buildInstaller, buildOtherCompany, signIn, type TestCompany } from '../../../test/helpers/factories';

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx));

describe('installer password reset', () => {
  it('a one-time link: sessions end at once; the new password works, the old does not; reuse and expiry refused; event and audit', async () => {
    const inst = await buildInstaller(p.app, company, 'manage_all');
    expect((await inst.client.get('/api/auth/me')).status).toBe(200);
    const r = await company.admin.post(`/api/installers/${inst.id}/password-reset`);
    expect(r.status).toBe(201);
    expect(r.body.resetUrl).toMatch(/\/reset-password\?token=/);
    expect((await inst.client.get('/api/auth/me')).status).toBe(401);
    const token = new URL(r.body.resetUrl).searchParams.get('token')!;

    const anon = new ApiClient(p.app);
    expect((await anon.get(`/api/password-resets/${token}`)).body).toMatchObject({ email: inst.email });
    expect((await anon.post(`/api/password-resets/${token}`, { password: 'aaaaaaaaa1' })).status).toBe(400);
    expect((await anon.post(`/api/password-resets/${token}`, { password: 'Brand-New-Pass-77' })).status).toBe(204);
    expect((await anon.post(`/api/password-resets/${token}`, { password: 'Brand-New-Pass-78' })).body.error.code).toBe('PASSWORD_RESET_USED');
    await signIn(p.app, inst.email, 'Brand-New-Pass-77');
    expect((await anon.post('/api/auth/login', { email: inst.email, password: 'Corr3ct-Horse-Battery' })).status).toBe(401);

    const events = await p.app.platform.database.db.selectFrom('domain_events').select('payload').where('type', '=', 'user.password_changed').execute();
    expect(events.some((e) => (e.payload as { userId: string }).userId === inst.id)).toBe(true);
    const actions = (await company.admin.get(`/api/audit?targetId=${inst.id}`)).body.items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(expect.arrayContaining(['installer.password_reset', 'auth.password.reset']));

    // A newer link kills the older; an expired one is refused.
    const a = new URL((await company.admin.post(`/api/installers/${inst.id}/password-reset`)).body.resetUrl).searchParams.get('token')!;
    const b = new URL((await company.admin.post(`/api/installers/${inst.id}/password-reset`)).body.resetUrl).searchParams.get('token')!;
    expect((await anon.get(`/api/password-resets/${a}`)).body.error.code).toBe('PASSWORD_RESET_NOT_FOUND');
    await p.app.platform.database.db.updateTable('password_resets').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', inst.id).execute();
    const exp = await anon.get(`/api/password-resets/${b}`);
    expect(exp.status).toBe(410);
    expect(exp.body.error.code).toBe('PASSWORD_RESET_EXPIRED');
  });

  it('another company\'s installer is not found', async () => {
    const other = await buildOtherCompany(p.app);
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    expect((await other.admin.post(`/api/installers/${inst.id}/password-reset`)).body.error.code).toBe('INSTALLER_NOT_FOUND');
  });
});
