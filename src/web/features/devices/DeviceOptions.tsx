import { useState, type FormEvent } from 'react';
import { devicesApi } from '../../api/endpoints';
import type { Device } from '../../api/generated';
import { useAction } from '../../ui/async';
import { ErrorNotice, Field } from '../../ui/components';
import { deviceTitle, deviceTypeLabel, formatFirmware } from '../../ui/format';

/** The types an installer may choose (the server's list: src/server/devices/device-types.ts). */
const TYPES = ['camera', 'nvr', 'dvr', 'axpro', 'access_control', 'doorbell', 'other'] as const;
type ChosenType = (typeof TYPES)[number];

/**
 * "Set type" for a device whose type was not recognised (or was chosen before: editable again).
 * The type decides which health checks and features apply.
 */
export function DeviceTypeOption({ device, onChanged }: { device: Device; onChanged: () => void }) {
  const [type, setType] = useState<ChosenType | ''>((TYPES as readonly string[]).includes(device.type) ? (device.type as ChosenType) : '');
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    if (!type) return;
    await devicesApi.setType(device.id, { type });
    setSaved(true);
    onChanged();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.run();
  };
  return (
    <section className="card" aria-labelledby="device-type-title">
      <h2 id="device-type-title">Device type</h2>
      <p>
        {device.type === 'unknown' ? 'Sitekeeper did not recognise this device\'s type. ' : ''}
        Choose what it is: the type decides which health checks and features apply (recorders: disks and channels; AX Pro: the alarm system; others: whether it is reachable).
      </p>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="device-type-select">Type</label>
          <select id="device-type-select" data-testid="device-type-select" value={type} onChange={(e) => setType(e.target.value as ChosenType)}>
            <option value="" disabled>
              Choose a type
            </option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {deviceTypeLabel(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={save.busy || !type || type === device.type}>
            {save.busy ? 'Saving…' : 'Set type'}
          </button>
        </div>
      </form>
      <ErrorNotice error={save.error} />
      {saved && (
        <p role="status" data-testid="device-type-saved">
          Type set to {deviceTypeLabel(device.type)}.
        </p>
      )}
    </section>
  );
}

/**
 * "Edit device information" for a device reached by its address (added by IP/Domain or from a
 * multi-device code). Sitekeeper connects with the new values before saving them: on failure the
 * old values stay and the error says what failed.
 */
export function DeviceConnectionOption({ device, onChanged }: { device: Device; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(device.name);
  const [host, setHost] = useState(device.host ?? '');
  const [port, setPort] = useState(String(device.port ?? 80));
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const portNumber = Number(port);
  const portOk = Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;
  const save = useAction(async () => {
    await devicesApi.editConnection(device.id, { name: name.trim() || device.name, host: host.trim(), port: portNumber, user: user.trim(), ...(password ? { password } : {}) });
    setSaved(true);
    setPassword('');
    setOpen(false);
    onChanged();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (host.trim() && portOk && user.trim()) save.run();
  };
  return (
    <section className="card" aria-labelledby="device-connection-title">
      <h2 id="device-connection-title">Device information</h2>
      <p>Name, address and login Sitekeeper uses to reach this device. New values are checked by connecting to the device before they are saved.</p>
      {!open && (
        <div className="form-actions">
          <button type="button" className="btn btn-secondary" data-testid="device-connection-edit" onClick={() => setOpen(true)}>
            Edit device information
          </button>
        </div>
      )}
      {open && (
        <form onSubmit={submit} noValidate>
          <Field label="Name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          <Field label="IP address or domain" value={host} required maxLength={253} onChange={(e) => setHost(e.target.value)} error={!host.trim() ? 'Enter the address.' : undefined} />
          <Field label="Port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} error={portOk ? undefined : 'A port is a number from 1 to 65535.'} />
          <Field label="User name" autoComplete="off" value={user} maxLength={32} onChange={(e) => setUser(e.target.value)} />
          <Field label="Password" type="password" autoComplete="new-password" value={password} maxLength={64} onChange={(e) => setPassword(e.target.value)} hint="Leave empty to keep the stored password." />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={save.busy}>
              {save.busy ? 'Connecting…' : 'Check and save'}
            </button>
            <button type="button" className="btn btn-secondary" disabled={save.busy} onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorNotice error={save.error} />
      {saved && (
        <p role="status" data-testid="device-connection-saved">
          Saved: Sitekeeper reached the device with the new values.
        </p>
      )}
    </section>
  );
}

/** "Delete device", with a confirm. Its cloud registration is released; the site's rule may refuse it. */
export function DeviceDeleteOption({ device, onDeleted }: { device: Device; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    await devicesApi.remove(device.id);
    onDeleted();
  });
  return (
    <section className="card" aria-labelledby="device-delete-title">
      <h2 id="device-delete-title">Delete device</h2>
      <p>Remove {deviceTitle(device)} from {device.siteName || 'its site'}. Sitekeeper releases what it set up for the device in its cloud; you can add it again later.</p>
      <ErrorNotice error={remove.error} />
      {!confirming ? (
        <div className="form-actions">
          <button type="button" className="btn btn-danger" data-testid="device-delete" onClick={() => setConfirming(true)}>
            Delete device
          </button>
        </div>
      ) : (
        <div role="alertdialog" aria-labelledby="device-delete-confirm" className="confirm">
          <p id="device-delete-confirm">
            Delete <strong>{deviceTitle(device)}</strong> ({device.serial})? Its health history and settings in Sitekeeper go with it.
          </p>
          <div className="form-actions">
            <button type="button" className="btn btn-danger" data-testid="device-delete-confirm" disabled={remove.busy} onClick={() => remove.run()}>
              {remove.busy ? 'Deleting…' : 'Yes, delete'}
            </button>
            <button type="button" className="btn btn-secondary" disabled={remove.busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

const FEATURE_LABEL: Record<string, string> = { health_monitoring: 'Health monitoring', linkage_rules: 'Linkage rules', remote_configuration: 'Remote configuration' };

/**
 * Firmware compatibility: the verdict stored on the device (re-checked whenever the device reports
 * another firmware version and when the catalogue changes), per feature; when something is
 * missing, the reason and the version to upgrade to — a state, not an error.
 */
export function DeviceFirmwareCompatibility({ device }: { device: Device }) {
  const f = device.firmwareVerdict;
  return (
    <section className="card" aria-labelledby="device-firmware-title" data-testid="device-firmware">
      <h2 id="device-firmware-title">Firmware compatibility</h2>
      {!f && <p data-testid="device-firmware-verdict">Not checked yet: Sitekeeper checks the firmware as soon as the device reports its version.</p>}
      {f && (
        <>
          <p role="status" data-testid="device-firmware-verdict" data-compatible={String(f.compatible)}>
            {f.compatible ? `Firmware ${formatFirmware(device.firmwareVersion)} supports every feature.` : `${f.reason ?? 'Not supported.'} Upgrade to ${f.upgradeTo ? formatFirmware(f.upgradeTo) : 'a newer version'}.`}
          </p>
          <ul>
            {f.features.map((x) => (
              <li key={x.feature} data-testid={`device-firmware-${x.feature}`}>
                {FEATURE_LABEL[x.feature] ?? x.feature}: {x.compatible ? 'available' : `unavailable — needs firmware ${x.minimum} or later`}
              </li>
            ))}
          </ul>
          <p className="field-hint">Compatibility catalogue {f.catalogueVersion}. Upgrading the firmware restores every feature as soon as the device reports the new version.</p>
        </>
      )}
    </section>
  );
}

/** A feature the device's firmware does not support (FIRMWARE_INCOMPATIBLE): said as a state, with the version to upgrade to. */
export function firmwareBlocks(device: Device, feature: 'health_monitoring' | 'linkage_rules' | 'remote_configuration'): { minimum: string; upgradeTo: string } | null {
  const f = device.firmwareVerdict?.features.find((x) => x.feature === feature);
  if (!f || f.compatible) return null;
  return { minimum: f.minimum, upgradeTo: device.firmwareVerdict?.upgradeTo ?? f.minimum };
}

export function FirmwareUnavailable({ feature, block }: { feature: string; block: { minimum: string; upgradeTo: string } }) {
  return (
    <p className="notice" role="status" data-testid="firmware-unavailable">
      {feature} is unavailable with this firmware: it needs {block.minimum} or later. Upgrade the device to {block.upgradeTo}; it comes back on its own once the device reports the new version.
    </p>
  );
}
