import { describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildInstaller, buildSite, type TestCompany } from '../../../test/helpers/factories';
import { agentIdForToken } from '../../protocol/tunnel/envelope';

let p: TestPlatform;
let company: TestCompany;

usePlatformWithCompany((fx) => ({ p, company } = fx));

describe('site agents routes', () => {
  it('add: a one-time token shown once with the command line, only its hash kept; list; revoke — audited', async () => {
    const site = await buildSite(company);
    const c = await company.admin.post(`/api/sites/${site.id}/agents`, { name: '  Rack PC  ' });
    expect(c.status).toBe(201);
    const { agentId, token, command, agent } = c.body as { agentId: string; token: string; command: string; agent: Record<string, unknown> };
    expect(token).toMatch(/^ska_[A-Za-z0-9_-]{43}$/);
    expect(agentId).toBe(agentIdForToken(token));
    expect(command).toBe(`npx sitekeeper agent --server ${p.app.platform.mqttUrl} --token ${token}`);
    expect(agent).toMatchObject({ id: agentId, name: 'Rack PC', state: 'enrolling', online: false, version: null, lastSeenAt: null });
    // Only the enrolment key hash is stored, never the token.
    const row = await p.app.platform.database.db.selectFrom('site_agents').selectAll().where('id', '=', agentId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.key_sealed).toBeNull();
    const list = await company.admin.get(`/api/sites/${site.id}/agents`);
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect((await company.admin.delete(`/api/sites/${site.id}/agents/${agentId}`)).status).toBe(204);
    expect((await company.admin.get(`/api/sites/${site.id}/agents`)).body.items).toEqual([]);
    const audit = (await company.admin.get(`/api/audit?targetId=${agentId}`)).body.items as { action: string; details?: Record<string, unknown> }[];
    expect(audit.map((a) => a.action).sort()).toEqual(['site_agent.create', 'site_agent.revoke']);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it("revoking an unknown agent, or another site's, is AGENT_NOT_FOUND; a bad agent id is a validation error", async () => {
    const a = await buildSite(company);
    const b = await buildSite(company);
    const { agentId } = (await company.admin.post(`/api/sites/${a.id}/agents`, {})).body as { agentId: string };
    const other = await company.admin.delete(`/api/sites/${b.id}/agents/${agentId}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('AGENT_NOT_FOUND');
    expect((await company.admin.delete(`/api/sites/${a.id}/agents/ag-0000000000000000`)).body.error.code).toBe('AGENT_NOT_FOUND');
    expect((await company.admin.delete(`/api/sites/${a.id}/agents/a%2Fb`)).status).toBe(400);
    expect((await company.admin.get(`/api/sites/${a.id}/agents`)).body.items.map((x: { id: string }) => x.id)).toEqual([agentId]);
  });

  it('an assigned installer sees the agents of their site but cannot add or revoke one', async () => {
    const site = await buildSite(company);
    const inst = await buildInstaller(p.app, company, 'manage_assigned');
    await company.admin.put(`/api/sites/${site.id}/installers`, { installerIds: [inst.id] });
    const { agentId } = (await company.admin.post(`/api/sites/${site.id}/agents`, { name: 'Shed' })).body as { agentId: string };
    expect((await inst.client.get(`/api/sites/${site.id}/agents`)).body.items.map((x: { name: string }) => x.name)).toEqual(['Shed']);
    expect((await inst.client.post(`/api/sites/${site.id}/agents`, {})).status).toBe(403);
    expect((await inst.client.delete(`/api/sites/${site.id}/agents/${agentId}`)).status).toBe(403);
  });
});
