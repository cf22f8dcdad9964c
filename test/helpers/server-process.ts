/** `npm start` as a child process (src/start/from-source.ts), for tests of the real process: crash, SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
}

const RUNNING = 'Sitekeeper is running';

/**
 * Starts the server with these environment variables and resolves as soon as its output says it is
 * running (checked on each chunk of output); rejects if it exits first or says nothing in `timeoutMs`.
 */
export function startServer(env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/start/from-source.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const proc: ServerProcess = { child, stdout: () => out, stderr: () => err };
  return new Promise((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      settle();
    };
    const onData = () => {
      if (out.includes(RUNNING)) done(() => resolve(proc));
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`server exited with ${String(code)}: ${out}${err}`)));
    const timer = setTimeout(() => {
      done(() => reject(new Error(`server did not say "${RUNNING}" within ${timeoutMs} ms: ${out}${err}`)));
      child.kill('SIGKILL');
    }, timeoutMs);
    // Collects all output (stdout() keeps working after start); the check runs after each chunk is added.
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}
