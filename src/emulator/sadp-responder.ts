/**
 * SADP responder for a whole fleet: one UDP socket answering inquiry probes with one ProbeMatch
 * per reachable device, by unicast to the prober (as real devices do). Real SADP listens on
 * 239.255.255.250:37020; the emulator binds a configurable loopback address/port, and can join
 * the multicast group when asked (network namespaces in tests).
 */
import { createSocket, type Socket } from 'node:dgram';
import { buildProbeMatch, parseProbe, SADP_MULTICAST_ADDRESS, type SadpProbe, type SadpProbeMatch } from '../protocol/sadp/sadp';
import type { VirtualDevice } from './device';

export interface SadpResponderOptions {
  /** Default 37020; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1. */
  address?: string;
  /** Join 239.255.255.250 (only useful when bound to 0.0.0.0 inside a test network namespace). */
  multicast?: boolean;
}

export function probeMatchFor(d: VirtualDevice, probe: SadpProbe, types = probe.types, result?: string): SadpProbeMatch {
  const s = d.state;
  const m: SadpProbeMatch = {
    types,
    deviceType: d.info.sadpClass,
    deviceDescription: s.model,
    deviceSN: s.serial,
    commandPort: 8000,
    httpPort: d.httpPort,
    mac: s.mac.replace(/:/g, '-'),
    ipv4Address: d.host,
    ipv4SubnetMask: s.network.subnetMask,
    ipv4Gateway: s.network.gateway,
    dhcp: s.network.addressingType === 'dynamic',
    softwareVersion: `${s.firmwareVersion}build ${s.firmwareBuild}`,
    activated: s.activated,
    supportHCPlatform: true,
    hcPlatformEnable: s.cloudEnabled,
    isModifyVerificationCode: s.verificationCode !== s.labelVerificationCode,
    analogChannelNum: s.type === 'camera' ? 1 : 0,
    digitalChannelNum: s.type === 'nvr' ? s.channels.length : 0,
    diskNumber: s.hdds.length,
  };
  if (probe.uuid !== undefined) m.uuid = probe.uuid;
  if (result !== undefined) m.result = result;
  return m;
}

export class SadpResponder {
  private socket: Socket | undefined;

  constructor(
    private readonly devices: () => Iterable<VirtualDevice>,
    private readonly opts: SadpResponderOptions = {},
  ) {}

  get port(): number {
    const a = this.socket?.address();
    return a ? a.port : 0;
  }

  async start(): Promise<number> {
    // Address reuse only for multicast: on unicast it would let a second fleet silently steal the port.
    const socket = createSocket({ type: 'udp4', reuseAddr: !!this.opts.multicast });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address, rinfo.port));
    socket.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.opts.port ?? 37020, this.opts.address ?? '127.0.0.1', () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      // Port taken: release the socket so nothing keeps the process alive, and let the caller decide.
      this.socket = undefined;
      socket.close();
      throw e;
    }
    if (this.opts.multicast) socket.addMembership(SADP_MULTICAST_ADDRESS);
    return this.port;
  }

  private send(xml: string, address: string, port: number): void {
    this.socket?.send(Buffer.from(xml, 'utf8'), port, address);
  }

  private onMessage(msg: Buffer, address: string, port: number): void {
    let probe: SadpProbe;
    try {
      probe = parseProbe(msg);
    } catch {
      return; // not a probe: real devices ignore it
    }
    const reachable = [...this.devices()].filter((d) => d.lanReachable);
    if (probe.types === 'inquiry') {
      // Paced in batches so a large fleet does not overflow the prober's receive buffer at once.
      const batch = (from: number): void => {
        for (const d of reachable.slice(from, from + 64)) this.send(buildProbeMatch(probeMatchFor(d, probe)), address, port);
        if (from + 64 < reachable.length) setTimeout(() => batch(from + 64), 5).unref();
      };
      batch(0);
      return;
    }
    // Other probes name one device by MAC.
    const mac = probe.mac?.toLowerCase().replace(/-/g, ':');
    const d = reachable.find((x) => x.mac.toLowerCase() === mac);
    if (!d) return;
    if (probe.types === 'update') {
      const admin = d.adminUser;
      const ok = d.activated && !!admin && probe.password === admin.password;
      if (ok && probe.dhcp !== undefined) {
        d.state.network.addressingType = probe.dhcp ? 'dynamic' : 'static';
        d.changed();
      }
      this.send(buildProbeMatch(probeMatchFor(d, probe, 'update', ok ? 'success' : 'failed')), address, port);
      return;
    }
    // activate / exchangecode over SADP are not emulated: answer failed so clients fall back to ISAPI.
    this.send(buildProbeMatch(probeMatchFor(d, probe, probe.types, 'failed')), address, port);
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
