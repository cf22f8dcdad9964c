/**
 * Firmware compatibility verdict (pure): the oldest firmware Sitekeeper supports per device family.
 * Older firmware lacks ISAPI features onboarding and health monitoring rely on.
 */
export interface FirmwareVerdict {
  version: string;
  compatible: boolean;
  minimum: string;
  family: DeviceFamily;
}

export type DeviceFamily = 'camera' | 'nvr' | 'axpro' | 'unknown';

const MINIMUM: Record<DeviceFamily, string> = { camera: 'V5.5.0', nvr: 'V4.0.0', axpro: 'V1.2.0', unknown: 'V2.0.0' };

export function deviceFamily(deviceType: string, model = ''): DeviceFamily {
  const t = `${deviceType} ${model}`.toLowerCase();
  if (/axpro|ax pro|pwa\d|alarm/.test(t)) return 'axpro';
  if (/nvr|dvr|-\d{2,4}ni-|-7\d{3}/.test(t)) return 'nvr';
  if (/ipcamera|ipdome|camera|ds-2c|cs-c/.test(t)) return 'camera';
  return 'unknown';
}

function parts(v: string): number[] {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : [0, 0, 0];
}

export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

export function firmwareVerdict(version: string, family: DeviceFamily): FirmwareVerdict {
  const minimum = MINIMUM[family];
  return { version, minimum, family, compatible: compareVersions(version, minimum) >= 0 };
}
