/**
 * What the per-device Health Monitoring switch allows: the one place the server decides it (issue
 * 15). Health reads use it today; firmware upgrade, exceptions and linkage rules call the same gate
 * so the rule holds everywhere: while monitoring is off, no health status is shown or collected, no
 * exception is raised or delivered, linkage rules are invalid (kept, with the reason), and firmware
 * upgrade is refused — each with the stable code HEALTH_MONITORING_OFF.
 */
import { AppError } from '../../errors/app-error';

/** What the gate needs of a device (a DeviceRecord has it). */
export interface GatedDevice {
  healthMonitoring: boolean;
}

/** Everything monitoring switches on and off, by name (the rules of issue 15). */
export type MonitoredCapability = 'health_read' | 'health_collect' | 'exceptions' | 'linkage_rules' | 'firmware_upgrade';

export const MONITORED_CAPABILITIES: readonly MonitoredCapability[] = ['health_read', 'health_collect', 'exceptions', 'linkage_rules', 'firmware_upgrade'];

export type GateVerdict = { allowed: true } | { allowed: false; code: 'HEALTH_MONITORING_OFF'; reason: string };

const REASONS: Record<MonitoredCapability, string> = {
  health_read: 'Health monitoring is off for this device: no health status is shown.',
  health_collect: 'Health monitoring is off for this device: no health data is collected.',
  exceptions: 'Health monitoring is off for this device: no exceptions are raised or delivered for it.',
  linkage_rules: 'Health monitoring is off for this device: its linkage rules are invalid until it is switched on again.',
  firmware_upgrade: 'Health monitoring is off for this device: its firmware cannot be upgraded.',
};

/** The verdict for one capability of one device (for rules shown as invalid with their reason). */
export function monitoringGate(device: GatedDevice, capability: MonitoredCapability): GateVerdict {
  if (device.healthMonitoring) return { allowed: true };
  return { allowed: false, code: 'HEALTH_MONITORING_OFF', reason: REASONS[capability] };
}

/** Throws HEALTH_MONITORING_OFF unless the capability is allowed (for routes and jobs). */
export function requireMonitoring(device: GatedDevice, capability: MonitoredCapability): void {
  const v = monitoringGate(device, capability);
  if (!v.allowed) throw new AppError('HEALTH_MONITORING_OFF', v.reason);
}
