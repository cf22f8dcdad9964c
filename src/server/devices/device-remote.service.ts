/**
 * The device page's options that talk to the device itself (issue 16): "admin password needed"
 * (devices added by label and verification code come without one: given once, checked against the
 * device, kept sealed like the other device credentials), remote configuration of the common
 * settings (read from the device, written back, each change audited with old and new values), and
 * the installer admins' audited ISAPI pass-through. Every transport: the device cloud, the site
 * agent, or directly. Remote configuration needs a firmware the catalogue accepts for it
 * (FIRMWARE_INCOMPATIBLE otherwise) and the admin password (DEVICE_ADMIN_PASSWORD_NEEDED: a state).
 */
import { AppError, isAppError } from '../../errors/app-error';
import type { DeviceClient } from '../../device-client/device-client';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Actor, RequestMeta } from '../auth/actor';
import { requireSiteAccess } from '../sites/site-access';
import type { SecretBox } from '../security/secret-box';
import type { Credentials, DeviceReach } from '../onboarding/device-reach';
import type { DeviceRecord } from './device.repository';
import { requireFirmware } from './firmware-verdict';
import { checkIsapiRequest, ISAPI_MAX_RESPONSE_BYTES, type IsapiMethod, type IsapiPassthroughRequest } from './isapi-passthrough';
import { clientForDevice } from './device-reach';

type Reach = Pick<DeviceReach, 'cloudClient' | 'lanClient' | 'directClient'>;
export type Device = DeviceRecord & { credentialsSealed: string | null };

export interface DeviceNameConfig {
  deviceName: string;
}

export interface TimeSettings {
  timeMode: 'NTP' | 'manual';
  /** POSIX-style zone as devices use, e.g. `CST-1:00:00`. */
  timeZone: string;
  /** The device's clock when read. */
  localTime: string;
  ntp: { host: string; port: number; intervalMinutes: number };
}

export type ConfigArea = 'device-name' | 'time' | 'users' | 'channels' | 'recording' | 'network' | 'ports';

export class DeviceRemoteService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly secrets: SecretBox,
    private readonly reach: Reach,
  ) {}

  private async device(actor: Actor, id: string): Promise<Device> {
    const d = await this.uow.read.devices.findWithSecrets(id);
    if (!d || d.companyId !== actor.companyId) throw new AppError('DEVICE_NOT_FOUND_HERE');
    // Every option here configures the device: refused on a handed-over site the customer has not
    // authorized (or without the configuration permission), for installer admins too (decision 0015).
    await requireSiteAccess(actor, d.siteId, this.uow.read.sites, false, 'configure_device');
    return d;
  }

  private client(d: Device, creds: Credentials | null): DeviceClient {
    return clientForDevice(this.reach, d, creds);
  }

  private credentials(d: Device): Credentials | null {
    if (!d.credentialsSealed) return null;
    const c = JSON.parse(this.secrets.open(d.credentialsSealed, `device:${d.serial}`)) as { user?: unknown; password?: unknown };
    return typeof c.user === 'string' && typeof c.password === 'string' ? { user: c.user, password: c.password } : null;
  }

  /** The device with its admin credentials, for an option that needs them: DEVICE_ADMIN_PASSWORD_NEEDED otherwise. */
  private async withAdmin(actor: Actor, id: string): Promise<{ d: Device; client: DeviceClient }> {
    const d = await this.device(actor, id);
    const creds = this.credentials(d);
    if (!creds) throw new AppError('DEVICE_ADMIN_PASSWORD_NEEDED', undefined, { details: { deviceId: id } });
    return { d, client: this.client(d, creds) };
  }

  private audit(actor: Actor, d: Device, action: string, outcome: 'success' | 'failure', details: Record<string, unknown>, meta: RequestMeta) {
    return this.uow.read.audit.record({
      companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action, targetType: 'device', targetId: d.id, outcome,
      details: { serial: d.serial, siteId: d.siteId, ...details }, correlationId: meta.correlationId,
    });
  }

  /**
   * "Admin password needed": checks the password against the device (a no-op change of the admin
   * confirmed with it; directly, digest checks it too) and, only when it is right, stores it sealed
   * like the other device credentials. Wrong: DEVICE_AUTH_FAILED, nothing stored; locked:
   * DEVICE_LOCKED. Audited (never the password).
   */
  async setAdminPassword(actor: Actor, id: string, input: { user?: string | undefined; password: string }, meta: RequestMeta): Promise<{ deviceId: string; adminPasswordNeeded: false }> {
    const d = await this.device(actor, id);
    // A device reached by its address with credentials: they are its connection (edit them there).
    if (d.addedVia !== 'cloud' && d.credentialsSealed) throw new AppError('DEVICE_ADMIN_PASSWORD_HELD');
    const user = input.user ?? 'admin';
    const creds = { user, password: input.password };
    try {
      await this.client(d, creds).verifyAdminPassword(input.password);
    } catch (e) {
      await this.audit(actor, d, 'device.admin_password.set', 'failure', { user, via: d.addedVia, reason: isAppError(e) ? e.code : 'error' }, meta);
      throw e;
    }
    const sealed = this.secrets.seal(JSON.stringify(creds), `device:${d.serial}`);
    await this.uow.tx(async (r) => {
      await r.devices.setCredentials(id, sealed);
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.admin_password.set', targetType: 'device', targetId: id, outcome: 'success',
        details: { serial: d.serial, siteId: d.siteId, user, via: d.addedVia, replaced: d.credentialsSealed !== null }, correlationId: meta.correlationId,
      });
    });
    return { deviceId: id, adminPasswordNeeded: false };
  }

  // ---- remote configuration ----------------------------------------------------------------------

  /**
   * The device and an admin client for a remote-configuration area: site access with the configure
   * permission, a firmware accepted for remote configuration, the admin password. Each area's module
   * (device-config/*.ts) starts here and writes through `write`. `refuse` lets an area turn a device
   * away once access is settled, before the firmware and admin-password checks (e.g. an AX Pro for
   * device users, whose panel accounts are their own feature).
   */
  async forConfig(actor: Actor, id: string, refuse?: (d: Device) => void): Promise<{ d: Device; client: DeviceClient }> {
    const d = await this.device(actor, id);
    refuse?.(d);
    requireFirmware(d.firmwareVerdict, 'remote_configuration');
    return this.withAdmin(actor, id);
  }

  /**
   * The admin credentials Sitekeeper holds for a device `forConfig` returned: for areas whose changes
   * the device confirms with the admin's current password (`loginPassword`: device users). Never
   * audit, log or answer them.
   */
  adminCredentials(d: Device): Credentials {
    const creds = this.credentials(d);
    if (!creds) throw new AppError('DEVICE_ADMIN_PASSWORD_NEEDED', undefined, { details: { deviceId: d.id } });
    return creds;
  }

  async readDeviceName(actor: Actor, id: string): Promise<DeviceNameConfig> {
    const { client } = await this.forConfig(actor, id);
    return { deviceName: (await client.deviceInfo()).deviceName };
  }

  async writeDeviceName(actor: Actor, id: string, next: DeviceNameConfig, meta: RequestMeta): Promise<DeviceNameConfig> {
    const { d, client } = await this.forConfig(actor, id);
    const old = { deviceName: (await client.deviceInfo()).deviceName };
    await this.write(actor, d, 'device-name', old, next, () => client.setDeviceName(next.deviceName), meta);
    return { deviceName: (await client.deviceInfo()).deviceName };
  }

  async readTime(actor: Actor, id: string): Promise<TimeSettings> {
    const { client } = await this.forConfig(actor, id);
    return readTime(client);
  }

  async writeTime(actor: Actor, id: string, next: Omit<TimeSettings, 'localTime'>, meta: RequestMeta): Promise<TimeSettings> {
    const { d, client } = await this.forConfig(actor, id);
    const { localTime: _l, ...old } = await readTime(client);
    await this.write(actor, d, 'time', old, next, async () => {
      await client.setTime({ timeMode: next.timeMode, timeZone: next.timeZone });
      const host = next.ntp.host;
      const ip = /^[\d.]+$/.test(host) || host.includes(':');
      await client.setNtpServer({ id: 1, addressingFormatType: ip ? 'ipaddress' : 'hostname', ...(ip ? { ipAddress: host } : { hostName: host }), portNo: next.ntp.port, synchronizeInterval: next.ntp.intervalMinutes });
    }, meta);
    return readTime(client);
  }

  /** One audited change: old and new values (never a secret: leave passwords out of both), also when the device refuses it. */
  async write(actor: Actor, d: Device, area: ConfigArea, old: object, next: object, apply: () => Promise<void>, meta: RequestMeta): Promise<void> {
    try {
      await apply();
    } catch (e) {
      await this.audit(actor, d, 'device.config.update', 'failure', { area, old, new: next, reason: isAppError(e) ? e.code : 'error' }, meta);
      throw e;
    }
    await this.audit(actor, d, 'device.config.update', 'success', { area, old, new: next }, meta);
  }

  // ---- ISAPI pass-through ------------------------------------------------------------------------

  /**
   * Installer admins only: one ISAPI request from the allow-list (isapi-passthrough.ts) to the
   * device, body and answer size-capped; every call audited with its method, path and status (never
   * a body: they can hold passwords).
   */
  async isapi(actor: Actor, id: string, req: IsapiPassthroughRequest, meta: RequestMeta): Promise<{ status: number; contentType: string; body: string }> {
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN');
    const d = await this.device(actor, id);
    const checked = checkIsapiRequest(req);
    if (!checked.ok) {
      await this.audit(actor, d, 'device.isapi', 'failure', { method: req.method, path: req.path.slice(0, 200), reason: checked.reason }, meta);
      throw new AppError(checked.code, undefined, { details: { reason: checked.reason } });
    }
    let client: DeviceClient;
    try {
      ({ client } = await this.withAdmin(actor, id));
    } catch (e) {
      await this.audit(actor, d, 'device.isapi', 'failure', { method: req.method, path: checked.path, reason: isAppError(e) ? e.code : 'error' }, meta);
      throw e;
    }
    try {
      const res = await client.passthrough(req.method as IsapiMethod, checked.path, req.body);
      if (res.body.length > ISAPI_MAX_RESPONSE_BYTES) {
        await this.audit(actor, d, 'device.isapi', 'failure', { method: req.method, path: checked.path, status: res.status, reason: 'response_too_large', bytes: res.body.length }, meta);
        throw new AppError('DEVICE_BODY_TOO_LARGE', `The device's answer is larger than the pass-through returns (${ISAPI_MAX_RESPONSE_BYTES} bytes).`);
      }
      await this.audit(actor, d, 'device.isapi', 'success', { method: req.method, path: checked.path, status: res.status }, meta);
      return { status: res.status, contentType: res.contentType, body: res.body.toString('utf8') };
    } catch (e) {
      if (isAppError(e, 'DEVICE_BODY_TOO_LARGE')) throw e;
      await this.audit(actor, d, 'device.isapi', 'failure', { method: req.method, path: checked.path, reason: isAppError(e) ? e.code : 'error' }, meta);
      throw e;
    }
  }
}

async function readTime(client: DeviceClient): Promise<TimeSettings> {
  const [t, n] = await Promise.all([client.time(), client.ntpServer()]);
  return {
    timeMode: t.timeMode === 'manual' ? 'manual' : 'NTP',
    timeZone: t.timeZone ?? '',
    localTime: t.localTime ?? '',
    ntp: { host: (n.addressingFormatType === 'ipaddress' ? n.ipAddress : n.hostName) ?? '', port: n.portNo, intervalMinutes: n.synchronizeInterval },
  };
}
