/**
 * What each emulated device type looks like: models, firmware, namespaces, realms, and the
 * generators for serials, MACs, verification codes and passwords. Serials follow the real
 * shape: model + yyyymmdd + 4 letters + the 9-character short serial (letter + 8 digits).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { HIKVISION_NS, ISAPI_NS } from '../protocol/isapi/xml';
import type { EmulatedDeviceType } from './types';

export interface ModelInfo {
  model: string;
  deviceType: string;
  deviceDescription: string;
  firmwareVersion: string;
  firmwareBuild: string;
  /** Namespace of this family's XML documents (both occur on real devices). */
  ns: string;
  digestStyle: 'camera' | 'intercom';
  serialInfix: string;
  /** SADP DeviceType class code. */
  sadpClass: string;
  /**
   * Cameras with a microSD slot: the size in MB of the card an emulated camera of this model comes
   * with (it shows in /ISAPI/ContentMgmt/Storage as an `hdd` of type SD). Absent: no slot.
   */
  sdCardMb?: number;
}

export const MODELS: Record<EmulatedDeviceType, ModelInfo[]> = {
  camera: [
    // 64 GB and 128 GB cards as the cameras report them (MB).
    { model: 'DS-2CD2143G2-I', deviceType: 'IPCamera', deviceDescription: 'IPCamera', firmwareVersion: 'V5.7.3', firmwareBuild: '220112', ns: HIKVISION_NS, digestStyle: 'camera', serialInfix: 'AAWR', sadpClass: '139881', sdCardMb: 60_906 },
    { model: 'DS-2CD2386G2-IU', deviceType: 'IPCamera', deviceDescription: 'IPCamera', firmwareVersion: 'V5.7.11', firmwareBuild: '230301', ns: HIKVISION_NS, digestStyle: 'camera', serialInfix: 'AAWR', sadpClass: '139881', sdCardMb: 121_942 },
    // Value series: no card slot.
    { model: 'DS-2CD1043G0-I', deviceType: 'IPCamera', deviceDescription: 'IPCamera', firmwareVersion: 'V5.5.800', firmwareBuild: '210628', ns: HIKVISION_NS, digestStyle: 'camera', serialInfix: 'AAWR', sadpClass: '139881' },
  ],
  nvr: [
    { model: 'DS-7608NI-K2', deviceType: 'NVR', deviceDescription: 'NVR', firmwareVersion: 'V4.40.015', firmwareBuild: '210922', ns: ISAPI_NS, digestStyle: 'intercom', serialInfix: 'CCRR', sadpClass: '140101' },
    { model: 'DS-7616NI-Q2', deviceType: 'NVR', deviceDescription: 'NVR', firmwareVersion: 'V4.61.010', firmwareBuild: '230214', ns: ISAPI_NS, digestStyle: 'intercom', serialInfix: 'CCRR', sadpClass: '140101' },
  ],
  axpro: [
    { model: 'DS-PWA96-M-WE', deviceType: 'AXPro', deviceDescription: 'AX PRO', firmwareVersion: 'V1.2.8', firmwareBuild: '230405', ns: HIKVISION_NS, digestStyle: 'intercom', serialInfix: 'WEWR', sadpClass: '262401' },
  ],
  unknown: [
    { model: 'DS-KD8003-IME1', deviceType: 'VIS', deviceDescription: 'Vis', firmwareVersion: 'V2.2.60', firmwareBuild: '231204', ns: ISAPI_NS, digestStyle: 'intercom', serialInfix: 'EXWR', sadpClass: '604' },
  ],
};

export function modelInfo(type: EmulatedDeviceType, model?: string): ModelInfo {
  const list = MODELS[type];
  const found = model ? list.find((m) => m.model === model) : undefined;
  const base = found ?? list[0];
  if (!base) throw new Error(`no model for ${type}`);
  if (model && !found) return { ...base, model };
  return base;
}

/** Firmware reported after the `firmwareIncompatible` fault: old enough that the platform refuses it. */
export const INCOMPATIBLE_FIRMWARE = { version: 'V1.0.0', build: '150101' } as const;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function randomLetters(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[randomInt(LETTERS.length)];
  return s;
}

export function generateShortSerial(): string {
  return `${randomLetters(1)}${String(randomInt(100_000_000)).padStart(8, '0')}`;
}

export function generateSerial(info: ModelInfo, shortSerial = generateShortSerial()): string {
  const y = 2019 + randomInt(6);
  const m = String(1 + randomInt(12)).padStart(2, '0');
  const d = String(1 + randomInt(28)).padStart(2, '0');
  return `${info.model}${y}${m}${d}${info.serialInfix}${shortSerial}`;
}

/** Verification code as printed on labels: 6 upper-case letters. */
export function generateVerificationCode(): string {
  return randomLetters(6);
}

export function generateMac(): string {
  // Hikvision-style OUI, locally random tail.
  const tail = Array.from({ length: 3 }, () => randomInt(256).toString(16).padStart(2, '0'));
  return ['c0', '56', 'e3', ...tail].join(':');
}

/** A password that passes the device policy (strong: upper, lower, digits). */
export function generatePassword(): string {
  return `Sk${randomLetters(3).toLowerCase()}${randomLetters(2)}${String(randomInt(1000)).padStart(3, '0')}`;
}

export function generateDeviceId(): string {
  return randomUUID();
}
