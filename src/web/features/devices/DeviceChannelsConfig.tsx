import { useEffect, useState } from 'react';
import { devicesApi } from '../../api/endpoints';
import type { Device, GetApiDevicesIdConfigChannelsResponse, GetApiDevicesIdConfigRecordingResponse } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, Field, Loading } from '../../ui/components';

type Channel = GetApiDevicesIdConfigChannelsResponse['channels'][number];

/** The server's rule (src/protocol/isapi/channel-models.ts): 1–32 characters, none of < > & " or control characters, no space at either end. */
// eslint-disable-next-line no-control-regex
const NAME_RE = /^(?!\s)[^<>&"\u0000-\u001f\u007f]*(?<!\s)$/u;
export const channelNameValid = (name: string): boolean => name.length >= 1 && name.length <= 32 && NAME_RE.test(name);

/**
 * Remote configuration of a camera's or recorder's video channel names and of recording overwrite
 * (whether the oldest footage is overwritten when the disks are full): read from the device,
 * written back, read back; each change audited with the old and new values. Other device types
 * have neither.
 */
export function DeviceChannelsConfig({ device }: { device: Device }) {
  if (!['camera', 'nvr', 'dvr'].includes(device.type)) return null;
  return (
    <>
      <ChannelNames deviceId={device.id} />
      <RecordingOverwrite deviceId={device.id} />
    </>
  );
}

function ChannelNames({ deviceId }: { deviceId: string }) {
  const current = useAsync((signal) => devicesApi.channels(deviceId, signal), [deviceId]);
  return (
    <div data-testid="config-channels">
      <h3>Channel names</h3>
      {!current.data && current.loading && <Loading />}
      <ErrorNotice error={current.error} onRetry={current.reload} />
      {current.data && current.data.channels.length === 0 && <p className="field-hint">The device reports no video channels.</p>}
      {current.data && (
        <ul className="config-channel-list">
          {current.data.channels.map((ch) => (
            <li key={`${ch.source}-${ch.id}`}>
              <ChannelNameForm deviceId={deviceId} channel={ch} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChannelNameForm({ deviceId, channel }: { deviceId: string; channel: Channel }) {
  const [name, setName] = useState(channel.name);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setName(channel.name), [channel.name]);
  const save = useAction(async () => {
    const r = await devicesApi.setChannelName(deviceId, channel.id, { name, source: channel.source });
    setName(r.name);
    setSaved(r.name);
  });
  const valid = channelNameValid(name);
  const label = `${channel.source === 'ip_channel' ? 'IP channel' : 'Video input'} ${channel.id}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(null);
        if (valid) save.run();
      }}
      noValidate
    >
      <Field
        label={label}
        data-testid={`config-channel-${channel.id}`}
        value={name}
        maxLength={32}
        onChange={(e) => setName(e.target.value)}
        error={valid ? undefined : '1–32 characters, without < > & " and no space at either end'}
      />
      <div className="form-actions">
        <button type="submit" className="btn" data-testid={`config-channel-${channel.id}-save`} disabled={save.busy || !valid || name === channel.name}>
          {save.busy ? 'Saving…' : 'Save name'}
        </button>
      </div>
      <ErrorNotice error={save.error} />
      {saved !== null && (
        <p role="status" data-testid={`config-channel-${channel.id}-saved`}>
          The device now reports the name {saved}.
        </p>
      )}
    </form>
  );
}

function RecordingOverwrite({ deviceId }: { deviceId: string }) {
  const current = useAsync((signal) => devicesApi.recording(deviceId, signal), [deviceId]);
  const [value, setValue] = useState<GetApiDevicesIdConfigRecordingResponse | undefined>();
  useEffect(() => setValue(current.data), [current.data]);
  const toggle = useAction(async (overwrite: boolean) => {
    setValue(await devicesApi.setRecording(deviceId, { overwrite }));
  });
  return (
    <div data-testid="config-recording">
      <h3>Recording</h3>
      {!value && current.loading && <Loading />}
      <ErrorNotice error={current.error} onRetry={current.reload} />
      {value && !value.applicable && (
        <p role="status" data-testid="config-recording-not-applicable">
          No disk or memory card: recording overwrite does not apply to this device.
        </p>
      )}
      {value?.applicable && (
        <>
          <label className="checkbox">
            <input
              type="checkbox"
              role="switch"
              data-testid="config-recording-overwrite"
              checked={value.overwrite === true}
              disabled={toggle.busy}
              onChange={(e) => toggle.run(e.target.checked)}
            />
            Overwrite the oldest footage when the disks are full: {value.overwrite ? 'on' : 'off'}
          </label>
          {value.overwrite === false && (
            <p className="field-hint" data-testid="config-recording-off">
              With overwrite off, recording stops when the disks are full.
            </p>
          )}
        </>
      )}
      <ErrorNotice error={toggle.error} />
    </div>
  );
}
