/**
 * Whether a device may be deleted from its site: the one place that decides (issue 16). The sites
 * issue fills in the rule "deleting is not supported while the site is authorized, except devices
 * added by IP/Domain" from the site's state; until then every delete is allowed. Pure: the caller
 * reads the site and the device, the rule only decides.
 */
import type { SiteRecord } from '../sites/site.repository';
import type { DeviceDto } from './device.schema';

export type DeleteVerdict = { allowed: true } | { allowed: false; reason: string; message: string };

export type DeleteRule = (site: SiteRecord, device: Pick<DeviceDto, 'id' | 'serial' | 'type' | 'addedVia' | 'siteId'>) => DeleteVerdict;

export const canDeleteDevice: DeleteRule = () => ({ allowed: true });
