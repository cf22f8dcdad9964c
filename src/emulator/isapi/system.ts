/** /ISAPI/System: device information, status, capabilities, reboot and time. */
import { deviceInfoXml, ntpServerXml, parseDeviceName, parseNtpServer, parseTime, timeXml } from '../../protocol/isapi/models';
import { buildXml } from '../../protocol/isapi/xml';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, parsedBody, type IsapiRoute } from './route';

export interface SystemDeps {
  /** When the device was started (uptime). */
  startedAt: number;
  /** A firmware upgrade is under way (a reboot is refused meanwhile). */
  upgrading: () => boolean;
}

/** The device's clock as it writes it: seconds, with an explicit UTC offset. */
function deviceTime(d: DeviceCore): string {
  return new Date(d.clock()).toISOString().replace(/\.\d+Z$/, '+00:00');
}

function deviceInfoRes(d: DeviceCore): IsapiResponse {
  const s = d.state;
  const extra =
    s.type === 'camera' ? { firmwareVersionInfo: 'B-R-G1-0' } : s.type === 'unknown' ? { alarmOutNum: 0, alarmInNum: 1, RS485Num: 0, customizedInfo: '' } : s.type === 'axpro' ? { alarmOutNum: 1, alarmInNum: 8 } : {};
  const info = {
    deviceName: s.deviceName,
    deviceID: s.deviceId,
    deviceDescription: d.info.deviceDescription,
    model: s.model,
    serialNumber: s.serial,
    macAddress: s.mac,
    firmwareVersion: s.firmwareVersion,
    firmwareReleasedDate: `build ${s.firmwareBuild}`,
    deviceType: d.info.deviceType,
    ...(s.type === 'unknown' ? { subDeviceType: 'indoorStation' } : {}),
    ...(s.type === 'nvr' ? { analogChannelNum: 0, digitalChannelNum: s.channels.length } : {}),
  };
  return d.xml(200, deviceInfoXml(info, d.ns, extra));
}

function deviceStatusRes(d: DeviceCore, startedAt: number): IsapiResponse {
  const status = {
    currentDeviceTime: deviceTime(d),
    deviceUpTime: Math.floor((d.clock() - startedAt) / 1000),
    CPUList: { CPU: { cpuDescription: 'ARM Cortex-A7 (emulated)', cpuUtilization: 12 } },
    MemoryList: { Memory: { memoryDescription: 'DDR Memory', memoryUsage: 41, memoryAvailable: 48896 } },
  };
  return d.xml(200, buildXml('DeviceStatus', status, { ns: d.ns }));
}

function capabilitiesRes(d: DeviceCore): IsapiResponse {
  const caps = {
    SysCap: { isSupportDst: true, NetworkCap: { isSupportWireless: false, isSupportEZVIZ: true } },
    isSupportFirmwareVersionInfo: true,
    isSupportUserLock: true,
    isSupportActivate: true,
  };
  return d.xml(200, buildXml('DeviceCap', caps, { ns: d.ns }));
}

function putTime(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const t = parsedBody(d, c, parseTime);
  if (isResponse(t)) return t;
  if (t.timeMode) d.state.time.timeMode = t.timeMode;
  if (t.timeZone) d.state.time.timeZone = t.timeZone;
  d.changed();
  return d.ok(c);
}

/** The device name is the one writable field of DeviceInfo (1–32 characters, as the web UI allows). */
function putDeviceInfo(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const parsed = parsedBody(d, c, (b) => ({ name: parseDeviceName(b) }));
  if (isResponse(parsed)) return parsed;
  const name = parsed.name;
  if (name === undefined || name.length === 0 || name.length > 32) return d.rs(c, 'badParameters', { description: 'deviceName must be 1–32 characters.' });
  d.state.deviceName = name;
  d.changed();
  return d.ok(c);
}

function ntpRes(d: DeviceCore): IsapiResponse {
  const n = d.state.ntp ?? { addressingFormatType: 'hostname', host: 'time.windows.com', portNo: 123, synchronizeInterval: 1440 };
  return d.xml(200, ntpServerXml({ id: 1, addressingFormatType: n.addressingFormatType, ...(n.addressingFormatType === 'ipaddress' ? { ipAddress: n.host } : { hostName: n.host }), portNo: n.portNo, synchronizeInterval: n.synchronizeInterval }, d.ns));
}

function putNtp(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const n = parsedBody(d, c, parseNtpServer);
  if (isResponse(n)) return n;
  const host = n.addressingFormatType === 'ipaddress' ? n.ipAddress : n.hostName;
  if (!host || host.length > 64 || n.portNo < 1 || n.portNo > 65535 || n.synchronizeInterval < 1 || n.synchronizeInterval > 10080) return d.rs(c, 'badParameters', { description: 'An NTP server needs a host, a port (1–65535) and an interval (1–10080 minutes).' });
  d.state.ntp = { addressingFormatType: n.addressingFormatType === 'ipaddress' ? 'ipaddress' : 'hostname', host, portNo: n.portNo, synchronizeInterval: n.synchronizeInterval };
  d.changed();
  return d.ok(c);
}

export function systemRoutes(d: DeviceCore, deps: SystemDeps): IsapiRoute[] {
  const reboot = (c: IsapiContext): IsapiResponse => {
    if (deps.upgrading()) return d.rs(c, 'upgrading');
    d.later(50, () => d.reboot());
    return d.ok(c);
  };
  const time = (): IsapiResponse => d.xml(200, timeXml({ timeMode: d.state.time.timeMode, localTime: deviceTime(d), timeZone: d.state.time.timeZone }, d.ns));
  return [
    ['GET', /^\/isapi\/system\/deviceinfo$/, () => deviceInfoRes(d)],
    ['GET', /^\/isapi\/system\/status$/, () => deviceStatusRes(d, deps.startedAt)],
    ['GET', /^\/isapi\/system\/capabilities$/, () => capabilitiesRes(d)],
    ['PUT', /^\/isapi\/system\/reboot$/, reboot],
    ['POST', /^\/isapi\/system\/reboot$/, reboot],
    ['GET', /^\/isapi\/system\/time$/, time],
    ['PUT', /^\/isapi\/system\/time$/, (c) => putTime(d, c)],
    ['PUT', /^\/isapi\/system\/deviceinfo$/, (c) => putDeviceInfo(d, c)],
    ['GET', /^\/isapi\/system\/time\/ntpservers\/1$/, () => ntpRes(d)],
    ['PUT', /^\/isapi\/system\/time\/ntpservers\/1$/, (c) => putNtp(d, c)],
  ];
}
