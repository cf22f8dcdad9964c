import type { DeviceAddedVia } from '../db/schema';

/** What reaching a device takes (its site, how it was added, its address and sealed credentials): read by the health poller and the AX Pro reconcile. */
export interface DeviceReachFields {
  companyId: string;
  siteId: string;
  serial: string;
  type: string;
  addedVia: DeviceAddedVia;
  host: string | null;
  port: number | null;
  credentialsSealed: string | null;
}
