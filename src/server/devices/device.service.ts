import { AppError } from '../../errors/app-error';
import type { Repos, UnitOfWork } from '../db/unit-of-work';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { contestClaim } from './claims';
import { releaseClaim } from './claim-release';
import { companyOf, type Actor, type RequestMeta } from '../auth/actor';
import { requireSiteAccess, seesAllSites } from '../sites/site-access';
import type { SiteOperation } from '../sites/site-policy';
import type { DevicePage, DeviceRecord } from './device.repository';
import type { SecretBox } from '../security/secret-box';
import { encodeSitekeeperQr, splitIntoParts, type SitekeeperDevice } from '../../protocol/qr';
import { renderQrSvg } from '../../qr-image/render';
import type { CodeGuesser } from '../gateway/device-gateway';
import { canDeleteDevice, type DeleteRule } from './delete-rule';
import type { DeviceType } from './device-types';
import { compatibilityVerdict, type CompatibilityVerdict } from './firmware-catalogue';
import type { HostDevice } from '../onboarding/device-reach';

export type DeviceView = Omit<DeviceRecord, 'companyId'>;

/** The device cloud's binding of serials to issued device keys (the DeviceGateway). */
export interface CloudBinding {
  /** Forget the device key of a serial; true when it was bound. */
  resetBinding(serial: string): Promise<boolean>;
}

const view = ({ companyId: _c, ...rest }: DeviceRecord): DeviceView => rest;

/** What the device-claim routes need beyond the database (decision 0005). */
export interface ClaimPorts {
  /**
   * The full serial of the device whose own cloud registration accepts this verification code, or
   * null (wrong code, or no device registered under the serial: the two look the same).
   */
  /** `by`: the user disputing (per-user and per-company caps on wrong codes, besides the serial's). */
  provenSerial(serial: string, code: string, by?: CodeGuesser): Promise<string | null>;
  /** A domain event for the notifier was committed. */
  eventsRecorded(): void;
}

/**
 * Connects to a device by host and port as onboarding does (DeviceReach.identifyHost: the connect
 * policy routes it, directly or through the site's agent).
 */
export interface HostCheck {
  identifyHost(host: string, port: number, creds: { user: string; password: string }, siteId?: string): Promise<HostDevice>;
}

/** What the device options need beyond the database (issue 16). */
export interface DeviceOptionPorts {
  /** The delete rule (default: canDeleteDevice); tests pass a stub. */
  deleteRule?: DeleteRule;
  /** Reaching a device by address, for "edit device information". */
  hosts?: HostCheck;
}

/** New connection details for a device added by IP/Domain or from a multi-device code. */
export interface ConnectionEdit {
  name?: string | undefined;
  host: string;
  port: number;
  user: string;
  /** Absent: keep the stored password. */
  password?: string | undefined;
}

export type DisputeOutcome = 'released' | 'not_claimed' | 'yours' | 'claim_proven';
type ListQuery = { search?: string; status?: string; page: number; pageSize: number };

export class DeviceService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly secrets: SecretBox,
    private readonly claims: ClaimPorts = { provenSerial: async () => null, eventsRecorded: () => undefined },
    private readonly cloud?: CloudBinding,
    private readonly options: DeviceOptionPorts = {},
  ) {}

  /**
   * A site's devices. Access is settled by the list's own query where it can be: the page is read
   * with the actor's company (and, for a manage-assigned installer, their assignments) as filters,
   * so a non-empty list proves the site is theirs. Only an empty one reads the site to tell "no
   * devices" from "no such site" or "not yours" (requireSiteAccess, the same errors as before).
   */
  async listForSite(actor: Actor, siteId: string, q: ListQuery) {
    // The site's custody decides too (a handed-over site without authorization): read it first.
    await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_devices');
    const r = await this.uow.read.devices.list({ companyId: companyOf(actor), siteId, ...(seesAllSites(actor) ? {} : { assignedTo: actor.id }), ...q });
    return this.page(r, q);
  }

  async listAll(actor: Actor, q: ListQuery) {
    if (actor.role === 'end_user') throw new AppError('FORBIDDEN');
    const r = await this.uow.read.devices.list({ companyId: companyOf(actor), ...(seesAllSites(actor) ? {} : { assignedTo: actor.id }), ...q });
    return this.page(r, q);
  }

  private page(r: DevicePage, q: ListQuery) {
    return { items: r.items.map(view), total: r.total, ...(r.totalEstimated ? { totalEstimated: true } : {}), page: q.page, pageSize: q.pageSize };
  }

  /** The device, if the actor may see its site (the device row carries its company: a site read only for assignment). */
  private async accessible<T extends DeviceRecord>(actor: Actor, d: T | undefined, op: SiteOperation = 'view_devices'): Promise<T> {
    if (!d || d.companyId !== actor.companyId) throw new AppError('DEVICE_NOT_FOUND_HERE');
    await requireSiteAccess(actor, d.siteId, this.uow.read.sites, false, op);
    return d;
  }

  async get(actor: Actor, id: string): Promise<DeviceView> {
    return view(await this.accessible(actor, await this.uow.read.devices.find(id)));
  }

  /** The device's firmware against the compatibility catalogue (firmware-catalogue.ts). */
  async firmwareCompatibility(actor: Actor, id: string): Promise<CompatibilityVerdict & { firmwareVersion: string }> {
    const d = await this.accessible(actor, await this.uow.read.devices.find(id));
    return { firmwareVersion: d.firmwareVersion, ...compatibilityVerdict(d.model, d.firmwareVersion) };
  }

  /**
   * "Generate Device QR Code": a Sitekeeper device QR that adds this device again (its label
   * fields, or its address and credentials), encrypted with the caller's password unless they ask
   * for a plain one explicitly. A plain code hands the device's verification code or admin
   * password to anyone who sees it: installer admins only (a refusal is audited too). Long codes
   * come in numbered parts. Audited; secrets never logged.
   */
  async qrCode(actor: Actor, id: string, opts: { password?: string | undefined; unencrypted?: boolean | undefined }, meta: RequestMeta): Promise<{ encrypted: boolean; parts: Array<{ text: string; svg: string }> }> {
    const d = await this.accessible(actor, await this.uow.read.devices.findWithSecrets(id), 'configure_device');
    if (!opts.password && opts.unencrypted !== true) {
      throw new AppError('VALIDATION_FAILED', 'Choose a password for the device QR code (anyone who can read a plain code can add the device).', { hint: 'Send { "password": "…" } (at least 8 characters), or { "unencrypted": true } for a plain code.' });
    }
    const device: SitekeeperDevice = { name: d.name, serial: d.serial, ...(d.model ? { model: d.model } : {}) };
    if (d.verificationCodeSealed) device.verificationCode = this.secrets.open(d.verificationCodeSealed, `device-code:${d.serial}`);
    if (d.addedVia !== 'cloud' && d.host && d.credentialsSealed) {
      const creds = JSON.parse(this.secrets.open(d.credentialsSealed, `device:${d.serial}`)) as { user?: string; password?: string };
      Object.assign(device, { host: d.host, port: d.port ?? 80, ...(creds.user ? { user: creds.user } : {}), ...(creds.password ? { password: creds.password } : {}) });
    }
    if (!device.verificationCode && !device.host) throw new AppError('DEVICE_QR_UNAVAILABLE');
    const audit = (outcome: 'success' | 'failure', details: Record<string, unknown>) =>
      this.uow.read.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.qr.export', targetType: 'device', targetId: id, outcome,
        details: { serial: d.serial, encrypted: Boolean(opts.password), ...details }, correlationId: meta.correlationId,
      });
    if (!opts.password && actor.role !== 'installer_admin') {
      await audit('failure', { reason: 'plain_code_admin_only' });
      throw new AppError('DEVICE_QR_PLAIN_ADMIN_ONLY');
    }
    const text = encodeSitekeeperQr({ devices: [device], note: d.siteName }, opts.password ? { password: opts.password } : {});
    const texts = splitIntoParts(text);
    const parts = await Promise.all(texts.map(async (t) => ({ text: t, svg: await renderQrSvg(t) })));
    await audit('success', { parts: parts.length });
    return { encrypted: Boolean(opts.password), parts };
  }

  /**
   * "Reset cloud binding": the device cloud forgets the device's issued key, so its next hello goes
   * through registration again and it is bound again only after it proves its verification code
   * (issue 12, decision 0002). For a device that lost its key, was replaced, or was reset to factory
   * defaults. Audited with the serial; no secrets.
   */
  async resetCloudBinding(actor: Actor, id: string, meta: RequestMeta): Promise<{ serial: string; wasBound: boolean }> {
    const d = await this.accessible(actor, await this.uow.read.devices.find(id), 'configure_device');
    if (!this.cloud) throw new AppError('SERVICE_UNAVAILABLE');
    const cloud = this.cloud;
    // The binding lives in the device cloud's store, outside this unit of work (its own connection: on
    // the embedded database a write there would wait for this transaction). Reset first, then audit;
    // a failed reset writes no row.
    const wasBound = await cloud.resetBinding(d.serial);
    return this.uow.tx(async (r) => {
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.cloud_binding.reset', targetType: 'device', targetId: id, outcome: 'success',
        details: { serial: d.serial, siteId: d.siteId, wasBound }, correlationId: meta.correlationId,
      });
      return { serial: d.serial, wasBound };
    });
  }

  /**
   * Release this company's claim on a device (installer admins): the device leaves the company so
   * that another one can add it. Everything "Delete device" does (the delete rule, the device
   * cloud's binding released, a `device.deleted` event the AX Pro reconcile follows to take
   * Sitekeeper's accounts off a panel), audited as `device.release`, plus a `device.released` event.
   */
  async release(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN');
    await this.removeDevice(actor, id, meta, 'device.release');
  }

  /**
   * An installer admin disputes a claim made without proof (decision 0005): the device's own cloud
   * registration checks the verification code; a weak claim another company holds on the serial
   * is released (audited there as `device.claim_lost`, with a notification, never naming this
   * company), and the device can be added here as usual. A wrong code and an unknown serial fail
   * alike (VERIFICATION_CODE_INVALID). Audited here as `device.claim.dispute` either way.
   */
  async disputeClaim(actor: Actor, input: { serial: string; verificationCode: string }, meta: RequestMeta): Promise<{ serial: string; outcome: DisputeOutcome }> {
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN');
    const audit = (r: Pick<Repos, 'audit'>, outcome: 'success' | 'failure', details: Record<string, unknown>) =>
      r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.claim.dispute', targetType: 'device', targetId: input.serial, outcome, details: { serial: input.serial, ...details }, correlationId: meta.correlationId });
    const full = await this.claims.provenSerial(input.serial, input.verificationCode, { userId: actor.id, companyId: companyOf(actor) });
    if (!full) {
      await audit(this.uow.read, 'failure', { reason: 'code_not_proven' });
      throw new AppError('VERIFICATION_CODE_INVALID');
    }
    const outcome = await this.uow.tx(async (r): Promise<DisputeOutcome> => {
      const holder = await r.onboarding.deviceBySerial(full);
      let outcome: DisputeOutcome;
      if (!holder || holder.serial !== full) outcome = 'not_claimed';
      else if (holder.companyId === actor.companyId) outcome = 'yours';
      else if (contestClaim(holder.claimProof, 'code') === 'holder_keeps') outcome = 'claim_proven';
      else {
        await releaseClaim(r, holder, { reason: 'disputed', provenWith: 'code', correlationId: meta.correlationId });
        outcome = 'released';
      }
      await audit(r, 'success', { outcome });
      return outcome;
    });
    if (outcome === 'released') this.claims.eventsRecorded();
    return { serial: full, outcome };
  }

  /**
   * "Set type" for a device whose type was not recognised (or was chosen before): the type decides
   * which health checks apply (health/collect.ts familyOf) and which features are offered. Audited
   * with the old and new type.
   */
  async setType(actor: Actor, id: string, type: DeviceType, meta: RequestMeta): Promise<DeviceView> {
    const d = await this.accessible(actor, await this.uow.read.devices.find(id), 'configure_device');
    // The repository reads typeEditable with the rule of device-types.ts (typeEditable).
    if (!d.typeEditable) throw new AppError('DEVICE_TYPE_NOT_EDITABLE');
    await this.uow.tx(async (r) => {
      await r.devices.setType(id, type);
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.type.set', targetType: 'device', targetId: id, outcome: 'success',
        details: { serial: d.serial, siteId: d.siteId, old: d.type, new: type }, correlationId: meta.correlationId,
      });
    });
    return this.get(actor, id);
  }

  /**
   * "Edit device information" for a device reached by address (added by IP/Domain or from a
   * multi-device code): the new name, address, port, user and password are checked by connecting
   * to the device before anything is saved (the platform's connect policy, as onboarding). The
   * device that answers must be this one (same serial). On any failure the old values stay and the
   * typed error says what failed: DEVICE_UNREACHABLE, DEVICE_AUTH_FAILED, DEVICE_LOCKED,
   * DEVICE_NOT_ACTIVATED, DEVICE_NOT_SAME. Secrets sealed; the audit row names what changed, never
   * a password.
   */
  async editConnection(actor: Actor, id: string, input: ConnectionEdit, meta: RequestMeta): Promise<DeviceView> {
    const d = await this.accessible(actor, await this.uow.read.devices.findWithSecrets(id), 'configure_device');
    if (d.addedVia === 'cloud') throw new AppError('DEVICE_CONNECTION_NOT_EDITABLE');
    if (!this.options.hosts) throw new AppError('SERVICE_UNAVAILABLE');
    const old = d.credentialsSealed ? (JSON.parse(this.secrets.open(d.credentialsSealed, `device:${d.serial}`)) as { user?: string; password?: string }) : {};
    const password = input.password ?? old.password;
    if (!password) throw new AppError('VALIDATION_FAILED', 'Enter the device password: Sitekeeper holds none for this device.', { hint: 'Send the password of the device user.' });
    const name = input.name?.trim() || d.name;
    const changed = [
      ...(name !== d.name ? ['name'] : []),
      ...(input.host !== d.host ? ['host'] : []),
      ...(input.port !== d.port ? ['port'] : []),
      ...(input.user !== old.user ? ['user'] : []),
      ...(input.password !== undefined && input.password !== old.password ? ['password'] : []),
    ];
    const audit = (outcome: 'success' | 'failure', details: Record<string, unknown>) =>
      this.uow.read.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.connection.update', targetType: 'device', targetId: id, outcome,
        details: { serial: d.serial, siteId: d.siteId, changed, old: { name: d.name, host: d.host, port: d.port, user: old.user ?? null }, new: { name, host: input.host, port: input.port, user: input.user }, ...details },
        correlationId: meta.correlationId,
      });
    let found: HostDevice;
    try {
      found = await this.options.hosts.identifyHost(input.host, input.port, { user: input.user, password }, d.siteId);
    } catch (e) {
      await audit('failure', { reason: e instanceof AppError ? e.code : 'error' });
      throw e;
    }
    if (found.info.serialNumber !== d.serial) {
      await audit('failure', { reason: 'DEVICE_NOT_SAME' });
      throw new AppError('DEVICE_NOT_SAME', undefined, { details: { expectedSerial: d.serial } });
    }
    const credentialsSealed = this.secrets.seal(JSON.stringify({ user: input.user, password }), `device:${d.serial}`);
    await this.uow.tx(async (r) => {
      await r.devices.updateConnection(id, { name, host: input.host, port: input.port, addedVia: found.via, credentialsSealed });
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.connection.update', targetType: 'device', targetId: id, outcome: 'success',
        details: { serial: d.serial, siteId: d.siteId, changed, old: { name: d.name, host: d.host, port: d.port, user: old.user ?? null }, new: { name, host: input.host, port: input.port, user: input.user }, via: found.via },
        correlationId: meta.correlationId,
      });
    });
    return this.get(actor, id);
  }

  /**
   * "Delete device": asks the delete rule first (canDeleteDevice: the site's state decides, see
   * delete-rule.ts), then releases what Sitekeeper set up for the device in its cloud (the issued
   * key, its broker account, its registration: the device registers again if it is added again),
   * then, in one transaction, the audit row and a `device.deleted` event carrying what a later
   * reconcile needs (serial, type, site, company, how it was added, its address) are written before
   * the row and its sealed credentials go. A refusal is audited too.
   */
  async remove(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    await this.removeDevice(actor, id, meta, 'device.delete');
  }

  private async removeDevice(actor: Actor, id: string, meta: RequestMeta, action: 'device.delete' | 'device.release'): Promise<void> {
    const d = await this.accessible(actor, await this.uow.read.devices.find(id), 'delete_device');
    const site = await this.uow.read.sites.find(d.siteId);
    if (!site) throw new AppError('DEVICE_NOT_FOUND_HERE');
    const verdict = (this.options.deleteRule ?? canDeleteDevice)(site, d);
    if (!verdict.allowed) {
      await this.uow.read.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action, targetType: 'device', targetId: id, outcome: 'failure',
        details: { serial: d.serial, siteId: d.siteId, reason: verdict.reason }, correlationId: meta.correlationId,
      });
      throw new AppError(verdict.code ?? 'DEVICE_DELETE_REFUSED', verdict.message, { details: { reason: verdict.reason } });
    }
    // The cloud binding lives in the device cloud's store, outside this unit of work (see resetCloudBinding).
    const cloudReleased = this.cloud ? await this.cloud.resetBinding(d.serial) : false;
    await this.uow.tx(async (r) => {
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action, targetType: 'device', targetId: id, outcome: 'success',
        details: { serial: d.serial, siteId: d.siteId, type: d.type, addedVia: d.addedVia, cloudReleased, ...(action === 'device.release' ? { claimProof: d.claimProof } : {}) }, correlationId: meta.correlationId,
      });
      // An AX Pro's sealed credentials go with the event: the reconcile deletes the panel users Sitekeeper made with them (decision 0016).
      const credentialsSealed = d.type === 'axpro' ? ((await r.devices.findWithSecrets(id))?.credentialsSealed ?? null) : null;
      await r.events.append(actor.companyId, DOMAIN_EVENT_TYPES.deviceDeleted, {
        deviceId: id, companyId: companyOf(actor), siteId: d.siteId, serial: d.serial, type: d.type, model: d.model, name: d.name, addedVia: d.addedVia, host: d.host, port: d.port, cloudReleased, deletedBy: actor.id,
        credentialsSealed,
      });
      if (action === 'device.release') await r.events.append(actor.companyId, DOMAIN_EVENT_TYPES.deviceReleased, { deviceId: id, siteId: d.siteId, serial: d.serial, releasedBy: actor.id });
      await r.devices.delete(id);
    });
  }
}
