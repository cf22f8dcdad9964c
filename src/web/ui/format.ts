/**
 * How device facts are written on every page (phone and portal), so the same device reads the
 * same everywhere. Pure: unit-tested in format.test.ts.
 */

const TYPE_LABEL: Record<string, string> = {
  camera: 'Camera',
  nvr: 'Recorder (NVR)',
  dvr: 'Recorder (DVR)',
  axpro: 'AX Pro alarm hub',
  access_control: 'Access control',
  doorbell: 'Doorbell',
  other: 'Other',
  unknown: 'Unknown',
};

/** The device type (the server's family: camera, nvr, axpro, unknown) in words; "Unknown" when not known. */
export function deviceTypeLabel(type: string | null | undefined): string {
  const t = (type ?? '').trim();
  if (!t) return 'Unknown';
  const known = TYPE_LABEL[t.toLowerCase()];
  if (known) return known;
  const words = t.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Firmware as the device's own web page writes it: `V4.40.015 build 210922`. SADP reports the
 * version and build run together (`V4.40.015build 210922`); deviceInfo reports them apart.
 */
export function formatFirmware(version: string | null | undefined): string {
  const v = (version ?? '').trim();
  if (!v) return '—';
  return v.replace(/\s*build\s*/i, ' build ').replace(/\s+/g, ' ').trim();
}

/** `host:port`, or just the host (port 80 is written too: installers type it as they see it). */
export function formatAddress(host: string | null | undefined, port?: number | null): string {
  if (!host) return '';
  return port ? `${host}:${port}` : host;
}

/** True when `name` is only the device's serial (or the short tail printed on labels). */
function isSerial(name: string, serial: string | null | undefined): boolean {
  if (!serial) return false;
  const n = name.trim().toUpperCase();
  const s = serial.trim().toUpperCase();
  return n === s || (n.length >= 6 && s.endsWith(n));
}

export interface NamedDevice {
  name?: string | null;
  model?: string | null;
  serial?: string | null;
  host?: string | null;
  port?: number | null;
}

/**
 * What to call a device in a row or a heading: its own name, else its model (as label scans are
 * named), else its serial, else its address. A name that is only the serial (a device added by
 * typing its serial) gives way to the model.
 */
export function deviceTitle(d: NamedDevice): string {
  const name = d.name?.trim();
  if (name && !isSerial(name, d.serial)) return name;
  return d.model?.trim() || d.serial?.trim() || name || formatAddress(d.host, d.port) || 'Device';
}

/**
 * The facts that tell one device from another, after its title: model, serial, address (those
 * not already in the title). For dialogs that must say which device they are about.
 */
export function deviceDetails(d: NamedDevice): string[] {
  const title = deviceTitle(d);
  const address = formatAddress(d.host, d.port);
  return [d.model, d.serial, address].filter((x): x is string => !!x && x !== title);
}
