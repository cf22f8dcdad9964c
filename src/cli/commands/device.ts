/**
 * `sitekeeper discover` — SADP scan of the local network with a progress bar and a table.
 * `sitekeeper device info <host|serial>` — deviceInfo over direct HTTP with digest; a serial
 * (full or the 9-character label serial) is looked up with SADP first.
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { AppError } from '../../errors/app-error';
import { DeviceClient } from '../../device-client/device-client';
import { HttpTransport } from '../../device-client/http-transport';
import { discoverDevices, parseSadpTargets, type DiscoveredDevice, type DiscoverOptions } from '../../device-client/sadp-discovery';
import { formatTable } from '../table';

interface DiscoverFlags {
  timeout: string;
  target?: string;
  bind?: string;
  json?: boolean;
}

function discoverOptions(flags: DiscoverFlags): DiscoverOptions {
  const timeoutMs = Number(flags.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) throw new AppError('VALIDATION_FAILED', '--timeout must be between 100 and 60000 ms.');
  const spec = flags.target ?? process.env.SADP_TARGETS;
  return { timeoutMs, ...(spec ? { targets: parseSadpTargets(spec) } : {}), ...(flags.bind ? { bindAddress: flags.bind } : {}) };
}

export function discoveredRows(devices: DiscoveredDevice[]): string[][] {
  return devices
    .slice()
    .sort((a, b) => a.ipv4Address.localeCompare(b.ipv4Address, undefined, { numeric: true }) || a.httpPort - b.httpPort)
    .map((d) => [
      d.shortSerial, d.model, `${d.ipv4Address}:${d.httpPort}`, d.activated ? 'yes' : 'NO', d.cloudEnabled ? 'on' : d.cloudSupported ? 'off' : '-',
      d.dhcp ? 'dhcp' : 'static', d.softwareVersion, d.mac,
    ]);
}

async function runDiscover(flags: DiscoverFlags): Promise<void> {
  const opts = discoverOptions(flags);
  const timeoutMs = opts.timeoutMs ?? 3000;
  const showBar = !flags.json && process.stderr.isTTY;
  const bar = new SingleBar({ format: 'Scanning {bar} {found} found', stream: process.stderr, hideCursor: true, clearOnComplete: true }, { format: '', barCompleteChar: '#', barIncompleteChar: '.' });
  let found = 0;
  if (showBar) bar.start(timeoutMs, 0, { found });
  const started = Date.now();
  const tick = showBar ? setInterval(() => bar.update(Math.min(timeoutMs, Date.now() - started), { found }), 100) : undefined;
  let devices: DiscoveredDevice[];
  try {
    devices = await discoverDevices({
      ...opts,
      onDevice: () => {
        found++;
        if (!showBar && !flags.json) process.stderr.write('.');
      },
    });
  } finally {
    if (tick) clearInterval(tick);
    if (showBar) bar.stop();
  }
  if (flags.json) {
    for (const d of devices) process.stdout.write(`${JSON.stringify(d)}\n`);
    return;
  }
  if (!showBar && found > 0) process.stderr.write('\n');
  if (devices.length === 0) {
    process.stdout.write('No devices answered. Check that this computer is on the same network segment as the devices (SADP does not cross routers).\n');
    return;
  }
  process.stdout.write(`${formatTable(['SERIAL', 'MODEL', 'ADDRESS', 'ACTIVATED', 'CLOUD', 'IP', 'FIRMWARE', 'MAC'], discoveredRows(devices))}\n`);
  process.stdout.write(`${devices.length} device(s).\n`);
}

interface InfoFlags extends DiscoverFlags {
  port?: string;
  user: string;
  password?: string;
  https?: boolean;
}

/** A host is an IP literal, `localhost` or a name with a dot; anything else is taken as a serial. */
export function looksLikeHost(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':') || s === 'localhost' || (/\./.test(s) && /[a-z]/i.test(s) && !/^[A-Z0-9-]+$/.test(s));
}

async function runInfo(target: string, flags: InfoFlags): Promise<void> {
  let host = target;
  let port = flags.port ? Number(flags.port) : undefined;
  if (!looksLikeHost(target)) {
    const wanted = target.toUpperCase();
    const devices = await discoverDevices(discoverOptions(flags));
    const match = devices.find((d) => d.serial.toUpperCase() === wanted || d.shortSerial.toUpperCase() === wanted);
    if (!match) throw new AppError('DEVICE_NOT_FOUND', `No device with serial ${target} answered the SADP scan.`, { hint: 'Check the serial on the label, or give the device address instead (sitekeeper device info 192.168.1.64).' });
    host = match.ipv4Address;
    port ??= match.httpPort;
  } else if (host.includes(':') && !host.startsWith('[') && host.split(':').length === 2) {
    const [h, p] = host.split(':');
    host = h ?? host;
    port ??= Number(p);
  }
  const password = flags.password ?? process.env.SITEKEEPER_DEVICE_PASSWORD;
  const transport = new HttpTransport({ host, ...(port ? { port } : {}), https: flags.https === true, ...(password !== undefined ? { username: flags.user, password } : {}) });
  const client = new DeviceClient(transport);
  const info = await client.deviceInfo();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
    return;
  }
  const rows = Object.entries(info).map(([k, v]) => [k, String(v)]);
  process.stdout.write(`${formatTable(['FIELD', 'VALUE'], rows)}\n`);
}

export function register(program: Command): void {
  program
    .command('discover')
    .description('Find devices on the local network with SADP (UDP 37020)')
    .option('--timeout <ms>', 'how long to listen for answers', '3000')
    .option('--target <host:port,...>', 'send probes here instead of the SADP multicast group (also SADP_TARGETS)')
    .option('--bind <address>', 'local address to send from')
    .option('--json', 'one JSON line per device')
    .action(async (flags: DiscoverFlags) => runDiscover(flags));

  const device = program.command('device').description('Talk to one device');
  device
    .command('info')
    .description('Show model, serial and firmware of a device (by address, or by serial via SADP)')
    .argument('<host|serial>', 'IP address or host name (optionally host:port), or the serial from the label')
    .option('--port <port>', 'HTTP port')
    .option('--user <name>', 'device user', 'admin')
    .option('--password <password>', 'device password (or SITEKEEPER_DEVICE_PASSWORD)')
    .option('--https', 'use HTTPS')
    .option('--timeout <ms>', 'SADP listen time when looking up a serial', '3000')
    .option('--target <host:port,...>', 'SADP probe targets when looking up a serial (also SADP_TARGETS)')
    .option('--bind <address>', 'local address for SADP')
    .option('--json', 'print JSON')
    .action(async (target: string, flags: InfoFlags) => runInfo(target, flags));
}
