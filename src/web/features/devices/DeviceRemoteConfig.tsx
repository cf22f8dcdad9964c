import { useEffect, useState, type FormEvent } from 'react';
import { devicesApi } from '../../api/endpoints';
import type { Device } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, Field, Loading } from '../../ui/components';
import { firmwareBlocks, FirmwareUnavailable } from './DeviceOptions';
import { DeviceUsers } from './DeviceUsers';
import { DeviceChannelsConfig } from './DeviceChannelsConfig';
import { DeviceNetworkConfig } from './DeviceNetworkConfig';

/**
 * "Admin password needed" (a device added by label and verification code): a state, with a form.
 * The password is checked against the device before Sitekeeper keeps it (sealed).
 */
export function DeviceAdminPassword({ device, onChanged }: { device: Device; onChanged: () => void }) {
  const [password, setPassword] = useState('');
  const save = useAction(async () => {
    await devicesApi.setAdminPassword(device.id, { password });
    setPassword('');
    onChanged();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password) save.run();
  };
  return (
    <section className="card" aria-labelledby="device-admin-password-title" data-testid="device-admin-password">
      <h2 id="device-admin-password-title">Admin password needed</h2>
      <p role="status">Sitekeeper does not hold this device's admin password (it was added with its verification code). Remote configuration needs it: enter it once; it is checked against the device and kept sealed.</p>
      <form onSubmit={submit} noValidate>
        <Field label="Device admin password" type="password" autoComplete="off" value={password} maxLength={64} onChange={(e) => setPassword(e.target.value)} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="device-admin-password-save" disabled={save.busy || !password}>
            {save.busy ? 'Checking…' : 'Check and save'}
          </button>
        </div>
      </form>
      <ErrorNotice error={save.error} />
    </section>
  );
}

/**
 * Remote configuration: the device's name, its time (mode, zone, NTP server), its network settings
 * and ports (DeviceNetworkConfig.tsx), read from the device and written back; each change is
 * audited with the old and new values.
 */
export function DeviceRemoteConfig({ device }: { device: Device }) {
  const block = firmwareBlocks(device, 'remote_configuration');
  return (
    <section className="card" aria-labelledby="device-config-title" data-testid="device-config">
      <h2 id="device-config-title">Remote configuration</h2>
      {block && <FirmwareUnavailable feature="Remote configuration" block={block} />}
      {!block && device.adminPasswordNeeded && <p role="status">Enter the device's admin password above to configure it remotely.</p>}
      {!block && !device.adminPasswordNeeded && (
        <>
          <DeviceNameForm deviceId={device.id} />
          <TimeForm deviceId={device.id} />
          <DeviceUsers deviceId={device.id} type={device.type} />
          <DeviceChannelsConfig device={device} />
          <DeviceNetworkConfig device={device} />
        </>
      )}
    </section>
  );
}

function DeviceNameForm({ deviceId }: { deviceId: string }) {
  const current = useAsync((signal) => devicesApi.deviceName(deviceId, signal), [deviceId]);
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    if (current.data) setName(current.data.deviceName);
  }, [current.data]);
  const save = useAction(async () => {
    const r = await devicesApi.setDeviceName(deviceId, { deviceName: name.trim() });
    setName(r.deviceName);
    setSaved(r.deviceName);
  });
  const valid = name.trim().length >= 1 && name.trim().length <= 32 && !/[<>&"]/.test(name);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(null);
        if (valid) save.run();
      }}
      noValidate
    >
      <h3>Device name</h3>
      {!current.data && current.loading && <Loading />}
      <ErrorNotice error={current.error} onRetry={current.reload} />
      {current.data && (
        <>
          <Field label="Name on the device" data-testid="config-device-name" value={name} maxLength={32} onChange={(e) => setName(e.target.value)} error={valid ? undefined : '1–32 characters, without < > & "'} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="config-device-name-save" disabled={save.busy || !valid}>
              {save.busy ? 'Saving…' : 'Save name'}
            </button>
          </div>
        </>
      )}
      <ErrorNotice error={save.error} />
      {saved !== null && (
        <p role="status" data-testid="config-device-name-saved">
          The device now reports the name {saved}.
        </p>
      )}
    </form>
  );
}

function TimeForm({ deviceId }: { deviceId: string }) {
  const current = useAsync((signal) => devicesApi.time(deviceId, signal), [deviceId]);
  const [mode, setMode] = useState<'NTP' | 'manual'>('NTP');
  const [zone, setZone] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('123');
  const [interval, setIntervalMinutes] = useState('1440');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    const t = current.data;
    if (!t) return;
    setMode(t.timeMode);
    setZone(t.timeZone);
    setHost(t.ntp.host);
    setPort(String(t.ntp.port));
    setIntervalMinutes(String(t.ntp.intervalMinutes));
  }, [current.data]);
  const portN = Number(port);
  const intervalN = Number(interval);
  const valid = zone.trim() !== '' && /^[A-Za-z0-9.:-]{1,64}$/.test(host.trim()) && Number.isInteger(portN) && portN >= 1 && portN <= 65535 && Number.isInteger(intervalN) && intervalN >= 1 && intervalN <= 10080;
  const save = useAction(async () => {
    await devicesApi.setTime(deviceId, { timeMode: mode, timeZone: zone.trim(), ntp: { host: host.trim(), port: portN, intervalMinutes: intervalN } });
    setSaved(true);
    current.reload();
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        if (valid) save.run();
      }}
      noValidate
    >
      <h3>Time</h3>
      {!current.data && current.loading && <Loading />}
      <ErrorNotice error={current.error} onRetry={current.reload} />
      {current.data && (
        <>
          <p className="field-hint">Device clock: {current.data.localTime || 'unknown'}</p>
          <div className="field">
            <label htmlFor="config-time-mode">Time mode</label>
            <select id="config-time-mode" data-testid="config-time-mode" value={mode} onChange={(e) => setMode(e.target.value as 'NTP' | 'manual')}>
              <option value="NTP">NTP</option>
              <option value="manual">Manual</option>
            </select>
          </div>
          <Field label="Time zone" data-testid="config-time-zone" value={zone} maxLength={64} onChange={(e) => setZone(e.target.value)} hint="As the device writes it, e.g. CST-1:00:00 for UTC+1." />
          <Field label="NTP server" data-testid="config-ntp-host" value={host} maxLength={64} onChange={(e) => setHost(e.target.value)} />
          <Field label="NTP port" inputMode="numeric" data-testid="config-ntp-port" value={port} onChange={(e) => setPort(e.target.value)} />
          <Field label="Sync interval (minutes)" inputMode="numeric" data-testid="config-ntp-interval" value={interval} onChange={(e) => setIntervalMinutes(e.target.value)} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="config-time-save" disabled={save.busy || !valid}>
              {save.busy ? 'Saving…' : 'Save time settings'}
            </button>
          </div>
        </>
      )}
      <ErrorNotice error={save.error} />
      {saved && (
        <p role="status" data-testid="config-time-saved">
          Saved and read back from the device.
        </p>
      )}
    </form>
  );
}
