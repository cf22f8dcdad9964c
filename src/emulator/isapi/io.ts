/**
 * What linkage rules do on a device (issue 15): manual recording of a channel
 * (`PUT /ISAPI/ContentMgmt/record/control/manual/start|stop/tracks/<channel>01`, no body) and the
 * alarm outputs (`GET /ISAPI/System/IO/outputs/<id>/status`, `PUT …/outputs/<id>/trigger` with
 * `IOPortData` outputState high or low). Cameras and recorders have them, an AX Pro does not (404
 * notSupport). State is observable: `channels[].manualRecording`, `alarmOutputs[].state`, and a
 * status event per change (`manualRecord`, `alarmOutput`).
 */
import { channelOfTrack, ioPortStatusXml, parseIoPortData } from '../../protocol/isapi/models';
import { buildXml } from '../../protocol/isapi/xml';
import type { IsapiResponse } from '../types';
import { defaultAlarmOutputs, type AlarmOutputState } from '../state';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, noSuch, parsedBody, type IsapiRoute } from './route';

const VIDEO = ['camera', 'nvr'] as const;

function outputs(d: DeviceCore): AlarmOutputState[] {
  d.state.alarmOutputs ??= defaultAlarmOutputs(d.type);
  return d.state.alarmOutputs;
}

function manualRecord(d: DeviceCore, c: IsapiContext, track: number, on: boolean): IsapiResponse {
  const channel = channelOfTrack(track);
  const ch = channel === undefined ? undefined : d.state.channels.find((x) => x.id === channel);
  if (!ch) return noSuch(d, c, 'track');
  if (!!ch.manualRecording !== on) {
    if (on) ch.manualRecording = true;
    else delete ch.manualRecording;
    d.emitStatus('manualRecord', { channel: ch.id, track, recording: on });
    d.changed();
  }
  return d.ok(c);
}

function trigger(d: DeviceCore, c: IsapiContext, id: number): IsapiResponse {
  const o = outputs(d).find((x) => x.id === id);
  if (!o) return noSuch(d, c, 'alarm output');
  const body = parsedBody(d, c, parseIoPortData);
  if (isResponse(body)) return body;
  if (o.state !== body.outputState) {
    o.state = body.outputState;
    d.emitStatus('alarmOutput', { output: id, state: o.state });
    d.changed();
  }
  return d.ok(c);
}

function status(d: DeviceCore, c: IsapiContext, id: number): IsapiResponse {
  const o = outputs(d).find((x) => x.id === id);
  if (!o) return noSuch(d, c, 'alarm output');
  return d.xml(200, ioPortStatusXml({ ioPortID: o.id, ioPortType: 'output', ioState: o.state === 'high' ? 'active' : 'inactive' }, d.ns));
}

export function ioRoutes(d: DeviceCore): IsapiRoute[] {
  return [
    ['PUT', /^\/isapi\/contentmgmt\/record\/control\/manual\/start\/tracks\/(\d+)$/, (c, m) => manualRecord(d, c, Number(m[1]), true), VIDEO],
    ['PUT', /^\/isapi\/contentmgmt\/record\/control\/manual\/stop\/tracks\/(\d+)$/, (c, m) => manualRecord(d, c, Number(m[1]), false), VIDEO],
    ['GET', /^\/isapi\/system\/io\/outputs$/, () => d.xml(200, buildXml('IOOutputPortList', { IOOutputPort: outputs(d).map((o) => ({ id: o.id, PowerOnState: { defaultState: 'low', outputState: 'pulse', pulseDuration: 1000 } })) }, { ns: d.ns })), VIDEO],
    ['GET', /^\/isapi\/system\/io\/outputs\/(\d+)\/status$/, (c, m) => status(d, c, Number(m[1])), VIDEO],
    ['PUT', /^\/isapi\/system\/io\/outputs\/(\d+)\/trigger$/, (c, m) => trigger(d, c, Number(m[1])), VIDEO],
  ];
}
