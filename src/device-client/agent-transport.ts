/**
 * Site-agent transport: ISAPI to a LAN device (host:port + credentials) through a site agent
 * connected to the platform (AgentHub). This is how real devices on a customer's LAN are reached.
 */
import type { HttpTarget } from './http-transport';
import { MAX_TUNNEL_BODY_BYTES } from '../protocol/tunnel/envelope';
import type { IsapiRequest, IsapiResponse, IsapiTransport, RequestLimit } from './transport';

/** The part of AgentHub this transport uses (a fake in unit tests). */
export interface AgentRouter {
  isapi(agentId: string, target: HttpTarget, req: IsapiRequest): Promise<IsapiResponse>;
}

export class AgentTransport implements IsapiTransport {
  readonly target: string;
  readonly deviceKey: string;
  /** One tunnel message per request (docs/decisions/0018-firmware-campaigns.md, "Transports"). */
  readonly requestLimit: RequestLimit = { transport: 'agent', maxBytes: MAX_TUNNEL_BODY_BYTES };

  constructor(
    private readonly hub: AgentRouter,
    private readonly agentId: string,
    private readonly device: HttpTarget,
    private readonly opts: { timeoutMs?: number } = {},
  ) {
    const port = device.port ?? (device.https ? 443 : 80);
    this.target = `agent:${agentId}/${device.host}:${port}`;
    this.deviceKey = `agent:${agentId}/${device.host}:${port}`;
  }

  request(req: IsapiRequest): Promise<IsapiResponse> {
    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs;
    return this.hub.isapi(this.agentId, this.device, timeoutMs === undefined ? req : { ...req, timeoutMs });
  }
}
