/**
 * One emulated device: its state, its ISAPI behaviour (digest auth with lockout, activation,
 * cloud service, network, storage, channels, users, firmware, AX Pro), its fault switchboard,
 * and its own HTTP server on a loopback address. `handleIsapi` is the single entry point for both
 * the HTTP server (via 'http': digest or AX Pro session) and the cloud connector (via 'cloud').
 *
 * Events: 'cloud-config' (cloud settings or link changed), 'status' (alarms and status changes),
 * 'change' (persistent state changed: the fleet saves it).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error';
import { decryptActivationPassword, encryptChallenge, generateChallengeRandom } from '../protocol/isapi/activation-crypto';
import { parseFirmwarePackage, firmwareFitsModel } from '../protocol/isapi/firmware-package';
import {
  activateStatusXml,
  challengeXml,
  channelStatusXml,
  deviceInfoXml,
  ezvizCapabilitiesXml,
  ezvizXml,
  hddListXml,
  ipAddressXml,
  parseActivateInfo,
  parseEzviz,
  parseIpAddress,
  parseKeyDocument,
  parseStorageExtension,
  parseTime,
  parseUser,
  smartStatusXml,
  storageExtensionXml,
  storageXml,
  timeXml,
  upgradeStatusXml,
  userCheckXml,
  userListXml,
  videoInputChannelsXml,
  type UserWrite,
} from '../protocol/isapi/models';
import { checkPassword } from '../protocol/isapi/password-policy';
import { buildResponseStatusJson, buildResponseStatusXml, deviceJson, httpStatusForStatusCode, responseStatus, type ResponseStatus } from '../protocol/isapi/response-status';
import { buildXml } from '../protocol/isapi/xml';
import { AxProPanel } from './axpro';
import { INCOMPATIBLE_FIRMWARE, modelInfo, type ModelInfo } from './catalog';
import { DigestAuthenticator, LoginGuard } from './digest';
import { eventTriggerRoutes } from './isapi/events';
import { motionDetectionRoutes } from './isapi/motion';
import type { IsapiRoute } from './isapi/route';
import { adminLevel, defaultFaults, factoryResetState, initialState, type DeviceSpec, type DeviceState, type FaultState, type StoredUser, type ZoneCondition } from './state';
import type { EmulatedDevice, EmulatedDeviceType, IsapiRequest, IsapiResponse } from './types';

export interface DeviceOptions {
  /** Digest nonce lifetime; older nonces get `stale=TRUE`. Default 5 minutes. */
  nonceTtlMs?: number;
  /** Failed logins before the user is locked. Default 7 (clients probing auth schemes must fit). */
  maxFailedLogins?: number;
  /** Lock duration. Default 30 minutes, as real devices. */
  lockMs?: number;
  /** How long a reboot keeps the device offline. Default 3 s. */
  rebootMs?: number;
  /** How long a firmware upgrade takes from 0 to 100 %. Default 4 s. */
  upgradeMs?: number;
  /** Clock for nonces, lockout and sessions (tests). */
  clock?: () => number;
}

/** Fault switchboard settings; every field optional, applied in one go. */
export interface FaultSettings {
  power?: 'on' | 'off';
  cloudLink?: 'up' | 'down';
  lan?: 'up' | 'down' | 'blackhole';
  latencyMs?: number;
  resetConnections?: boolean;
  /** HDD fault on `hddId` (default 1): failed disk, S.M.A.R.T. warning, or healthy again. */
  hdd?: 'ok' | 'failed' | 'smartWarning';
  hddId?: number;
  /** Video loss on a channel (number), or `false` to clear all; `{ channel, active }` for one. */
  videoLoss?: number | false | { channel: number; active: boolean };
  tamper?: boolean;
  lowBattery?: boolean;
  mains?: 'on' | 'off';
  /** AX Pro zone condition. */
  zone?: { id: number; status: ZoneCondition | 'bypass' | 'unbypass' };
  factoryReset?: boolean;
  firmwareIncompatible?: boolean;
  upgradeFailsAt?: number | null;
  reboot?: boolean;
}

export const FAULT_KEYS: readonly (keyof FaultSettings)[] = [
  'power', 'cloudLink', 'lan', 'latencyMs', 'resetConnections', 'hdd', 'hddId', 'videoLoss', 'tamper', 'lowBattery', 'mains', 'zone', 'factoryReset', 'firmwareIncompatible', 'upgradeFailsAt', 'reboot',
];

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_FIRMWARE_BYTES = 64 * 1024 * 1024;
const CHALLENGE_TTL_MS = 60_000;

interface Ctx {
  req: IsapiRequest;
  method: string;
  /** Lower-case path without query. */
  path: string;
  /** Path as sent, without query (for requestURL). */
  rawPath: string;
  query: URLSearchParams;
  via: 'http' | 'cloud';
  /** Authenticated user (undefined via cloud: the link is the authentication). */
  user: StoredUser | undefined;
  json: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class VirtualDevice extends EventEmitter implements EmulatedDevice {
  readonly state: DeviceState;
  readonly info: ModelInfo;
  private readonly opts: Required<Omit<DeviceOptions, 'clock'>> & { clock: () => number };
  private digestAuth: DigestAuthenticator | undefined;
  private guardInstance: LoginGuard | undefined;
  private challenge: { random: string; expires: number } | undefined;
  private cloudRegistered = false;
  private rebooting = false;
  private upgrade: { percent: number; version: string; build: string; failed: boolean; reboot: boolean } | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private listenHost: string;
  private listenPort = 0;
  /** False for devices the fleet keeps without an HTTP listener (cloud-only; see fleet maxHttpServers). */
  private lanAttached = false;
  readonly axpro: AxProPanel | undefined;
  private readonly startedAt: number;

  constructor(state: DeviceState, options: DeviceOptions = {}) {
    super();
    this.setMaxListeners(50);
    this.state = state;
    this.info = modelInfo(state.type, state.model);
    this.opts = {
      nonceTtlMs: options.nonceTtlMs ?? 5 * 60_000,
      maxFailedLogins: options.maxFailedLogins ?? 7,
      lockMs: options.lockMs ?? 30 * 60_000,
      rebootMs: options.rebootMs ?? 3000,
      upgradeMs: options.upgradeMs ?? 4000,
      clock: options.clock ?? Date.now,
    };
    this.listenHost = state.host ?? '127.0.0.1';
    this.listenPort = state.httpPort ?? 0;
    this.startedAt = this.opts.clock();
    this.axpro = state.type === 'axpro' ? new AxProPanel(this) : undefined;
  }

  // ------------------------------------------------------------------ EmulatedDevice contract
  get type(): EmulatedDeviceType {
    return this.state.type;
  }
  get serial(): string {
    return this.state.serial;
  }
  get shortSerial(): string {
    return this.state.serial.slice(-9);
  }
  get model(): string {
    return this.state.model;
  }
  get mac(): string {
    return this.state.mac;
  }
  get verificationCode(): string {
    return this.state.verificationCode;
  }
  get activated(): boolean {
    return this.state.activated;
  }
  get cloudEnabled(): boolean {
    return this.state.cloudEnabled;
  }
  get firmwareVersion(): string {
    return this.state.firmwareVersion;
  }
  get cloudLinkUp(): boolean {
    return this.powered && this.state.faults.cloudLink === 'up';
  }
  get host(): string {
    return this.listenHost;
  }
  get httpPort(): number {
    return this.listenPort;
  }
  /** Powered and not rebooting. */
  get powered(): boolean {
    return this.state.faults.power === 'on' && !this.rebooting;
  }
  get cloudRegisteredNow(): boolean {
    return this.cloudRegistered;
  }
  /** The device answers on its LAN address right now (HTTP, SADP). */
  get lanReachable(): boolean {
    return this.powered && this.state.faults.lan === 'up' && this.lanAttached;
  }
  get isLanAttached(): boolean {
    return this.lanAttached;
  }
  get adminUser(): StoredUser | undefined {
    return this.state.users.find((u) => u.userLevel.toLowerCase() === 'administrator') ?? this.state.users[0];
  }
  get ns(): string {
    return this.info.ns;
  }
  get clock(): () => number {
    return this.opts.clock;
  }

  setCloudRegistered(registered: boolean): void {
    this.cloudRegistered = registered;
  }

  private get digest(): DigestAuthenticator {
    const realm = this.info.digestStyle === 'camera' ? `IP Camera(${this.shortSerial.slice(-5)})` : `DS-${this.state.mac.replace(/:/g, '').slice(-8).toUpperCase()}`;
    this.digestAuth ??= new DigestAuthenticator(realm, { style: this.info.digestStyle, nonceTtlMs: this.opts.nonceTtlMs, clock: this.opts.clock });
    return this.digestAuth;
  }

  get guard(): LoginGuard {
    this.guardInstance ??= new LoginGuard({ maxFailures: this.opts.maxFailedLogins, lockMs: this.opts.lockMs, clock: this.opts.clock });
    return this.guardInstance;
  }

  emitStatus(kind: string, data: Record<string, unknown> = {}): void {
    this.emit('status', { kind, serial: this.serial, ...data });
  }

  changed(): void {
    this.emit('change');
  }

  private cloudConfigChanged(): void {
    this.emit('cloud-config');
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  // ------------------------------------------------------------------ responses
  xml(status: number, body: string, headers: Record<string, string> = {}): IsapiResponse {
    return { status, headers: { 'content-type': 'application/xml', ...headers }, body: Buffer.from(body, 'utf8') };
  }

  jsonRes(status: number, value: unknown): IsapiResponse {
    return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(deviceJson(value), 'utf8') };
  }

  rs(ctx: Pick<Ctx, 'rawPath' | 'json'>, sub: string, extra: Partial<ResponseStatus> & { http?: number } = {}): IsapiResponse {
    const { http, ...rest } = extra;
    const r = responseStatus(sub, { requestURL: ctx.rawPath, ...rest });
    const status = http ?? httpStatusForStatusCode(r.statusCode);
    if (ctx.json) return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(buildResponseStatusJson(r), 'utf8') };
    return this.xml(status, buildResponseStatusXml(r, { ns: this.ns }));
  }

  ok(ctx: Ctx, extra: Partial<ResponseStatus> = {}): IsapiResponse {
    return this.rs(ctx, 'ok', extra);
  }

  private unauthorizedHtml(stale = false): IsapiResponse {
    const body =
      '<!DOCTYPE html>\r\n<html><head><title>Document Error: Unauthorized</title></head>\r\n<body><h2>Access Error: 401 -- Unauthorized</h2>\r\n<p>Authentication Error</p>\r\n</body>\r\n</html>\r\n';
    return { status: 401, headers: { 'content-type': 'text/html', 'www-authenticate': this.digest.challenge(stale) }, body: Buffer.from(body) };
  }

  /** 401 with a `userCheck` body: attempts left, or the lock with seconds until unlock. */
  loginFailed(user: string, counted: boolean, withChallenge = true): IsapiResponse {
    let lockedMs = this.guard.lockedFor(user);
    let left = this.guard.attemptsLeft(user);
    if (counted && lockedMs === 0) {
      const r = this.guard.fail(user);
      left = r.attemptsLeft;
      lockedMs = r.lockedForMs;
      if (lockedMs > 0) this.emitStatus('userLocked', { userName: user });
    }
    const body = userCheckXml(
      {
        statusValue: 401,
        statusString: 'Unauthorized',
        isDefaultPassword: false,
        isRiskPassword: false,
        isActivated: this.state.activated,
        lockStatus: lockedMs > 0 ? 'lock' : 'unlock',
        unlockTime: Math.ceil(lockedMs / 1000),
        retryLoginTime: lockedMs > 0 ? 0 : left,
      },
      this.ns,
    );
    return this.xml(401, body, withChallenge ? { 'www-authenticate': this.digest.challenge(false) } : {});
  }

  // ------------------------------------------------------------------ ISAPI entry point
  async handleIsapi(req: IsapiRequest, ctx: { via: 'http' | 'cloud' }): Promise<IsapiResponse> {
    if (!this.powered) throw new AppError('DEVICE_OFFLINE', 'The emulated device is powered off or rebooting.');
    if (this.state.faults.latencyMs > 0) await sleep(this.state.faults.latencyMs);
    const qIndex = req.path.indexOf('?');
    const rawPath = qIndex >= 0 ? req.path.slice(0, qIndex) : req.path;
    const query = new URLSearchParams(qIndex >= 0 ? req.path.slice(qIndex + 1) : '');
    const path = rawPath.toLowerCase().replace(/\/+$/, '');
    const method = req.method.toUpperCase();
    const c: Ctx = { req, method, path, rawPath, query, via: ctx.via, user: undefined, json: query.get('format') === 'json' };

    // Open endpoints (no authentication on real devices).
    if (method === 'GET' && path === '/sdk/activatestatus') return this.xml(200, activateStatusXml(this.state.activated, this.ns));
    if (method === 'POST' && path === '/isapi/security/challenge' && !this.state.activated) return this.handleChallenge(c);
    if (method === 'PUT' && path === '/isapi/system/activate') return this.handleActivate(c);
    if (this.axpro && path.startsWith('/isapi/security/sessionlogin')) return this.axpro.handleSessionLogin(c, method, path);
    if (!this.state.activated) return this.rs(c, 'notActivated');

    if (ctx.via === 'http') {
      const auth = this.authenticate(c);
      if ('status' in auth) return auth;
      c.user = auth.user;
    }
    return this.route(c);
  }

  private authenticate(c: Ctx): { user: StoredUser } | IsapiResponse {
    if (this.axpro) {
      const user = this.axpro.sessionUser(c.req.headers.cookie);
      if (user) return { user };
    }
    const header = c.req.headers.authorization;
    const verdict = this.digest.verify(c.method, c.req.path, header, (name) => this.state.users.find((u) => u.userName === name)?.password);
    if (verdict.ok) {
      if (this.guard.lockedFor(verdict.username) > 0) return this.loginFailed(verdict.username, false);
      this.guard.succeed(verdict.username);
      const user = this.state.users.find((u) => u.userName === verdict.username);
      if (!user) return this.unauthorizedHtml();
      return { user };
    }
    switch (verdict.reason) {
      case 'missing':
      case 'malformed':
      case 'badNonce':
      case 'realm':
      case 'uri':
        return this.unauthorizedHtml();
      case 'stale':
        if (this.guard.lockedFor(verdict.username) > 0) return this.loginFailed(verdict.username, false);
        return this.unauthorizedHtml(true);
      case 'wrongPassword':
      case 'unknownUser':
        return this.loginFailed(verdict.username, true);
    }
  }

  private readonly routes: IsapiRoute[] = [
    ['GET', /^\/isapi\/system\/deviceinfo$/, () => this.deviceInfoRes()],
    ['GET', /^\/isapi\/system\/status$/, () => this.deviceStatusRes()],
    ['GET', /^\/isapi\/system\/capabilities$/, () => this.capabilitiesRes()],
    ['PUT', /^\/isapi\/system\/reboot$/, (c) => this.handleReboot(c)],
    ['POST', /^\/isapi\/system\/reboot$/, (c) => this.handleReboot(c)],
    ['GET', /^\/isapi\/system\/time$/, () => this.timeRes()],
    ['PUT', /^\/isapi\/system\/time$/, (c) => this.handlePutTime(c)],
    ['GET', /^\/isapi\/system\/network\/ezviz$/, () => this.ezvizRes()],
    ['PUT', /^\/isapi\/system\/network\/ezviz$/, (c) => this.handlePutEzviz(c)],
    ['GET', /^\/isapi\/system\/network\/ezviz\/capabilities$/, () => this.xml(200, ezvizCapabilitiesXml(this.ns))],
    ['GET', /^\/isapi\/system\/network\/interfaces\/1\/ipaddress$/, () => this.ipAddressRes()],
    ['PUT', /^\/isapi\/system\/network\/interfaces\/1\/ipaddress$/, (c) => this.handlePutIpAddress(c)],
    ['GET', /^\/isapi\/system\/network\/interfaces$/, () => this.interfacesRes()],
    ['GET', /^\/isapi\/security\/users$/, (c) => this.usersRes(c)],
    ['POST', /^\/isapi\/security\/users$/, (c) => this.handleAddUser(c)],
    ['PUT', /^\/isapi\/security\/users\/(\d+)$/, (c, m) => this.handleModifyUser(c, Number(m[1]))],
    ['DELETE', /^\/isapi\/security\/users\/(\d+)$/, (c, m) => this.handleDeleteUser(c, Number(m[1]))],
    ['GET', /^\/isapi\/security\/usercheck$/, (c) => this.userCheckRes(c)],
    ['PUT', /^\/isapi\/system\/updatefirmware$/, (c) => this.handleFirmware(c)],
    ['POST', /^\/isapi\/system\/updatefirmware$/, (c) => this.handleFirmware(c)],
    ['GET', /^\/isapi\/system\/upgradestatus$/, (c) => this.upgradeStatusRes(c)],
    ['GET', /^\/isapi\/contentmgmt\/storage$/, () => this.storageRes()],
    ['GET', /^\/isapi\/contentmgmt\/storage\/hdd$/, () => this.xml(200, hddListXml(this.hddModels(), this.ns))],
    ['GET', /^\/isapi\/contentmgmt\/storage\/hdd\/(\d+)\/smarttest\/status$/, (c, m) => this.smartRes(c, Number(m[1]))],
    ['GET', /^\/isapi\/contentmgmt\/storage\/extension$/, () => this.xml(200, storageExtensionXml(this.state.overwrite, this.ns))],
    ['PUT', /^\/isapi\/contentmgmt\/storage\/extension$/, (c) => this.handlePutOverwrite(c)],
    ['GET', /^\/isapi\/system\/video\/inputs\/channels$/, () => this.videoInputsRes()],
    ['GET', /^\/isapi\/contentmgmt\/inputproxy\/channels\/status$/, () => this.channelStatusRes()],
    ['GET', /^\/isapi\/streaming\/channels$/, () => this.streamingChannelsRes()],
    ['GET', /^\/isapi\/event\/notification\/httphosts$/, () => this.httpHostsRes()],
    ...eventTriggerRoutes(this),
    ...motionDetectionRoutes(this),
  ];

  private async route(c: Ctx): Promise<IsapiResponse> {
    if (this.axpro && c.path.startsWith('/isapi/securitycp')) return this.axpro.handle(c, c.method, c.path);
    if (this.axpro && c.json && c.path.startsWith('/isapi/security/users')) return this.axpro.handleUsers(c, c.method, c.path);
    if (this.axpro && c.path === '/isapi/security/sessionlogout') return this.axpro.logout(c);
    let pathKnown = false;
    for (const [method, re, handler, types] of this.routes) {
      if (types && !types.includes(this.type)) continue;
      const m = re.exec(c.path);
      if (!m) continue;
      pathKnown = true;
      if (method === c.method) return handler(c, m);
    }
    return this.rs(c, pathKnown ? 'invalidOperation' : 'notSupport', { http: pathKnown ? 405 : 404 });
  }

  // ------------------------------------------------------------------ activation
  private handleChallenge(c: Ctx): IsapiResponse {
    let key: string;
    try {
      key = parseKeyDocument(c.req.body);
    } catch {
      return this.rs(c, 'badXmlContent');
    }
    const random = generateChallengeRandom();
    let answer: string;
    try {
      answer = encryptChallenge(key, random);
    } catch {
      return this.rs(c, 'badXmlContent', { description: 'The public key is not an RSA-1024 modulus.' });
    }
    this.challenge = { random, expires: this.opts.clock() + CHALLENGE_TTL_MS };
    return this.xml(200, challengeXml(answer, this.ns));
  }

  private handleActivate(c: Ctx): IsapiResponse {
    if (this.state.activated) return this.rs(c, 'hasActivated');
    const ch = this.challenge;
    if (!ch || ch.expires < this.opts.clock()) return this.rs(c, 'invalidOperation', { description: 'Request a challenge first (POST /ISAPI/Security/challenge).' });
    let password: string;
    try {
      password = decryptActivationPassword(ch.random, parseActivateInfo(c.req.body));
    } catch {
      return this.rs(c, 'badXmlContent', { description: 'The password could not be decrypted with the current challenge.' });
    }
    const check = checkPassword(password, 'admin');
    if (!check.ok) return this.rs(c, 'riskPassword', { ...(check.reason ? { description: check.reason } : {}) });
    this.challenge = undefined;
    this.state.activated = true;
    this.state.users = [{ id: 1, userName: 'admin', password, userLevel: adminLevel(this.type) }];
    this.guard.reset();
    this.emitStatus('activated');
    this.changed();
    return this.ok(c);
  }

  // ------------------------------------------------------------------ system
  private deviceInfoRes(): IsapiResponse {
    const s = this.state;
    return this.xml(
      200,
      deviceInfoXml(
        {
          deviceName: s.deviceName,
          deviceID: s.deviceId,
          deviceDescription: this.info.deviceDescription,
          model: s.model,
          serialNumber: s.serial,
          macAddress: s.mac,
          firmwareVersion: s.firmwareVersion,
          firmwareReleasedDate: `build ${s.firmwareBuild}`,
          deviceType: this.info.deviceType,
          ...(s.type === 'unknown' ? { subDeviceType: 'indoorStation' } : {}),
          ...(s.type === 'nvr' ? { analogChannelNum: 0, digitalChannelNum: s.channels.length } : {}),
        },
        this.ns,
        s.type === 'camera' ? { firmwareVersionInfo: 'B-R-G1-0' } : s.type === 'unknown' ? { alarmOutNum: 0, alarmInNum: 1, RS485Num: 0, customizedInfo: '' } : s.type === 'axpro' ? { alarmOutNum: 1, alarmInNum: 8 } : {},
      ),
    );
  }

  private deviceStatusRes(): IsapiResponse {
    const upSeconds = Math.floor((this.opts.clock() - this.startedAt) / 1000);
    return this.xml(
      200,
      buildXml(
        'DeviceStatus',
        {
          currentDeviceTime: new Date(this.opts.clock()).toISOString().replace(/\.\d+Z$/, '+00:00'),
          deviceUpTime: upSeconds,
          CPUList: { CPU: { cpuDescription: 'ARM Cortex-A7 (emulated)', cpuUtilization: 12 } },
          MemoryList: { Memory: { memoryDescription: 'DDR Memory', memoryUsage: 41, memoryAvailable: 48896 } },
        },
        { ns: this.ns },
      ),
    );
  }

  private capabilitiesRes(): IsapiResponse {
    return this.xml(
      200,
      buildXml(
        'DeviceCap',
        {
          SysCap: { isSupportDst: true, NetworkCap: { isSupportWireless: false, isSupportEZVIZ: true } },
          isSupportFirmwareVersionInfo: true,
          isSupportUserLock: true,
          isSupportActivate: true,
        },
        { ns: this.ns },
      ),
    );
  }

  private handleReboot(c: Ctx): IsapiResponse {
    if (this.upgrade && !this.upgrade.failed && this.upgrade.percent < 100) return this.rs(c, 'upgrading');
    this.later(50, () => this.reboot());
    return this.ok(c);
  }

  /** Power-cycle: offline for `rebootMs`, then back with pending firmware applied. */
  reboot(): void {
    if (this.rebooting || this.state.faults.power === 'off') return;
    this.rebooting = true;
    this.emitStatus('reboot');
    this.cloudConfigChanged();
    void this.stopListening();
    this.later(this.opts.rebootMs, () => void this.boot());
  }

  private async boot(): Promise<void> {
    this.rebooting = false;
    this.challenge = undefined;
    this.axpro?.clearSessions();
    if (this.upgrade && !this.upgrade.failed && this.upgrade.percent >= 100) {
      this.state.firmwareVersion = this.upgrade.version;
      this.state.firmwareBuild = this.upgrade.build;
      delete this.state.firmwareBeforeFault;
      this.state.faults.firmwareIncompatible = false;
      this.emitStatus('firmwareChanged', { firmwareVersion: this.upgrade.version, build: this.upgrade.build });
      this.changed();
    }
    this.upgrade = undefined;
    if (this.state.faults.power === 'on') await this.startListening();
    this.cloudConfigChanged();
  }

  private timeRes(): IsapiResponse {
    const now = new Date(this.opts.clock());
    return this.xml(200, timeXml({ timeMode: this.state.time.timeMode, localTime: now.toISOString().replace(/\.\d+Z$/, '+00:00'), timeZone: this.state.time.timeZone }, this.ns));
  }

  private handlePutTime(c: Ctx): IsapiResponse {
    try {
      const t = parseTime(c.req.body);
      if (t.timeMode) this.state.time.timeMode = t.timeMode;
      if (t.timeZone) this.state.time.timeZone = t.timeZone;
    } catch {
      return this.rs(c, 'badXmlContent');
    }
    this.changed();
    return this.ok(c);
  }

  // ------------------------------------------------------------------ cloud service
  private ezvizRes(): IsapiResponse {
    const s = this.state;
    const registered = s.cloudEnabled && this.cloudRegistered && this.cloudLinkUp;
    return this.xml(200, ezvizXml({ enabled: s.cloudEnabled, registerStatus: registered, serverHostName: 'dev.sitekeeper.local', verificationCode: '', bindStatus: registered ? 'bind' : 'unbind' }, this.ns));
  }

  private handlePutEzviz(c: Ctx): IsapiResponse {
    let cfg;
    try {
      cfg = parseEzviz(c.req.body);
    } catch {
      return this.rs(c, 'badXmlContent');
    }
    const s = this.state;
    const before = { enabled: s.cloudEnabled, code: s.verificationCode };
    if (cfg.verificationCode !== undefined && cfg.verificationCode !== '') {
      if (!/^[A-Za-z0-9]{6,12}$/.test(cfg.verificationCode)) return this.rs(c, 'invalidEZVIZSecretKey', { description: 'The verification code must be 6 to 12 letters or digits.' });
      s.verificationCode = cfg.verificationCode;
    }
    if (cfg.enabled !== undefined) s.cloudEnabled = cfg.enabled;
    if (before.enabled !== s.cloudEnabled || before.code !== s.verificationCode) {
      if (before.code !== s.verificationCode || !s.cloudEnabled) this.cloudRegistered = false;
      this.changed();
      this.cloudConfigChanged();
    }
    return this.ok(c);
  }

  // ------------------------------------------------------------------ network
  private ipAddressRes(): IsapiResponse {
    const n = this.state.network;
    return this.xml(200, ipAddressXml({ ipVersion: 'v4', addressingType: n.addressingType, ipAddress: this.host, subnetMask: n.subnetMask, defaultGateway: n.gateway, primaryDns: n.dns, secondaryDns: '0.0.0.0' }, this.ns));
  }

  private interfacesRes(): IsapiResponse {
    const n = this.state.network;
    return this.xml(
      200,
      buildXml(
        'NetworkInterfaceList',
        {
          NetworkInterface: {
            id: 1,
            IPAddress: {
              ipVersion: 'v4',
              addressingType: n.addressingType,
              ipAddress: this.host,
              subnetMask: n.subnetMask,
              DefaultGateway: { ipAddress: n.gateway },
              PrimaryDNS: { ipAddress: n.dns },
              SecondaryDNS: { ipAddress: '0.0.0.0' },
              ipv6Address: '::',
              bitMask: '0',
              ipV6AddressingType: 'ra',
            },
            Discovery: { UPnP: { enabled: false }, Zeroconf: { enabled: false } },
            Link: { MACAddress: this.state.mac, autoNegotiation: true, speed: 0, duplex: 'full', MTU: { '@': { min: 500, max: 9676 }, '#': 1500 } },
          },
        },
        { ns: this.ns },
      ),
    );
  }

  private handlePutIpAddress(c: Ctx): IsapiResponse {
    let cfg;
    try {
      cfg = parseIpAddress(c.req.body);
    } catch {
      return this.rs(c, 'badXmlContent');
    }
    const n = this.state.network;
    const changedType = n.addressingType !== cfg.addressingType;
    n.addressingType = cfg.addressingType;
    if (cfg.subnetMask) n.subnetMask = cfg.subnetMask;
    if (cfg.defaultGateway) n.gateway = cfg.defaultGateway;
    if (cfg.primaryDns) n.dns = cfg.primaryDns;
    this.changed();
    // NVRs ask for a reboot when the addressing mode changes (statusCode 7, HTTP 200), cameras apply it.
    if (changedType && this.type === 'nvr') return this.rs(c, 'rebootRequired');
    return this.ok(c);
  }

  // ------------------------------------------------------------------ users
  private requireAdmin(c: Ctx): IsapiResponse | null {
    if (c.via === 'cloud' || !c.user) return null;
    return c.user.userLevel.toLowerCase() === 'administrator' ? null : this.rs(c, 'invalidOperation', { description: 'Only an administrator can manage users.' });
  }

  /** The admin's `loginPassword` check that real devices apply to user changes. */
  checkLoginPassword(c: Ctx, loginPassword: string | undefined): IsapiResponse | null {
    const admin = c.user && c.user.userLevel.toLowerCase() === 'administrator' ? c.user : this.adminUser;
    if (!admin || loginPassword !== admin.password) return this.rs(c, 'loginPasswordError', { http: 403 });
    return null;
  }

  private usersRes(c: Ctx): IsapiResponse {
    const denied = this.requireAdmin(c);
    if (denied) return denied;
    return this.xml(200, userListXml(this.state.users.map(({ id, userName, userLevel }) => ({ id, userName, userLevel })), this.ns));
  }

  /** Shared by XML and AX Pro JSON: validates and applies an add. */
  addUser(c: Ctx, u: UserWrite, levels: string[]): IsapiResponse {
    const denied = this.requireAdmin(c) ?? this.checkLoginPassword(c, u.loginPassword);
    if (denied) return denied;
    if (!u.userName || !u.password || !/^[\x21-\x7e]{1,32}$/.test(u.userName)) return this.rs(c, 'badParameters', { description: 'userName and password are required.' });
    const level = levels.find((l) => l.toLowerCase() === (u.userLevel ?? levels[levels.length - 1] ?? '').toLowerCase());
    if (!level) return this.rs(c, 'badParameters', { description: `userLevel must be one of ${levels.join(', ')}.` });
    if (this.state.users.some((x) => x.userName === u.userName)) return this.rs(c, 'userAlreadyExist');
    if (this.state.users.length >= 32) return this.rs(c, 'invalidOperation', { description: 'The device holds at most 32 users.' });
    const check = checkPassword(u.password, u.userName);
    if (!check.ok) return this.rs(c, 'riskPassword', { ...(check.reason ? { description: check.reason } : {}) });
    const id = Math.max(0, ...this.state.users.map((x) => x.id)) + 1;
    this.state.users.push({ id, userName: u.userName, password: u.password, userLevel: level });
    this.changed();
    return this.ok(c, { id });
  }

  modifyUser(c: Ctx, id: number, u: UserWrite, levels: string[]): IsapiResponse {
    const denied = this.requireAdmin(c) ?? this.checkLoginPassword(c, u.loginPassword);
    if (denied) return denied;
    const user = this.state.users.find((x) => x.id === id);
    if (!user) return this.rs(c, 'userNotExist', { http: 404 });
    if (u.userName && u.userName !== user.userName) {
      if (id === 1) return this.rs(c, 'invalidOperation', { description: 'The admin user cannot be renamed.' });
      if (this.state.users.some((x) => x.userName === u.userName)) return this.rs(c, 'userAlreadyExist');
    }
    if (u.userLevel !== undefined) {
      const level = levels.find((l) => l.toLowerCase() === u.userLevel?.toLowerCase());
      if (!level) return this.rs(c, 'badParameters', { description: `userLevel must be one of ${levels.join(', ')}.` });
      if (id === 1 && level !== user.userLevel) return this.rs(c, 'invalidOperation', { description: "The admin user's level cannot change." });
      user.userLevel = level;
    }
    if (u.userName) user.userName = u.userName;
    if (u.password !== undefined && u.password !== '') {
      const check = checkPassword(u.password, user.userName);
      if (!check.ok) return this.rs(c, 'riskPassword', { ...(check.reason ? { description: check.reason } : {}) });
      user.password = u.password;
      this.guard.succeed(user.userName);
    }
    this.changed();
    return this.ok(c);
  }

  deleteUser(c: Ctx, id: number): IsapiResponse {
    const denied = this.requireAdmin(c) ?? this.checkLoginPassword(c, c.query.get('loginPassword') ?? undefined);
    if (denied) return denied;
    const idx = this.state.users.findIndex((x) => x.id === id);
    if (idx < 0) return this.rs(c, 'userNotExist', { http: 404 });
    if (id === 1) return this.rs(c, 'invalidOperation', { description: 'The admin user cannot be deleted.' });
    this.state.users.splice(idx, 1);
    this.changed();
    return this.ok(c);
  }

  private static readonly ISAPI_LEVELS = ['Administrator', 'Operator', 'Viewer'];

  private handleAddUser(c: Ctx): IsapiResponse {
    let u: UserWrite;
    try {
      u = parseUser(c.req.body);
    } catch {
      return this.rs(c, 'badXmlContent');
    }
    if (u.userLevel?.toLowerCase() === 'administrator') return this.rs(c, 'invalidOperation', { description: 'There is only one administrator.' });
    return this.addUser(c, u, VirtualDevice.ISAPI_LEVELS);
  }

  private handleModifyUser(c: Ctx, id: number): IsapiResponse {
    let u: UserWrite;
    try {
      u = parseUser(c.req.body);
    } catch {
      return this.rs(c, 'badXmlContent');
    }
    return this.modifyUser(c, id, u, VirtualDevice.ISAPI_LEVELS);
  }

  private handleDeleteUser(c: Ctx, id: number): IsapiResponse {
    return this.deleteUser(c, id);
  }

  private userCheckRes(c: Ctx): IsapiResponse {
    const isDefault = false;
    const risky = c.user ? !checkPassword(c.user.password, c.user.userName).ok : false;
    return this.xml(
      200,
      userCheckXml({ statusValue: 200, statusString: 'OK', isDefaultPassword: isDefault, isRiskPassword: risky, isActivated: true, lockStatus: 'unlock', unlockTime: 0, retryLoginTime: this.opts.maxFailedLogins }, this.ns),
    );
  }

  // ------------------------------------------------------------------ firmware
  private handleFirmware(c: Ctx): IsapiResponse {
    if (this.upgrade && !this.upgrade.failed) return this.rs(c, 'upgrading');
    let pkg;
    try {
      pkg = parseFirmwarePackage(c.req.body);
    } catch (e) {
      return this.rs(c, 'badUpgradePackage', { description: e instanceof Error ? e.message : 'bad package' });
    }
    if (!firmwareFitsModel(pkg, this.model)) return this.rs(c, 'devicePlatformMismatch', { description: `The package is for ${pkg.models.join(', ')}, not ${this.model}.` });
    const started = { percent: 0, version: pkg.version, build: pkg.build, failed: false, reboot: false };
    this.upgrade = started;
    const failAt = this.state.faults.upgradeFailsAt;
    const stepMs = Math.max(10, Math.floor(this.opts.upgradeMs / 20));
    const tick = (): void => {
      const u = this.upgrade;
      // A power cut or a newer upgrade ends this one.
      if (!u || u !== started || u.failed) return;
      u.percent = Math.min(100, u.percent + 5);
      if (failAt !== null && u.percent >= failAt && failAt < 100) {
        u.failed = true;
        u.percent = failAt;
        this.emitStatus('upgradeFailed', { percent: failAt });
        return;
      }
      this.emitStatus('upgradeProgress', { percent: u.percent });
      if (u.percent >= 100) {
        u.reboot = true;
        this.later(Math.min(500, stepMs * 2), () => this.reboot());
        return;
      }
      this.later(stepMs, tick);
    };
    this.later(stepMs, tick);
    return this.ok(c);
  }

  private upgradeStatusRes(c: Ctx): IsapiResponse {
    const u = this.upgrade;
    if (u?.failed) return this.rs(c, 'upgradeFailed', { description: `The upgrade failed at ${u.percent} %.` });
    return this.xml(
      200,
      upgradeStatusXml({ upgrading: !!u && u.percent < 100, percent: u?.percent ?? 0, reboot: u?.reboot ?? false, ...(u ? { upgradeStage: u.percent < 100 ? 'software' : 'reboot' } : {}) }, this.ns),
    );
  }

  // ------------------------------------------------------------------ storage and channels
  private hddModels() {
    return this.state.hdds.map((h) => ({
      id: h.id,
      hddName: `hdd${h.id}`,
      hddType: h.type ?? 'SATA',
      status: h.status,
      capacity: h.capacityMb,
      freeSpace: h.status === 'ok' ? h.freeMb : 0,
      property: 'RW',
      smartStatus: h.smart,
    }));
  }

  private storageRes(): IsapiResponse {
    return this.xml(200, storageXml(this.hddModels(), this.ns, this.state.overwrite));
  }

  private smartRes(c: Ctx, id: number): IsapiResponse {
    const h = this.state.hdds.find((x) => x.id === id);
    if (!h) return this.rs(c, 'badParameters', { http: 404 });
    return this.xml(
      200,
      smartStatusXml({ temperature: h.smart === 'ok' ? 38 : 55, powerOnDays: 412, selfEvaluation: h.smart === 'failed' ? 'failed' : 'ok', allEvaluation: h.smart === 'ok' ? 'ok' : h.smart === 'warning' ? 'warning' : 'functional' }, this.ns),
    );
  }

  private handlePutOverwrite(c: Ctx): IsapiResponse {
    try {
      this.state.overwrite = parseStorageExtension(c.req.body).overwrite;
    } catch {
      return this.rs(c, 'badXmlContent');
    }
    this.changed();
    return this.ok(c);
  }

  private videoInputsRes(): IsapiResponse {
    return this.xml(200, videoInputChannelsXml(this.state.channels.map((ch) => ({ id: ch.id, name: ch.name, enabled: true })), this.ns));
  }

  private channelStatusRes(): IsapiResponse {
    // Where the device has disks (or a camera its card), recording needs one that works.
    const hddOk = this.state.hdds.length === 0 || this.state.hdds.some((h) => h.status === 'ok');
    return this.xml(
      200,
      channelStatusXml(
        this.state.channels.map((ch) => ({
          id: ch.id,
          name: ch.name,
          online: ch.online,
          chanDetectResult: !ch.online ? 'notConnect' : ch.videoLoss ? 'videoloss' : 'connect',
          videoLoss: ch.videoLoss,
          recording: ch.recording && ch.online && !ch.videoLoss && hddOk,
        })),
        this.ns,
      ),
    );
  }

  /** Main (x01) and sub (x02) stream of every channel, in the shape of the real capture. */
  private streamingChannelsRes(): IsapiResponse {
    const stream = (ch: number, sub: boolean) => ({
      id: ch * 100 + (sub ? 2 : 1),
      channelName: this.state.channels.find((c) => c.id === ch)?.name ?? `Camera ${String(ch).padStart(2, '0')}`,
      enabled: true,
      Transport: { ControlProtocolList: { ControlProtocol: [{ streamingTransport: 'RTSP' }, { streamingTransport: 'HTTP' }] }, Security: { enabled: true } },
      Video: {
        enabled: true,
        videoInputChannelID: ch,
        videoCodecType: sub ? 'H.264' : 'H.265',
        videoScanType: 'progressive',
        videoResolutionWidth: sub ? 640 : 2560,
        videoResolutionHeight: sub ? 360 : 1440,
        videoQualityControlType: 'VBR',
        constantBitRate: sub ? 512 : 4096,
        fixedQuality: 60,
        vbrUpperCap: sub ? 512 : 4096,
        vbrLowerCap: 32,
        maxFrameRate: 2500,
        keyFrameInterval: 2000,
        snapShotImageType: 'JPEG',
        GovLength: 50,
      },
      Audio: { enabled: !sub, audioInputChannelID: 1, audioCompressionType: 'G.711ulaw' },
    });
    const list = this.state.channels.flatMap((c) => [stream(c.id, false), stream(c.id, true)]);
    return this.xml(200, buildXml('StreamingChannelList', { StreamingChannel: list }, { ns: this.ns }));
  }

  /** The factory-blank single slot of the real capture (alarm push is not emulated). */
  private httpHostsRes(): IsapiResponse {
    const slot = { '@': { version: '2.0', xmlns: this.ns }, '#': { id: 1, url: null, protocolType: 'HTTP', parameterFormatType: 'XML', addressingFormatType: 'ipaddress', ipAddress: '0.0.0.0', portNo: 0, httpAuthenticationMethod: 'none' } };
    return this.xml(200, buildXml('HttpHostNotificationList', { HttpHostNotification: slot }, { ns: this.ns }));
  }

  // ------------------------------------------------------------------ fault switchboard
  /** Applies fault settings (control API and CLI). Throws VALIDATION_FAILED for invalid ones. */
  async applyFaults(f: FaultSettings): Promise<void> {
    const bad = (msg: string): never => {
      throw new AppError('VALIDATION_FAILED', msg, { details: { serial: this.serial } });
    };
    for (const k of Object.keys(f)) if (!FAULT_KEYS.includes(k as keyof FaultSettings)) bad(`Unknown fault "${k}". Known: ${FAULT_KEYS.join(', ')}.`);
    const faults = this.state.faults;
    const cloudBefore = this.cloudLinkUp;

    if (f.factoryReset) {
      factoryResetState(this.state);
      this.cloudRegistered = false;
      this.challenge = undefined;
      this.upgrade = undefined;
      this.guard.reset();
      this.axpro?.clearSessions();
      this.emitStatus('factoryReset');
      this.cloudConfigChanged();
    }
    if (f.latencyMs !== undefined) {
      if (!Number.isFinite(f.latencyMs) || f.latencyMs < 0 || f.latencyMs > 120_000) bad('latencyMs must be 0–120000.');
      faults.latencyMs = f.latencyMs;
    }
    if (f.resetConnections !== undefined) {
      faults.resetConnections = !!f.resetConnections;
      if (faults.resetConnections) for (const s of this.sockets) s.resetAndDestroy();
    }
    if (f.upgradeFailsAt !== undefined) {
      if (f.upgradeFailsAt !== null && (!Number.isFinite(f.upgradeFailsAt) || f.upgradeFailsAt < 1 || f.upgradeFailsAt > 99)) bad('upgradeFailsAt must be 1–99 or null.');
      faults.upgradeFailsAt = f.upgradeFailsAt;
    }
    if (f.firmwareIncompatible !== undefined && f.firmwareIncompatible !== faults.firmwareIncompatible) {
      faults.firmwareIncompatible = f.firmwareIncompatible;
      if (f.firmwareIncompatible) {
        this.state.firmwareBeforeFault = { version: this.state.firmwareVersion, build: this.state.firmwareBuild };
        this.state.firmwareVersion = INCOMPATIBLE_FIRMWARE.version;
        this.state.firmwareBuild = INCOMPATIBLE_FIRMWARE.build;
      } else {
        const prev = this.state.firmwareBeforeFault ?? { version: this.info.firmwareVersion, build: this.info.firmwareBuild };
        this.state.firmwareVersion = prev.version;
        this.state.firmwareBuild = prev.build;
        delete this.state.firmwareBeforeFault;
      }
      this.emitStatus('firmwareChanged', { firmwareVersion: this.state.firmwareVersion, build: this.state.firmwareBuild });
    }
    if (f.hdd !== undefined) {
      const id = f.hddId ?? 1;
      const h = this.state.hdds.find((x) => x.id === id);
      if (!h) bad(`This device has no HDD ${id}.`);
      else {
        if (f.hdd === 'failed') {
          h.status = 'error';
          h.smart = 'failed';
        } else if (f.hdd === 'smartWarning') {
          h.status = 'ok';
          h.smart = 'warning';
        } else if (f.hdd === 'ok') {
          h.status = 'ok';
          h.smart = 'ok';
        } else bad('hdd must be ok, failed or smartWarning.');
        this.emitStatus('hddStatus', { hddId: id, status: h.status, smart: h.smart });
      }
    }
    if (f.videoLoss !== undefined) {
      const set = (channel: number, active: boolean): void => {
        const ch = this.state.channels.find((x) => x.id === channel);
        if (!ch) bad(`This device has no channel ${channel}.`);
        else if (ch.videoLoss !== active) {
          ch.videoLoss = active;
          this.emitStatus('videoLoss', { channel, active });
        }
      };
      if (f.videoLoss === false) for (const ch of this.state.channels) set(ch.id, false);
      else if (typeof f.videoLoss === 'number') set(f.videoLoss, true);
      else if (typeof f.videoLoss === 'object' && f.videoLoss !== null) set(Number(f.videoLoss.channel), !!f.videoLoss.active);
      else bad('videoLoss must be a channel number, false, or { channel, active }.');
    }
    if (f.tamper !== undefined) {
      if (this.axpro) this.axpro.setTamper(!!f.tamper);
      else this.emitStatus('tamper', { active: !!f.tamper, channel: this.state.channels[0]?.id ?? 1 });
    }
    if (f.lowBattery !== undefined) {
      if (!this.axpro) bad('Only AX Pro hubs have a battery.');
      else this.axpro.setLowBattery(!!f.lowBattery);
    }
    if (f.mains !== undefined) {
      if (!this.axpro) bad('Only AX Pro hubs report mains power.');
      else this.axpro.setMains(f.mains === 'on');
    }
    if (f.zone !== undefined) {
      if (!this.axpro) bad('Only AX Pro hubs have zones.');
      else {
        try {
          this.axpro.setZone(Number(f.zone.id), f.zone.status);
        } catch (e) {
          bad(`zone: ${(e as Error).message}`);
        }
      }
    }
    if (f.cloudLink !== undefined) {
      if (f.cloudLink !== 'up' && f.cloudLink !== 'down') bad('cloudLink must be up or down.');
      faults.cloudLink = f.cloudLink;
    }
    if (f.lan !== undefined) {
      if (!['up', 'down', 'blackhole'].includes(f.lan)) bad('lan must be up, down or blackhole.');
      const before = faults.lan;
      faults.lan = f.lan;
      if (before !== f.lan) {
        this.emitStatus('lan', { state: f.lan });
        if (f.lan === 'down') await this.stopListening();
        else if (before === 'down' && this.powered) await this.startListening();
      }
    }
    if (f.power !== undefined) {
      if (f.power !== 'on' && f.power !== 'off') bad('power must be on or off.');
      if (f.power !== faults.power) {
        faults.power = f.power;
        if (f.power === 'off') {
          this.rebooting = false;
          this.cloudRegistered = false;
          this.upgrade = undefined;
          this.axpro?.clearSessions();
          await this.stopListening();
        } else {
          await this.startListening();
        }
        this.emitStatus('power', { on: f.power === 'on' });
      }
    }
    if (f.reboot) this.reboot();
    if (cloudBefore !== this.cloudLinkUp || f.cloudLink !== undefined) this.cloudConfigChanged();
    this.changed();
  }

  faultState(): FaultState {
    return { ...defaultFaults(), ...this.state.faults };
  }

  // ------------------------------------------------------------------ HTTP server
  /** Binds the device's HTTP server (once); later power/LAN changes reopen it on the same port. */
  async attachLan(host?: string, port?: number): Promise<void> {
    if (host) this.listenHost = host;
    if (port !== undefined) this.listenPort = port;
    this.lanAttached = true;
    // Bind even when off, so the device has its port from the start; then close if it is off.
    await this.startListening(true);
    if (this.state.faults.power === 'off' || this.state.faults.lan === 'down') await this.stopListening();
  }

  private async startListening(force = false): Promise<void> {
    if (!this.lanAttached || this.server) return;
    if (!force && (this.state.faults.power === 'off' || this.rebooting || this.state.faults.lan === 'down')) return;
    const server = createServer({ keepAliveTimeout: 10_000, requestTimeout: 120_000 }, (req, res) => void this.onHttp(req, res));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    this.server = server;
    const tryListen = (port: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const onError = (e: Error): void => {
          server.off('listening', onListening);
          reject(e);
        };
        const onListening = (): void => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(port, this.listenHost);
      });
    try {
      await tryListen(this.listenPort);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || this.listenPort === 0) {
        this.server = undefined;
        throw e;
      }
      await tryListen(0);
    }
    const addr = server.address();
    if (addr && typeof addr === 'object') {
      this.listenPort = addr.port;
      if (this.state.httpPort !== addr.port || this.state.host !== this.listenHost) {
        this.state.httpPort = addr.port;
        this.state.host = this.listenHost;
        this.changed();
      }
    }
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const faults = this.state.faults;
    if (faults.resetConnections) {
      req.socket.resetAndDestroy();
      return;
    }
    if (faults.lan === 'blackhole') {
      req.resume();
      return; // never answered; the socket is destroyed when the LAN comes back or the device closes
    }
    const url = req.url ?? '/';
    const limit = /updatefirmware/i.test(url) ? MAX_FIRMWARE_BYTES : MAX_BODY_BYTES;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('Request Entity Too Large');
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req) {
        const b = chunk as Buffer;
        size += b.length;
        if (size > limit) {
          res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('Request Entity Too Large');
          req.socket.destroy();
          return;
        }
        chunks.push(b);
      }
    } catch {
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    let out: IsapiResponse;
    try {
      out = await this.handleIsapi({ method: req.method ?? 'GET', path: url, headers, body: Buffer.concat(chunks) }, { via: 'http' });
    } catch {
      req.socket.destroy();
      return;
    }
    if (res.destroyed || this.state.faults.resetConnections) {
      req.socket.resetAndDestroy();
      return;
    }
    res.writeHead(out.status, { Server: 'App-webs/', ...out.headers, 'Content-Length': String(out.body.length) });
    res.end(out.body);
  }

  /** Stops timers and the HTTP server (the fleet closes every device this way). */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.lanAttached = false;
    await this.stopListening();
  }

  /** A random token (sessions). */
  static token(): string {
    return randomBytes(24).toString('hex');
  }

  /** The spec-facing constructor: a fresh device from a spec. */
  static fromSpec(spec: DeviceSpec, options?: DeviceOptions): VirtualDevice {
    return new VirtualDevice(initialState(spec), options);
  }
}

export type { Ctx as IsapiContext };
