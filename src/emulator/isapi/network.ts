/**
 * /ISAPI/System/Network: the LAN interface (address, DHCP, DNS) and the cloud service (`EZVIZ`:
 * enabled, verification code, registration); /ISAPI/Security/adminAccesses: the service ports.
 * Address and port changes are stored and reported, never applied to the listener.
 */
import { adminAccessesXml, ezvizCapabilitiesXml, ezvizXml, ipAddressXml, parseAdminAccesses, parseEzviz, parseIpAddress, parseNetworkInterface, type AdminAccessProtocol, type IpAddressConfig } from '../../protocol/isapi/models';
import { buildXml, type XmlElement } from '../../protocol/isapi/xml';
import { checkIpv4Settings, NO_ADDRESS, type Ipv4Settings } from '../../protocol/net/ipv4-settings';
import type { ServicePorts } from '../state';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, parsedBody, type IsapiRoute } from './route';

function ezvizRes(d: DeviceCore): IsapiResponse {
  const s = d.state;
  const registered = s.cloudEnabled && d.cloudRegisteredNow && d.cloudLinkUp;
  return d.xml(200, ezvizXml({ enabled: s.cloudEnabled, registerStatus: registered, serverHostName: 'dev.sitekeeper.local', verificationCode: '', bindStatus: registered ? 'bind' : 'unbind' }, d.ns));
}

function putEzviz(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const cfg = parsedBody(d, c, parseEzviz);
  if (isResponse(cfg)) return cfg;
  const s = d.state;
  const before = { enabled: s.cloudEnabled, code: s.verificationCode };
  if (cfg.verificationCode !== undefined && cfg.verificationCode !== '') {
    if (!/^[A-Za-z0-9]{6,12}$/.test(cfg.verificationCode)) return d.rs(c, 'invalidEZVIZSecretKey', { description: 'The verification code must be 6 to 12 letters or digits.' });
    s.verificationCode = cfg.verificationCode;
  }
  if (cfg.enabled !== undefined) s.cloudEnabled = cfg.enabled;
  if (before.enabled !== s.cloudEnabled || before.code !== s.verificationCode) {
    if (before.code !== s.verificationCode || !s.cloudEnabled) d.setCloudRegistered(false);
    d.changed();
    d.cloudConfigChanged();
  }
  return d.ok(c);
}

/** The IPv4 settings the device reports: what was written, else the address it listens on. */
function ipv4(d: DeviceCore): IpAddressConfig {
  const n = d.state.network;
  return { ipVersion: 'v4', addressingType: n.addressingType, ipAddress: n.ipAddress ?? d.host, subnetMask: n.subnetMask, defaultGateway: n.gateway, primaryDns: n.dns, secondaryDns: n.secondaryDns ?? NO_ADDRESS };
}

function ipAddressRes(d: DeviceCore): IsapiResponse {
  return d.xml(200, ipAddressXml(ipv4(d), d.ns));
}

/** Interface 1 as the AX Pro capture shows it (IPv6, discovery and link blocks around the IPv4 settings). */
function networkInterface(d: DeviceCore): XmlElement {
  const ip = ipv4(d);
  return {
    id: 1,
    IPAddress: {
      ipVersion: ip.ipVersion,
      addressingType: ip.addressingType,
      ipAddress: ip.ipAddress,
      subnetMask: ip.subnetMask,
      DefaultGateway: { ipAddress: ip.defaultGateway },
      PrimaryDNS: { ipAddress: ip.primaryDns },
      SecondaryDNS: { ipAddress: ip.secondaryDns },
      ipv6Address: '::',
      bitMask: '0',
      ipV6AddressingType: 'ra',
    },
    Discovery: { UPnP: { enabled: false }, Zeroconf: { enabled: false } },
    Link: { MACAddress: d.state.mac, autoNegotiation: true, speed: 0, duplex: 'full', MTU: { '@': { min: 500, max: 9676 }, '#': 1500 } },
  };
}

function interfacesRes(d: DeviceCore): IsapiResponse {
  return d.xml(200, buildXml('NetworkInterfaceList', { NetworkInterface: networkInterface(d) }, { ns: d.ns }));
}

function interfaceRes(d: DeviceCore): IsapiResponse {
  return d.xml(200, buildXml('NetworkInterface', networkInterface(d), { ns: d.ns }));
}

function putIpAddress(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const cfg = parsedBody(d, c, parseIpAddress);
  if (isResponse(cfg)) return cfg;
  const n = d.state.network;
  const changedType = n.addressingType !== cfg.addressingType;
  n.addressingType = cfg.addressingType;
  if (cfg.subnetMask) n.subnetMask = cfg.subnetMask;
  if (cfg.defaultGateway) n.gateway = cfg.defaultGateway;
  if (cfg.primaryDns) n.dns = cfg.primaryDns;
  d.changed();
  // NVRs ask for a reboot when the addressing mode changes (statusCode 7, HTTP 200), cameras apply it.
  if (changedType && d.type === 'nvr') return d.rs(c, 'rebootRequired');
  return d.ok(c);
}

/**
 * `PUT /ISAPI/System/Network/interfaces/1`: the IPv4 settings of its `IPAddress` block (what the
 * block leaves out stays). Values the device would refuse → `badParameters`. Stored and reported,
 * not applied: a change of address, mask, gateway or mode answers statusCode 7 `rebootRequired`
 * like a real device, and the listener stays where it is (tests keep reaching the device).
 */
function putInterface(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const body = parsedBody(d, c, parseNetworkInterface);
  if (isResponse(body)) return body;
  if (body.id !== 1) return d.rs(c, 'badParameters', { description: 'The interface id in the body must be 1.' });
  const cfg = body.ip;
  const before = ipv4(d);
  const next: Ipv4Settings = {
    addressing: cfg.addressingType === 'dynamic' ? 'dhcp' : 'static',
    ipAddress: cfg.ipAddress ?? before.ipAddress ?? '',
    subnetMask: cfg.subnetMask ?? before.subnetMask ?? '',
    defaultGateway: cfg.defaultGateway ?? before.defaultGateway ?? '',
    primaryDns: cfg.primaryDns ?? before.primaryDns ?? '',
    secondaryDns: cfg.secondaryDns ?? before.secondaryDns ?? '',
  };
  const problems = checkIpv4Settings(next);
  if (problems.length > 0) return d.rs(c, 'badParameters', { description: problems.map((p) => `${p.field}: ${p.message}`).join(' ') });
  const n = d.state.network;
  n.addressingType = cfg.addressingType;
  if (cfg.addressingType === 'static') {
    if (next.ipAddress === d.host) delete n.ipAddress;
    else n.ipAddress = next.ipAddress;
    n.subnetMask = next.subnetMask;
    n.gateway = next.defaultGateway || NO_ADDRESS;
  } else delete n.ipAddress; // the lease: the address it listens on
  n.dns = next.primaryDns || NO_ADDRESS;
  if ((next.secondaryDns || NO_ADDRESS) === NO_ADDRESS) delete n.secondaryDns;
  else n.secondaryDns = next.secondaryDns;
  d.changed();
  const after = ipv4(d);
  const needsRestart = (['addressingType', 'ipAddress', 'subnetMask', 'defaultGateway'] as const).some((k) => before[k] !== after[k]);
  return needsRestart ? d.rs(c, 'rebootRequired') : d.ok(c);
}

// ---------------------------------------------------------------- service ports

const RTSP_DEFAULT = 554;

function servicePorts(d: DeviceCore): ServicePorts {
  return d.state.ports ?? { http: d.httpPort, ...(d.type === 'axpro' ? {} : { rtsp: RTSP_DEFAULT }), https: 443, devManage: 8000 };
}

/** The list as real devices write it: HTTP 1, RTSP 2, HTTPS 3 (with a setting of its own), DEV_MANAGE 4 (without `enabled`, as captured). */
function adminAccessList(p: ServicePorts): AdminAccessProtocol[] {
  return [
    { id: 1, enabled: true, protocol: 'HTTP', portNo: p.http },
    ...(p.rtsp !== undefined ? [{ id: 2, enabled: true, protocol: 'RTSP', portNo: p.rtsp }] : []),
    { id: 3, enabled: true, protocol: 'HTTPS', portNo: p.https, extra: { redirectToHttps: false } },
    { id: 4, protocol: 'DEV_MANAGE', portNo: p.devManage },
  ];
}

/**
 * `PUT /ISAPI/Security/adminAccesses`: the ports of the services the body lists (by protocol; the
 * others stay). A port outside 1–65535, or two services on one port → `badParameters`. A change
 * answers `rebootRequired`; the emulator stores it and keeps listening where it does.
 */
function putAdminAccesses(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const list = parsedBody(d, c, parseAdminAccesses);
  if (isResponse(list)) return list;
  const before = servicePorts(d);
  const next: ServicePorts = { ...before };
  const keys: Record<string, 'http' | 'rtsp' | 'https' | 'devManage'> = { HTTP: 'http', RTSP: 'rtsp', HTTPS: 'https', DEV_MANAGE: 'devManage' };
  for (const p of list) {
    const k = keys[p.protocol];
    if (!k || (k === 'rtsp' && before.rtsp === undefined)) return d.rs(c, 'badParameters', { description: `No ${p.protocol} service on this device.` });
    if (!Number.isInteger(p.portNo) || p.portNo < 1 || p.portNo > 65535) return d.rs(c, 'badParameters', { description: `${p.protocol} port out of range.` });
    next[k] = p.portNo;
  }
  const used = Object.values(next).filter((v): v is number => v !== undefined);
  if (new Set(used).size !== used.length) return d.rs(c, 'badParameters', { description: 'Two services cannot share a port.' });
  const changed = (Object.keys(keys) as (keyof typeof keys)[]).some((p) => before[keys[p]!] !== next[keys[p]!]);
  if (!changed) return d.ok(c);
  d.state.ports = next;
  d.changed();
  return d.rs(c, 'rebootRequired');
}

export function networkRoutes(d: DeviceCore): IsapiRoute[] {
  return [
    ['GET', /^\/isapi\/system\/network\/ezviz$/, () => ezvizRes(d)],
    ['PUT', /^\/isapi\/system\/network\/ezviz$/, (c) => putEzviz(d, c)],
    ['GET', /^\/isapi\/system\/network\/ezviz\/capabilities$/, () => d.xml(200, ezvizCapabilitiesXml(d.ns))],
    ['GET', /^\/isapi\/system\/network\/interfaces\/1\/ipaddress$/, () => ipAddressRes(d)],
    ['PUT', /^\/isapi\/system\/network\/interfaces\/1\/ipaddress$/, (c) => putIpAddress(d, c)],
    ['GET', /^\/isapi\/system\/network\/interfaces$/, () => interfacesRes(d)],
    ['GET', /^\/isapi\/system\/network\/interfaces\/1$/, () => interfaceRes(d)],
    ['PUT', /^\/isapi\/system\/network\/interfaces\/1$/, (c) => putInterface(d, c)],
    ['GET', /^\/isapi\/security\/adminaccesses$/, () => d.xml(200, adminAccessesXml(adminAccessList(servicePorts(d)), d.ns))],
    ['PUT', /^\/isapi\/security\/adminaccesses$/, (c) => putAdminAccesses(d, c)],
  ];
}
