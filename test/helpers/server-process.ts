/** `npm start` as a child process (src/start/from-source.ts), for tests of the real process: crash, SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import { HttpSession } from './http-session';

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

/**
 * The environment of a test's own server process: its port, data folder and database, topics of its
 * own on the embedded broker, the emulated devices (loopback) allowed, no demo fleet, quiet.
 */
export function testServerEnv(o: { port: number; dataDir: string; databaseUrl?: string | undefined; name: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: String(o.port),
    DATA_DIR: o.dataDir,
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    EMBEDDED_MQTT_PORT: '0',
    MQTT_TOPIC_PREFIX: `sk-${o.name}-${process.pid}/`,
    SADP_TARGETS: 'none',
    // The emulated devices are on loopback, which the connect policy refuses unless allowed.
    DEVICE_ALLOWED_RANGES: '127.0.0.0/8',
    DEMO_FLEET: 'false',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** Starts the server and sets up its company through the setup link it printed: the first admin's session. */
export async function startServerWithAdmin(env: Record<string, string>, admin: { companyName: string; email: string; password: string }): Promise<{ proc: ServerProcess; base: string; api: HttpSession }> {
  const proc = await startServer(env);
  const base = `http://127.0.0.1:${env.PORT!}`;
  const token = /setup\?token=(\S+)/.exec(proc.stdout())?.[1];
  if (!token) throw new Error(`no setup link in the server's output: ${proc.stdout()}`);
  const api = new HttpSession(base);
  const r = await api.call('POST', '/api/setup', { token, companyName: admin.companyName, name: 'Admin', email: admin.email, password: admin.password });
  if (r.status !== 201) throw new Error(`setup answered ${r.status}: ${JSON.stringify(r.body)}`);
  return { proc, base, api };
}
