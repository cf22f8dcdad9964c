/**
 * SADP discovery client: sends an `inquiry` Probe on UDP 37020 and collects ProbeMatch answers
 * (devices answer by unicast to the probe's source). Real networks use multicast
 * 239.255.255.250; tests and the emulator use explicit loopback targets.
 */
import { createSocket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { buildProbe, parseProbeMatch, SADP_MULTICAST_ADDRESS, SADP_PORT, shortSerialOf, type SadpProbeMatch } from '../protocol/sadp/sadp';

export interface SadpTarget {
  address: string;
  port: number;
}

export interface DiscoveredDevice {
  serial: string;
  shortSerial: string;
  model: string;
  mac: string;
  ipv4Address: string;
  httpPort: number;
  commandPort: number;
  activated: boolean;
  dhcp: boolean;
  softwareVersion: string;
  cloudSupported: boolean;
  cloudEnabled: boolean;
  /** Address the answer came from (may differ from ipv4Address behind NAT or on the emulator). */
  sourceAddress: string;
}

export interface DiscoverOptions {
  /** Where to send probes; default the SADP multicast group plus this machine's loopback (the emulator). */
  targets?: readonly SadpTarget[];
  /** Listen this long for answers. */
  timeoutMs?: number;
  /** Local address to bind (e.g. 127.0.0.1 in tests). */
  bindAddress?: string;
  /** Interface address for multicast probes. */
  multicastInterface?: string;
  /** Probes are UDP: send a few times. */
  repeats?: number;
  onDevice?: (d: DiscoveredDevice) => void;
  signal?: AbortSignal;
}

/** Real devices answer the multicast group; the emulator listens on loopback. */
export const DEFAULT_SADP_TARGETS: readonly SadpTarget[] = [
  { address: SADP_MULTICAST_ADDRESS, port: SADP_PORT },
  { address: '127.0.0.1', port: SADP_PORT },
];

/** Parse `host:port,host:port` (e.g. from SADP_TARGETS) into targets. */
export function parseSadpTargets(spec: string): SadpTarget[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.lastIndexOf(':');
      const address = i > 0 ? s.slice(0, i).replace(/^\[|\]$/g, '') : s;
      const port = i > 0 ? Number(s.slice(i + 1)) : SADP_PORT;
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad SADP target ${s}`);
      return { address, port };
    });
}

function toDiscovered(m: SadpProbeMatch, sourceAddress: string): DiscoveredDevice {
  return {
    serial: m.deviceSN,
    shortSerial: shortSerialOf(m.deviceSN),
    model: m.deviceDescription,
    mac: m.mac,
    ipv4Address: m.ipv4Address || sourceAddress,
    httpPort: m.httpPort,
    commandPort: m.commandPort,
    activated: m.activated,
    dhcp: m.dhcp,
    softwareVersion: m.softwareVersion,
    cloudSupported: m.supportHCPlatform,
    cloudEnabled: m.hcPlatformEnable,
    sourceAddress,
  };
}

/** Discover devices; resolves with every distinct device (by serial) that answered in time. */
export async function discoverDevices(opts: DiscoverOptions = {}): Promise<DiscoveredDevice[]> {
  const targets = opts.targets?.length ? opts.targets : DEFAULT_SADP_TARGETS;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const repeats = Math.max(1, opts.repeats ?? 2);
  const uuid = randomUUID().toUpperCase();
  const found = new Map<string, DiscoveredDevice>();
  const sock = createSocket({ type: targets.some((t) => t.address.includes(':')) ? 'udp6' : 'udp4', reuseAddr: true });
  sock.on('message', (msg, rinfo) => {
    if (msg.length > 16 * 1024) return;
    let m: SadpProbeMatch;
    try {
      m = parseProbeMatch(msg);
    } catch {
      return; // not a ProbeMatch (e.g. our own multicast probe looped back)
    }
    if (m.uuid && m.uuid.toUpperCase() !== uuid) return;
    if (found.has(m.deviceSN)) return;
    const d = toDiscovered(m, rinfo.address);
    found.set(m.deviceSN, d);
    opts.onDevice?.(d);
  });
  sock.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, opts.bindAddress, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  try {
    if (opts.multicastInterface) sock.setMulticastInterface(opts.multicastInterface);
    const probe = Buffer.from(buildProbe({ uuid, types: 'inquiry' }), 'utf8');
    const send = () => {
      for (const t of targets) sock.send(probe, t.port, t.address, () => undefined);
    };
    send();
    await new Promise<void>((resolve) => {
      const gap = Math.floor(timeoutMs / (repeats + 1));
      let sent = 1;
      const again = setInterval(() => {
        if (sent++ < repeats) send();
      }, gap);
      const done = setTimeout(finish, timeoutMs);
      function finish() {
        clearInterval(again);
        clearTimeout(done);
        opts.signal?.removeEventListener('abort', finish);
        resolve();
      }
      opts.signal?.addEventListener('abort', finish, { once: true });
    });
  } finally {
    sock.close();
  }
  return [...found.values()];
}
