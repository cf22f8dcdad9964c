/**
 * A Mosquitto of the test's own with the dynamic-security plugin (never the machine's on 1883,
 * which is anonymous and stays as it is): a temp dir, `mosquitto_ctrl dynsec init` for the admin,
 * a free loopback port, anonymous access off. Nothing is skipped: without Mosquitto, its plugin or
 * mosquitto_ctrl the helper fails and says what is missing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, constants, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './wait';
import { accepts, freePort } from './http-session';

/** Where Debian and Ubuntu install the plugin; MOSQUITTO_DYNSEC_PLUGIN overrides. */
export const DYNSEC_PLUGIN = process.env.MOSQUITTO_DYNSEC_PLUGIN ?? '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

export interface DynsecMosquitto {
  /** mqtt://<admin>:<password>@127.0.0.1:<port> — what MQTT_URL is with MQTT_DYNSEC=true. */
  adminUrl: string;
  /** mqtt://127.0.0.1:<port>, for clients that bring their own credentials. */
  url: string;
  adminUser: string;
  adminPassword: string;
  /** Mosquitto's log so far (refusals show up as "Denied PUBLISH" / "Denied SUBSCRIBE"-like lines). */
  log(): string;
  close(): Promise<void>;
}

/** Mosquitto run as root drops to the `mosquitto` user: that user must read the dynsec file and write its log. */
function handToMosquittoUser(dir: string): void {
  if (userInfo().uid !== 0) return;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('mosquitto:'));
  if (!line) throw new Error('mosquitto runs as root here but there is no `mosquitto` user to drop to: create it (the Debian package does)');
  const [, , uid, gid] = line.split(':');
  for (const f of [dir, ...readdirSync(dir).map((n) => join(dir, n))]) chownSync(f, Number(uid), Number(gid));
}

export async function startDynsecMosquitto(): Promise<DynsecMosquitto> {
  try {
    accessSync(DYNSEC_PLUGIN, constants.R_OK);
  } catch {
    throw new Error(`Mosquitto's dynamic-security plugin is not at ${DYNSEC_PLUGIN}: install mosquitto (Debian: apt-get install mosquitto mosquitto-clients) or set MOSQUITTO_DYNSEC_PLUGIN`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sk-test-dynsec-'));
  chmodSync(dir, 0o755);
  const adminUser = 'sk-admin';
  const adminPassword = randomBytes(12).toString('hex');
  const dynsecFile = join(dir, 'dynsec.json');
  const logFile = join(dir, 'mosquitto.log');
  try {
    await promisify(execFile)('mosquitto_ctrl', ['dynsec', 'init', dynsecFile, adminUser, adminPassword], { timeout: 30_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mosquitto_ctrl dynsec init failed (is mosquitto-clients installed?): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `plugin ${DYNSEC_PLUGIN}`,
      `plugin_opt_config_file ${dynsecFile}`,
      'persistence false',
      'set_tcp_nodelay true',
      `log_dest file ${logFile}`,
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      'log_type debug',
      '',
    ].join('\n'),
  );
  writeFileSync(logFile, '');
  handToMosquittoUser(dir);
  let child: ChildProcess | undefined = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const c = child;
  const failed = new Promise<never>((_resolve, reject) => {
    c.once('error', (err) => reject(new Error(`cannot start mosquitto (is it installed?): ${err.message}`)));
    c.once('exit', (code) => reject(new Error(`mosquitto exited with ${String(code)}; its log: ${readLog()}`)));
  });
  failed.catch(() => undefined);
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const close = async () => {
    const k = child;
    child = undefined;
    if (k && k.exitCode === null && k.pid !== undefined) {
      const exited = new Promise<void>((resolve) => k.once('exit', () => resolve()));
      process.kill(k.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([eventually(() => accepts(port), `mosquitto (dynsec) listening on ${port}`, 15_000, 50), failed]);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    adminUrl: `mqtt://${adminUser}:${adminPassword}@127.0.0.1:${port}`,
    url: `mqtt://127.0.0.1:${port}`,
    adminUser,
    adminPassword,
    log: readLog,
    close,
  };
}
