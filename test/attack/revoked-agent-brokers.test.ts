/**
 * A revoked site agent (#12) on both brokers (test/helpers/broker-matrix.ts): enrolled through the
 * portal's API with its one-time token, online and serving its site; once revoked it is cut off at
 * once, gets no work, and — restarted from its state file with its issued key — is refused at
 * CONNECT. On the embedded broker the authenticate hook reads the revocation; on Mosquitto with
 * dynamic security the platform deletes the agent's broker account.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSiteAgent, type SiteAgent } from '../../src/agent/site-agent';
import { AgentTransport } from '../../src/device-client/agent-transport';
import { DeviceClient } from '../../src/device-client/device-client';
import { isAppError } from '../../src/errors/app-error';
import { brokerMatrix, type BrokerUnderTest } from '../helpers/broker-matrix';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually } from '../helpers/wait';

describe.each(brokerMatrix)('a revoked site agent on $name', (broker) => {
  let b: BrokerUnderTest;
  let company: TestCompany;
  let dir: string;
  const agents: SiteAgent[] = [];

  beforeAll(async () => {
    b = await broker.start();
    company = await setupCompany(b.p.app, b.p.setupToken);
    dir = await mkdtemp(path.join(tmpdir(), 'sk-revoked-agent-'));
  }, 60_000);

  afterAll(async () => {
    // A revoked agent's close may wait on a connection the broker cut: do not hold the suite on it.
    await Promise.race([Promise.all(agents.map((a) => a.close().catch(() => undefined))), new Promise((r) => setTimeout(r, 5000).unref())]);
    await b?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The agent as an installer runs it: the broker without the platform's credentials, its token, a state file. */
  async function run(token: string, statePath: string): Promise<SiteAgent> {
    const a = await startSiteAgent({ mqttUrl: b.p.app.platform.mqttUrl.replace(/\/\/[^@/]*@/, '//'), token, topicPrefix: b.p.config.mqttTopicPrefix, statePath });
    agents.push(a);
    return a;
  }

  it('is cut off at once, gets no work, and cannot connect again with its issued key', async () => {
    const siteId = (await buildSite(company)).id;
    const created = await company.admin.post(`/api/sites/${siteId}/agents`, { name: 'Rack PC' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { agentId, token } = created.body as { agentId: string; token: string };
    const statePath = path.join(dir, `${agentId}.json`);
    const agent = await run(token, statePath);
    await agent.ready();
    const hub = b.p.app.platform.agentHub;
    await eventually(() => hub.agentForSite(siteId) === agentId, 'the agent serves its site', 20_000);

    const r = await company.admin.delete(`/api/sites/${siteId}/agents/${agentId}`);
    expect(r.status).toBe(204);
    await eventually(() => hub.isOnline(agentId) === false, 'the revoked agent offline', 20_000);
    expect(hub.agentForSite(siteId)).toBeUndefined();
    const err: unknown = await new DeviceClient(new AgentTransport(hub, agentId, { host: '192.168.1.64', port: 80 }), { readRetries: 0 }).deviceInfo().catch((e: unknown) => e);
    expect(isAppError(err, 'AGENT_OFFLINE')).toBe(true);
    // Restarted from its state file (its issued key), the broker refuses it.
    const back = await run('', statePath);
    await expect(back.ready()).rejects.toThrow(/refused|not authori[sz]ed/i);
  }, 60_000);
});
