/**
 * The site agent's state file: its id and long-term key, written once at enrolment and read at
 * every start (`sitekeeper agent --state <file>`). The key is a secret: the file is created with
 * mode 0600 in a directory only its owner can read, and written atomically (temp file + rename).
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { AppError } from '../errors/app-error';
import { isSafeTopicId } from '../protocol/tunnel/envelope';

export interface AgentCredentials {
  agentId: string;
  key: Buffer;
}

interface StateFile {
  v: 1;
  agentId: string;
  /** base64 */
  key: string;
  /** The broker it enrolled with (informational: shown when it differs). */
  server?: string;
  enrolledAt?: string;
}

/** `$XDG_CONFIG_HOME/sitekeeper/agent.json`, else `~/.config/sitekeeper/agent.json`. */
export function defaultAgentStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir(), '.config');
  return path.join(base, 'sitekeeper', 'agent.json');
}

/** The stored credentials, or undefined when there is no state file yet. A damaged file is an error, never silently replaced. */
export async function loadAgentState(file: string): Promise<(AgentCredentials & { server?: string }) | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('VALIDATION_FAILED', `Cannot read the agent state file ${file}.`, { cause: err, hint: 'Check its permissions, or pass another --state file.' });
  }
  let s: Partial<StateFile>;
  try {
    s = JSON.parse(text) as Partial<StateFile>;
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `The agent state file ${file} is not valid JSON.`, { cause: err, hint: 'Delete it and enrol the agent again with a new token from the portal.' });
  }
  const key = typeof s.key === 'string' ? Buffer.from(s.key, 'base64') : Buffer.alloc(0);
  if (s.v !== 1 || typeof s.agentId !== 'string' || !isSafeTopicId(s.agentId) || key.length !== 32) {
    throw new AppError('VALIDATION_FAILED', `The agent state file ${file} is damaged.`, { hint: 'Delete it and enrol the agent again with a new token from the portal.' });
  }
  return { agentId: s.agentId, key, ...(typeof s.server === 'string' ? { server: s.server } : {}) };
}

export async function saveAgentState(file: string, c: AgentCredentials, server?: string, now: Date = new Date()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const state: StateFile = { v: 1, agentId: c.agentId, key: c.key.toString('base64'), ...(server ? { server } : {}), enrolledAt: now.toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only to a new file (and through the umask): make sure.
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
