/** Small helpers shared by the benchmarks. */
import { connect } from 'node:net';

/** `--name value` from the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** True when something accepts TCP connections on host:port (within a second). */
export async function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 1000).unref();
  });
}

/** Exit with status 3 (and say so) if the run is still going after `ms`: a hung benchmark leaves. */
export function exitAfter(ms: number): void {
  const guard = setTimeout(() => {
    process.stderr.write(`bench: still running after ${ms / 1000} s, giving up\n`);
    process.exit(3);
  }, ms);
  guard.unref();
}
