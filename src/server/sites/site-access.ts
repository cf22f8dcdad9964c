/**
 * Who may see and manage a site: the facts (the caller's relation to the site, its custody state,
 * the owner's live authorization) are read here; the decision is the operation matrix in
 * site-policy.ts. Installer admins and manage-all installers relate to every site of their company,
 * manage-assigned installers to the sites they are assigned to, an end user to the sites they own.
 * A site of another company (or another end user's) is reported as not found, never as forbidden.
 */
import { AppError } from '../../errors/app-error';
import type { Actor } from '../auth/actor';
import type { SiteRecord, SiteRepository } from './site.repository';
import { sitePolicy, type SiteCustody, type SiteOperation, type SiteRelation } from './site-policy';

export function seesAllSites(actor: Actor): boolean {
  return actor.role === 'installer_admin' || (actor.role === 'installer' && actor.permission === 'manage_all');
}

export async function siteRelation(actor: Actor, site: SiteRecord, sites: Pick<SiteRepository, 'isAssigned'>): Promise<SiteRelation> {
  if (actor.role === 'end_user') return site.ownerUserId === actor.id ? 'owner' : 'other_end_user';
  if (site.companyId !== actor.companyId) return 'other_company';
  if (actor.role === 'installer_admin') return 'installer_admin';
  if (actor.permission === 'manage_all') return 'manage_all';
  return (await sites.isAssigned(site.id, actor.id)) ? 'assigned' : 'unassigned';
}

export const custodyOf = (site: SiteRecord): SiteCustody => ({
  handoverState: site.handoverState,
  authorization: site.authorizedPermissions ? { permissions: site.authorizedPermissions } : null,
});

/** The site, if the actor may do `op` on it (default: see it); a typed refusal otherwise. */
export async function requireSiteAccess(actor: Actor, siteId: string, sites: SiteRepository, forUpdate = false, op: SiteOperation = 'view_site'): Promise<SiteRecord> {
  const site = forUpdate ? await sites.findForUpdate(siteId) : await sites.find(siteId);
  if (!site) throw new AppError('SITE_NOT_FOUND');
  const verdict = sitePolicy(await siteRelation(actor, site, sites), custodyOf(site), op);
  if (!verdict.allowed) throw new AppError(verdict.code, verdict.message, verdict.hint ? { hint: verdict.hint } : undefined);
  return site;
}
