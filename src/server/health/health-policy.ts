/**
 * What the per-device Health Monitoring switch allows: the one place the server decides it (issue
 * 15). Health reads use it today; firmware upgrade, exceptions and linkage rules call the same gate
 * so the rule holds everywhere: while monitoring is off, no health status is shown or collected, no
 * exception is raised or delivered, linkage rules are invalid (kept, with the reason), and firmware
 * upgrade is refused — each with the stable code HEALTH_MONITORING_OFF.
 */
import { AppError } from '../../errors/app-error';
import type { Feature } from '../devices/firmware-catalogue';
import { firmwareGate, incompatible, type StoredFirmwareVerdict } from '../devices/firmware-verdict';

/** What the gate needs of a device (a DeviceRecord has it). */
export interface GatedDevice {
  healthMonitoring: boolean;
  /** The firmware verdict stored on the device (absent or null: not blocked by firmware). */
  firmwareVerdict?: StoredFirmwareVerdict | null | undefined;
}

/** Everything monitoring switches on and off, by name (the rules of issue 15). */
export type MonitoredCapability = 'health_read' | 'health_collect' | 'exceptions' | 'linkage_rules' | 'firmware_upgrade';

export const MONITORED_CAPABILITIES: readonly MonitoredCapability[] = ['health_read', 'health_collect', 'exceptions', 'linkage_rules', 'firmware_upgrade'];

export type GateVerdict =
  | { allowed: true }
  | { allowed: false; code: 'HEALTH_MONITORING_OFF'; reason: string }
  | { allowed: false; code: 'FIRMWARE_INCOMPATIBLE'; reason: string; upgradeTo: string };

/**
 * The catalogue feature each capability needs of the firmware (issue 16). Firmware upgrade needs
 * none: it is how an incompatible device becomes compatible.
 */
const FIRMWARE_FEATURE: Record<MonitoredCapability, Feature | null> = {
  health_read: 'health_monitoring',
  health_collect: 'health_monitoring',
  exceptions: 'health_monitoring',
  linkage_rules: 'linkage_rules',
  firmware_upgrade: null,
};

const REASONS: Record<MonitoredCapability, string> = {
  health_read: 'Health monitoring is off for this device: no health status is shown.',
  health_collect: 'Health monitoring is off for this device: no health data is collected.',
  exceptions: 'Health monitoring is off for this device: no exceptions are raised or delivered for it.',
  linkage_rules: 'Health monitoring is off for this device: its linkage rules are invalid until it is switched on again.',
  firmware_upgrade: 'Health monitoring is off for this device: its firmware cannot be upgraded.',
};

/** The verdict for one capability of one device (for rules shown as invalid with their reason). */
export function monitoringGate(device: GatedDevice, capability: MonitoredCapability): GateVerdict {
  if (!device.healthMonitoring) return { allowed: false, code: 'HEALTH_MONITORING_OFF', reason: REASONS[capability] };
  const feature = FIRMWARE_FEATURE[capability];
  const fw = feature ? firmwareGate(device.firmwareVerdict, feature) : { allowed: true as const };
  if (!fw.allowed) return { allowed: false, code: 'FIRMWARE_INCOMPATIBLE', reason: fw.reason, upgradeTo: fw.upgradeTo };
  return { allowed: true };
}

/**
 * Throws unless the capability is allowed (for routes and jobs): HEALTH_MONITORING_OFF, or
 * FIRMWARE_INCOMPATIBLE with the version to upgrade to.
 */
export function requireMonitoring(device: GatedDevice, capability: MonitoredCapability): void {
  const v = monitoringGate(device, capability);
  if (v.allowed) return;
  const feature = FIRMWARE_FEATURE[capability];
  if (v.code === 'FIRMWARE_INCOMPATIBLE' && feature) {
    const g = firmwareGate(device.firmwareVerdict, feature);
    if (!g.allowed) throw incompatible(g, feature);
  }
  throw new AppError('HEALTH_MONITORING_OFF', v.reason);
}

/** A device a linkage rule names, as the linkage gate needs it. */
export interface LinkageGatedDevice extends GatedDevice {
  siteId: string;
  name: string;
}

export type LinkageInvalidCode = 'device_missing' | 'device_on_other_site' | 'health_monitoring_off' | 'firmware_incompatible';

export interface LinkageInvalidReason {
  code: LinkageInvalidCode;
  /** The rule's source device, or a device an action acts on. */
  role: 'source' | 'target';
  deviceId: string;
  message: string;
  /** For firmware_incompatible: the version to upgrade to. */
  upgradeTo?: string | undefined;
}

export interface LinkageValidity {
  valid: boolean;
  reasons: LinkageInvalidReason[];
}

/**
 * Whether a linkage rule may fire, derived (never stored) from the devices it names: each must
 * exist, belong to the rule's site, have health monitoring on, and run firmware the catalogue
 * accepts for linkage rules (the `linkage_rules` capability of `monitoringGate`). Every reason is
 * returned (the screen shows them all); an invalid rule is kept and never fires. The rule's own
 * checks (at save, when listed, when an event matches, and again before each device action) all
 * call this one function.
 */
export function linkageRuleGate(siteId: string, parts: ReadonlyArray<{ role: 'source' | 'target'; deviceId: string; device: LinkageGatedDevice | undefined }>): LinkageValidity {
  const reasons: LinkageInvalidReason[] = [];
  const seen = new Set<string>();
  for (const { role, deviceId, device } of parts) {
    const key = `${role}/${deviceId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const what = role === 'source' ? 'The source device' : 'The device an action acts on';
    if (!device) {
      reasons.push({ code: 'device_missing', role, deviceId, message: `${what} no longer exists (it was deleted).` });
      continue;
    }
    if (device.siteId !== siteId) {
      reasons.push({ code: 'device_on_other_site', role, deviceId, message: `${what} (${device.name}) is not on this rule's site.` });
      continue;
    }
    const v = monitoringGate(device, 'linkage_rules');
    if (v.allowed) continue;
    if (v.code === 'HEALTH_MONITORING_OFF') reasons.push({ code: 'health_monitoring_off', role, deviceId, message: `${device.name}: ${v.reason}` });
    else reasons.push({ code: 'firmware_incompatible', role, deviceId, message: `${device.name}: ${v.reason}`, upgradeTo: v.upgradeTo });
  }
  return { valid: reasons.length === 0, reasons };
}
