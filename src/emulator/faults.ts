/**
 * The fault switchboard (control API and CLI): power, links, disks, video loss, AX Pro zones and
 * panel, factory reset, firmware and reboot faults applied to one device in one go.
 */
import { AppError } from '../errors/app-error';
import { INCOMPATIBLE_FIRMWARE } from './catalog';
import type { AxProPanel } from './isapi/axpro';
import type { DeviceCore } from './isapi/context';
import { factoryResetState, type ZoneCondition } from './state';

/** Fault switchboard settings; every field optional, applied in one go. */
export interface FaultSettings {
  power?: 'on' | 'off';
  cloudLink?: 'up' | 'down';
  lan?: 'up' | 'down' | 'blackhole';
  latencyMs?: number;
  resetConnections?: boolean;
  /** HDD fault on `hddId` (default 1): failed disk, S.M.A.R.T. warning, or healthy again. */
  hdd?: 'ok' | 'failed' | 'smartWarning';
  hddId?: number;
  /** Video loss on a channel (number), or `false` to clear all; `{ channel, active }` for one. */
  videoLoss?: number | false | { channel: number; active: boolean };
  tamper?: boolean;
  lowBattery?: boolean;
  mains?: 'on' | 'off';
  /** AX Pro zone condition. */
  zone?: { id: number; status: ZoneCondition | 'bypass' | 'unbypass' };
  factoryReset?: boolean;
  firmwareIncompatible?: boolean;
  upgradeFailsAt?: number | null;
  reboot?: boolean;
}

export const FAULT_KEYS: readonly (keyof FaultSettings)[] = [
  'power', 'cloudLink', 'lan', 'latencyMs', 'resetConnections', 'hdd', 'hddId', 'videoLoss', 'tamper', 'lowBattery', 'mains', 'zone', 'factoryReset', 'firmwareIncompatible', 'upgradeFailsAt', 'reboot',
];

/** What the switchboard acts on: the device, its panel, and the parts of it that live outside its state. */
export interface FaultTarget {
  readonly device: DeviceCore;
  readonly axpro: AxProPanel | undefined;
  /** Forgets what a factory reset loses besides the state: cloud registration, challenge, upgrade, lockouts, sessions. */
  forgetVolatile(): void;
  /** Resets every open connection of the LAN server. */
  resetConnections(): void;
  /** Power cut: ends a reboot and an upgrade, loses cloud registration and sessions, closes the LAN server. */
  powerOff(): Promise<void>;
  startListening(): Promise<void>;
  stopListening(): Promise<void>;
}

type Bad = (msg: string) => never;

/** Applies fault settings. Throws VALIDATION_FAILED for invalid ones. */
export async function applyFaults(t: FaultTarget, f: FaultSettings): Promise<void> {
  const d = t.device;
  const bad: Bad = (msg) => {
    throw new AppError('VALIDATION_FAILED', msg, { details: { serial: d.serial } });
  };
  for (const k of Object.keys(f)) if (!FAULT_KEYS.includes(k as keyof FaultSettings)) bad(`Unknown fault "${k}". Known: ${FAULT_KEYS.join(', ')}.`);
  const faults = d.state.faults;
  const cloudBefore = d.cloudLinkUp;

  if (f.factoryReset) {
    factoryResetState(d.state);
    t.forgetVolatile();
    d.emitStatus('factoryReset');
    d.cloudConfigChanged();
  }
  if (f.latencyMs !== undefined) {
    if (!Number.isFinite(f.latencyMs) || f.latencyMs < 0 || f.latencyMs > 120_000) bad('latencyMs must be 0–120000.');
    faults.latencyMs = f.latencyMs;
  }
  if (f.resetConnections !== undefined) {
    faults.resetConnections = !!f.resetConnections;
    if (faults.resetConnections) t.resetConnections();
  }
  if (f.upgradeFailsAt !== undefined) {
    if (f.upgradeFailsAt !== null && (!Number.isFinite(f.upgradeFailsAt) || f.upgradeFailsAt < 1 || f.upgradeFailsAt > 99)) bad('upgradeFailsAt must be 1–99 or null.');
    faults.upgradeFailsAt = f.upgradeFailsAt;
  }
  if (f.firmwareIncompatible !== undefined && f.firmwareIncompatible !== faults.firmwareIncompatible) setFirmwareIncompatible(d, f.firmwareIncompatible);
  if (f.hdd !== undefined) setHdd(d, f.hdd, f.hddId ?? 1, bad);
  if (f.videoLoss !== undefined) setVideoLoss(d, f.videoLoss, bad);
  applyPanelFaults(t, f, bad);
  if (f.cloudLink !== undefined) {
    if (f.cloudLink !== 'up' && f.cloudLink !== 'down') bad('cloudLink must be up or down.');
    faults.cloudLink = f.cloudLink;
  }
  if (f.lan !== undefined) await setLan(t, f.lan, bad);
  if (f.power !== undefined) await setPower(t, f.power, bad);
  if (f.reboot) d.reboot();
  if (cloudBefore !== d.cloudLinkUp || f.cloudLink !== undefined) d.cloudConfigChanged();
  d.changed();
}

function setFirmwareIncompatible(d: DeviceCore, incompatible: boolean): void {
  const s = d.state;
  s.faults.firmwareIncompatible = incompatible;
  if (incompatible) {
    s.firmwareBeforeFault = { version: s.firmwareVersion, build: s.firmwareBuild };
    s.firmwareVersion = INCOMPATIBLE_FIRMWARE.version;
    s.firmwareBuild = INCOMPATIBLE_FIRMWARE.build;
  } else {
    const prev = s.firmwareBeforeFault ?? { version: d.info.firmwareVersion, build: d.info.firmwareBuild };
    s.firmwareVersion = prev.version;
    s.firmwareBuild = prev.build;
    delete s.firmwareBeforeFault;
  }
  d.emitStatus('firmwareChanged', { firmwareVersion: s.firmwareVersion, build: s.firmwareBuild });
}

function setHdd(d: DeviceCore, hdd: NonNullable<FaultSettings['hdd']>, id: number, bad: Bad): void {
  const h = d.state.hdds.find((x) => x.id === id);
  if (!h) bad(`This device has no HDD ${id}.`);
  else {
    if (hdd === 'failed') {
      h.status = 'error';
      h.smart = 'failed';
    } else if (hdd === 'smartWarning') {
      h.status = 'ok';
      h.smart = 'warning';
    } else if (hdd === 'ok') {
      h.status = 'ok';
      h.smart = 'ok';
    } else bad('hdd must be ok, failed or smartWarning.');
    d.emitStatus('hddStatus', { hddId: id, status: h.status, smart: h.smart });
  }
}

function setVideoLoss(d: DeviceCore, videoLoss: NonNullable<FaultSettings['videoLoss']>, bad: Bad): void {
  const set = (channel: number, active: boolean): void => {
    const ch = d.state.channels.find((x) => x.id === channel);
    if (!ch) bad(`This device has no channel ${channel}.`);
    else if (ch.videoLoss !== active) {
      ch.videoLoss = active;
      d.emitStatus('videoLoss', { channel, active });
    }
  };
  if (videoLoss === false) for (const ch of d.state.channels) set(ch.id, false);
  else if (typeof videoLoss === 'number') set(videoLoss, true);
  else if (typeof videoLoss === 'object' && videoLoss !== null) set(Number(videoLoss.channel), !!videoLoss.active);
  else bad('videoLoss must be a channel number, false, or { channel, active }.');
}

/** Tamper (any device), and what only an AX Pro hub has: battery, mains, zones. */
function applyPanelFaults(t: FaultTarget, f: FaultSettings, bad: Bad): void {
  const { device: d, axpro } = t;
  if (f.tamper !== undefined) {
    if (axpro) axpro.setTamper(!!f.tamper);
    else d.emitStatus('tamper', { active: !!f.tamper, channel: d.state.channels[0]?.id ?? 1 });
  }
  if (f.lowBattery !== undefined) {
    if (!axpro) bad('Only AX Pro hubs have a battery.');
    else axpro.setLowBattery(!!f.lowBattery);
  }
  if (f.mains !== undefined) {
    if (!axpro) bad('Only AX Pro hubs report mains power.');
    else axpro.setMains(f.mains === 'on');
  }
  if (f.zone !== undefined) {
    if (!axpro) bad('Only AX Pro hubs have zones.');
    else {
      try {
        axpro.setZone(Number(f.zone.id), f.zone.status);
      } catch (e) {
        bad(`zone: ${(e as Error).message}`);
      }
    }
  }
}

async function setLan(t: FaultTarget, lan: NonNullable<FaultSettings['lan']>, bad: Bad): Promise<void> {
  const d = t.device;
  if (!['up', 'down', 'blackhole'].includes(lan)) bad('lan must be up, down or blackhole.');
  const before = d.state.faults.lan;
  d.state.faults.lan = lan;
  if (before === lan) return;
  d.emitStatus('lan', { state: lan });
  if (lan === 'down') await t.stopListening();
  else if (before === 'down' && d.powered) await t.startListening();
}

async function setPower(t: FaultTarget, power: NonNullable<FaultSettings['power']>, bad: Bad): Promise<void> {
  const d = t.device;
  if (power !== 'on' && power !== 'off') bad('power must be on or off.');
  if (power === d.state.faults.power) return;
  d.state.faults.power = power;
  if (power === 'off') await t.powerOff();
  else await t.startListening();
  d.emitStatus('power', { on: power === 'on' });
}
