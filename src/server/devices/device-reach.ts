import { AppError } from '../../errors/app-error';
import type { DeviceClient } from '../../device-client/device-client';
import type { RequestLimit } from '../../device-client/transport';
import { MAX_TUNNEL_BODY_BYTES } from '../../protocol/tunnel/envelope';
import type { DeviceAddedVia } from '../db/schema';
import type { Credentials, DeviceReach } from '../onboarding/device-reach';

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

/**
 * A client for an added device over the way it was added — the device cloud, the site's agent, or
 * straight from the server — the one place the health poller, the AX Pro reconcile and the device
 * options choose it. Throws DEVICE_UNREACHABLE (no address) or DEVICE_ADMIN_PASSWORD_NEEDED (a direct
 * device without stored credentials); callers that skip such devices catch those.
 */
export function clientForDevice(
  reach: Pick<DeviceReach, 'cloudClient' | 'lanClient' | 'directClient'>,
  d: Pick<DeviceReachFields, 'serial' | 'siteId' | 'host' | 'port'> & { addedVia: string },
  creds: Credentials | null,
): DeviceClient {
  if (d.addedVia === 'cloud') return reach.cloudClient(d.serial);
  if (!d.host || !d.port) throw new AppError('DEVICE_UNREACHABLE');
  if (d.addedVia === 'agent') return reach.lanClient(d.host, d.port, creds ?? undefined, d.siteId);
  if (!creds) throw new AppError('DEVICE_ADMIN_PASSWORD_NEEDED');
  return reach.directClient(d.host, d.port, creds);
}

/**
 * The request-size cap of the transport clientForDevice picks for a device added this way (the
 * `requestLimit` of the client it would build), known without building one: the device cloud and
 * site agents carry one tunnel message per request; direct HTTP has no cap of Sitekeeper's own.
 */
export function requestLimitFor(addedVia: string): RequestLimit | undefined {
  if (addedVia === 'cloud') return { transport: 'cloud', maxBytes: MAX_TUNNEL_BODY_BYTES };
  if (addedVia === 'agent') return { transport: 'agent', maxBytes: MAX_TUNNEL_BODY_BYTES };
  return undefined;
}
