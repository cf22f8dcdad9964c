/**
 * What every ISAPI handler module sees: the request (`IsapiContext`) and the device as a
 * `DeviceCore` (its state and identity, the answers it gives, its events and timers).
 * `VirtualDevice` (../device.ts) implements `DeviceCore`; handler modules import this file and
 * never the device itself, so the device imports them without an import cycle.
 */
import type { ResponseStatus } from '../../protocol/isapi/response-status';
import type { ModelInfo } from '../catalog';
import type { LoginGuard } from '../digest';
import type { ResolvedDeviceOptions } from '../options';
import type { DeviceState, StoredUser } from '../state';
import type { EmulatedDeviceType, IsapiRequest, IsapiResponse } from '../types';

export interface IsapiContext {
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

/** Extras of a ResponseStatus answer: its fields, and `http` when the HTTP status is not the code's usual one. */
export type StatusExtra = Partial<ResponseStatus> & { http?: number };

export interface DeviceCore {
  readonly state: DeviceState;
  readonly info: ModelInfo;
  readonly type: EmulatedDeviceType;
  readonly serial: string;
  readonly shortSerial: string;
  readonly model: string;
  /** The LAN address (what the device reports as its IP address). */
  readonly host: string;
  /** The port the device's HTTP server listens on. */
  readonly httpPort: number;
  readonly ns: string;
  readonly clock: () => number;
  readonly options: ResolvedDeviceOptions;
  readonly adminUser: StoredUser | undefined;
  readonly guard: LoginGuard;
  readonly powered: boolean;
  readonly cloudLinkUp: boolean;
  readonly cloudRegisteredNow: boolean;
  setCloudRegistered(registered: boolean): void;

  xml(status: number, body: string, headers?: Record<string, string>): IsapiResponse;
  jsonRes(status: number, value: unknown): IsapiResponse;
  /** A ResponseStatus answer (XML, or JSON for `?format=json`). */
  rs(c: Pick<IsapiContext, 'rawPath' | 'json'>, sub: string, extra?: StatusExtra): IsapiResponse;
  ok(c: IsapiContext, extra?: Partial<ResponseStatus>): IsapiResponse;
  /** 401 with a `userCheck` body (attempts left, or the lock); `counted` adds a failure. */
  loginFailed(user: string, counted: boolean, withChallenge?: boolean): IsapiResponse;

  emitStatus(kind: string, data?: Record<string, unknown>): void;
  /** Persistent state changed (the fleet saves it). */
  changed(): void;
  /** Cloud settings or link changed (the cloud connector reconnects or disconnects). */
  cloudConfigChanged(): void;
  /** Runs `fn` after `ms` unless the device is closed first. */
  later(ms: number, fn: () => void): void;
  reboot(): void;
}
