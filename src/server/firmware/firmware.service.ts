/**
 * Firmware packages and upgrade campaigns (issue 16): upload a package (parsed and checked with the
 * package parser, stored once per company by its SHA-256), then upgrade devices with it as a
 * campaign. A campaign is refused as a whole, with a code per device, when any device may not be
 * upgraded now: not configurable by the caller, health monitoring off (the monitoring gate),
 * offline, the package made for another model or larger than the device's transport carries (the
 * device cloud's and site agents' one-message cap), or already being upgraded. The devices' upgrades run
 * as jobs (campaign-runner.ts); a campaign's view is read from the database, so every node shows
 * the same progress.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../../errors/app-error';
import { firmwareFitsModel, parseFirmwarePackage } from '../../protocol/isapi/firmware-package';
import type { UnitOfWork } from '../db/unit-of-work';
import { companyOf, type Actor, type RequestMeta } from '../auth/actor';
import { requireSiteAccess } from '../sites/site-access';
import { monitoringGate } from '../health/health-policy';
import { firmwareTooLargeFor } from '../../device-client/device-client';
import { requestLimitFor } from '../devices/device-reach';
import type { PackageRecord } from './firmware.repository';

export interface PackageView {
  id: string;
  sha256: string;
  fileName: string;
  models: string[];
  version: string;
  build: string;
  size: number;
  createdAt: Date;
}

const packageView = (p: PackageRecord): PackageView => ({ id: p.id, sha256: p.sha256, fileName: p.fileName, models: p.models, version: p.version, build: p.build, size: p.size, createdAt: p.createdAt });

export interface RefusedDevice {
  deviceId: string;
  code: string;
  message: string;
  /** FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT: transport, maxBytes, packageBytes. */
  details?: Record<string, unknown>;
}

export interface CampaignDeviceView {
  deviceId: string;
  name: string;
  serial: string;
  siteId: string;
  state: string;
  percent: number;
  stage: string;
  attempts: number;
  fromVersion: string | null;
  firmwareVersion: string;
  reason: { code: string; message: string } | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface CampaignView {
  id: string;
  package: PackageView;
  createdAt: Date;
  createdBy: string | null;
  /** Every device succeeded or failed. */
  done: boolean;
  counts: Record<string, number>;
  devices: CampaignDeviceView[];
}

export class FirmwareService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ports: {
      /** Whether a device added through the device cloud is connected now. */
      cloudOnline: (serial: string) => boolean;
      /** Queue the runs of a new campaign. */
      started: () => Promise<void>;
    },
  ) {}

  // ---- packages ----------------------------------------------------------------------------------

  /** Installer admins: a package that parses (FIRMWARE_PACKAGE_INVALID otherwise), stored by its hash. */
  async upload(actor: Actor, fileName: string, content: Buffer, meta: RequestMeta): Promise<PackageView & { created: boolean }> {
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN');
    const companyId = companyOf(actor);
    let parsed;
    try {
      parsed = parseFirmwarePackage(content);
    } catch (e) {
      throw new AppError('FIRMWARE_PACKAGE_INVALID', isAppError(e) ? e.message : undefined);
    }
    const sha256 = createHash('sha256').update(content).digest('hex');
    const name = fileName.replace(/[^\x20-\x7e]/g, '_').slice(0, 200) || 'firmware.bin';
    const { pkg, created } = await this.uow.tx(async (r) => {
      const res = await r.firmware.insertPackage({ companyId, sha256, fileName: name, models: parsed.models, version: parsed.version, build: parsed.build, content, uploadedBy: actor.id });
      await r.audit.record({
        companyId, actorId: actor.id, actorEmail: actor.email, action: 'firmware.package.upload', targetType: 'firmware_package', targetId: res.pkg.id, outcome: 'success',
        details: { sha256, version: parsed.version, models: parsed.models, size: content.length, created: res.created }, correlationId: meta.correlationId,
      });
      return res;
    });
    return { ...packageView(pkg), created };
  }

  async packages(actor: Actor): Promise<PackageView[]> {
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN');
    return (await this.uow.read.firmware.listPackages(companyOf(actor))).map(packageView);
  }

  /** Installer admins: deletes a package's bytes; refused while a campaign still sends it. Audited. */
  async deletePackage(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    if (actor.role !== 'installer_admin') throw new AppError('FORBIDDEN');
    const companyId = companyOf(actor);
    await this.uow.tx(async (r) => {
      const outcome = await r.firmware.deletePackage(id, companyId, new Date());
      if (outcome === 'not_found') throw new AppError('FIRMWARE_PACKAGE_NOT_FOUND');
      if (outcome === 'in_use') throw new AppError('FIRMWARE_PACKAGE_IN_USE');
      await r.audit.record({ companyId, actorId: actor.id, actorEmail: actor.email, action: 'firmware.package.delete', targetType: 'firmware_package', targetId: id, outcome: 'success', details: {}, correlationId: meta.correlationId });
    });
  }

  // ---- campaigns ---------------------------------------------------------------------------------

  async create(actor: Actor, input: { packageId: string; deviceIds: string[] }, meta: RequestMeta): Promise<CampaignView> {
    const companyId = companyOf(actor);
    const ids = [...new Set(input.deviceIds)];
    const devices = await Promise.all(ids.map((id) => this.uow.read.devices.findWithSecrets(id)));
    const refused: RefusedDevice[] = [];
    const found: Array<NonNullable<(typeof devices)[number]>> = [];
    for (const [i, d] of devices.entries()) {
      if (!d || d.companyId !== companyId) refused.push({ deviceId: ids[i]!, code: 'DEVICE_NOT_FOUND_HERE', message: 'No such device in your company.' });
      else found.push(d);
    }
    // The caller must be allowed to configure every site (refused as a whole: 403 / 404).
    for (const siteId of new Set(found.map((d) => d.siteId))) await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'configure_device');
    const pkg = await this.uow.read.firmware.findPackage(input.packageId);
    if (!pkg || pkg.companyId !== companyId || pkg.deletedAt) throw new AppError('FIRMWARE_PACKAGE_NOT_FOUND');
    const running = new Set(await this.uow.read.firmware.devicesUpgrading(found.map((d) => d.id)));
    for (const d of found) {
      const gate = monitoringGate(d, 'firmware_upgrade');
      const tooLarge = firmwareTooLargeFor(requestLimitFor(d.addedVia), pkg.size);
      if (!gate.allowed) refused.push({ deviceId: d.id, code: gate.code, message: gate.reason });
      else if (d.status === 'offline' || (d.addedVia === 'cloud' && !this.ports.cloudOnline(d.serial))) refused.push({ deviceId: d.id, code: 'DEVICE_OFFLINE', message: 'The device is offline: it cannot be upgraded now.' });
      else if (!firmwareFitsModel(pkg, d.model)) refused.push({ deviceId: d.id, code: 'FIRMWARE_PACKAGE_WRONG_MODEL', message: `The package is for ${pkg.models.join(', ')}, not ${d.model}.` });
      else if (tooLarge) refused.push({ deviceId: d.id, code: tooLarge.code, message: tooLarge.message, details: tooLarge.details ?? {} });
      else if (running.has(d.id)) refused.push({ deviceId: d.id, code: 'FIRMWARE_UPGRADE_RUNNING', message: "An upgrade of this device's firmware is already running." });
      else if (d.addedVia === 'direct' && !d.credentialsSealed) refused.push({ deviceId: d.id, code: 'DEVICE_ADMIN_PASSWORD_NEEDED', message: 'Sitekeeper does not hold the admin password of this device.' });
    }
    if (refused.length > 0) {
      const first = refused[0]!;
      throw new AppError('FIRMWARE_CAMPAIGN_REFUSED', `${refused.length} of ${ids.length} devices cannot be upgraded now (first: ${first.code}).`, { details: { devices: refused } });
    }
    const id = randomUUID();
    await this.uow.tx(async (r) => {
      await r.firmware.createCampaign({ id, companyId, packageId: pkg.id, createdBy: actor.id }, found.map((d) => ({ deviceId: d.id, siteId: d.siteId, fromVersion: d.firmwareVersion })));
      await r.audit.record({
        companyId, actorId: actor.id, actorEmail: actor.email, action: 'firmware.campaign.create', targetType: 'firmware_campaign', targetId: id, outcome: 'success',
        details: { packageId: pkg.id, version: pkg.version, devices: found.length, sites: [...new Set(found.map((d) => d.siteId))] }, correlationId: meta.correlationId,
      });
    });
    await this.ports.started();
    return this.view(pkg, { id, createdAt: new Date(), createdBy: actor.id });
  }

  /** A campaign for a caller who sees every one of its devices' sites (CAMPAIGN_NOT_FOUND for another company's). */
  async campaign(actor: Actor, id: string): Promise<CampaignView> {
    const c = await this.uow.read.firmware.findCampaign(id);
    if (!c || c.companyId !== actor.companyId) throw new AppError('FIRMWARE_CAMPAIGN_NOT_FOUND');
    const pkg = await this.uow.read.firmware.findPackage(c.packageId);
    if (!pkg) throw new AppError('FIRMWARE_CAMPAIGN_NOT_FOUND');
    const view = await this.view(pkg, c);
    for (const siteId of new Set(view.devices.map((d) => d.siteId))) await requireSiteAccess(actor, siteId, this.uow.read.sites, false, 'view_devices');
    return view;
  }

  /** Installer admins: the company's campaigns; installers: the ones they started. */
  async campaigns(actor: Actor): Promise<Array<{ id: string; packageId: string; createdAt: Date; createdBy: string | null }>> {
    const all = await this.uow.read.firmware.listCampaigns(companyOf(actor));
    return all.filter((c) => actor.role === 'installer_admin' || c.createdBy === actor.id).map((c) => ({ id: c.id, packageId: c.packageId, createdAt: c.createdAt, createdBy: c.createdBy }));
  }

  /** The view of a campaign whose access was checked (the progress stream reads this). */
  async view(pkg: PackageRecord, c: { id: string; createdAt: Date; createdBy: string | null }): Promise<CampaignView> {
    const rows = await this.uow.read.firmware.campaignDevices(c.id);
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + 1;
    return {
      id: c.id,
      package: packageView(pkg),
      createdAt: c.createdAt,
      createdBy: c.createdBy,
      done: rows.every((r) => r.state === 'succeeded' || r.state === 'failed'),
      counts,
      devices: rows.map((r) => ({
        deviceId: r.deviceId, name: r.name, serial: r.serial, siteId: r.siteId, state: r.state, percent: r.percent, stage: r.stage, attempts: r.attempts, fromVersion: r.fromVersion,
        firmwareVersion: r.firmwareVersion, reason: r.reasonCode ? { code: r.reasonCode, message: r.reasonMessage ?? '' } : null, startedAt: r.startedAt, finishedAt: r.finishedAt,
      })),
    };
  }

  /** Re-read a campaign for a stream (access checked when it opened, and again on its own schedule). */
  async progressOf(id: string): Promise<CampaignView> {
    const c = await this.uow.read.firmware.findCampaign(id);
    const pkg = c ? await this.uow.read.firmware.findPackage(c.packageId) : undefined;
    if (!c || !pkg) throw new AppError('FIRMWARE_CAMPAIGN_NOT_FOUND');
    return this.view(pkg, c);
  }
}
