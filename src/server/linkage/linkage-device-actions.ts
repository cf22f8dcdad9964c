/**
 * Runs a linkage rule's device action on its target device over whichever transport reaches it
 * (the device cloud, the site's agent, or directly with its sealed credentials), as the device
 * page's remote options do (src/server/devices/device-remote.service.ts). Only the fixed list of
 * operations (linkage-rules.ts DEVICE_OPERATIONS) exists here; nothing else can be sent.
 */
import { AppError } from '../../errors/app-error';
import type { UnitOfWork } from '../db/unit-of-work';
import type { SecretBox } from '../security/secret-box';
import type { Credentials, DeviceReach } from '../onboarding/device-reach';
import type { DeviceOperation } from './linkage-rules';
import { clientForDevice } from '../devices/device-reach';

type Reach = Pick<DeviceReach, 'cloudClient' | 'lanClient' | 'directClient'>;

export interface DeviceActionRequest {
  deviceId: string;
  operation: DeviceOperation;
  channel?: number | undefined;
  output?: number | undefined;
}

/** Runs one device action; throws the device's typed error when it fails. */
export type RunDeviceAction = (a: DeviceActionRequest) => Promise<void>;

export function linkageDeviceActions(uow: UnitOfWork, secrets: SecretBox, reach: Reach): RunDeviceAction {
  const credentials = (serial: string, sealed: string | null): Credentials | null => {
    if (!sealed) return null;
    const c = JSON.parse(secrets.open(sealed, `device:${serial}`)) as { user?: unknown; password?: unknown };
    return typeof c.user === 'string' && typeof c.password === 'string' ? { user: c.user, password: c.password } : null;
  };
  return async (a) => {
    const d = await uow.read.devices.findWithSecrets(a.deviceId);
    if (!d) throw new AppError('DEVICE_NOT_FOUND_HERE');
    const client = clientForDevice(reach, d, credentials(d.serial, d.credentialsSealed));
    switch (a.operation) {
      case 'start_recording':
        return client.startManualRecording(a.channel ?? 1);
      case 'stop_recording':
        return client.stopManualRecording(a.channel ?? 1);
      case 'trigger_output':
        return client.setAlarmOutput(a.output ?? 1, 'high');
      case 'clear_output':
        return client.setAlarmOutput(a.output ?? 1, 'low');
    }
  };
}
