import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAppError } from '../errors/app-error';
import { defaultAgentStatePath, loadAgentState, saveAgentState } from './agent-state';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sk-agent-state-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('agent state file', () => {
  it('round-trips the id and key in a 0600 file inside a new directory', async () => {
    const file = path.join(dir, 'nested', 'agent.json');
    const key = Buffer.alloc(32, 9);
    expect(await loadAgentState(file)).toBeUndefined();
    await saveAgentState(file, { agentId: 'ag-0123456789abcdef', key }, 'mqtt://example.test:1883');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadAgentState(file)).toEqual({ agentId: 'ag-0123456789abcdef', key, server: 'mqtt://example.test:1883' });
  });

  it('refuses a damaged file with a typed error instead of enrolling over it', async () => {
    for (const text of ['{not json', JSON.stringify({ v: 1, agentId: 'a/b', key: Buffer.alloc(32).toString('base64') }), JSON.stringify({ v: 1, agentId: 'ag-1', key: 'c2hvcnQ=' })]) {
      const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
      await writeFile(file, text);
      const err: unknown = await loadAgentState(file).catch((e: unknown) => e);
      expect(isAppError(err, 'VALIDATION_FAILED')).toBe(true);
    }
  });

  it('lives under the user config directory by default', () => {
    expect(defaultAgentStatePath({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/sitekeeper/agent.json');
    expect(defaultAgentStatePath({})).toMatch(/\.config\/sitekeeper\/agent\.json$/);
  });
});
