/**
 * Cloud tunnel transport: ISAPI to a device registered with the device cloud, by serial, through
 * the platform's broker (DeviceGateway.request). Works from any API node.
 */
import { MAX_TUNNEL_BODY_BYTES } from '../protocol/tunnel/envelope';
import type { IsapiRequest, IsapiResponse, IsapiTransport, RequestLimit } from './transport';

/** The part of DeviceGateway this transport uses (a fake in unit tests). */
export interface CloudRouter {
  request(serial: string, req: IsapiRequest): Promise<IsapiResponse>;
}

export class CloudTransport implements IsapiTransport {
  readonly target: string;
  readonly deviceKey: string;
  /** One tunnel message per request (docs/decisions/0018-firmware-campaigns.md, "Transports"). */
  readonly requestLimit: RequestLimit = { transport: 'cloud', maxBytes: MAX_TUNNEL_BODY_BYTES };

  constructor(
    private readonly router: CloudRouter,
    private readonly serial: string,
    private readonly opts: { timeoutMs?: number } = {},
  ) {
    this.target = `cloud:${serial}`;
    this.deviceKey = `serial:${serial}`;
  }

  request(req: IsapiRequest): Promise<IsapiResponse> {
    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs;
    return this.router.request(this.serial, timeoutMs === undefined ? req : { ...req, timeoutMs });
  }
}
