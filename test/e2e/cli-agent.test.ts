/**
 * `sitekeeper agent` end to end: the CLI spawned as a separate process with the exact command the
 * portal shows, against a real platform on its embedded broker. It enrols once (state file), runs
 * again from its state file without the token, and exits with AGENT_AUTH_FAILED once revoked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { eventually } from '../helpers/wait';

const root = join(import.meta.dirname, '../..');
let p: TestPlatform;
let company: TestCompany;
let dir = '';
const children: ChildProcess[] = [];

function agent(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ['bin/sitekeeper.mjs', 'agent', ...args], { cwd: root, env: { ...process.env, SITEKEEPER_AGENT_TOKEN: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  return { child, stderr: () => stderr, exited };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-cli-agent-'));
  p = await startTestPlatform({ config: { mqttUrl: undefined } });
  company = await setupCompany(p.app, p.setupToken);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await p?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sitekeeper agent', () => {
  it('enrols with the command from the portal, runs again from its state file, and stops once revoked', async () => {
    const site = await buildSite(company);
    const created = await company.admin.post(`/api/sites/${site.id}/agents`, { name: 'CLI' });
    const { agentId, command } = created.body as { agentId: string; command: string };
    const [, , , ...args] = command.split(' '); // npx sitekeeper agent …
    const state = join(dir, 'agent.json');
    const extra = ['--state', state, '--topic-prefix', p.config.mqttTopicPrefix];
    const online = async () => ((await company.admin.get(`/api/sites/${site.id}/agents`)).body.items as { id: string; online: boolean; state: string }[]).find((a) => a.id === agentId);

    const first = agent([...args, ...extra]);
    await eventually(async () => (await online())?.online === true, 'agent online', 60_000);
    expect((await online())?.state).toBe('enrolled');
    expect((await stat(state)).mode & 0o777).toBe(0o600);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    await eventually(async () => (await online())?.online === false, 'agent offline', 30_000);

    // Again, without the (used) token: the state file has its key.
    const second = agent(['--server', args[1]!, ...extra]);
    await eventually(async () => (await online())?.online === true, 'agent online again', 60_000);
    expect((await company.admin.delete(`/api/sites/${site.id}/agents/${agentId}`)).status).toBe(204);
    // Cut off at once: its connection is closed, its reconnect refused, and it stops by itself.
    const stopped = await second.exited;
    expect(stopped.code).not.toBe(0);
    expect(stopped.stderr).toContain('AGENT_AUTH_FAILED');
    expect(p.app.platform.agentHub.isOnline(agentId)).toBe(false);

    const third = agent(['--server', args[1]!, ...extra]);
    const end = await third.exited;
    expect(end.code).not.toBe(0);
    expect(end.stderr).toContain('AGENT_AUTH_FAILED');
  }, 240_000);
});
