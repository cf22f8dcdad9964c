/**
 * A Mosquitto of the benchmark's own (never the machine's on 1883): a free loopback port, a temp
 * directory, no persistence. Anonymous: what is measured is the platform's side of an external
 * broker (its one connection instead of a broker in its process), not the broker's account
 * checks — with MQTT_DYNSEC the platform makes each device's account when it binds, which the
 * benchmark's bulk binding does not go through.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, freePort } from '../../test/helpers/http-session';
import { eventually } from '../../test/helpers/wait';

export interface BenchMosquitto {
  url: string;
  pid: number;
  /** Resident memory of the broker process (MB), from /proc. */
  rssMB(): number;
  /** CPU time of the broker process so far (µs), from /proc. */
  cpuMicros(): number;
  close(): Promise<void>;
}

export async function startBenchMosquitto(): Promise<BenchMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'sk-bench-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'set_tcp_nodelay true', 'log_dest stderr', 'log_type error', 'log_type warning', ''].join('\n'));
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  const failed = new Promise<never>((_r, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start mosquitto (is it installed?): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`mosquitto exited with ${String(code)}`)));
  });
  failed.catch(() => undefined);
  await Promise.race([eventually(() => accepts(port), `mosquitto listening on ${port}`, 15_000, 50), failed]);
  const pid = child.pid!;
  const stat = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid,
    // Field 24 of /proc/pid/stat (rss, pages of 4 KiB); 14 and 15 (utime, stime, 100 ticks a second).
    rssMB: () => (Number(stat()[21]) * 4096) / 2 ** 20,
    cpuMicros: () => (Number(stat()[11]) + Number(stat()[12])) * 10_000,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
