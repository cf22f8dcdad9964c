/** Sets up the real platform's first admin and a site through a browser context's own cookies. */
import type { BrowserContext } from 'playwright-core';

export const ADMIN = { email: 'ada@acme-security.test', password: 'Ladder-Safe-2026', name: 'Ada Admin', companyName: 'Acme Security' };

export interface SignedIn {
  csrfToken: string;
}

export async function setupAdmin(context: BrowserContext, baseUrl: string, setupToken: string): Promise<SignedIn> {
  const res = await context.request.post(`${baseUrl}/api/setup`, {
    data: { token: setupToken, companyName: ADMIN.companyName, name: ADMIN.name, email: ADMIN.email, password: ADMIN.password },
  });
  if (res.status() !== 201) throw new Error(`setup failed: ${res.status()} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  return { csrfToken: body.csrfToken };
}

export async function signInApi(context: BrowserContext, baseUrl: string, email = ADMIN.email, password = ADMIN.password): Promise<SignedIn> {
  const res = await context.request.post(`${baseUrl}/api/auth/login`, { data: { email, password } });
  if (!res.ok()) throw new Error(`login failed: ${res.status()} ${await res.text()}`);
  return { csrfToken: ((await res.json()) as { csrfToken: string }).csrfToken };
}

export async function createSite(context: BrowserContext, baseUrl: string, s: SignedIn, name: string): Promise<{ id: string; name: string }> {
  const res = await context.request.post(`${baseUrl}/api/sites`, {
    data: { name, address: '1 Harbour Road', timeZone: 'Europe/Paris' },
    headers: { 'x-csrf-token': s.csrfToken },
  });
  if (res.status() !== 201) throw new Error(`site create failed: ${res.status()} ${await res.text()}`);
  return (await res.json()) as { id: string; name: string };
}
