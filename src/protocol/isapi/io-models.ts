/**
 * Typed ISAPI documents of alarm outputs and manual recording (linkage rules' device actions):
 * `IOPortData` (the body of `PUT /ISAPI/System/IO/outputs/<id>/trigger`, `outputState` high or
 * low), `IOPortStatus` (`GET /ISAPI/System/IO/outputs/<id>/status`, `ioState` active or inactive),
 * and the track id of a channel's main stream recording (`/ISAPI/ContentMgmt/record/control/manual/
 * start|stop/tracks/<id>`, no body: channel × 100 + 1, as the streaming channel ids). Written by the
 * emulator, read by the device client.
 */
import { AppError } from '../../errors/app-error';
import { buildXml, parseDocument, xmlInt, xmlText } from './xml';

export type OutputState = 'high' | 'low';

/** The recording track of a channel's main stream (channel 1 → 101). */
export function recordTrackId(channel: number): number {
  return channel * 100 + 1;
}

/** The channel a track id records, or undefined for a track that is not a main-stream recording track. */
export function channelOfTrack(trackId: number): number | undefined {
  return Number.isInteger(trackId) && trackId >= 101 && trackId % 100 === 1 ? (trackId - 1) / 100 : undefined;
}

export function ioPortDataXml(outputState: OutputState, ns?: string): string {
  return buildXml('IOPortData', { outputState }, ns ? { ns } : {});
}

/** Reads `IOPortData`; VALIDATION_FAILED unless `outputState` is high or low. */
export function parseIoPortData(body: string | Buffer): { outputState: OutputState } {
  const s = xmlText(parseDocument(body, 'IOPortData'), 'outputState');
  if (s !== 'high' && s !== 'low') throw new AppError('VALIDATION_FAILED', 'IOPortData needs outputState high or low.');
  return { outputState: s };
}

export interface IoPortStatus {
  ioPortID: number;
  ioPortType: 'input' | 'output';
  ioState: 'active' | 'inactive';
}

export function ioPortStatusXml(s: IoPortStatus, ns?: string): string {
  return buildXml('IOPortStatus', { ioPortID: s.ioPortID, ioPortType: s.ioPortType, ioState: s.ioState }, ns ? { ns } : {});
}

export function parseIoPortStatus(body: string | Buffer): IoPortStatus {
  const d = parseDocument(body, 'IOPortStatus');
  const state = xmlText(d, 'ioState');
  return { ioPortID: xmlInt(d, 'ioPortID') ?? 0, ioPortType: xmlText(d, 'ioPortType') === 'input' ? 'input' : 'output', ioState: state === 'active' ? 'active' : 'inactive' };
}
