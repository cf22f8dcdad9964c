/**
 * Whether a device may be deleted from its site: the one place that decides (issue 16). The
 * product's rule (issue 17, decision 0015): while the site's owner has authorized the installer
 * company, deleting is refused, except devices added by IP/Domain (`added_via = 'direct'`). Who may
 * delete at all is the site policy's (site-policy.ts); this rule adds the site-state exception.
 * Pure: the caller reads the site (with its live authorization) and the device, the rule only decides.
 */
import type { ErrorCode } from '../../errors/catalogue';
import type { SiteRecord } from '../sites/site.repository';
import type { DeviceDto } from './device.schema';

export type DeleteVerdict = { allowed: true } | { allowed: false; reason: string; message: string; code?: ErrorCode };

export type DeleteRule = (site: SiteRecord, device: Pick<DeviceDto, 'id' | 'serial' | 'type' | 'addedVia' | 'siteId'>) => DeleteVerdict;

export const canDeleteDevice: DeleteRule = (site, device) => {
  if (site.authorizedPermissions === null || device.addedVia === 'direct') return { allowed: true };
  return {
    allowed: false,
    code: 'DEVICE_DELETE_SITE_AUTHORIZED',
    reason: 'site_authorized',
    message: 'This device cannot be deleted while the customer has authorized your company for the site: only devices added by IP address or domain can be.',
  };
};
