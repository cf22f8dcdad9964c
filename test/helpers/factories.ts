/**
 * Factories: each builds what it needs (a company with its admin, installers, sites) through the
 * real API, so tests never share seeded data.
 */
import { randomBytes } from 'node:crypto';
import type { App } from '../../src/server/http/types';
import { hashPassword } from '../../src/server/security/password-hash';
import { ApiClient } from './api';

export const TEST_PASSWORD = 'Corr3ct-Horse-Battery';
const uniq = () => randomBytes(4).toString('hex');

export interface TestCompany {
  companyId: string;
  admin: ApiClient;
  adminId: string;
  adminEmail: string;
}

/** First-run setup through the API (only once per platform). */
export async function setupCompany(app: App, setupToken: string): Promise<TestCompany> {
  const admin = new ApiClient(app);
  const email = `admin-${uniq()}@example.test`;
  const r = await admin.post('/api/setup', { token: setupToken, companyName: 'Acme Security', name: 'Ada Admin', email, password: TEST_PASSWORD });
  if (r.status !== 201) throw new Error(`setup failed: ${JSON.stringify(r.body)}`);
  return { companyId: r.body.user.companyId, admin, adminId: r.body.user.id, adminEmail: email };
}

/** A second, unrelated company (inserted directly: setup happens once per platform). */
export async function buildOtherCompany(app: App): Promise<TestCompany> {
  const { users, companies } = app.platform.uow.read;
  const companyId = await companies.create(`Other ${uniq()}`);
  const email = `other-admin-${uniq()}@example.test`;
  const adminId = await users.createUser({ companyId, email, name: 'Other Admin', role: 'installer_admin', permission: 'manage_all', passwordHash: await hashPassword(TEST_PASSWORD) });
  const admin = await signIn(app, email);
  return { companyId, admin, adminId, adminEmail: email };
}

export async function signIn(app: App, email: string, password = TEST_PASSWORD): Promise<ApiClient> {
  const c = new ApiClient(app);
  const r = await c.post('/api/auth/login', { email, password });
  if (r.status !== 200) throw new Error(`login failed for ${email}: ${JSON.stringify(r.body)}`);
  return c;
}

/** Invite and accept through the API; returns a signed-in client for the new installer. */
export async function buildInstaller(app: App, company: TestCompany, permission: 'manage_all' | 'manage_assigned'): Promise<{ id: string; email: string; client: ApiClient }> {
  const email = `inst-${uniq()}@example.test`;
  const inv = await company.admin.post('/api/installers/invitations', { email, name: 'Ivan Installer', permission });
  if (inv.status !== 201) throw new Error(`invite failed: ${JSON.stringify(inv.body)}`);
  const token = new URL(inv.body.inviteUrl).searchParams.get('token')!;
  const client = new ApiClient(app);
  const acc = await client.post(`/api/invitations/${token}/accept`, { name: 'Ivan Installer', password: TEST_PASSWORD });
  if (acc.status !== 201) throw new Error(`accept failed: ${JSON.stringify(acc.body)}`);
  return { id: acc.body.user.id, email, client };
}

export async function buildEndUser(app: App, _company?: TestCompany): Promise<{ id: string; email: string; client: ApiClient }> {
  const email = `owner-${uniq()}@example.test`;
  const id = await app.platform.uow.read.users.createUser({ companyId: null, email, name: 'Olga Owner', role: 'end_user', permission: null, passwordHash: await hashPassword(TEST_PASSWORD) });
  return { id, email, client: await signIn(app, email) };
}

export async function buildSite(company: TestCompany, name = `Site ${uniq()}`): Promise<{ id: string; name: string }> {
  const r = await company.admin.post('/api/sites', { name, address: '1 Main St', timeZone: 'Europe/Paris' });
  if (r.status !== 201) throw new Error(`site create failed: ${JSON.stringify(r.body)}`);
  return { id: r.body.id, name };
}
