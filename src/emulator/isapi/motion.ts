/**
 * Motion detection of a video channel: `GET/PUT /ISAPI/System/Video/inputs/channels/<n>/motionDetection`
 * on cameras and NVRs, and the NVR's form for the camera behind an IP channel,
 * `/ISAPI/ContentMgmt/InputProxy/channels/<n>/video/motionDetection` (same document, same settings).
 *
 * Shape of the `MotionDetection` template in ../shared/isapi-samples: `enabled`, `enableHighlight`,
 * `samplingInterval`, `startTriggerTime`, `endTriggerTime`, `regionType` grid, `Grid` (18 rows of 22
 * cells), `MotionDetectionLayout` (`version` attribute) with `sensitivityLevel` and `layout/gridMap`.
 * A PUT may carry only the elements it changes; the rest stay. Settings are kept in the device
 * state (`motionDetection`).
 */
import { buildXml, xmlChild, xmlText } from '../../protocol/isapi/xml';
import type { MotionDetectionState } from '../state';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, noSuch, xmlBody, type IsapiRoute } from './route';

const ROWS = 18;
const COLUMNS = 22;
/** 22 cells a row round up to 3 bytes: 6 hex digits per row. */
const GRID_HEX_DIGITS = ROWS * 6;

/** Factory settings: off, the whole picture as the detection area, the template's timings and sensitivity. */
export function factoryMotionDetection(): MotionDetectionState {
  return { enabled: false, enableHighlight: true, samplingInterval: 2, startTriggerTime: 500, endTriggerTime: 500, sensitivityLevel: 20, gridMap: 'fffffc'.repeat(ROWS) };
}

export function motionDetection(d: DeviceCore, channel: number): MotionDetectionState {
  return d.state.motionDetection?.[channel] ?? factoryMotionDetection();
}

function motionXml(d: DeviceCore, m: MotionDetectionState): string {
  return buildXml(
    'MotionDetection',
    {
      enabled: m.enabled,
      enableHighlight: m.enableHighlight,
      samplingInterval: m.samplingInterval,
      startTriggerTime: m.startTriggerTime,
      endTriggerTime: m.endTriggerTime,
      regionType: 'grid',
      Grid: { rowGranularity: ROWS, columnGranularity: COLUMNS },
      MotionDetectionLayout: { '@': { version: '2.0' }, '#': { sensitivityLevel: m.sensitivityLevel, layout: { gridMap: m.gridMap } } },
    },
    { ns: d.ns },
  );
}

/** Applies the elements present in a `MotionDetection` document; a string is what is wrong with it. */
export function applyMotionDetection(current: MotionDetectionState, doc: Record<string, unknown>): MotionDetectionState | string {
  const next = { ...current };
  for (const key of ['enabled', 'enableHighlight'] as const) {
    const t = xmlText(doc, key)?.trim().toLowerCase();
    if (t === undefined) continue;
    if (t !== 'true' && t !== 'false') return `${key} must be true or false.`;
    next[key] = t === 'true';
  }
  const ints: [keyof MotionDetectionState, string | undefined, number, number][] = [
    ['samplingInterval', xmlText(doc, 'samplingInterval'), 1, 60],
    ['startTriggerTime', xmlText(doc, 'startTriggerTime'), 0, 10_000],
    ['endTriggerTime', xmlText(doc, 'endTriggerTime'), 0, 10_000],
  ];
  const layoutEl = xmlChild(doc, 'MotionDetectionLayout');
  ints.push(['sensitivityLevel', xmlText(layoutEl, 'sensitivityLevel'), 0, 100]);
  for (const [key, raw, min, max] of ints) {
    if (raw === undefined) continue;
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) return `${key} must be a whole number from ${min} to ${max}.`;
    (next as Record<string, unknown>)[key] = n;
  }
  const grid = xmlText(xmlChild(layoutEl, 'layout'), 'gridMap')?.trim();
  if (grid !== undefined) {
    if (!/^[0-9a-fA-F]*$/.test(grid) || grid.length > GRID_HEX_DIGITS) return `gridMap must be up to ${GRID_HEX_DIGITS} hex digits (${ROWS} rows of ${COLUMNS} cells).`;
    next.gridMap = grid.toLowerCase();
  }
  return next;
}

function put(d: DeviceCore, c: IsapiContext, channel: number): IsapiResponse {
  const doc = xmlBody(d, c, 'MotionDetection');
  if (isResponse(doc)) return doc;
  const next = applyMotionDetection(motionDetection(d, channel), doc);
  if (typeof next === 'string') return d.rs(c, 'badXmlContent', { description: next });
  d.state.motionDetection = { ...d.state.motionDetection, [channel]: next };
  d.changed();
  return d.ok(c);
}

export function motionDetectionRoutes(d: DeviceCore): IsapiRoute[] {
  const onChannel =
    (fn: (c: IsapiContext, channel: number) => IsapiResponse) =>
    (c: IsapiContext, m: RegExpExecArray): IsapiResponse => {
      const channel = Number(m[1]);
      return d.state.channels.some((ch) => ch.id === channel) ? fn(c, channel) : noSuch(d, c, 'video channel');
    };
  const get = onChannel((_c, channel) => d.xml(200, motionXml(d, motionDetection(d, channel))));
  const set = onChannel((c, channel) => put(d, c, channel));
  const system = /^\/isapi\/system\/video\/inputs\/channels\/(\d+)\/motiondetection$/;
  const proxy = /^\/isapi\/contentmgmt\/inputproxy\/channels\/(\d+)\/video\/motiondetection$/;
  return [
    ['GET', system, get, ['camera', 'nvr']],
    ['PUT', system, set, ['camera', 'nvr']],
    ['GET', proxy, get, ['nvr']],
    ['PUT', proxy, set, ['nvr']],
  ];
}
