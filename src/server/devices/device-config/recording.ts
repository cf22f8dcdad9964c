/**
 * Remote configuration, area `recording` (issue 16): whether recording overwrites the oldest footage
 * when the disks are full, read from the device and written back, each change audited with the old
 * and new value. The disks come from the same storage document the health snapshot reads
 * (`client.storage()`), so both agree on a device without disks: the setting does not apply there
 * (GET answers `applicable: false`, a change RECORDING_OVERWRITE_NOT_APPLICABLE), as the health
 * summary does not fault a camera without a card. The setting itself is
 * `/ISAPI/ContentMgmt/Storage/extension` (`StorageExtension/overwrite`), where the device keeps it;
 * firmware without that path may report it in the storage document instead (`isOverwrite` or
 * `workMode/overwrite`, what the health snapshot reads) — used then for the read.
 */
import { AppError, isAppError } from '../../../errors/app-error';
import type { DeviceClient } from '../../../device-client/device-client';
import { recordingOverwrite, type RecordingOverwrite } from '../../../protocol/isapi/channel-models';
import type { Actor, RequestMeta } from '../../auth/actor';
import type { DeviceRemoteService } from '../device-remote.service';

export type { RecordingOverwrite };

const RECORDERS = ['camera', 'nvr', 'dvr'];

export class RecordingConfigArea {
  constructor(private readonly remote: Pick<DeviceRemoteService, 'forConfig' | 'write'>) {}

  async read(actor: Actor, id: string): Promise<RecordingOverwrite> {
    const { d, client } = await this.remote.forConfig(actor, id);
    return readRecording(client, d.type);
  }

  async write(actor: Actor, id: string, next: { overwrite: boolean }, meta: RequestMeta): Promise<RecordingOverwrite> {
    const { d, client } = await this.remote.forConfig(actor, id);
    const old = await readRecording(client, d.type);
    if (!old.applicable) throw new AppError('RECORDING_OVERWRITE_NOT_APPLICABLE', undefined, { details: { deviceId: id } });
    await this.remote.write(actor, d, 'recording', { overwrite: old.overwrite }, { overwrite: next.overwrite }, () => client.setRecordingOverwrite(next.overwrite), meta);
    return readRecording(client, d.type);
  }
}

async function readRecording(client: DeviceClient, type: string): Promise<RecordingOverwrite> {
  if (!RECORDERS.includes(type)) throw new AppError('DEVICE_UNSUPPORTED', 'Only cameras and recorders record.', { details: { type } });
  const storage = await client.storage();
  if (storage.hdds.length === 0) return recordingOverwrite(0, null);
  let overwrite: boolean | undefined;
  try {
    overwrite = await client.recordingOverwrite();
  } catch (e) {
    // Firmware without the extension path: what the storage document says (as the health snapshot).
    if (!isAppError(e, 'DEVICE_UNSUPPORTED') || storage.overwrite === undefined) throw e;
    overwrite = storage.overwrite;
  }
  return recordingOverwrite(storage.hdds.length, overwrite);
}
