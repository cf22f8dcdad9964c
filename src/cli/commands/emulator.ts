/**
 * `sitekeeper emulator`: run a fleet of emulated devices; `sitekeeper emulator fault`: flip a
 * fault on one of them through the running fleet's control API.
 */
import { Command, InvalidArgumentError } from 'commander';
import { AppError } from '../../errors/app-error';
import type { Fleet } from '../../emulator/fleet';
import type { EmulatedDeviceType } from '../../emulator/types';

const TYPES: EmulatedDeviceType[] = ['camera', 'nvr', 'axpro', 'unknown'];
const DEFAULT_CONTROL_PORT = 4850;

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function parseTypes(v: string): EmulatedDeviceType[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const t of list) if (!TYPES.includes(t as EmulatedDeviceType)) throw new InvalidArgumentError(`unknown type "${t}" (use ${TYPES.join(', ')})`);
  return list as EmulatedDeviceType[];
}

/** `key=value` → JSON value (numbers, true/false/null, `{…}` JSON, else string). */
export function parseFaultArgs(args: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) {
    const i = a.indexOf('=');
    if (i <= 0) throw new AppError('VALIDATION_FAILED', `Fault "${a}" is not key=value.`, { hint: 'Example: sitekeeper emulator fault F12345678 power=off latencyMs=200' });
    const key = a.slice(0, i);
    const raw = a.slice(i + 1);
    let value: unknown = raw;
    if (raw === 'true' || raw === 'false' || raw === 'null' || /^-?\d+(\.\d+)?$/.test(raw) || raw.startsWith('{')) {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new AppError('VALIDATION_FAILED', `Fault "${key}" has an invalid value.`);
      }
    }
    out[key] = value;
  }
  return out;
}

export interface StartOptions {
  count: number;
  types?: EmulatedDeviceType[];
  state?: string;
  json?: boolean;
  mqtt?: string;
  port: number;
  host: string;
  sadpPort: number;
  hostBase?: string;
  uniform?: boolean;
  maxHttp?: number;
  /** `--port` was given (not the default): a clash is then an error instead of a move to a free port. */
  portExplicit?: boolean;
}

const isPortClash = (e: unknown, syscall: 'listen' | 'bind'): boolean => {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'EADDRINUSE' && err.syscall === syscall;
};

/**
 * Starts the fleet of `sitekeeper emulator`. Ports in use: the SADP port (UDP) and the default
 * control port move to free ports with a warning; a control port given with `--port` is an error
 * (the user asked for that port, and scripts rely on it).
 */
export async function startEmulatorFleet(o: StartOptions, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<Fleet> {
  const { startFleet } = await import('../../emulator/fleet');
  const base = {
    count: o.count,
    ...(o.types ? { types: o.types } : {}),
    ...(o.state ? { statePath: o.state } : {}),
    ...(o.mqtt ? { cloudMqttUrl: o.mqtt } : {}),
    ...(o.hostBase ? { hostBase: o.hostBase } : {}),
    ...(o.maxHttp !== undefined ? { maxHttpServers: o.maxHttp } : {}),
    mix: !o.uniform,
    controlHost: o.host,
  };
  let controlPort = o.port;
  let sadpPort = o.sadpPort;
  // startFleet closes what it started when it fails, so trying again on other ports is clean.
  for (;;) {
    try {
      const fleet = await startFleet({ ...base, controlPort, sadpPort });
      if (controlPort !== o.port) {
        warn(`warning: port ${o.port} is in use; the index page and control API are on ${fleet.controlUrl}/ instead (point \`sitekeeper emulator fault\` at it with --control ${fleet.controlUrl}, or choose a port with --port)`);
      }
      return fleet;
    } catch (e) {
      if (isPortClash(e, 'listen') && controlPort !== 0) {
        if (o.portExplicit) {
          throw new AppError('CONFLICT', `Port ${o.port} on ${o.host} is already in use, so the emulator cannot serve its index page and control API there.`, {
            hint: `Stop the program using it (another \`sitekeeper emulator\`?), or choose another port with --port <n> (--port 0 picks a free one).`,
            details: { port: o.port, host: o.host },
            cause: e,
          });
        }
        controlPort = 0;
      } else if (isPortClash(e, 'bind') && sadpPort !== 0) {
        // SADP port taken (another emulator or SADP tool): keep going on a free port.
        warn(`warning: UDP ${o.sadpPort} is in use; SADP answers on a free port instead`);
        sadpPort = 0;
      } else throw e;
    }
  }
}

async function start(o: StartOptions): Promise<void> {
  const fleet = await startEmulatorFleet(o);
  if (o.json) {
    for (const d of fleet.devices) process.stdout.write(`${JSON.stringify(fleet.describe(d))}\n`);
  } else {
    process.stdout.write(`Sitekeeper emulator: ${fleet.devices.length} devices\n  index and control API: ${fleet.controlUrl}/\n  SADP: udp://127.0.0.1:${fleet.sadpPort}\n`);
    if (o.mqtt) process.stdout.write(`  device cloud: ${o.mqtt.replace(/\/\/[^@/]*@/, '//***@')}\n`);
    for (const d of fleet.devices.slice(0, 50)) {
      const x = fleet.describe(d);
      const state = !d.powered ? 'offline' : !x.activated ? 'not activated' : !x.cloudEnabled ? 'cloud off' : 'ready';
      process.stdout.write(`  ${x.shortSerial}  ${x.type.padEnd(7)} ${x.model.padEnd(16)} ${`${x.host}:${x.httpPort}`.padEnd(22)} code ${x.verificationCode}  ${state}${x.adminUser ? `  ${x.adminUser}/${x.adminPassword ?? ''}` : ''}\n`);
    }
    if (fleet.devices.length > 50) process.stdout.write(`  … and ${fleet.devices.length - 50} more (see the index page)\n`);
    const cloudOnly = fleet.devices.filter((d) => !d.isLanAttached).length;
    if (cloudOnly > 0) process.stdout.write(`  ${cloudOnly} devices have no HTTP listener (open-file limit: raise ulimit -n, then --max-http)\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await fleet.close();
}

export function register(program: Command): void {
  const emulator = program.command('emulator').description('Run emulated cameras, NVRs and AX Pro hubs on loopback, or change their faults.');

  emulator
    .command('start', { isDefault: true })
    .description('Run a fleet of emulated devices (default command).')
    .option('--count <n>', 'number of devices', positiveInt, 8)
    .option('--types <list>', `device types to cycle through (${TYPES.join(',')})`, parseTypes)
    .option('--state <file>', 'keep the fleet state in this file so it survives a restart')
    .option('--json', 'print one JSON line per device once it is listening')
    .option('--mqtt <url>', 'connect cloud-enabled devices to this MQTT device gateway')
    .option('--port <port>', 'control API / index page port (if the default is taken, a free port is used; a port given here must be free)', positiveInt, DEFAULT_CONTROL_PORT)
    .option('--host <address>', 'control API address (loopback by default)', '127.0.0.1')
    .option('--sadp-port <port>', 'UDP port answering SADP probes', positiveInt, 37020)
    .option('--host-base <address>', 'give each device its own loopback address starting here (e.g. 127.1.0.1)')
    .option('--uniform', 'every device ready (activated, cloud on, online) instead of the mixed fleet')
    .option('--max-http <n>', 'devices beyond this get no HTTP listener (cloud only)', positiveInt)
    .action(async (o: StartOptions, cmd: Command) => start({ ...o, portExplicit: cmd.getOptionValueSource('port') !== 'default' }));

  emulator
    .command('fault <serial> [settings...]')
    .description('Set faults on a device of a running fleet, e.g. `fault F12345678 power=off`, `hdd=failed`, `videoLoss=2`, `latencyMs=300`, `zone=\'{"id":0,"status":"open"}\'`.')
    .option('--control <url>', 'control URL of the running fleet', process.env.SITEKEEPER_EMULATOR_URL ?? `http://127.0.0.1:${DEFAULT_CONTROL_PORT}`)
    .action(async (serial: string, settings: string[], o: { control: string }) => {
      const faults = parseFaultArgs(settings);
      if (Object.keys(faults).length === 0) throw new AppError('VALIDATION_FAILED', 'No fault given.', { hint: 'Example: sitekeeper emulator fault F12345678 power=off' });
      let res: Response;
      try {
        res = await fetch(`${o.control.replace(/\/$/, '')}/control/devices/${encodeURIComponent(serial)}/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(faults),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (e) {
        throw new AppError('SERVICE_UNAVAILABLE', `Cannot reach the emulator at ${o.control}.`, { hint: 'Start it with `sitekeeper emulator`, or pass --control with its URL.', cause: e });
      }
      const body = (await res.json()) as { error?: { code: string; message: string; hint: string } };
      if (!res.ok) {
        const err = body.error;
        throw Object.assign(new Error(err?.message ?? `HTTP ${res.status}`), { code: err?.code, hint: err?.hint });
      }
      process.stdout.write(`${JSON.stringify(body)}\n`);
    });
}
