/**
 * Benchmarks only: start a private Mosquitto (if the binary is installed) on a free loopback port
 * with `set_tcp_nodelay true`, to compare with the machine's default-configured one. Stopped by
 * its own pid.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `extraConf`: lines appended to the configuration (e.g. `max_packet_size …`). */
export async function startPrivateMosquitto(extraConf = ''): Promise<{ url: string; pid: number; close(): Promise<void> } | null> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sk-bench-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\nmax_connections -1\n${extraConf}`);
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    const deadline = Date.now() + 3000;
    const probe = () => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) resolve(true);
        else setTimeout(probe, 100);
      });
    };
    probe();
  });
  if (failed || child.pid === undefined) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const pid = child.pid;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid,
    async close() {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        process.kill(pid, 'SIGTERM');
        setTimeout(resolve, 3000).unref();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
