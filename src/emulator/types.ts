/**
 * Contract between the emulated devices (src/emulator, HTTP/ISAPI side) and the device-cloud
 * connector that links an emulated device to the platform's MQTT gateway
 * (src/emulator/cloud-agent.ts). Keep both sides to this interface.
 */
import type { EventEmitter } from 'node:events';

export type EmulatedDeviceType = 'camera' | 'nvr' | 'axpro' | 'unknown';

export interface IsapiRequest {
  method: string;
  /** Path with query string, e.g. `/ISAPI/System/deviceInfo?format=json`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface IsapiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface EmulatedDevice extends EventEmitter {
  readonly type: EmulatedDeviceType;
  readonly serial: string;
  readonly shortSerial: string;
  readonly model: string;
  readonly mac: string;
  /** Current values (they change when the platform enables the cloud service, activates, …). */
  readonly verificationCode: string;
  readonly activated: boolean;
  readonly cloudEnabled: boolean;
  readonly firmwareVersion: string;
  /** False while the fault switchboard has the device powered off or its cloud link down. */
  readonly cloudLinkUp: boolean;
  /** The LAN address the device's ISAPI HTTP server listens on. */
  readonly host: string;
  readonly httpPort: number;
  /**
   * Handle one ISAPI request. `via: 'cloud'` requests come through the device cloud tunnel: the
   * cloud link itself is the authentication (as with the vendor cloud), so no digest challenge.
   */
  handleIsapi(req: IsapiRequest, ctx: { via: 'http' | 'cloud' }): Promise<IsapiResponse>;
  /** Tells the cloud connector whether it is registered (drives `registerStatus` in /Network/EZVIZ). */
  setCloudRegistered(registered: boolean): void;
  // Events emitted:
  //  'cloud-config'  () — cloudEnabled, verificationCode or cloudLinkUp changed: (re)connect or disconnect
  //  'status'        (event: { kind: string; [k: string]: unknown }) — status change or alarm to publish
}
