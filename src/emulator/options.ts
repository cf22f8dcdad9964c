/** How an emulated device behaves in time (tests shorten it): nonces, lockout, reboot, upgrade, clock. */
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

export type ResolvedDeviceOptions = Required<DeviceOptions>;

export function resolveDeviceOptions(options: DeviceOptions): ResolvedDeviceOptions {
  return {
    nonceTtlMs: options.nonceTtlMs ?? 5 * 60_000,
    maxFailedLogins: options.maxFailedLogins ?? 7,
    lockMs: options.lockMs ?? 30 * 60_000,
    rebootMs: options.rebootMs ?? 3000,
    upgradeMs: options.upgradeMs ?? 4000,
    clock: options.clock ?? Date.now,
  };
}
