/**
 * The persistent state of one emulated device (what a state file stores) and how a fresh one is
 * made from a spec. Plain JSON-able data: the fleet writes it to `--state` and reads it back.
 */
import { INCOMPATIBLE_FIRMWARE, generateDeviceId, generateMac, generatePassword, generateSerial, generateShortSerial, generateVerificationCode, modelInfo } from './catalog';
import type { EmulatedDeviceType } from './types';

export interface StoredUser {
  id: number;
  userName: string;
  /** Kept in clear: the emulator must answer digest challenges and show credentials on its index page. */
  password: string;
  /** Cameras/NVRs: Administrator | Operator | Viewer. AX Pro: installer | administrator | operator. */
  userLevel: string;
}

export interface HddState {
  id: number;
  /** `SD` for a camera's memory card; absent (older state files) or `SATA` for a disk. */
  type?: 'SATA' | 'SD';
  capacityMb: number;
  freeMb: number;
  status: 'ok' | 'error' | 'unformatted';
  smart: 'ok' | 'warning' | 'failed';
}

export interface ChannelState {
  id: number;
  name: string;
  online: boolean;
  videoLoss: boolean;
  recording: boolean;
  /** Manual recording started over ISAPI (`record/control/manual/start/tracks/<ch>01`), until stopped. */
  manualRecording?: boolean;
}

/** One alarm output (relay) of a camera or recorder; `high`: triggered. */
export interface AlarmOutputState {
  id: number;
  state: 'high' | 'low';
}

/** One linkage of an event trigger (`EventTriggerNotification`). */
export interface EventNotificationState {
  id: string;
  /** `center` (alarm centre / platform), `record`, `email`, `beep`, … */
  method: string;
  recurrence?: string;
  /** Channel a `record` linkage records (`dynVideoInputID`). */
  videoInputId?: number;
}

/** Motion detection settings of one channel (`MotionDetection`). */
export interface MotionDetectionState {
  enabled: boolean;
  enableHighlight: boolean;
  samplingInterval: number;
  startTriggerTime: number;
  endTriggerTime: number;
  /** 0–100. */
  sensitivityLevel: number;
  /** Hex bitmap of the 22 × 18 grid, one row after the other. */
  gridMap: string;
}

export type ZoneCondition = 'normal' | 'open' | 'fault' | 'tamper';

export interface ZoneState {
  id: number;
  name: string;
  kind: 'wiredMagnetic' | 'wirelessMagnetic' | 'wiredPir' | 'wirelessPir';
  condition: ZoneCondition;
  bypassed: boolean;
  subSystemNo: number;
}

export interface SubSystemState {
  id: number;
  name: string;
  arming: 'disarm' | 'away' | 'stay';
  alarm: boolean;
}

export interface AxProState {
  zones: ZoneState[];
  subSystems: SubSystemState[];
  batteryPercent: number;
  mainsConnected: boolean;
  tamper: boolean;
}

export interface FaultState {
  power: 'on' | 'off';
  cloudLink: 'up' | 'down';
  /** `down`: connections refused; `blackhole`: accepted but never answered (timeouts). */
  lan: 'up' | 'down' | 'blackhole';
  latencyMs: number;
  resetConnections: boolean;
  firmwareIncompatible: boolean;
  /** Percent at which the next firmware upgrade fails (null: it succeeds). */
  upgradeFailsAt: number | null;
}

export interface ServicePorts {
  http: number;
  /** Absent: the device has no RTSP service (AX Pro). */
  rtsp?: number;
  https: number;
  devManage: number;
}

export interface DeviceState {
  type: EmulatedDeviceType;
  model: string;
  serial: string;
  mac: string;
  deviceId: string;
  deviceName: string;
  /** The code printed on the label (factory default). */
  labelVerificationCode: string;
  verificationCode: string;
  activated: boolean;
  cloudEnabled: boolean;
  firmwareVersion: string;
  firmwareBuild: string;
  /** The version before the `firmwareIncompatible` fault, restored when it is cleared. */
  firmwareBeforeFault?: { version: string; build: string };
  users: StoredUser[];
  /**
   * LAN interface 1. `ipAddress`: a static address written over ISAPI (absent: the address the
   * device listens on); like the ports, stored and reported but not applied — the emulator keeps
   * its listener, so Sitekeeper still reaches it where it did.
   */
  network: { addressingType: 'static' | 'dynamic'; subnetMask: string; gateway: string; dns: string; ipAddress?: string; secondaryDns?: string };
  /**
   * Service ports written over ISAPI (`/ISAPI/Security/adminAccesses`); absent: factory (HTTP the
   * port the device listens on, RTSP 554 — none on an AX Pro —, HTTPS 443, SDK 8000).
   */
  ports?: ServicePorts;
  time: { timeMode: string; timeZone: string };
  /** The NTP server (/ISAPI/System/time/ntpServers/1); absent: the factory default. */
  ntp?: { addressingFormatType: 'hostname' | 'ipaddress'; host: string; portNo: number; synchronizeInterval: number };
  hdds: HddState[];
  overwrite: boolean;
  channels: ChannelState[];
  /** Event trigger linkages changed over ISAPI, by lower-case trigger id (absent: factory linkages). */
  eventNotifications?: Record<string, EventNotificationState[]>;
  /** Motion detection settings changed over ISAPI, by channel id (absent: factory settings). */
  motionDetection?: Record<number, MotionDetectionState>;
  axpro?: AxProState;
  /** Alarm outputs of cameras (1) and recorders (4); absent (older state files): all low. */
  alarmOutputs?: AlarmOutputState[];
  faults: FaultState;
  /** Last HTTP port, reused after a restart when free. */
  httpPort?: number;
  host?: string;
}

export interface DeviceSpec {
  type: EmulatedDeviceType;
  model?: string;
  /** Full serial; generated when absent. */
  serial?: string;
  mac?: string;
  verificationCode?: string;
  /** Default true. Factory-new devices (false) have no users and the cloud service off. */
  activated?: boolean;
  adminUser?: string;
  adminPassword?: string;
  /** Default: true when activated. */
  cloudEnabled?: boolean;
  /** Default true; false starts the device powered off. */
  powered?: boolean;
  /** NVR channels (4–64), default 4. */
  channels?: number;
  /** NVR disks (1–8), default 2. */
  hdds?: number;
  /** Cameras whose model has a card slot (catalogue `sdCardMb`): default true; false leaves the slot empty. */
  sdCard?: boolean;
  firmwareVersion?: string;
  firmwareBuild?: string;
  host?: string;
  httpPort?: number;
}

export function defaultFaults(): FaultState {
  return { power: 'on', cloudLink: 'up', lan: 'up', latencyMs: 0, resetConnections: false, firmwareIncompatible: false, upgradeFailsAt: null };
}

function defaultAxPro(): AxProState {
  return {
    zones: [
      // AX Pro zone ids are 0-based in its JSON (see the samples).
      { id: 0, name: 'Front door', kind: 'wiredMagnetic', condition: 'normal', bypassed: false, subSystemNo: 1 },
      { id: 1, name: 'Back door', kind: 'wirelessMagnetic', condition: 'normal', bypassed: false, subSystemNo: 1 },
      { id: 2, name: 'Hall PIR', kind: 'wiredPir', condition: 'normal', bypassed: false, subSystemNo: 1 },
      { id: 3, name: 'Living room PIR', kind: 'wirelessPir', condition: 'normal', bypassed: false, subSystemNo: 1 },
    ],
    subSystems: [{ id: 1, name: 'Area 1', arming: 'disarm', alarm: false }],
    batteryPercent: 100,
    mainsConnected: true,
    tamper: false,
  };
}

/** Cameras have one alarm output, recorders four (as DS-76xx NI), all low. */
export function defaultAlarmOutputs(type: EmulatedDeviceType): AlarmOutputState[] {
  const n = type === 'nvr' ? 4 : type === 'camera' ? 1 : 0;
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, state: 'low' as const }));
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.floor(n)));
}

export function adminLevel(type: EmulatedDeviceType): string {
  return type === 'axpro' ? 'administrator' : 'Administrator';
}

export function initialState(spec: DeviceSpec): DeviceState {
  const info = modelInfo(spec.type, spec.model);
  const serial = spec.serial ?? generateSerial(info, generateShortSerial());
  const activated = spec.activated ?? true;
  const code = spec.verificationCode ?? generateVerificationCode();
  const channelCount = spec.type === 'nvr' ? clamp(spec.channels ?? 4, 4, 64) : spec.type === 'camera' ? 1 : 0;
  const hddCount = spec.type === 'nvr' ? clamp(spec.hdds ?? 2, 1, 8) : 0;
  const sdCardMb = spec.type === 'camera' && spec.sdCard !== false ? info.sdCardMb : undefined;
  const state: DeviceState = {
    type: spec.type,
    model: info.model,
    serial,
    mac: spec.mac ?? generateMac(),
    deviceId: generateDeviceId(),
    deviceName: spec.type === 'camera' ? 'IP CAMERA' : spec.type === 'nvr' ? 'Network Video Recorder' : spec.type === 'axpro' ? 'AX PRO' : 'Embedded Net VIS',
    labelVerificationCode: code,
    verificationCode: code,
    activated,
    cloudEnabled: activated ? (spec.cloudEnabled ?? true) : false,
    firmwareVersion: spec.firmwareVersion ?? info.firmwareVersion,
    firmwareBuild: spec.firmwareBuild ?? info.firmwareBuild,
    users: activated ? [{ id: 1, userName: spec.adminUser ?? 'admin', password: spec.adminPassword ?? generatePassword(), userLevel: adminLevel(spec.type) }] : [],
    network: { addressingType: 'static', subnetMask: '255.0.0.0', gateway: '127.0.0.1', dns: '127.0.0.1' },
    time: { timeMode: 'NTP', timeZone: 'CST+0:00:00' },
    hdds: sdCardMb
      ? [{ id: 1, type: 'SD', capacityMb: sdCardMb, freeMb: Math.floor(sdCardMb / 3), status: 'ok', smart: 'ok' }]
      : Array.from({ length: hddCount }, (_, i) => ({ id: i + 1, capacityMb: 3_815_447, freeMb: 1_204_736 - i * 1024, status: 'ok' as const, smart: 'ok' as const })),
    overwrite: true,
    channels: Array.from({ length: channelCount }, (_, i) => ({ id: i + 1, name: spec.type === 'camera' ? 'Camera 01' : `IPCamera ${String(i + 1).padStart(2, '0')}`, online: true, videoLoss: false, recording: true })),
    faults: { ...defaultFaults(), power: spec.powered === false ? 'off' : 'on' },
  };
  if (spec.type === 'axpro') state.axpro = defaultAxPro();
  else if (spec.type === 'camera' || spec.type === 'nvr') state.alarmOutputs = defaultAlarmOutputs(spec.type);
  if (spec.host) state.host = spec.host;
  if (spec.httpPort) state.httpPort = spec.httpPort;
  return state;
}

/** Back to factory state (activation, users, cloud, network), keeping identity and hardware. */
export function factoryResetState(s: DeviceState): void {
  s.activated = false;
  s.users = [];
  s.cloudEnabled = false;
  s.verificationCode = s.labelVerificationCode;
  s.network = { addressingType: 'static', subnetMask: '255.0.0.0', gateway: '127.0.0.1', dns: '127.0.0.1' };
  delete s.ports;
  s.overwrite = true;
  delete s.eventNotifications;
  delete s.motionDetection;
  for (const ch of s.channels) delete ch.manualRecording;
  for (const o of s.alarmOutputs ?? []) o.state = 'low';
  if (s.axpro) {
    for (const z of s.axpro.zones) z.bypassed = false;
    for (const ss of s.axpro.subSystems) {
      ss.arming = 'disarm';
      ss.alarm = false;
    }
  }
}

export { INCOMPATIBLE_FIRMWARE };
