/**
 * How onboarding reaches devices: the device cloud (by serial, through the gateway), the LAN (SADP
 * and ISAPI through a site agent), or directly by host and port. Services see only this interface.
 */
import { DeviceClient, type DeviceConcurrency } from '../../device-client/device-client';
import { CloudTransport } from '../../device-client/cloud-transport';
import { AgentTransport } from '../../device-client/agent-transport';
import { HttpTransport } from '../../device-client/http-transport';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';
import type { DeviceGateway } from '../gateway/device-gateway';
import type { AgentHub } from '../gateway/agent-hub';
import type { CloudRegistrationRow } from './onboarding.repository';

export interface CloudStatus {
  serial: string;
  model: string;
  type: string;
  firmware: string;
  online: boolean;
}

export interface Credentials {
  user: string;
  password: string;
}

export interface DeviceReach {
  /** The device-cloud registration for a full or short serial, with its presence. */
  cloudStatus(serial: string): Promise<CloudStatus | null>;
  verifyCloudCode(fullSerial: string, code: string): Promise<boolean>;
  cloudClient(fullSerial: string): DeviceClient;
  /** SADP through the site's agent; null when no agent is available. */
  discoverLan(): Promise<DiscoveredDevice[] | null>;
  lanClient(host: string, port: number, creds?: Credentials): DeviceClient;
  directClient(host: string, port: number, creds: Credentials): DeviceClient;
}

export interface PlatformReachOptions {
  gateway: DeviceGateway;
  hub: AgentHub;
  /** The agent that serves LAN work (the server's embedded agent). */
  agentId: () => string | undefined;
  /** False when LAN discovery has nowhere to probe (SADP_TARGETS=none): never fall back to multicast. */
  canDiscover: () => boolean;
  /** The stored registration of a full or short serial (OnboardingRepository.cloudRegistration). */
  registration: (serial: string) => Promise<CloudRegistrationRow | undefined>;
  timeoutMs: number;
  discoverTimeoutMs: number;
  concurrency?: DeviceConcurrency;
  /**
   * A LAN discovery answers every caller for this long (default 1 s): a bulk add of 64 LAN devices
   * is one SADP round, not 64, and the sweep of many pending devices does not flood the network.
   */
  lanCacheMs?: number;
  /** Milliseconds on the platform's clock. */
  now: () => number;
}

interface LanDiscovery {
  agentId: string;
  /** Null while in flight. */
  finishedAt: number | null;
  result: Promise<DiscoveredDevice[] | null>;
}

export class PlatformDeviceReach implements DeviceReach {
  #lan: LanDiscovery | undefined;

  constructor(private readonly o: PlatformReachOptions) {}

  async cloudStatus(serial: string): Promise<CloudStatus | null> {
    const r = await this.o.registration(serial);
    if (!r) return null;
    const live = this.o.gateway.isOnline(r.serial);
    return { serial: r.serial, model: r.model, type: r.type, firmware: r.presenceFirmware ?? r.firmware, online: live ?? r.online ?? false };
  }

  verifyCloudCode(fullSerial: string, code: string): Promise<boolean> {
    return this.o.gateway.verifyCode(fullSerial, code);
  }

  cloudClient(fullSerial: string): DeviceClient {
    return new DeviceClient(new CloudTransport(this.o.gateway, fullSerial), this.clientOpts());
  }

  async discoverLan(): Promise<DiscoveredDevice[] | null> {
    const agentId = this.o.agentId();
    if (!agentId || !this.o.canDiscover() || !this.o.hub.isOnline(agentId)) return null;
    const now = this.o.now;
    const cur = this.#lan;
    // Join a discovery in flight, or reuse one that just finished.
    if (cur && cur.agentId === agentId && (cur.finishedAt === null || now() - cur.finishedAt < (this.o.lanCacheMs ?? 1000))) return cur.result;
    const entry: LanDiscovery = { agentId, finishedAt: null, result: this.o.hub.discover(agentId, { timeoutMs: this.o.discoverTimeoutMs }) };
    this.#lan = entry;
    entry.result.then(
      () => {
        entry.finishedAt = now();
      },
      () => {
        // A failed discovery is not reused: the next caller tries again.
        if (this.#lan === entry) this.#lan = undefined;
      },
    );
    return entry.result;
  }

  lanClient(host: string, port: number, creds?: Credentials): DeviceClient {
    const agentId = this.o.agentId() ?? 'none';
    return new DeviceClient(new AgentTransport(this.o.hub, agentId, { host, port, ...(creds ? { username: creds.user, password: creds.password } : {}) }), this.clientOpts());
  }

  directClient(host: string, port: number, creds: Credentials): DeviceClient {
    return new DeviceClient(new HttpTransport({ host, port, username: creds.user, password: creds.password }), this.clientOpts());
  }

  private clientOpts() {
    return { timeoutMs: this.o.timeoutMs, ...(this.o.concurrency ? { concurrency: this.o.concurrency } : {}) };
  }
}
