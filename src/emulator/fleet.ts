/**
 * A fleet of emulated devices in one process: each device on its own loopback HTTP port (or its
 * own 127.x.y.z address), one SADP responder for all, a control server (fault switchboard API,
 * JSON device list, index page with label QR images and credentials), optional persistence of
 * every device's state to a file, and the device-cloud connector for devices whose cloud service
 * is enabled (when an MQTT URL is given).
 *
 * Scale: 10,000 devices fit in one process. File descriptors are the limit (each listening HTTP
 * server and each MQTT connection is one), so only the first `maxHttpServers` devices get an HTTP
 * listener (by default as many as the open-file limit allows); the others are reachable through
 * the cloud only (httpPort 0).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError, isAppError } from '../errors/app-error';
import { VirtualDevice } from './device';
import type { FaultSettings } from './faults';
import { labelPng, labelText } from './label';
import type { DeviceOptions } from './options';
import { SadpResponder } from './sadp-responder';
import { initialState, type DeviceSpec, type DeviceState } from './state';
import type { EmulatedDeviceType } from './types';

export interface FleetOptions {
  /** Number of devices (ignored for devices already in the state file, which are all kept). */
  count: number;
  /** Types to cycle through. Default camera, nvr, axpro, unknown. */
  types?: EmulatedDeviceType[];
  /** JSON file that keeps the fleet's state across restarts. */
  statePath?: string;
  /** Connect cloud-enabled devices to the platform's MQTT device gateway. */
  cloudMqttUrl?: string;
  /** Topic prefix of the platform's device gateway (default `sk/`). */
  cloudTopicPrefix?: string;
  /** First device address (e.g. `127.1.0.1`); devices get consecutive loopback addresses. Default: all on 127.0.0.1. */
  hostBase?: string;
  /** Control server port (default 0: any free port). */
  controlPort?: number;
  controlHost?: string;
  /** SADP responder port: default 0 (free port); the CLI uses 37020. `false`: no responder. */
  sadpPort?: number | false;
  sadpAddress?: string;
  /** Default true: mix the states an installer meets (see `fleetSpecs`). False: every device ready. */
  mix?: boolean;
  /**
   * Devices beyond this get no HTTP listener (cloud only). Default: as many as the process's
   * open-file limit leaves after one connection per cloud device and a reserve (see
   * `defaultMaxHttpServers`).
   */
  maxHttpServers?: number;
  /** Per-device behaviour (reboot time, lockout, …). */
  device?: DeviceOptions;
  /** Explicit device specs (instead of count/types/mix). */
  specs?: DeviceSpec[];
}

export interface Fleet {
  readonly devices: VirtualDevice[];
  /** Base URL of the control server (index page, /control/… API). */
  readonly controlUrl: string;
  /** UDP port of the SADP responder (0 when disabled). */
  readonly sadpPort: number;
  /** By full or short serial. */
  get(serial: string): VirtualDevice | undefined;
  /** One JSON-able description per device (the `--json` lines). */
  describe(d: VirtualDevice): DeviceDescription;
  applyFaults(serial: string, faults: FaultSettings): Promise<DeviceDescription>;
  /** Writes the state file now (also done automatically, debounced). */
  save(): Promise<void>;
  close(): Promise<void>;
}

export interface DeviceDescription {
  serial: string;
  shortSerial: string;
  type: EmulatedDeviceType;
  model: string;
  host: string;
  httpPort: number;
  verificationCode: string;
  activated: boolean;
  cloudEnabled: boolean;
  /** Powered and not rebooting (the default fleet keeps its last device powered off). */
  online: boolean;
  label: string;
  adminUser?: string;
  adminPassword?: string;
}

const DEFAULT_TYPES: EmulatedDeviceType[] = ['camera', 'nvr', 'axpro', 'unknown'];
const STATE_FILE_VERSION = 1;

/**
 * The default fleet mix: device 0 ready, 1 factory-new, 2 cloud service off, the last one (of 4 or
 * more) powered off; beyond that every 10th is factory-new and every 10th (+1) has the cloud off.
 */
export function fleetSpecs(count: number, types: EmulatedDeviceType[] = DEFAULT_TYPES, mix = true): DeviceSpec[] {
  const list = types.length ? types : DEFAULT_TYPES;
  return Array.from({ length: count }, (_, i) => {
    const type = list[i % list.length] ?? 'camera';
    const spec: DeviceSpec = { type };
    if (type === 'nvr') {
      spec.channels = [4, 8, 16, 32, 64][i % 5] ?? 4;
      spec.hdds = 1 + (i % 8);
    }
    if (!mix) return spec;
    if (i % 10 === 1) spec.activated = false;
    else if (i % 10 === 2) spec.cloudEnabled = false;
    if (count >= 4 && i === count - 1) {
      spec.powered = false;
      spec.activated = true;
      spec.cloudEnabled = true;
    }
    return spec;
  });
}

function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new AppError('VALIDATION_FAILED', `Not an IPv4 address: ${ip}.`);
  return (((p[0] ?? 0) << 24) >>> 0) + ((p[1] ?? 0) << 16) + ((p[2] ?? 0) << 8) + (p[3] ?? 0);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The i-th loopback address from `base`, skipping .0 and .255. */
export function hostFor(base: string, i: number): string {
  const b = ipToInt(base);
  if (b >>> 24 !== 127) throw new AppError('VALIDATION_FAILED', 'hostBase must be a loopback address (127.x.y.z).');
  let n = b;
  for (let k = 0; k < i; k++) {
    n++;
    while ((n & 255) === 0 || (n & 255) === 255) n++;
  }
  if (n >>> 24 !== 127) throw new AppError('VALIDATION_FAILED', 'Too many devices for this hostBase.');
  return intToIp(n);
}

export function describeDevice(d: VirtualDevice): DeviceDescription {
  const s = d.state;
  const desc: DeviceDescription = {
    serial: s.serial,
    shortSerial: d.shortSerial,
    type: s.type,
    model: s.model,
    host: d.host,
    httpPort: d.httpPort,
    verificationCode: s.verificationCode,
    activated: s.activated,
    cloudEnabled: s.cloudEnabled,
    online: d.powered,
    label: labelText(s),
  };
  const admin = d.adminUser;
  if (s.activated && admin) {
    desc.adminUser = admin.userName;
    desc.adminPassword = admin.password;
  }
  return desc;
}

function loadState(path: string): DeviceState[] {
  if (!existsSync(path)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', `The emulator state file ${path} is not valid JSON.`, { hint: 'Delete it to start a fresh fleet.', cause: e });
  }
  const devices = (data as { devices?: unknown }).devices;
  if (!Array.isArray(devices)) throw new AppError('VALIDATION_FAILED', `The emulator state file ${path} has no device list.`, { hint: 'Delete it to start a fresh fleet.' });
  return devices as DeviceState[];
}

async function inBatches<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((it, k) => fn(it, i + k)));
}

type CloudAgentHandle = { close(): Promise<void> };

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const stored = opts.statePath ? loadState(opts.statePath) : [];
  const specs = opts.specs ?? fleetSpecs(Math.max(0, opts.count - stored.length), opts.types, opts.mix ?? true);
  const states = [...stored, ...specs.map((s) => initialState(s))];
  const devices = states.map((st) => new VirtualDevice(st, opts.device));
  const bySerial = new Map<string, VirtualDevice>();
  for (const d of devices) {
    bySerial.set(d.serial.toUpperCase(), d);
    bySerial.set(d.shortSerial.toUpperCase(), d);
  }

  // Persistence: debounced save on any change.
  let saveTimer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  const writeState = async (): Promise<void> => {
    if (!opts.statePath) return;
    const path = opts.statePath;
    const data = JSON.stringify({ version: STATE_FILE_VERSION, devices: devices.map((d) => d.state) });
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, path);
  };
  const save = (): Promise<void> => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    saving = saving.then(writeState, writeState);
    return saving;
  };
  const scheduleSave = (): void => {
    if (!opts.statePath || saveTimer) return;
    saveTimer = setTimeout(() => void save().catch(() => undefined), 300);
    saveTimer.unref();
  };
  for (const d of devices) d.on('change', scheduleSave);

  let sadp: SadpResponder | undefined;
  const agents = new Map<VirtualDevice, Promise<CloudAgentHandle | undefined>>();
  let closing = false;

  // Control server.
  const control = createServer((req, res) => void handleControl(req, res));
  const fleet: Fleet = {
    devices,
    controlUrl: '',
    get sadpPort() {
      return sadp?.port ?? 0;
    },
    get: (serial) => bySerial.get(serial.toUpperCase()),
    describe: describeDevice,
    async applyFaults(serial, faults) {
      const d = bySerial.get(serial.toUpperCase());
      if (!d) throw new AppError('NOT_FOUND', `No emulated device with serial ${serial}.`, { hint: 'List the fleet with GET /control/devices.' });
      await d.applyFaults(faults);
      return describeDevice(d);
    },
    save,
    close: () => shutdown(true),
  };

  /** Stops everything started so far; `saveState` false after a failed start (nothing worth keeping). */
  async function shutdown(saveState: boolean): Promise<void> {
    closing = true;
    const controlClosed = new Promise<void>((resolve) => control.close(() => resolve()));
    control.closeAllConnections();
    await controlClosed;
    const handles = await Promise.all(agents.values());
    await Promise.all(handles.filter((h): h is CloudAgentHandle => h !== undefined).map((h) => h.close().catch(() => undefined)));
    await sadp?.close();
    await inBatches(devices, 512, (d) => d.close());
    if (saveState && opts.statePath) await save();
    else clearTimeout(saveTimer);
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 64 * 1024) throw new AppError('BODY_TOO_LARGE');
      chunks.push(c as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new AppError('INVALID_JSON');
    }
  }

  function sendJson(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(value));
  }

  function deviceDetail(d: VirtualDevice): Record<string, unknown> {
    return { ...describeDevice(d), lanReachable: d.lanReachable, cloudLinkUp: d.cloudLinkUp, cloudRegistered: d.cloudRegisteredNow, firmwareVersion: d.firmwareVersion, faults: d.faultState() };
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(indexPage(devices, fleet, Number(url.searchParams.get('page') ?? 1)));
        return;
      }
      if (parts[0] !== 'control' || parts[1] !== 'devices') throw new AppError('NOT_FOUND');
      if (parts.length === 2 && req.method === 'GET') return sendJson(res, 200, devices.map(deviceDetail));
      const d = parts[2] ? bySerial.get(parts[2].toUpperCase()) : undefined;
      if (!d) throw new AppError('NOT_FOUND', `No emulated device with serial ${parts[2] ?? ''}.`);
      if (parts.length === 3 && req.method === 'GET') return sendJson(res, 200, deviceDetail(d));
      if (parts.length === 4 && parts[3] === 'label.png' && req.method === 'GET') {
        const png = await labelPng(d.state);
        res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(png);
        return;
      }
      if (parts.length === 4 && parts[3] === 'faults' && req.method === 'POST') {
        const body = await readJson(req);
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('VALIDATION_FAILED', 'Send a JSON object of faults.');
        await d.applyFaults(body);
        return sendJson(res, 200, deviceDetail(d));
      }
      throw new AppError('NOT_FOUND');
    } catch (e) {
      const err = isAppError(e) ? e : new AppError('INTERNAL_ERROR');
      sendJson(res, err.status, { error: err.toJSON() });
    }
  }

  // The control port first: a port clash fails before any device listens. On any failure, what
  // was started is closed again (a caller may retry on other ports) and nothing is saved.
  try {
    await new Promise<void>((resolve, reject) => {
      control.once('error', reject);
      control.listen(opts.controlPort ?? 0, opts.controlHost ?? '127.0.0.1', () => {
        control.off('error', reject);
        resolve();
      });
    });
    const addr = control.address();
    const port = addr && typeof addr === 'object' ? addr.port : 0;
    (fleet as { controlUrl: string }).controlUrl = `http://${opts.controlHost ?? '127.0.0.1'}:${port}`;

    // SADP.
    if (opts.sadpPort !== false) {
      sadp = new SadpResponder(() => devices, { port: opts.sadpPort ?? 0, address: opts.sadpAddress ?? '127.0.0.1' });
      await sadp.start();
    }

    // LAN: HTTP servers.
    const cloudConnections = opts.cloudMqttUrl ? devices.filter((d) => d.cloudEnabled).length : 0;
    const maxHttp = opts.maxHttpServers ?? defaultMaxHttpServers(devices.length, cloudConnections, openFileLimit());
    await inBatches(devices.slice(0, maxHttp), 256, async (d, i) => {
      const host = opts.hostBase ? hostFor(opts.hostBase, i) : (d.state.host ?? '127.0.0.1');
      await d.attachLan(host, d.state.host === host ? (d.state.httpPort ?? 0) : 0);
    });

    // Device cloud.
    if (opts.cloudMqttUrl) {
      const mqttUrl = opts.cloudMqttUrl;
      const { startCloudAgent } = await import('./cloud-agent');
      const ensureAgent = (d: VirtualDevice): void => {
        if (closing || agents.has(d) || !d.cloudEnabled) return;
        agents.set(
          d,
          startCloudAgent(d, { mqttUrl, ...(opts.cloudTopicPrefix ? { topicPrefix: opts.cloudTopicPrefix } : {}) }).catch((e: unknown) => {
            process.emitWarning(`cloud agent of ${d.serial} failed to start: ${e instanceof Error ? e.message : String(e)}`);
            return undefined;
          }),
        );
      };
      for (const d of devices) {
        ensureAgent(d);
        d.on('cloud-config', () => ensureAgent(d));
      }
    }
  } catch (e) {
    await shutdown(false).catch(() => undefined);
    throw e;
  }
  if (opts.statePath) await save();

  return fleet;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const PAGE_SIZE = 100;

function indexPage(devices: VirtualDevice[], fleet: Fleet, page: number): string {
  const pages = Math.max(1, Math.ceil(devices.length / PAGE_SIZE));
  const p = Number.isInteger(page) && page >= 1 && page <= pages ? page : 1;
  const rows = devices
    .slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE)
    .map((d) => {
      const x = describeDevice(d);
      const state = !d.powered ? 'offline' : !x.activated ? 'factory-new (not activated)' : !x.cloudEnabled ? 'cloud service off' : d.cloudRegisteredNow ? 'ready, cloud registered' : 'ready';
      const cred = x.adminUser ? `${esc(x.adminUser)} / <code>${esc(x.adminPassword ?? '')}</code>` : '—';
      const addr = x.httpPort ? `<a href="http://${esc(x.host)}:${x.httpPort}/SDK/activateStatus">${esc(x.host)}:${x.httpPort}</a>` : 'cloud only';
      return `<tr><td><img src="/control/devices/${encodeURIComponent(x.serial)}/label.png" width="120" height="120" alt="Label QR of ${esc(x.shortSerial)}" loading="lazy"></td>
<td><strong>${esc(x.shortSerial)}</strong><br><small>${esc(x.serial)}</small></td><td>${esc(x.type)}<br>${esc(x.model)}<br><small>${esc(d.firmwareVersion)}</small></td>
<td><code>${esc(x.verificationCode)}</code></td><td>${cred}</td><td>${addr}</td><td>${esc(state)}</td><td><pre>${esc(x.label)}</pre></td></tr>`;
    })
    .join('\n');
  const nav = pages > 1 ? `<p>Page ${p} of ${pages}: ${Array.from({ length: pages }, (_, i) => `<a href="/?page=${i + 1}">${i + 1}</a>`).join(' ')}</p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sitekeeper device emulator</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top;text-align:left}pre{margin:0;font-size:.75rem}</style></head>
<body><h1>Sitekeeper device emulator</h1><p>${devices.length} devices. SADP on UDP ${fleet.sadpPort || 'off'}. Faults: <code>POST /control/devices/&lt;serial&gt;/faults</code> or <code>sitekeeper emulator fault</code>. JSON: <a href="/control/devices">/control/devices</a>.</p>${nav}
<table><thead><tr><th>Label QR</th><th>Serial</th><th>Device</th><th>Verification code</th><th>Admin</th><th>ISAPI</th><th>State</th><th>Label text</th></tr></thead><tbody>
${rows}</tbody></table>${nav}</body></html>`;
}

/** Open files this process may hold (soft limit), from /proc on Linux; undefined elsewhere. */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (!m) return undefined;
  return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
}

/**
 * How many devices can listen on HTTP: each listener is a file descriptor, as is each cloud
 * device's MQTT connection; keep a reserve for accepted connections, the control server, SADP and
 * the runtime. Unknown limit: 4,096 (safe under the common 8,192+ limits of servers).
 */
export function defaultMaxHttpServers(devices: number, cloudConnections: number, fdLimit: number | undefined): number {
  if (fdLimit === undefined) return Math.min(devices, 4096);
  const reserve = 1024;
  return Math.max(0, Math.min(devices, fdLimit - reserve - cloudConnections));
}
