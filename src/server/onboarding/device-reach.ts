/**
 * How onboarding reaches devices: the device cloud (by serial, through the gateway), the LAN (SADP
 * and ISAPI through a site agent), or directly by host and port. Services see only this interface.
 */
import { lookup } from 'node:dns/promises';
import { AppError, isAppError } from '../../errors/app-error';
import { DeviceClient, type DeviceConcurrency, type DeviceInfo } from '../../device-client/device-client';
import { CloudTransport } from '../../device-client/cloud-transport';
import { AgentTransport } from '../../device-client/agent-transport';
import { HttpTransport } from '../../device-client/http-transport';
import type { DiscoveredDevice } from '../../device-client/sadp-discovery';
import type { CodeGuesser, DeviceGateway } from '../gateway/device-gateway';
import type { AgentHub } from '../gateway/agent-hub';
import type { BrokerAccounts } from '../gateway/broker-accounts';
import { DEVICE_REGISTER_PASSWORD, isSafeTopicId } from '../../protocol/tunnel/envelope';
import type { CloudRegistrationRow } from './onboarding.repository';
import { parseDeviceHost } from '../../protocol/net/device-host';
import { connectDecision, connectDecisionForAll, type ConnectPolicy } from '../../protocol/net/connect-policy';

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
  /** The code checked by the device (DeviceGateway.verifyCode): throttled per serial and, with `by`, per user and company. */
  verifyCloudCode(fullSerial: string, code: string, by?: CodeGuesser): Promise<boolean>;
  /**
   * Let a device that is not bound yet connect to the device cloud to register. On a broker whose
   * accounts the platform manages (Mosquitto with MQTT_DYNSEC) an account nobody made is refused, so
   * this makes the serial's registration account (password `DEVICE_REGISTER_PASSWORD`, its own
   * hello and acks only; the issued key's account replaces it once the code is proven). Nothing to
   * do for a bound serial, one already connected to register, or on the embedded broker (whose hook
   * lets unbound serials in to register). True when an account was made: the device needs a
   * moment to (re)connect.
   */
  openCloudRegistration(fullSerial: string): Promise<boolean>;
  cloudClient(fullSerial: string): DeviceClient;
  /** SADP through the site's agent (`siteId`: the site of the scan or batch); null when no agent is available. */
  discoverLan(siteId?: string): Promise<DiscoveredDevice[] | null>;
  /** ISAPI to a LAN device through the site's agent (`siteId`: the site of the scan or batch). */
  lanClient(host: string, port: number, creds?: Credentials, siteId?: string): DeviceClient;
  /**
   * ISAPI straight from the server to an IP address the connect policy routes `direct`; anything
   * else is refused with DEVICE_UNREACHABLE before a socket is opened. Devices named by an address
   * are reached with `identifyHost`, which routes them.
   */
  directClient(host: string, port: number, creds: Credentials): DeviceClient;
  /**
   * The device at `host:port` (an IP literal or a host name), reached as the connect policy routes
   * it: a host name is resolved once and every address checked; the connection goes to the checked
   * address, directly or through the site's agent. A device that answered keeps its answer (wrong
   * password, locked, not activated); anything else — refused by the policy, closed, filtered,
   * timed out, not a device — is one DEVICE_UNREACHABLE, answered no earlier than the device
   * timeout.
   */
  identifyHost(host: string, port: number, creds: Credentials, siteId?: string): Promise<HostDevice>;
}

export interface HostDevice {
  info: DeviceInfo;
  /** How the platform reached it: from the server, or through the site's agent. */
  via: 'direct' | 'agent';
  /** The checked address it connected to (a host name resolved). */
  address: string;
}

/**
 * Shown as they are: errors only a device speaking ISAPI gives, and an address that is not one at
 * all (said from its text alone, before anything is contacted).
 */
const SHOWN_AS_IS = new Set(['DEVICE_AUTH_FAILED', 'DEVICE_LOCKED', 'DEVICE_NOT_ACTIVATED', 'DEVICE_HOST_INVALID']);

/** What went wrong behind a DEVICE_UNREACHABLE: for the server's debug log only. */
export interface UnreachableDetail {
  host: string;
  port: number;
  via: 'direct' | 'agent' | null;
  address: string | null;
  /** The policy's reason for a refusal (a ConnectReason, or `unresolved`), else the error code of the attempt (or `deadline`). */
  cause: string;
}

export interface PlatformReachOptions {
  gateway: DeviceGateway;
  hub: AgentHub;
  /**
   * The agent that serves a site's LAN work: an online agent enrolled for that site, else the
   * server's embedded agent (which reaches only the loopback demo fleet). Never another site's.
   */
  agentId: (siteId: string | undefined) => string | undefined;
  /** False when LAN discovery has nowhere to probe (SADP_TARGETS=none): never fall back to multicast. */
  canDiscover: () => boolean;
  /**
   * The broker's accounts when the platform manages them (Mosquitto with MQTT_DYNSEC); absent on
   * the embedded broker, which needs none made.
   */
  managedAccounts?: Pick<BrokerAccounts, 'allowDevice'>;
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
  /** Where the server may connect (read at each use: the HTTP port is known once it listens). */
  connectPolicy: () => ConnectPolicy;
  /** A host name's addresses (default: the system resolver, every address). */
  resolve?: (name: string) => Promise<string[]>;
  /** Waits this long (default: a timer); injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Elapsed real time in ms for the unreachable floor (default: performance.now); injected in tests. */
  monotonicMs?: () => number;
  /** The cause behind each DEVICE_UNREACHABLE (the platform logs it at debug level). */
  onUnreachable?: (detail: UnreachableDetail) => void;
}

const systemResolve = async (name: string): Promise<string[]> => (await lookup(name, { all: true, verbatim: true })).map((a) => a.address);
const timerSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

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
    if (!r) {
      // Connected and waiting to prove its code (not bound yet): the add's code check binds it.
      const pending = this.o.gateway.pendingDevice(serial);
      return pending ? { ...pending, online: true } : null;
    }
    const live = this.o.gateway.isOnline(r.serial);
    return { serial: r.serial, model: r.model, type: r.type, firmware: r.presenceFirmware ?? r.firmware, online: live ?? r.online ?? false };
  }

  verifyCloudCode(fullSerial: string, code: string, by?: CodeGuesser): Promise<boolean> {
    return this.o.gateway.verifyCode(fullSerial, code, by);
  }

  async openCloudRegistration(fullSerial: string): Promise<boolean> {
    const accounts = this.o.managedAccounts;
    if (!accounts || !isSafeTopicId(fullSerial)) return false;
    if (this.o.gateway.pendingDevice(fullSerial) || (await this.o.registration(fullSerial))) return false;
    await accounts.allowDevice(fullSerial, DEVICE_REGISTER_PASSWORD, 'register');
    return true;
  }

  cloudClient(fullSerial: string): DeviceClient {
    return new DeviceClient(new CloudTransport(this.o.gateway, fullSerial), this.clientOpts());
  }

  async discoverLan(siteId?: string): Promise<DiscoveredDevice[] | null> {
    const agentId = this.o.agentId(siteId);
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

  lanClient(host: string, port: number, creds?: Credentials, siteId?: string): DeviceClient {
    const agentId = this.o.agentId(siteId) ?? 'none';
    return new DeviceClient(new AgentTransport(this.o.hub, agentId, { host, port, ...(creds ? { username: creds.user, password: creds.password } : {}) }), this.clientOpts());
  }

  directClient(host: string, port: number, creds: Credentials, retries = true): DeviceClient {
    const h = parseDeviceHost(host);
    // Only an address the policy routes direct; a host name must be resolved and checked first (identifyHost).
    if (h.kind === 'hostname' || connectDecision(h.host, port, this.o.connectPolicy()).route !== 'direct') throw new AppError('DEVICE_UNREACHABLE');
    return new DeviceClient(new HttpTransport({ host: h.host, port, username: creds.user, password: creds.password }), { ...this.clientOpts(), ...(retries ? {} : { readRetries: 0 }) });
  }

  async identifyHost(host: string, port: number, creds: Credentials, siteId?: string): Promise<HostDevice> {
    const elapsed = this.o.monotonicMs ?? (() => performance.now());
    const started = elapsed();
    const floorMs = this.o.timeoutMs;
    const sleep = this.o.sleep ?? timerSleep;
    const seen: { route?: { via: 'direct' | 'agent'; address: string } } = {};
    const attempt = async (): Promise<HostDevice> => {
      const route = (seen.route = await this.route(host, port));
      // One attempt, no retries: the answer must come within the floor like every other one.
      const client = route.via === 'direct' ? this.directClient(route.address, port, creds, false) : this.lanClient(route.address, port, creds, siteId);
      return { info: await client.deviceInfo(), ...route };
    };
    const running = attempt();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((r) => {
      timer = setTimeout(() => r('deadline'), floorMs);
      timer.unref();
    });
    let cause: string;
    try {
      const out = await Promise.race([running, deadline]);
      if (out !== 'deadline') return out;
      running.catch(() => undefined); // it ends at its own timeout, unobserved
      cause = 'deadline';
    } catch (e) {
      if (isAppError(e) && SHOWN_AS_IS.has(e.code)) throw e;
      cause = e instanceof Unreachable ? e.reason : isAppError(e) ? e.code : 'error';
    } finally {
      clearTimeout(timer);
    }
    this.o.onUnreachable?.({ host, port, via: seen.route?.via ?? null, address: seen.route?.address ?? null, cause });
    // A refused port answers at once, a filtered one only at its timeout: every answer waits for the floor.
    const left = started + floorMs - elapsed();
    if (left > 0) await sleep(left);
    throw new AppError('DEVICE_UNREACHABLE');
  }

  /** The checked address for host:port and the way there; Unreachable when the policy refuses it. */
  private async route(host: string, port: number): Promise<{ via: 'direct' | 'agent'; address: string }> {
    const h = parseDeviceHost(host);
    const policy = this.o.connectPolicy();
    if (h.kind !== 'hostname') {
      const d = connectDecision(h.host, port, policy);
      if (d.route === 'refuse') throw new Unreachable(d.reason);
      return { via: d.route, address: h.host };
    }
    let addresses: string[];
    try {
      addresses = await (this.o.resolve ?? systemResolve)(h.host);
    } catch {
      throw new Unreachable('unresolved');
    }
    const d = connectDecisionForAll(addresses, port, policy);
    if (d.route === 'refuse' || d.address === null) throw new Unreachable(d.reason);
    return { via: d.route, address: d.address };
  }

  private clientOpts() {
    return { timeoutMs: this.o.timeoutMs, ...(this.o.concurrency ? { concurrency: this.o.concurrency } : {}) };
  }
}

/** A refusal by the connect policy (or a name that does not resolve), before any connection. */
class Unreachable extends Error {
  constructor(readonly reason: string) {
    super(`not reachable: ${reason}`);
  }
}
