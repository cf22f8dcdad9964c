/**
 * DeviceClient: typed ISAPI operations over any IsapiTransport (direct HTTP, cloud tunnel, site
 * agent). Every call has a timeout; calls to one device are bounded (real devices allow few
 * sessions); only idempotent reads are retried; every device answer goes through the one error
 * mapping in device-errors.ts.
 */
import { AppError, isAppError } from '../errors/app-error';
import { decryptChallenge, encryptActivationPassword, generateActivationKeyPair } from '../protocol/isapi/activation-crypto';
import {
  activateInfoXml,
  ezvizXml,
  ipAddressXml,
  adminAccessesXml,
  networkInterfaceXml,
  parseAdminAccesses,
  parseNetworkInterface,
  parseActivateStatus,
  parseChannelStatus,
  parseDeviceInfo,
  parseEzviz,
  parseKeyDocument,
  parseStorage,
  parseStorageExtension,
  parseVideoInputChannels,
  parseUpgradeStatus,
  parseUserList,
  publicKeyXml,
  userXml,
  deviceNameXml,
  ntpServerXml,
  parseNtpServer,
  parseTime,
  timeXml,
  ioPortDataXml,
  parseIoPortStatus,
  recordTrackId,
  type IoPortStatus,
  type OutputState,
  type ChannelStatus,
  type NtpServer,
  type TimeConfig,
  type DeviceInfo,
  type EzvizConfig,
  type IpAddressConfig,
  type AdminAccessProtocol,
  type IsapiUser,
  type Storage,
  type UpgradeStatus,
  type VideoChannel,
} from '../protocol/isapi/models';
import {
  channelNameProblem,
  parseInputProxyChannels,
  renamedChannelXml,
  storageExtensionWithOverwrite,
  type ChannelSource,
  type InputProxyChannel,
} from '../protocol/isapi/channel-models';
import { parseResponseStatus } from '../protocol/isapi/response-status';
import { looksLikeXml, parseXml, xmlText } from '../protocol/isapi/xml';
import { errorFromResponse, isTransientDeviceError, STATUS_REBOOT_REQUIRED } from './device-errors';
import { DEFAULT_TIMEOUT_MS, type IsapiRequest, type IsapiResponse, type IsapiTransport, type RequestLimit } from './transport';

// ---- result types -------------------------------------------------------------------------------
// Documents are the types of src/protocol/isapi/models.ts, read by its parsers.

export type { InputProxyChannel, ChannelSource } from '../protocol/isapi/channel-models';
export type { AdminAccessProtocol, ChannelStatus, VideoChannel, DeviceInfo, IoPortStatus, OutputState, IpAddressConfig, IsapiUser, Storage, UpgradeStatus } from '../protocol/isapi/models';

/** `enabled` and `registerStatus` are false when the device leaves them out. */
export type CloudConfig = Partial<EzvizConfig> & Pick<EzvizConfig, 'enabled' | 'registerStatus'>;

export interface WriteResult {
  /** The device accepted the change and needs a reboot (statusCode 7). */
  rebootRequired: boolean;
}

export type AxProZone = Record<string, unknown> & { id: number; name?: string; status?: string };

// ---- concurrency --------------------------------------------------------------------------------

/** Bounds concurrent calls per device key, across every DeviceClient sharing it. */
export class DeviceConcurrency {
  readonly #active = new Map<string, { running: number; queue: (() => void)[] }>();
  constructor(readonly maxPerDevice = 2) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let slot = this.#active.get(key);
    if (!slot) {
      slot = { running: 0, queue: [] };
      this.#active.set(key, slot);
    }
    const s = slot;
    if (s.running >= this.maxPerDevice) await new Promise<void>((resolve) => s.queue.push(resolve));
    else s.running++;
    try {
      return await fn();
    } finally {
      const next = s.queue.shift();
      if (next) next();
      else {
        s.running--;
        if (s.running === 0) this.#active.delete(key);
      }
    }
  }

  /** Calls running or waiting for a device (for tests and metrics). */
  load(key: string): { running: number; waiting: number } {
    const s = this.#active.get(key);
    return { running: s?.running ?? 0, waiting: s?.queue.length ?? 0 };
  }
}

const defaultConcurrency = new DeviceConcurrency(2);

const TRANSPORT_NAMES: Record<RequestLimit['transport'], string> = { cloud: 'the device cloud', agent: 'the site agent' };
/** MiB rounded up to a tenth: a package just over a limit never reads as equal to it. */
const mib = (bytes: number) => `${Math.ceil((bytes / (1024 * 1024)) * 10) / 10} MiB`;

/**
 * FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT for a package of `bytes` over a transport with `limit`
 * (details: transport, maxBytes, packageBytes), or undefined when it fits. Used before anything is
 * sent: by DeviceClient, and by the campaign check that knows the transport without a client.
 */
export function firmwareTooLargeFor(limit: RequestLimit | undefined, bytes: number, target?: string): AppError | undefined {
  if (!limit || bytes <= limit.maxBytes) return undefined;
  return new AppError(
    'FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT',
    `The package (${mib(bytes)}) is larger than ${TRANSPORT_NAMES[limit.transport]} carries (${mib(limit.maxBytes)}): upgrade this device on its own network, or add it by address.`,
    { details: { transport: limit.transport, maxBytes: limit.maxBytes, packageBytes: bytes, ...(target ? { target } : {}) } },
  );
}

export interface DeviceClientOptions {
  timeoutMs?: number;
  /** Retries of idempotent reads after a transient failure (offline, timeout, busy). */
  readRetries?: number;
  retryDelayMs?: number;
  concurrency?: DeviceConcurrency;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

// Not unref()ed: a CLI awaiting a retry must not exit in the middle of it.
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- the client ---------------------------------------------------------------------------------

export class DeviceClient {
  readonly #t: IsapiTransport;
  readonly #timeoutMs: number;
  readonly #readRetries: number;
  readonly #retryDelayMs: number;
  readonly #concurrency: DeviceConcurrency;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;

  constructor(transport: IsapiTransport, opts: DeviceClientOptions = {}) {
    this.#t = transport;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#readRetries = opts.readRetries ?? 1;
    this.#retryDelayMs = opts.retryDelayMs ?? 300;
    this.#concurrency = opts.concurrency ?? defaultConcurrency;
    this.#sleep = opts.sleep ?? realSleep;
    this.#now = opts.now ?? Date.now;
  }

  get target(): string {
    return this.#t.target;
  }

  // -- plumbing --

  /** One request, bounded and timed out; reads (GET) are retried on transient failures. */
  async #send(req: IsapiRequest): Promise<IsapiResponse> {
    const full: IsapiRequest = { ...req, timeoutMs: req.timeoutMs ?? this.#timeoutMs };
    const attempts = req.method === 'GET' ? 1 + this.#readRetries : 1;
    let lastErr: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await this.#sleep(this.#retryDelayMs * 2 ** (i - 1));
      try {
        const res = await this.#concurrency.run(this.#t.deviceKey, () => this.#t.request(full));
        const err = errorFromResponse(res, this.#now);
        if (err) {
          if (err.code === 'DEVICE_BUSY' && i + 1 < attempts) {
            lastErr = err;
            continue;
          }
          throw err;
        }
        return res;
      } catch (e) {
        lastErr = e;
        if (!(i + 1 < attempts && isTransientDeviceError(e))) throw this.#annotate(e);
      }
    }
    throw this.#annotate(lastErr);
  }

  #annotate(e: unknown): unknown {
    if (isAppError(e) && e.details?.target === undefined) {
      return new AppError(e.code, e.message, { hint: e.hint, details: { ...(e.details ?? {}), target: this.#t.target }, cause: e.cause });
    }
    return e;
  }

  /** A call answered by an ISAPI document, read by its protocol parser; what the parser refuses is the device's protocol error. */
  async #read<T>(path: string, parse: (body: Buffer) => T, req: { method?: IsapiRequest['method']; body?: string } = {}): Promise<T> {
    const res = await this.#send({ method: req.method ?? 'GET', path, ...(req.body !== undefined ? { body: req.body } : {}) });
    if (!looksLikeXml(res.body)) throw new AppError('DEVICE_PROTOCOL_ERROR', `The device did not answer ${shownPath(path)} with XML.`, { details: { target: this.#t.target, path: shownPath(path) } });
    try {
      return parse(res.body);
    } catch (e) {
      if (!isAppError(e, 'VALIDATION_FAILED')) throw e;
      throw new AppError('DEVICE_PROTOCOL_ERROR', `The device's answer to ${shownPath(path)} cannot be read: ${e.message}`, { details: { ...(e.details ?? {}), target: this.#t.target, path: shownPath(path) }, cause: e });
    }
  }

  async #json(method: IsapiRequest['method'], path: string, body?: unknown, timeoutMs?: number): Promise<Record<string, unknown>> {
    const res = await this.#send({
      method, path,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    try {
      const v: unknown = JSON.parse(res.body.toString('utf8'));
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new AppError('DEVICE_PROTOCOL_ERROR', `The device did not answer ${shownPath(path)} with a JSON object.`, { details: { target: this.#t.target, path: shownPath(path) } });
  }

  /** A write answered by a ResponseStatus: success, or reboot required. */
  async #write(method: IsapiRequest['method'], path: string, body?: string | Buffer, opts: { timeoutMs?: number; contentType?: string } = {}): Promise<WriteResult> {
    const res = await this.#send({
      method, path,
      ...(body !== undefined ? { body } : {}),
      ...(opts.contentType ? { headers: { 'content-type': opts.contentType } } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
    const rs = res.body.length > 0 ? parseResponseStatus(res.body) : null;
    return { rebootRequired: rs?.statusCode === STATUS_REBOOT_REQUIRED };
  }

  // -- system --

  /**
   * One ISAPI request as given (the audited pass-through): the device's answer, or its typed error.
   * The transport caps the answer's size; `maxResponseBytes` caps it again for the caller.
   */
  async passthrough(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: string): Promise<{ status: number; contentType: string; body: Buffer }> {
    const res = await this.#send({ method, path, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, contentType: res.headers['content-type'] ?? 'application/octet-stream', body: res.body };
  }

  /** Write the device's name (the one writable field of DeviceInfo). */
  async setDeviceName(deviceName: string): Promise<void> {
    await this.#write('PUT', '/ISAPI/System/deviceInfo', deviceNameXml(deviceName));
  }

  async time(): Promise<Partial<TimeConfig>> {
    return this.#read('/ISAPI/System/time', parseTime);
  }

  async setTime(t: { timeMode: string; timeZone: string; localTime?: string | undefined }): Promise<void> {
    await this.#write('PUT', '/ISAPI/System/time', timeXml({ timeMode: t.timeMode, timeZone: t.timeZone, localTime: t.localTime ?? '' }));
  }

  async ntpServer(): Promise<NtpServer> {
    return this.#read('/ISAPI/System/time/ntpServers/1', parseNtpServer);
  }

  async setNtpServer(n: NtpServer): Promise<void> {
    await this.#write('PUT', '/ISAPI/System/time/ntpServers/1', ntpServerXml(n));
  }

  /**
   * Checks the admin password against the device without changing anything: a user change of the
   * admin (id 1) with no changes, confirmed with `loginPassword` as real devices require. Works over
   * every transport (over the device cloud the link, not digest, authenticates the request).
   */
  async verifyAdminPassword(password: string): Promise<void> {
    await this.#write('PUT', '/ISAPI/Security/users/1', userXml({ id: 1, loginPassword: password }));
  }

  async deviceInfo(): Promise<DeviceInfo> {
    return this.#read('/ISAPI/System/deviceInfo', parseDeviceInfo);
  }

  /** `GET /SDK/activateStatus` (no authentication needed). */
  async activationStatus(): Promise<{ activated: boolean }> {
    return { activated: await this.#read('/SDK/activateStatus', parseActivateStatus) };
  }

  /**
   * Activate a factory-new device: RSA-1024 challenge, then the password AES-128-ECB encrypted
   * under the device's random string. Never retried (the challenge is single use).
   */
  async activate(password: string): Promise<void> {
    const pair = generateActivationKeyPair();
    const encrypted = await this.#read('/ISAPI/Security/challenge', parseKeyDocument, { method: 'POST', body: publicKeyXml(pair.challengeKey) });
    let random: string;
    try {
      random = decryptChallenge(pair.privateKey, encrypted);
    } catch (e) {
      throw new AppError('DEVICE_PROTOCOL_ERROR', 'The device answered the activation challenge with a key that cannot be decrypted.', { details: { target: this.#t.target }, cause: e });
    }
    await this.#write('PUT', '/ISAPI/System/activate', activateInfoXml(encryptActivationPassword(random, password)));
  }

  async reboot(): Promise<void> {
    await this.#write('PUT', '/ISAPI/System/reboot');
  }

  // -- cloud service --

  async getCloudConfig(): Promise<CloudConfig> {
    const cfg = await this.#read('/ISAPI/System/Network/EZVIZ', parseEzviz);
    return { ...cfg, enabled: cfg.enabled ?? false, registerStatus: cfg.registerStatus ?? false };
  }

  /**
   * Enable the cloud service with a verification code (6–12 characters). With
   * `waitForRegistrationMs`, polls until `registerStatus` is true (or fails with DEVICE_TIMEOUT).
   */
  async enableCloud(verificationCode: string, opts: { waitForRegistrationMs?: number; pollMs?: number } = {}): Promise<CloudConfig> {
    if (!/^[\x21-\x7e]{6,12}$/.test(verificationCode)) throw new AppError('VERIFICATION_CODE_INVALID', undefined, { details: { reason: 'length' } });
    await this.#write('PUT', '/ISAPI/System/Network/EZVIZ', ezvizXml({ enabled: true, verificationCode }));
    if (!opts.waitForRegistrationMs) return this.getCloudConfig();
    const deadline = this.#now() + opts.waitForRegistrationMs;
    for (;;) {
      const cfg = await this.getCloudConfig();
      if (cfg.registerStatus) return cfg;
      if (this.#now() >= deadline) throw new AppError('DEVICE_TIMEOUT', 'The device did not register with the device cloud in time.', { details: { target: this.#t.target, waitedMs: opts.waitForRegistrationMs } });
      await this.#sleep(opts.pollMs ?? 1000);
    }
  }

  async disableCloud(): Promise<void> {
    await this.#write('PUT', '/ISAPI/System/Network/EZVIZ', ezvizXml({ enabled: false }));
  }

  // -- network --

  /** The IPv4 settings of LAN interface 1 (the `IPAddress` block of its `NetworkInterface`). */
  async getNetwork(): Promise<IpAddressConfig> {
    return (await this.#read('/ISAPI/System/Network/interfaces/1', parseNetworkInterface)).ip;
  }

  /**
   * Write the IPv4 settings of LAN interface 1 (a `NetworkInterface` with its `IPAddress` block; the
   * device keeps what the block leaves out). Devices usually apply them after a restart
   * (result.rebootRequired); the address the device is reached on may change then.
   */
  async setNetwork(c: IpAddressConfig): Promise<WriteResult> {
    return this.#write('PUT', '/ISAPI/System/Network/interfaces/1', networkInterfaceXml({ id: 1, ip: c }));
  }

  /** Switch interface 1 to DHCP (only `addressingType`, as onboarding does). The device may need a reboot (result.rebootRequired). */
  async setDhcp(): Promise<WriteResult> {
    return this.#write('PUT', '/ISAPI/System/Network/interfaces/1/ipAddress', ipAddressXml({ ipVersion: 'v4', addressingType: 'dynamic' }));
  }

  /** The device's services and their ports (`HTTP`, `RTSP`, `HTTPS`, `DEV_MANAGE`, …). */
  async adminAccesses(): Promise<AdminAccessProtocol[]> {
    return this.#read('/ISAPI/Security/adminAccesses', parseAdminAccesses);
  }

  /** Write the services' ports back (the whole list, as read, with the changed ports). Devices apply them after a restart (result.rebootRequired). */
  async setAdminAccesses(list: readonly AdminAccessProtocol[]): Promise<WriteResult> {
    return this.#write('PUT', '/ISAPI/Security/adminAccesses', adminAccessesXml(list));
  }

  // -- storage and channels --

  /** Disks (status, capacity and free space in MB, S.M.A.R.T. verdict) and the overwrite setting. */
  async storage(): Promise<Storage> {
    return this.#read('/ISAPI/ContentMgmt/Storage', parseStorage);
  }

  /** S.M.A.R.T. status of one disk: the raw `SMARTTest/status` fields (element names vary by firmware). */
  async hddSmart(id: number): Promise<Record<string, string>> {
    return this.#read(`/ISAPI/ContentMgmt/Storage/hdd/${id}/SMARTTest/status`, (body) => {
      const { doc } = parseXml(body);
      const out: Record<string, string> = {};
      for (const k of Object.keys(doc)) {
        const v = k.startsWith('@_') ? undefined : xmlText(doc, k);
        if (v !== undefined) out[k] = v;
      }
      return out;
    });
  }

  /** Video channels with their state (IP channels on NVRs, the sensor on cameras). */
  async channels(): Promise<ChannelStatus[]> {
    return this.#read('/ISAPI/ContentMgmt/InputProxy/channels/status', parseChannelStatus);
  }

  /** The device's own video inputs (a camera's sensor, a DVR's analog inputs) with their names. */
  async videoInputs(): Promise<VideoChannel[]> {
    return this.#read('/ISAPI/System/Video/inputs/channels', parseVideoInputChannels);
  }

  /** A recorder's IP (digital) channels with their names and the camera behind each. */
  async ipChannels(): Promise<InputProxyChannel[]> {
    return this.#read('/ISAPI/ContentMgmt/InputProxy/channels', parseInputProxyChannels);
  }

  /**
   * Rename a channel in the document it lives in (`video_input` or `ip_channel`): the device's own
   * document is read, only `name` changed, and PUT back whole (a recorder needs the channel's source
   * descriptor with it). The name is checked first (1–32 characters, no `<>&"`): VALIDATION_FAILED.
   */
  async setChannelName(source: ChannelSource, id: number, name: string): Promise<void> {
    const path = source === 'video_input' ? `/ISAPI/System/Video/inputs/channels/${id}` : `/ISAPI/ContentMgmt/InputProxy/channels/${id}`;
    // Checked before anything is sent, so a bad name is the caller's VALIDATION_FAILED, not the device's.
    const problem = channelNameProblem(name);
    if (problem) throw new AppError('VALIDATION_FAILED', `Channel ${problem}.`, { details: { field: 'name' } });
    const body = await this.#read(path, (b) => renamedChannelXml(b, source, id, name));
    await this.#write('PUT', path, body);
  }

  /**
   * Whether recording overwrites the oldest footage when the disks are full:
   * `/ISAPI/ContentMgmt/Storage/extension` (`StorageExtension/overwrite`; the path of Hikvision's
   * WebSDK `storageExt`). Some firmware also reports it in the storage document (`storage().overwrite`).
   */
  async recordingOverwrite(): Promise<boolean> {
    return (await this.#read('/ISAPI/ContentMgmt/Storage/extension', parseStorageExtension)).overwrite;
  }

  /** Set the overwrite setting in the device's own `StorageExtension` document (read, change, write back). */
  async setRecordingOverwrite(overwrite: boolean): Promise<void> {
    const body = await this.#read('/ISAPI/ContentMgmt/Storage/extension', (b) => storageExtensionWithOverwrite(b, overwrite));
    await this.#write('PUT', '/ISAPI/ContentMgmt/Storage/extension', body);
  }

  // -- users --

  async users(): Promise<IsapiUser[]> {
    return this.#read('/ISAPI/Security/users', parseUserList);
  }

  /** Add a user; `loginPassword` is the current password of the admin making the change. */
  async addUser(user: { userName: string; password: string; userLevel: string }, loginPassword: string): Promise<void> {
    await this.#write('POST', '/ISAPI/Security/users', userXml({ ...user, loginPassword }));
  }

  async modifyUser(id: number, change: { userName?: string; password?: string; userLevel?: string }, loginPassword: string): Promise<void> {
    await this.#write('PUT', `/ISAPI/Security/users/${id}`, userXml({ id, ...change, loginPassword }));
  }

  async deleteUser(id: number, loginPassword: string): Promise<void> {
    await this.#write('DELETE', `/ISAPI/Security/users/${id}?loginPassword=${encodeURIComponent(loginPassword)}`);
  }

  // -- firmware --

  /** Upload a firmware package. The device then upgrades (watch upgradeStatus) and reboots. */
  /**
   * FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT when a package of `bytes` is more than this client's
   * transport carries (the tunnels' one-message cap); undefined when it may be sent.
   */
  firmwareTooLarge(bytes: number): AppError | undefined {
    return firmwareTooLargeFor(this.#t.requestLimit, bytes, this.#t.target);
  }

  /** Sends a package; refused before anything is sent when the transport cannot carry it (firmwareTooLarge). */
  async upgradeFirmware(pkg: Buffer, opts: { timeoutMs?: number } = {}): Promise<void> {
    const tooLarge = this.firmwareTooLarge(pkg.length);
    if (tooLarge) throw tooLarge;
    await this.#write('PUT', '/ISAPI/System/updateFirmware', pkg, { contentType: 'application/octet-stream', timeoutMs: opts.timeoutMs ?? 120_000 });
  }

  async upgradeStatus(): Promise<UpgradeStatus> {
    return this.#read('/ISAPI/System/upgradeStatus', parseUpgradeStatus);
  }

  // -- linkage actions: manual recording, alarm outputs --

  /** Starts manual recording of a channel's main stream (`record/control/manual/start/tracks/<channel>01`). */
  async startManualRecording(channel: number): Promise<void> {
    await this.#write('PUT', `/ISAPI/ContentMgmt/record/control/manual/start/tracks/${recordTrackId(channel)}`);
  }

  async stopManualRecording(channel: number): Promise<void> {
    await this.#write('PUT', `/ISAPI/ContentMgmt/record/control/manual/stop/tracks/${recordTrackId(channel)}`);
  }

  /** Sets an alarm output high (triggered) or low (cleared): `PUT /ISAPI/System/IO/outputs/<id>/trigger` with `IOPortData`. */
  async setAlarmOutput(output: number, state: OutputState): Promise<void> {
    await this.#write('PUT', `/ISAPI/System/IO/outputs/${output}/trigger`, ioPortDataXml(state));
  }

  async alarmOutputStatus(output: number): Promise<IoPortStatus> {
    return this.#read(`/ISAPI/System/IO/outputs/${output}/status`, parseIoPortStatus);
  }

  // -- AX Pro (JSON) --

  async axproZones(): Promise<AxProZone[]> {
    const json = await this.#json('GET', '/ISAPI/SecurityCP/status/zones?format=json');
    const zones = json.ZoneList;
    if (!Array.isArray(zones)) throw new AppError('DEVICE_PROTOCOL_ERROR', 'The alarm hub sent a zone list without ZoneList.', { details: { target: this.#t.target } });
    return zones.map((z) => {
      const zone = (z as { Zone?: Record<string, unknown> }).Zone ?? {};
      const zoneOut: AxProZone = { ...zone, id: typeof zone.id === 'number' ? zone.id : Number(zone.id ?? 0) };
      return zoneOut;
    });
  }

  /** Hub status: mains, battery, tamper and arm state as the hub reports them. */
  async axproHostStatus(): Promise<Record<string, unknown>> {
    const json = await this.#json('GET', '/ISAPI/SecurityCP/status/host?format=json');
    const hs = json.HostStatus;
    return hs !== null && typeof hs === 'object' ? (hs as Record<string, unknown>) : json;
  }

  async axproSubSystems(): Promise<Record<string, unknown>[]> {
    const json = await this.#json('GET', '/ISAPI/SecurityCP/status/subSystems?format=json');
    const list = json.SubSysList;
    return Array.isArray(list) ? list.map((s) => ((s as { SubSys?: Record<string, unknown> }).SubSys ?? {})) : [];
  }

  /** AX Pro accounts (installer / administrator / operator). */
  async axproUsers(): Promise<Record<string, unknown>[]> {
    const json = await this.#json('GET', '/ISAPI/Security/users?format=json');
    const list = (json.UserList as { User?: unknown } | undefined)?.User ?? json.UserList ?? json.List;
    if (!Array.isArray(list)) return [];
    return list.map((u) => ((u as { User?: Record<string, unknown> }).User ?? (u as Record<string, unknown>)));
  }

  /** AX Pro levels: `installer`, `administrator`, `operator`. */
  async axproAddUser(user: { userName: string; password: string; userLevel: string }, loginPassword: string): Promise<void> {
    await this.#json('POST', '/ISAPI/Security/users?format=json', { User: { ...user, loginPassword } });
  }

  async axproModifyUser(id: number, change: { userName?: string; password?: string; userLevel?: string }, loginPassword: string): Promise<void> {
    await this.#json('PUT', `/ISAPI/Security/users/${id}?format=json`, { User: { ...change, loginPassword } });
  }

  async axproDeleteUser(id: number, loginPassword: string): Promise<void> {
    await this.#json('DELETE', `/ISAPI/Security/users/${id}?format=json&loginPassword=${encodeURIComponent(loginPassword)}`);
  }

  async axproArm(subSystem: number, ways: 'away' | 'stay'): Promise<void> {
    await this.#json('PUT', `/ISAPI/SecurityCP/control/arm/${subSystem}?ways=${ways}&format=json`);
  }

  async axproDisarm(subSystem: number): Promise<void> {
    await this.#json('PUT', `/ISAPI/SecurityCP/control/disarm/${subSystem}?format=json`);
  }

  // -- passthrough --

  /**
   * Raw ISAPI request. Errors in the answer are mapped like any other call unless
   * `throwOnDeviceError: false`, in which case the answer is returned as is.
   */
  async raw(req: IsapiRequest, opts: { throwOnDeviceError?: boolean } = {}): Promise<IsapiResponse> {
    if (opts.throwOnDeviceError === false) {
      const full: IsapiRequest = { ...req, timeoutMs: req.timeoutMs ?? this.#timeoutMs };
      return this.#concurrency.run(this.#t.deviceKey, () => this.#t.request(full));
    }
    return this.#send(req);
  }
}

/** A request path as errors show it: without its query, which may carry a password (`loginPassword=`). */
function shownPath(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}
