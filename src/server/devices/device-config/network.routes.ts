import { Type } from 'typebox';
import type { App } from '../../http/types';
import { meta } from '../../http/types';
import { errorResponses, IdParams } from '../../http/common.schema';
import { requireActor } from '../../http/access';
import { IPV4_OR_EMPTY_PATTERN } from '../../../protocol/net/ipv4-settings';
import type { DeviceRemoteService } from '../device-remote.service';
import { readNetwork, readPorts, writeNetwork, writePorts } from './network';

const Addressing = Type.Union([Type.Literal('dhcp'), Type.Literal('static')], { description: 'dhcp: the DHCP server gives address, mask and gateway; static: the ones given here' });
const address = (description: string) => Type.String({ maxLength: 15, pattern: IPV4_OR_EMPTY_PATTERN, description });

const NetworkRead = Type.Object({
  addressing: Addressing,
  ipAddress: Type.String({ description: 'IPv4 address (with DHCP: the one it has now); empty: none' }),
  subnetMask: Type.String(),
  defaultGateway: Type.String({ description: 'Empty: none' }),
  primaryDns: Type.String({ description: 'Empty: none' }),
  secondaryDns: Type.String({ description: 'Empty: none' }),
});
const NetworkWrite = Type.Object({
  addressing: Addressing,
  ipAddress: Type.Optional(address('IPv4 address: needed for static, ignored with DHCP')),
  subnetMask: Type.Optional(address('Contiguous netmask (/1–/30): needed for static, ignored with DHCP')),
  defaultGateway: Type.Optional(address('In the same subnet as the address; absent: as it is, empty: none; ignored with DHCP')),
  primaryDns: Type.Optional(address('Absent: as it is, empty: none')),
  secondaryDns: Type.Optional(address('Absent: as it is, empty: none')),
}, { additionalProperties: false });

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const PortsRead = Type.Object({ httpPort: Port, rtspPort: Type.Union([Port, Type.Null()], { description: 'Null: the device has no RTSP service (an alarm panel)' }) });
const PortsWrite = Type.Object({ httpPort: Port, rtspPort: Type.Optional(Port) }, { additionalProperties: false });

const Outcome = {
  rebootRequired: Type.Boolean({ description: 'The device applies the change when it restarts (Sitekeeper does not restart it)' }),
  reachAddressChanges: Type.Boolean({ description: 'Sitekeeper reaches this device by its address (directly or through a site agent) and that address or HTTP port changes at the restart: give it the new one with "Edit device information" then' }),
};

const NOTE = 'Read from the device and written back over whichever way Sitekeeper reaches it (device cloud, site agent, directly); the answer is read back from the device. Devices apply network and port changes when they restart (`rebootRequired`; no automatic restart). For a device reached by its address, `reachAddressChanges` says the address or HTTP port it is reached on changes then: nothing is refused for that. Values that cannot work answer VALIDATION_FAILED with `details.fields` ([{ field, message }]) and nothing is written. Needs the device admin password (DEVICE_ADMIN_PASSWORD_NEEDED) and a firmware the compatibility catalogue accepts for remote configuration (FIRMWARE_INCOMPATIBLE). Each change writes a `device.config.update` audit row with the old and new values.';

/** GET/PUT /api/devices/:id/config/network and /config/ports (registered from deviceRemoteRoutes). */
export function networkConfigRoutes(app: App, deps: { remote: DeviceRemoteService }): void {
  const { remote } = deps;

  app.get('/api/devices/:id/config/network', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Remote configuration: network (DHCP or static IPv4 address, mask, gateway; DNS servers)', description: NOTE, params: IdParams, response: { 200: NetworkRead, ...errorResponses } },
  }, async (req) => readNetwork(remote, requireActor(req), req.params.id));

  app.put('/api/devices/:id/config/network', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Remote configuration: write the network settings (applied when the device restarts)',
      description: `${NOTE} Static needs ipAddress and subnetMask; the gateway must be in the same subnet.`,
      params: IdParams,
      body: NetworkWrite,
      response: { 200: Type.Object({ ...NetworkRead.properties, ...Outcome }), ...errorResponses },
    },
  }, async (req) => writeNetwork(remote, requireActor(req), req.params.id, req.body, meta(req)));

  app.get('/api/devices/:id/config/ports', {
    config: { access: 'installer' },
    schema: { tags: ['devices'], summary: 'Remote configuration: HTTP and RTSP ports', description: NOTE, params: IdParams, response: { 200: PortsRead, ...errorResponses } },
  }, async (req) => readPorts(remote, requireActor(req), req.params.id));

  app.put('/api/devices/:id/config/ports', {
    config: { access: 'installer' },
    schema: {
      tags: ['devices'],
      summary: 'Remote configuration: write the HTTP and RTSP ports (applied when the device restarts)',
      description: `${NOTE} The ports must differ from each other and from the device's other services (HTTPS, SDK).`,
      params: IdParams,
      body: PortsWrite,
      response: { 200: Type.Object({ ...PortsRead.properties, ...Outcome }), ...errorResponses },
    },
  }, async (req) => writePorts(remote, requireActor(req), req.params.id, req.body, meta(req)));
}
