/** `npm start` as a child process (src/start/from-source.ts), for tests of the real process: crash, SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
}

/** Starts the server with these environment variables and resolves once it says it is running. */
export function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/start/from-source.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const proc: ServerProcess = { child, stdout: () => out, stderr: () => err };
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('Sitekeeper is running')) {
        clearInterval(t);
        resolve(proc);
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(t);
      reject(new Error(`server exited with ${String(code)}: ${out}${err}`));
    });
  });
}
