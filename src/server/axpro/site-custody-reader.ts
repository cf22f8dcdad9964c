/**
 * The AX Pro reconcile's view of a site's custody (decision 0015 → decision 0016): handover state and
 * owner from `sites`, and whether the owner's authorization of the installer company is in force now
 * (not revoked, not expired — expiry needs no event: the periodic reconcile sees it).
 */
import type { UnitOfWork } from '../db/unit-of-work';
import type { SiteCustodyReader } from './axpro-accounts.service';
import { NOT_HANDED_OVER } from './desired-accounts';

export function siteCustodyReader(uow: UnitOfWork): SiteCustodyReader {
  return {
    async custodyOf(siteId) {
      const site = await uow.read.sites.find(siteId);
      if (!site) return NOT_HANDED_OVER;
      const live = await uow.read.custody.liveAuthorization(siteId);
      return { state: site.handoverState, ownerUserId: site.ownerUserId, authorization: live ? 'active' : 'none' };
    },
  };
}
