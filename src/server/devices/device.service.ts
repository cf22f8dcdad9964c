import { AppError } from '../../errors/app-error';
import type { UnitOfWork } from '../db/unit-of-work';
import type { Actor, RequestMeta } from '../auth/actor';
import { requireSiteAccess, seesAllSites } from '../sites/site-access';
import type { DeviceRecord } from './device.repository';
import type { SecretBox } from '../security/secret-box';
import { encodeSitekeeperQr, splitIntoParts, type SitekeeperDevice } from '../../protocol/qr';
import { renderQrSvg } from '../../qr-image/render';

export type DeviceView = Omit<DeviceRecord, 'companyId'>;

const view = ({ companyId: _c, ...rest }: DeviceRecord): DeviceView => rest;

export class DeviceService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly secrets: SecretBox,
  ) {}

  async listForSite(actor: Actor, siteId: string, q: { search?: string; status?: string; page: number; pageSize: number }) {
    await requireSiteAccess(actor, siteId, this.uow.read.sites);
    const r = await this.uow.read.devices.list({ companyId: actor.companyId, siteId, ...q });
    return { items: r.items.map(view), total: r.total, page: q.page, pageSize: q.pageSize };
  }

  async listAll(actor: Actor, q: { search?: string; status?: string; page: number; pageSize: number }) {
    if (actor.role === 'end_user') throw new AppError('FORBIDDEN');
    const r = await this.uow.read.devices.list({ companyId: actor.companyId, ...(seesAllSites(actor) ? {} : { assignedTo: actor.id }), ...q });
    return { items: r.items.map(view), total: r.total, page: q.page, pageSize: q.pageSize };
  }

  /** The device, if the actor may see its site. */
  private async accessible<T extends DeviceRecord>(actor: Actor, d: T | undefined): Promise<T> {
    if (!d || d.companyId !== actor.companyId) throw new AppError('DEVICE_NOT_FOUND_HERE');
    await requireSiteAccess(actor, d.siteId, this.uow.read.sites);
    return d;
  }

  async get(actor: Actor, id: string): Promise<DeviceView> {
    return view(await this.accessible(actor, await this.uow.read.devices.find(id)));
  }

  /**
   * "Generate Device QR Code": a Sitekeeper device QR that adds this device again (its label
   * fields, or its address and credentials), encrypted with the caller's password unless they ask
   * for a plain one explicitly. A plain code hands the device's verification code or admin
   * password to anyone who sees it: installer admins only (a refusal is audited too). Long codes
   * come in numbered parts. Audited; secrets never logged.
   */
  async qrCode(actor: Actor, id: string, opts: { password?: string | undefined; unencrypted?: boolean | undefined }, meta: RequestMeta): Promise<{ encrypted: boolean; parts: Array<{ text: string; svg: string }> }> {
    const d = await this.accessible(actor, await this.uow.read.devices.findWithSecrets(id));
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

  async remove(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    const d = await this.accessible(actor, await this.uow.read.devices.find(id));
    await this.uow.tx(async (r) => {
      await r.devices.delete(id);
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'device.delete', targetType: 'device', targetId: id, outcome: 'success', details: { serial: d.serial, siteId: d.siteId }, correlationId: meta.correlationId });
    });
  }
}
