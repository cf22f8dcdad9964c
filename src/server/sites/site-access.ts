/**
 * Who may see and manage a site. Installer admins and manage-all installers: every site of their
 * company. Manage-assigned installers: the sites they are assigned to. End users: none of the
 * installer-side site routes (their own views come with site handover).
 * A site of another company is reported as not found, never as forbidden.
 */
import { AppError } from '../../errors/app-error';
import type { Actor } from '../auth/actor';
import type { SiteRecord, SiteRepository } from './site.repository';

export function seesAllSites(actor: Actor): boolean {
  return actor.role === 'installer_admin' || (actor.role === 'installer' && actor.permission === 'manage_all');
}

export async function requireSiteAccess(actor: Actor, siteId: string, sites: SiteRepository, forUpdate = false): Promise<SiteRecord> {
  const site = forUpdate ? await sites.findForUpdate(siteId) : await sites.find(siteId);
  if (!site || site.companyId !== actor.companyId) throw new AppError('SITE_NOT_FOUND');
  if (actor.role === 'end_user') throw new AppError('FORBIDDEN');
  if (!seesAllSites(actor) && !(await sites.isAssigned(siteId, actor.id))) {
    throw new AppError('FORBIDDEN', 'You are not assigned to this site.', { hint: 'Ask your installer admin to assign you to the site.' });
  }
  return site;
}
