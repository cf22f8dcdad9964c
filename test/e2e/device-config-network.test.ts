/**
 * Remote configuration of the network settings and service ports (issue 16), against the emulator
 * over real sockets, over the device cloud and directly: read → change → read back from the device
 * (its state checked), each change audited with old and new values; the device answers "reboot
 * required" and keeps listening where it did (nothing restarts it); a device reached by its address
 * is warned when that address or HTTP port changes (`reachAddressChanges`), a cloud device never;
 * values that cannot work are refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, VirtualDevice } from '../../src/emulator';
import { startTestPlatform, type TestPlatform } from '../helpers/platform';
import { buildSite, setupCompany, type TestCompany } from '../helpers/factories';
import { addCloudDeviceWithAdmin, insertFleetDevice, startFleetFor } from '../helpers/fleet';

let p: TestPlatform;
let company: TestCompany;
let fleet: Fleet;
let siteId: string;

beforeAll(async () => {
  p = await startTestPlatform({ config: { healthPollSeconds: 1, healthOfflineGraceSeconds: 2, healthPollConcurrency: 4 } });
  company = await setupCompany(p.app, p.setupToken);
  siteId = (await buildSite(company)).id;
  fleet = await startFleetFor(p, [{ type: 'camera' }, { type: 'nvr', cloudEnabled: false }]);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await p?.close();
});

const configAudits = async (id: string) =>
  (await p.app.platform.database.db.selectFrom('audit_log').select(['outcome', 'details']).where('target_id', '=', id).where('action', '=', 'device.config.update').orderBy('id').execute()).map(
    (r) => ({ outcome: r.outcome, ...(r.details as { area: string; old: unknown; new: unknown }) }),
  );

describe('a camera reached through the device cloud', () => {
  let cam: VirtualDevice;
  let id: string;

  beforeAll(async () => {
    cam = fleet.devices[0]!;
    // A cloud device comes without its admin password: given once (checked against the device).
    id = await addCloudDeviceWithAdmin(p, fleet, { companyId: company.companyId, siteId }, cam, company.admin);
  });

  it('network and ports round trip: stored on the device, reboot required, still reached; audited old → new', async () => {
    const admin = company.admin;
    const n0 = await admin.get(`/api/devices/${id}/config/network`);
    expect(n0.status).toBe(200);
    expect(n0.body).toEqual({ addressing: 'static', ipAddress: cam.host, subnetMask: cam.state.network.subnetMask, defaultGateway: cam.state.network.gateway, primaryDns: cam.state.network.dns, secondaryDns: '' });

    const net = { addressing: 'static', ipAddress: '192.168.50.64', subnetMask: '255.255.255.0', defaultGateway: '192.168.50.1', primaryDns: '192.168.50.1', secondaryDns: '8.8.8.8' };
    const n1 = await admin.put(`/api/devices/${id}/config/network`, net);
    expect(n1.status).toBe(200);
    // Reached through the device cloud: its LAN address is not how Sitekeeper reaches it.
    expect(n1.body).toEqual({ ...net, rebootRequired: true, reachAddressChanges: false });
    expect(cam.state.network).toMatchObject({ addressingType: 'static', ipAddress: '192.168.50.64', subnetMask: '255.255.255.0', gateway: '192.168.50.1', dns: '192.168.50.1', secondaryDns: '8.8.8.8' });
    expect((await admin.get(`/api/devices/${id}/config/network`)).body).toEqual(net);

    const p0 = await admin.get(`/api/devices/${id}/config/ports`);
    expect(p0.status).toBe(200);
    expect(p0.body).toEqual({ httpPort: cam.httpPort, rtspPort: 554 });
    const p1 = await admin.put(`/api/devices/${id}/config/ports`, { httpPort: 8080, rtspPort: 8554 });
    expect(p1.status).toBe(200);
    expect(p1.body).toEqual({ httpPort: 8080, rtspPort: 8554, rebootRequired: true, reachAddressChanges: false });
    expect(cam.state.ports).toMatchObject({ http: 8080, rtsp: 8554 });
    expect((await admin.get(`/api/devices/${id}/config/ports`)).body).toEqual({ httpPort: 8080, rtspPort: 8554 });

    expect(await configAudits(id)).toEqual([
      expect.objectContaining({ outcome: 'success', serial: cam.serial, area: 'network', old: n0.body, new: net }),
      expect.objectContaining({ outcome: 'success', serial: cam.serial, area: 'ports', old: p0.body, new: { httpPort: 8080, rtspPort: 8554 } }),
    ]);
  });
});

describe('an NVR reached directly by its address', () => {
  let nvr: VirtualDevice;
  let id: string;

  beforeAll(async () => {
    nvr = fleet.devices[1]!;
    id = await insertFleetDevice(p, fleet, { companyId: company.companyId, siteId }, nvr, 'direct');
  });

  it('warns when the address or HTTP port it is reached on changes at the restart, not for DNS or RTSP alone', async () => {
    const admin = company.admin;
    const reachedAt = { host: nvr.host, port: nvr.httpPort };
    const moved = await admin.put(`/api/devices/${id}/config/network`, { addressing: 'static', ipAddress: '10.20.0.64', subnetMask: '255.255.0.0', defaultGateway: '10.20.0.1', primaryDns: '10.20.0.1' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ ipAddress: '10.20.0.64', secondaryDns: '', rebootRequired: true, reachAddressChanges: true });
    expect(nvr.state.network).toMatchObject({ ipAddress: '10.20.0.64', subnetMask: '255.255.0.0', gateway: '10.20.0.1' });

    // The device keeps listening where it did until it restarts: Sitekeeper still reaches it there.
    expect({ host: nvr.host, port: nvr.httpPort }).toEqual(reachedAt);
    const dnsOnly = await admin.put(`/api/devices/${id}/config/network`, { addressing: 'static', ipAddress: '10.20.0.64', subnetMask: '255.255.0.0', primaryDns: '1.1.1.1' });
    expect(dnsOnly.body).toMatchObject({ defaultGateway: '10.20.0.1', primaryDns: '1.1.1.1', rebootRequired: false, reachAddressChanges: false });
    expect(nvr.state.network.dns).toBe('1.1.1.1');

    const dhcp = await admin.put(`/api/devices/${id}/config/network`, { addressing: 'dhcp' });
    expect(dhcp.status).toBe(200);
    expect(dhcp.body).toMatchObject({ addressing: 'dhcp', primaryDns: '1.1.1.1', rebootRequired: true, reachAddressChanges: true });
    expect(nvr.state.network.addressingType).toBe('dynamic');

    const rtspOnly = await admin.put(`/api/devices/${id}/config/ports`, { httpPort: reachedAt.port, rtspPort: 10554 });
    expect(rtspOnly.body).toEqual({ httpPort: reachedAt.port, rtspPort: 10554, rebootRequired: true, reachAddressChanges: false });
    const http = await admin.put(`/api/devices/${id}/config/ports`, { httpPort: 8081 });
    expect(http.body).toEqual({ httpPort: 8081, rtspPort: 10554, rebootRequired: true, reachAddressChanges: true });
    expect(nvr.state.ports).toMatchObject({ http: 8081, rtsp: 10554 });

    const rows = await configAudits(id);
    expect(rows.map((r) => [r.area, r.outcome])).toEqual([['network', 'success'], ['network', 'success'], ['network', 'success'], ['ports', 'success'], ['ports', 'success']]);
    expect(rows[0]).toMatchObject({ old: { addressing: 'static', ipAddress: reachedAt.host }, new: { ipAddress: '10.20.0.64', defaultGateway: '10.20.0.1' } });
    expect(rows[2]).toMatchObject({ old: { addressing: 'static', ipAddress: '10.20.0.64' }, new: { addressing: 'dhcp', primaryDns: '1.1.1.1' } });
    expect(rows[4]).toMatchObject({ old: { httpPort: reachedAt.port, rtspPort: 10554 }, new: { httpPort: 8081, rtspPort: 10554 } });
  });

  it('refuses values that cannot work, field by field, and writes nothing', async () => {
    const admin = company.admin;
    const before = JSON.stringify({ network: nvr.state.network, ports: nvr.state.ports });
    const auditsBefore = (await configAudits(id)).length;
    const ok = { addressing: 'static', ipAddress: '192.168.7.20', subnetMask: '255.255.255.0', defaultGateway: '192.168.7.1' };
    for (const [body, field] of [
      [{ ...ok, defaultGateway: '192.168.8.1' }, 'defaultGateway'],
      [{ ...ok, subnetMask: '255.255.0.255' }, 'subnetMask'],
      [{ ...ok, subnetMask: undefined }, 'subnetMask'],
      [{ ...ok, ipAddress: '192.168.7.255' }, 'ipAddress'],
      [{ ...ok, ipAddress: '192.168.7.300' }, undefined],
      [{ ...ok, mtu: 1500 }, undefined],
    ] as const) {
      const r = await admin.put(`/api/devices/${id}/config/network`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      if (field) expect(r.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
    for (const [body, field] of [
      [{ httpPort: 8554, rtspPort: 8554 }, 'rtspPort'],
      [{ httpPort: 443 }, 'httpPort'],
      [{ httpPort: 0 }, undefined],
      [{ httpPort: 80, rtspPort: 70000 }, undefined],
    ] as const) {
      const r = await admin.put(`/api/devices/${id}/config/ports`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      if (field) expect(r.body.error.details.fields).toEqual([{ field, message: expect.any(String) }]);
    }
    expect(JSON.stringify({ network: nvr.state.network, ports: nvr.state.ports })).toBe(before);
    expect(await configAudits(id)).toHaveLength(auditsBefore);
  });
});
