/**
 * One emulated device: its state and identity, its lifecycle (reboot, firmware applied at boot),
 * and the parts it is made of: the ISAPI router and its handlers per area (./isapi/), the fault
 * switchboard (./faults.ts) and its HTTP server on a loopback address (./lan-server.ts).
 * `handleIsapi` is the single entry point for both the HTTP server (via 'http': digest or AX Pro
 * session) and the cloud connector (via 'cloud').
 *
 * Events: 'cloud-config' (cloud settings or link changed), 'status' (alarms and status changes),
 * 'change' (persistent state changed: the fleet saves it).
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { UserWrite } from '../protocol/isapi/models';
import type { ResponseStatus } from '../protocol/isapi/response-status';
import { modelInfo, type ModelInfo } from './catalog';
import type { LoginGuard } from './digest';
import { applyFaults, type FaultSettings, type FaultTarget } from './faults';
import { Activation } from './isapi/activation';
import { DeviceAuth } from './isapi/auth';
import { AxProPanel } from './isapi/axpro';
import { ioRoutes } from './isapi/io';
import { channelRoutes } from './isapi/channels';
import type { DeviceCore, IsapiContext, StatusExtra } from './isapi/context';
import { eventRoutes } from './isapi/events';
import { FirmwareUpgrade } from './isapi/firmware';
import { motionDetectionRoutes } from './isapi/motion';
import { networkRoutes } from './isapi/network';
import { jsonResponse, statusResponse, xmlResponse } from './isapi/respond';
import { IsapiRouter, type RouterParts } from './isapi/router';
import { storageRoutes } from './isapi/storage';
import { systemRoutes } from './isapi/system';
import { addUser, checkLoginPassword, deleteUser, modifyUser, userRoutes } from './isapi/users';
import { LanServer } from './lan-server';
import { resolveDeviceOptions, type DeviceOptions, type ResolvedDeviceOptions } from './options';
import { defaultFaults, initialState, type DeviceSpec, type DeviceState, type FaultState, type StoredUser } from './state';
import type { EmulatedDevice, EmulatedDeviceType, IsapiRequest, IsapiResponse } from './types';

export class VirtualDevice extends EventEmitter implements EmulatedDevice, DeviceCore {
  readonly state: DeviceState;
  readonly info: ModelInfo;
  readonly options: ResolvedDeviceOptions;
  readonly axpro: AxProPanel | undefined;
  private cloudRegistered = false;
  private rebooting = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly startedAt: number;
  private readonly auth: DeviceAuth;
  private readonly activation: Activation;
  private readonly firmware: FirmwareUpgrade;
  private readonly router: IsapiRouter;
  private readonly lan: LanServer;
  private readonly faultTarget: FaultTarget;

  constructor(state: DeviceState, options: DeviceOptions = {}) {
    super();
    this.setMaxListeners(50);
    this.state = state;
    this.info = modelInfo(state.type, state.model);
    this.options = resolveDeviceOptions(options);
    this.startedAt = this.options.clock();
    this.axpro = state.type === 'axpro' ? new AxProPanel(this) : undefined;
    const sessions = this.axpro?.sessions;
    this.auth = new DeviceAuth(this, sessions && ((cookie) => sessions.sessionUser(cookie)));
    this.activation = new Activation(this);
    this.firmware = new FirmwareUpgrade(this);
    this.router = new IsapiRouter(this, { auth: this.auth, ...this.endpoints() });
    this.lan = new LanServer(
      {
        handle: (req) => this.handleIsapi(req, { via: 'http' }),
        faults: () => this.state.faults,
        mayListen: () => this.state.faults.power === 'on' && !this.rebooting && this.state.faults.lan !== 'down',
        bound: (host, port) => this.bound(host, port),
      },
      state.host ?? '127.0.0.1',
      state.httpPort ?? 0,
    );
    this.faultTarget = this.makeFaultTarget();
  }

  /** What the router answers, in its order (see ./isapi/router.ts). */
  private endpoints(): Omit<RouterParts, 'auth'> {
    const axpro = this.axpro;
    return {
      open: axpro ? [(c) => this.activation.openEndpoint(c), (c) => axpro.sessions.openEndpoint(c)] : [(c) => this.activation.openEndpoint(c)],
      authenticated: axpro ? [(c) => axpro.route(c)] : [],
      routes: [
        ...systemRoutes(this, { startedAt: this.startedAt, upgrading: () => this.firmware.running }),
        ...networkRoutes(this),
        ...userRoutes(this),
        ...this.firmware.routes(),
        ...storageRoutes(this),
        ...channelRoutes(this),
        ...eventRoutes(this),
        ...motionDetectionRoutes(this),
        ...ioRoutes(this),
      ],
    };
  }

  private makeFaultTarget(): FaultTarget {
    return {
      device: this,
      axpro: this.axpro,
      forgetVolatile: () => {
        this.cloudRegistered = false;
        this.activation.reset();
        this.firmware.cancel();
        this.auth.guard.reset();
        this.axpro?.sessions.clear();
      },
      resetConnections: () => this.lan.resetConnections(),
      powerOff: async () => {
        this.rebooting = false;
        this.cloudRegistered = false;
        this.firmware.cancel();
        this.axpro?.sessions.clear();
        await this.lan.stop();
      },
      startListening: () => this.lan.start(),
      stopListening: () => this.lan.stop(),
    };
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
    return this.lan.host;
  }
  get httpPort(): number {
    return this.lan.port;
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
    return this.powered && this.state.faults.lan === 'up' && this.lan.attached;
  }
  get isLanAttached(): boolean {
    return this.lan.attached;
  }
  get adminUser(): StoredUser | undefined {
    return this.state.users.find((u) => u.userLevel.toLowerCase() === 'administrator') ?? this.state.users[0];
  }
  get ns(): string {
    return this.info.ns;
  }
  get clock(): () => number {
    return this.options.clock;
  }
  get guard(): LoginGuard {
    return this.auth.guard;
  }

  setCloudRegistered(registered: boolean): void {
    this.cloudRegistered = registered;
  }

  emitStatus(kind: string, data: Record<string, unknown> = {}): void {
    this.emit('status', { kind, serial: this.serial, ...data });
  }

  changed(): void {
    this.emit('change');
  }

  cloudConfigChanged(): void {
    this.emit('cloud-config');
  }

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  // ------------------------------------------------------------------ responses (for the handlers in ./isapi/)
  xml(status: number, body: string, headers: Record<string, string> = {}): IsapiResponse {
    return xmlResponse(status, body, headers);
  }

  jsonRes(status: number, value: unknown): IsapiResponse {
    return jsonResponse(status, value);
  }

  rs(c: Pick<IsapiContext, 'rawPath' | 'json'>, sub: string, extra: StatusExtra = {}): IsapiResponse {
    return statusResponse(this.ns, c, sub, extra);
  }

  ok(c: IsapiContext, extra: Partial<ResponseStatus> = {}): IsapiResponse {
    return this.rs(c, 'ok', extra);
  }

  loginFailed(user: string, counted: boolean, withChallenge = true): IsapiResponse {
    return this.auth.loginFailed(user, counted, withChallenge);
  }

  checkLoginPassword(c: IsapiContext, loginPassword: string | undefined): IsapiResponse | null {
    return checkLoginPassword(this, c, loginPassword);
  }

  addUser(c: IsapiContext, u: UserWrite, levels: string[]): IsapiResponse {
    return addUser(this, c, u, levels);
  }

  modifyUser(c: IsapiContext, id: number, u: UserWrite, levels: string[]): IsapiResponse {
    return modifyUser(this, c, id, u, levels);
  }

  deleteUser(c: IsapiContext, id: number): IsapiResponse {
    return deleteUser(this, c, id);
  }

  // ------------------------------------------------------------------ ISAPI, faults, lifecycle
  handleIsapi(req: IsapiRequest, ctx: { via: 'http' | 'cloud' }): Promise<IsapiResponse> {
    return this.router.handle(req, ctx.via);
  }

  /** Applies fault settings (control API and CLI). Throws VALIDATION_FAILED for invalid ones. */
  applyFaults(f: FaultSettings): Promise<void> {
    return applyFaults(this.faultTarget, f);
  }

  faultState(): FaultState {
    return { ...defaultFaults(), ...this.state.faults };
  }

  /** Power-cycle: offline for `rebootMs`, then back with pending firmware applied. */
  reboot(): void {
    if (this.rebooting || this.state.faults.power === 'off') return;
    this.rebooting = true;
    this.emitStatus('reboot');
    this.cloudConfigChanged();
    void this.lan.stop();
    this.later(this.options.rebootMs, () => void this.boot());
  }

  private async boot(): Promise<void> {
    this.rebooting = false;
    this.activation.reset();
    this.axpro?.sessions.clear();
    const installed = this.firmware.takeInstalled();
    if (installed) {
      this.state.firmwareVersion = installed.version;
      this.state.firmwareBuild = installed.build;
      delete this.state.firmwareBeforeFault;
      this.state.faults.firmwareIncompatible = false;
      this.emitStatus('firmwareChanged', { firmwareVersion: installed.version, build: installed.build });
      this.changed();
    }
    if (this.state.faults.power === 'on') await this.lan.start();
    this.cloudConfigChanged();
  }

  // ------------------------------------------------------------------ LAN
  /** Binds the device's HTTP server (once); later power/LAN changes reopen it on the same port. */
  async attachLan(host?: string, port?: number): Promise<void> {
    // Bound even when off, so the device has its port from the start; then closed if it is off.
    await this.lan.attach(host, port);
    if (this.state.faults.power === 'off' || this.state.faults.lan === 'down') await this.lan.stop();
  }

  private bound(host: string, port: number): void {
    if (this.state.httpPort === port && this.state.host === host) return;
    this.state.httpPort = port;
    this.state.host = host;
    this.changed();
  }

  /** Stops timers and the HTTP server (the fleet closes every device this way). */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.lan.close();
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
