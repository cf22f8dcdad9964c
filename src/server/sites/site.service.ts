import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../lib/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import { companyOf, type Actor, type RequestMeta } from '../auth/actor';
import type { SiteRecord } from './site.repository';
import { requireSiteAccess, seesAllSites } from './site-access';

export interface SiteView {
  id: string;
  name: string;
  address: string;
  timeZone: string;
  createdAt: Date;
  updatedAt: Date;
}

const view = (s: SiteRecord): SiteView => ({ id: s.id, name: s.name, address: s.address, timeZone: s.timeZone, createdAt: s.createdAt, updatedAt: s.updatedAt });

/** An IANA zone name or alias: area/location like Europe/Paris, or a bare name like UTC; never a UTC offset. */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * The time zone as it should be stored, or null when it is not an IANA zone the server's time zone
 * database knows. Names are matched without regard to case ("europe/paris" → "Europe/Paris");
 * aliases stay as typed (US/Eastern), since they are still IANA names.
 */
export function ianaTimeZone(tz: string): string | null {
  const name = tz.trim();
  if (!IANA_NAME.test(name)) return null;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  return canonical.toLowerCase() === name.toLowerCase() ? canonical : name;
}

function checkTimeZone(tz: string | undefined): string | undefined {
  if (tz === undefined) return undefined;
  const zone = ianaTimeZone(tz);
  if (!zone) throw new AppError('SITE_TIME_ZONE_INVALID', `"${tz}" is not an IANA time zone.`, { details: { field: 'timeZone' } });
  return zone;
}

export class SiteService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, q: { search?: string; page: number; pageSize: number }) {
    if (actor.role === 'end_user') throw new AppError('FORBIDDEN');
    const { sites, devices } = this.uow.read;
    const r = await sites.list({ companyId: companyOf(actor), ...(seesAllSites(actor) ? {} : { assignedTo: actor.id }), ...q });
    const counts = await devices.countBySite(r.items.map((s) => s.id));
    return { items: r.items.map((s) => ({ ...view(s), deviceCount: counts.get(s.id) ?? 0 })), total: r.total, page: q.page, pageSize: q.pageSize };
  }

  async get(actor: Actor, id: string): Promise<SiteView> {
    return view(await requireSiteAccess(actor, id, this.uow.read.sites));
  }

  async create(actor: Actor, input: { name: string; address?: string; timeZone?: string }, meta: RequestMeta): Promise<SiteView> {
    if (!seesAllSites(actor)) throw new AppError('FORBIDDEN', 'Only the installer admin and installers who manage all sites can create sites.');
    const timeZone = checkTimeZone(input.timeZone) ?? 'UTC';
    return this.uow.tx(async (r) => {
      const site = await r.sites.create({ companyId: companyOf(actor), name: input.name.trim(), address: input.address?.trim() ?? '', timeZone, now: this.clock.now() });
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site.create', targetType: 'site', targetId: site.id, outcome: 'success', details: { name: site.name }, correlationId: meta.correlationId });
      return view(site);
    });
  }

  async update(actor: Actor, id: string, patch: { name?: string; address?: string; timeZone?: string }, meta: RequestMeta): Promise<SiteView> {
    const timeZone = checkTimeZone(patch.timeZone);
    return this.uow.tx(async (r) => {
      const before = await requireSiteAccess(actor, id, r.sites, true, 'edit_site');
      await r.sites.update(id, { ...patch, ...(patch.name !== undefined ? { name: patch.name.trim() } : {}), ...(timeZone !== undefined ? { timeZone } : {}) }, this.clock.now());
      const after = (await r.sites.find(id))!;
      await r.audit.record({
        companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site.update', targetType: 'site', targetId: id, outcome: 'success',
        details: { before: { name: before.name, address: before.address, timeZone: before.timeZone }, after: patch }, correlationId: meta.correlationId,
      });
      return view(after);
    });
  }

  async remove(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
    await this.uow.tx(async (r) => {
      const site = await requireSiteAccess(actor, id, r.sites, true, 'delete_site');
      await r.sites.delete(id);
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site.delete', targetType: 'site', targetId: id, outcome: 'success', details: { name: site.name }, correlationId: meta.correlationId });
    });
  }

  async listInstallers(actor: Actor, id: string) {
    await requireSiteAccess(actor, id, this.uow.read.sites);
    const ids = new Set(await this.uow.read.sites.listInstallerIds(id));
    const all = await this.uow.read.users.listInstallers(companyOf(actor));
    return all.filter((u) => ids.has(u.id)).map((u) => ({ id: u.id, email: u.email, name: u.name, permission: u.permission ?? 'manage_assigned', disabled: u.disabled, createdAt: u.createdAt }));
  }

  async assignInstallers(actor: Actor, id: string, installerIds: string[], meta: RequestMeta) {
    await this.uow.tx(async (r) => {
      await requireSiteAccess(actor, id, r.sites, true, 'manage_installers');
      const installers = new Set((await r.users.listInstallers(companyOf(actor))).map((u) => u.id));
      const unknown = installerIds.filter((i) => !installers.has(i));
      if (unknown.length > 0) throw new AppError('INSTALLER_NOT_FOUND', undefined, { details: { installerIds: unknown } });
      const before = await r.sites.listInstallerIds(id);
      await r.sites.setInstallers(id, [...new Set(installerIds)]);
      const after = new Set(installerIds);
      const added = [...after].filter((i) => !before.includes(i));
      const removed = before.filter((i) => !after.has(i));
      if (added.length > 0 || removed.length > 0) await r.events.append(companyOf(actor), DOMAIN_EVENT_TYPES.siteInstallersChanged, { siteId: id, added, removed });
      await r.audit.record({ companyId: actor.companyId, actorId: actor.id, actorEmail: actor.email, action: 'site.installers.set', targetType: 'site', targetId: id, outcome: 'success', details: { before, after: installerIds }, correlationId: meta.correlationId });
    });
    return this.listInstallers(actor, id);
  }
}
