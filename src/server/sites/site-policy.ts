/**
 * The site operation matrix (issue 17, decision 0015): who may do what on a site, from the caller's
 * relation to the site, the site's custody state and the owner's live authorization. The one place
 * that decides; `requireSiteAccess` (site-access.ts) reads the facts and asks it. Pure: table-tested
 * in site-policy.test.ts.
 *
 * Before handover (and while an invitation is out) the installer company manages the site as it
 * always did. Once handed over, the end user owns it: the company still sees the site (to be asked
 * for service) and who has access, but touches its devices only while the owner authorizes it, and
 * changes anything only with the `configuration` permission.
 */
import type { ErrorCode } from '../../errors/catalogue';
import type { HandoverState, SitePermission } from '../db/schema';

export const SITE_OPERATIONS = [
  'view_site',
  'edit_site',
  'delete_site',
  'add_device',
  'delete_device',
  'configure_device',
  'view_devices',
  'invite_end_user',
  'manage_authorization',
  'view_access',
  'manage_installers',
  // Watching the cameras live and playing recordings back. No route streams video yet: these are
  // ready for when one does (decision 0015), and the matrix already says who may.
  'live_view',
  'playback',
] as const;
export type SiteOperation = (typeof SITE_OPERATIONS)[number];

/** The caller's relation to the site. */
export const SITE_RELATIONS = ['installer_admin', 'manage_all', 'assigned', 'unassigned', 'owner', 'other_end_user', 'other_company'] as const;
export type SiteRelation = (typeof SITE_RELATIONS)[number];

export interface SiteCustody {
  handoverState: HandoverState;
  /** The owner's live grant (not revoked, not expired), or null. */
  authorization: { permissions: SitePermission[] } | null;
}

export type PolicyVerdict = { allowed: true } | { allowed: false; code: ErrorCode; message?: string; hint?: string };

const ALLOW: PolicyVerdict = { allowed: true };
const deny = (code: ErrorCode, message?: string, hint?: string): PolicyVerdict => ({ allowed: false, code, ...(message ? { message } : {}), ...(hint ? { hint } : {}) });

/** What an owner does in the end-user app; everything else on their site is the installer company's work. */
const OWNER_OPERATIONS: ReadonlySet<SiteOperation> = new Set(['view_site', 'view_devices', 'manage_authorization', 'view_access', 'live_view', 'playback']);
/**
 * With a handed-over site, the permission of the owner's authorization each operation needs:
 * changes to the site or its devices need `configuration` (remote configuration, the ISAPI
 * pass-through, the admin password, health monitoring, the device QR, delete — every device route
 * that changes or reveals its configuration asks for configure_device or delete_device); live view
 * and playback their own permission.
 */
const NEEDS_PERMISSION: Partial<Record<SiteOperation, SitePermission>> = {
  edit_site: 'configuration',
  add_device: 'configuration',
  delete_device: 'configuration',
  configure_device: 'configuration',
  live_view: 'live_view',
  playback: 'playback',
};
const PERMISSION_WORDS: Record<SitePermission, string> = { configuration: 'configuration', live_view: 'live view', playback: 'playback' };

export function sitePolicy(relation: SiteRelation, custody: SiteCustody, op: SiteOperation): PolicyVerdict {
  if (relation === 'other_company' || relation === 'other_end_user') return deny('SITE_NOT_FOUND');
  if (relation === 'owner') {
    return OWNER_OPERATIONS.has(op) ? ALLOW : deny('FORBIDDEN', 'This is done by your installer company.', 'Authorize your installer company for the site in the Sitekeeper app, then ask them.');
  }
  // Installer side.
  if (relation === 'unassigned') return deny('FORBIDDEN', 'You are not assigned to this site.', 'Ask your installer admin to assign you to the site.');
  if (op === 'manage_authorization') return deny('FORBIDDEN', 'Only the site\'s owner grants or revokes access to it.', 'Ask the customer to authorize your company in the Sitekeeper app.');
  if (op === 'manage_installers' && relation !== 'installer_admin') return deny('FORBIDDEN', 'Only the installer admin can assign installers to sites.');
  if (op === 'delete_site' && relation === 'assigned') return deny('FORBIDDEN', 'Only the installer admin and installers who manage all sites can delete sites.');
  if (custody.handoverState !== 'handed_over') return ALLOW;

  // Handed over: the customer owns the site.
  if (op === 'view_site' || op === 'view_access' || op === 'manage_installers') return ALLOW;
  if (op === 'invite_end_user' || op === 'delete_site') {
    return deny('SITE_HANDED_OVER', op === 'delete_site' ? 'This site belongs to its customer: it cannot be deleted by the installer company.' : 'This site has already been handed over to its customer.');
  }
  if (!custody.authorization) return deny('SITE_NOT_AUTHORIZED');
  const needed = NEEDS_PERMISSION[op];
  if (needed && !custody.authorization.permissions.includes(needed)) {
    const words = PERMISSION_WORDS[needed];
    return deny('SITE_PERMISSION_MISSING', `The customer's authorization does not include ${words}.`, `Ask the customer to add the ${words} permission in the Sitekeeper app.`);
  }
  return ALLOW;
}
