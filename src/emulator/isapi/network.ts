/**
 * /ISAPI/System/Network: the LAN interface (address, DHCP) and the cloud service (`EZVIZ`:
 * enabled, verification code, registration).
 */
import { ezvizCapabilitiesXml, ezvizXml, ipAddressXml, parseEzviz, parseIpAddress } from '../../protocol/isapi/models';
import { buildXml } from '../../protocol/isapi/xml';
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

function ipAddressRes(d: DeviceCore): IsapiResponse {
  const n = d.state.network;
  return d.xml(200, ipAddressXml({ ipVersion: 'v4', addressingType: n.addressingType, ipAddress: d.host, subnetMask: n.subnetMask, defaultGateway: n.gateway, primaryDns: n.dns, secondaryDns: '0.0.0.0' }, d.ns));
}

function interfacesRes(d: DeviceCore): IsapiResponse {
  const n = d.state.network;
  const networkInterface = {
    id: 1,
    IPAddress: {
      ipVersion: 'v4',
      addressingType: n.addressingType,
      ipAddress: d.host,
      subnetMask: n.subnetMask,
      DefaultGateway: { ipAddress: n.gateway },
      PrimaryDNS: { ipAddress: n.dns },
      SecondaryDNS: { ipAddress: '0.0.0.0' },
      ipv6Address: '::',
      bitMask: '0',
      ipV6AddressingType: 'ra',
    },
    Discovery: { UPnP: { enabled: false }, Zeroconf: { enabled: false } },
    Link: { MACAddress: d.state.mac, autoNegotiation: true, speed: 0, duplex: 'full', MTU: { '@': { min: 500, max: 9676 }, '#': 1500 } },
  };
  return d.xml(200, buildXml('NetworkInterfaceList', { NetworkInterface: networkInterface }, { ns: d.ns }));
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

export function networkRoutes(d: DeviceCore): IsapiRoute[] {
  return [
    ['GET', /^\/isapi\/system\/network\/ezviz$/, () => ezvizRes(d)],
    ['PUT', /^\/isapi\/system\/network\/ezviz$/, (c) => putEzviz(d, c)],
    ['GET', /^\/isapi\/system\/network\/ezviz\/capabilities$/, () => d.xml(200, ezvizCapabilitiesXml(d.ns))],
    ['GET', /^\/isapi\/system\/network\/interfaces\/1\/ipaddress$/, () => ipAddressRes(d)],
    ['PUT', /^\/isapi\/system\/network\/interfaces\/1\/ipaddress$/, (c) => putIpAddress(d, c)],
    ['GET', /^\/isapi\/system\/network\/interfaces$/, () => interfacesRes(d)],
  ];
}
