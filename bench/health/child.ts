/**
 * The orchestrator's handle on a benchmark child process (bench/health): forked (a .ts file with
 * tsx, a bundled .mjs with plain node), spoken to over IPC; `ask` sends a message and waits for the
 * answer of a given type.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export type Msg = { type: string; [k: string]: unknown };

export class Child {
  readonly proc: ChildProcess;
  readonly #waiters: { type: string; resolve: (m: Msg) => void; reject: (e: Error) => void }[] = [];
  #exited = false;
  onMessage: (m: Msg) => void = () => undefined;

  constructor(
    readonly name: string,
    file: string,
    args: string[],
    env: Record<string, string> = {},
    /** Node options of its own (e.g. V8 heap flags), before the file. */
    nodeOptions: string[] = [],
  ) {
    // A bundled .mjs runs on plain node (as the production build does); a .ts file through tsx.
    const ts = file.endsWith('.ts');
    this.proc = fork(isAbsolute(file) ? file : join(here, file), args, { execArgv: [...(ts ? ['--import', 'tsx'] : []), '--expose-gc', ...nodeOptions], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
    this.proc.on('message', (m: Msg) => {
      if (m.type === 'error') process.stderr.write(`  ${name}: ${String(m.message)}\n`);
      this.onMessage(m);
      const i = this.#waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(m);
    });
    this.proc.on('exit', (code, signal) => {
      this.#exited = true;
      for (const w of this.#waiters.splice(0)) w.reject(new Error(`${name} exited (${signal ?? code}) while waiting for ${w.type}`));
    });
  }

  wait(type: string, timeoutMs: number): Promise<Msg> {
    if (this.#exited) return Promise.reject(new Error(`${this.name} has exited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.findIndex((w) => w.type === type);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`${this.name}: timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${type}`));
      }, timeoutMs);
      this.#waiters.push({
        type,
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  }

  send(m: Msg): void {
    if (this.proc.connected) this.proc.send(m);
  }

  /** Sends `m` and waits for the answer of type `answer`. */
  ask(m: Msg, answer: string, timeoutMs = 60_000): Promise<Msg> {
    const p = this.wait(answer, timeoutMs);
    this.send(m);
    return p;
  }

  kill(): void {
    if (this.#exited || !this.proc.pid) return;
    try {
      process.kill(this.proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Asks it to exit cleanly; killed after `ms`. */
  async stop(ms = 60_000): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.send({ type: 'exit' });
    const timer = setTimeout(() => this.kill(), ms);
    await exited;
    clearTimeout(timer);
  }
}

/** For a child: send a message to the orchestrator. */
export function send(msg: Msg): void {
  process.send?.(msg);
}
