/**
 * How ISAPI requests reach a device. Three implementations: direct HTTP with digest
 * (http-transport.ts), the device-cloud tunnel over MQTT (cloud-transport.ts) and a site agent
 * (agent-transport.ts). A transport moves bytes and reports failures it sees on the way
 * (offline, timeout) as AppErrors; it does not interpret ISAPI answers — DeviceClient does.
 */

export interface IsapiRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path with query string, e.g. `/ISAPI/System/deviceInfo` or `/ISAPI/SecurityCP/status/zones?format=json`. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Overall deadline for this request, including digest round trips. */
  timeoutMs?: number;
}

export interface IsapiResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface IsapiTransport {
  /** Short description for errors and logs, e.g. `http://127.0.0.1:8001` or `cloud:DS-…`. Never a secret. */
  readonly target: string;
  /** Key under which DeviceClient bounds concurrency (one device = one key, whatever the transport). */
  readonly deviceKey: string;
  /**
   * The largest request body this transport carries, when it has a limit of its own: the device
   * cloud and site agents send a request as one tunnel message (MAX_TUNNEL_BODY_BYTES). Absent for
   * direct HTTP (the device decides, answering 413).
   */
  readonly requestLimit?: RequestLimit;
  request(req: IsapiRequest): Promise<IsapiResponse>;
  close?(): Promise<void>;
}

/** A transport's own cap on request bodies, and which transport it is (for errors). */
export interface RequestLimit {
  transport: 'cloud' | 'agent';
  maxBytes: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Largest answer body a transport accepts (firmware goes up, never down). */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Normalize header maps (lower-case names; joined arrays). */
export function normalizeHeaders(h: Record<string, string | string[] | number | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}
