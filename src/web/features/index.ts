/**
 * Every feature of the web app, in one list. A new feature (health, exceptions, firmware, site
 * handover, AX Pro accounts…) adds a folder exporting a FeatureModule and one line here.
 */
import { auditFeature } from './audit';
import { authFeature } from './auth';
import { devicesFeature } from './devices';
import { emailFeature } from './email';
import { endUserFeature } from './end-user';
import { exceptionsFeature } from './exceptions';
import { firmwareFeature } from './firmware';
import { healthFeature } from './health';
import { installersFeature } from './installers';
import { linkageFeature } from './linkage';
import { notificationsFeature } from './notifications';
import { scanFeature } from './scan';
import { sitesFeature } from './sites';
import type { FeatureModule } from './types';
import { webhooksFeature } from './webhooks';

export const features: readonly FeatureModule[] = [authFeature, scanFeature, sitesFeature, healthFeature, devicesFeature, installersFeature, notificationsFeature, exceptionsFeature, linkageFeature, webhooksFeature, emailFeature, firmwareFeature, auditFeature, endUserFeature];
