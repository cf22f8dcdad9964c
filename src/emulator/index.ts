/**
 * The device emulator: virtual IP cameras, NVRs, AX Pro hubs and an unrecognisable device that
 * behave like real ones on the wire (ISAPI over HTTP with digest, SADP, device cloud).
 * See docs/emulator.md.
 */
import { VirtualDevice } from './device';
import type { DeviceOptions } from './options';
import { initialState, type DeviceSpec } from './state';

export { VirtualDevice } from './device';
export type { DeviceOptions } from './options';
export { FAULT_KEYS, type FaultSettings } from './faults';
export type { IsapiContext } from './isapi/context';
export { startFleet, fleetSpecs, describeDevice, hostFor, type Fleet, type FleetOptions, type DeviceDescription } from './fleet';
export { SadpResponder, probeMatchFor, type SadpResponderOptions } from './sadp-responder';
export { labelText, labelPng, LABEL_DOMAIN } from './label';
export { MODELS, INCOMPATIBLE_FIRMWARE, modelInfo, type ModelInfo } from './catalog';
export { initialState, defaultFaults, type DeviceSpec, type DeviceState, type FaultState, type StoredUser, type HddState, type ChannelState, type ZoneState, type ZoneCondition, type AxProState, type SubSystemState, type EventNotificationState, type MotionDetectionState } from './state';
export { buildFirmwarePackage, parseFirmwarePackage, type FirmwareHeader } from '../protocol/isapi/firmware-package';
export type { EmulatedDevice, EmulatedDeviceType, IsapiRequest, IsapiResponse } from './types';

/**
 * A new device from a spec (not yet on the network: call `await device.attachLan(host?, port?)`
 * to give it an HTTP server, `device.close()` to stop it).
 */
export function createDevice(spec: DeviceSpec, options?: DeviceOptions): VirtualDevice {
  return new VirtualDevice(initialState(spec), options);
}
