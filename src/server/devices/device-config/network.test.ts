/**
 * The network and ports area over plain fakes (a remote-configuration service handing out a fake
 * device client): what is written to the device for each kind of change, what is audited, when the
 * reach warning is raised, and that refusals come before any write. No database, no sockets.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../errors/app-error';
import type { AdminAccessProtocol, DeviceClient, IpAddressConfig } from '../../../device-client/device-client';
import type { Actor } from '../../auth/actor';
import type { DeviceRemoteService } from '../device-remote.service';
import { readNetwork, readPorts, writeNetwork, writePorts } from './network';

const actor = { id: 'u1', companyId: 'c1' } as Actor;
const meta = { correlationId: 'corr' };

function fake(opts: { via?: 'cloud' | 'direct' | 'agent'; ip?: IpAddressConfig; ports?: AdminAccessProtocol[] } = {}) {
  const dev = {
    ip: opts.ip ?? { ipVersion: 'dual', addressingType: 'dynamic', ipAddress: '192.168.1.50', subnetMask: '255.255.255.0', defaultGateway: '192.168.1.1', primaryDns: '192.168.1.1', secondaryDns: '0.0.0.0' },
    ports: opts.ports ?? [
      { id: 1, enabled: true, protocol: 'HTTP', portNo: 80 },
      { id: 2, enabled: true, protocol: 'RTSP', portNo: 554 },
      { id: 3, enabled: true, protocol: 'HTTPS', portNo: 443 },
      { id: 4, protocol: 'DEV_MANAGE', portNo: 8000 },
    ],
    writes: [] as unknown[],
    audits: [] as { area: string; old: unknown; new: unknown }[],
  };
  const client = {
    getNetwork: async () => ({ ...dev.ip }),
    setNetwork: async (c: IpAddressConfig) => {
      dev.writes.push(c);
      dev.ip = { ...dev.ip, ...c };
      return { rebootRequired: true };
    },
    adminAccesses: async () => dev.ports.map((p) => ({ ...p })),
    setAdminAccesses: async (list: AdminAccessProtocol[]) => {
      dev.writes.push(list);
      dev.ports = list.map((p) => ({ ...p }));
      return { rebootRequired: true };
    },
  } as unknown as DeviceClient;
  const remote = {
    forConfig: async () => ({ d: { id: 'd1', addedVia: opts.via ?? 'direct' }, client }),
    write: async (_a: unknown, _d: unknown, area: string, old: unknown, next: unknown, apply: () => Promise<void>) => {
      await apply();
      dev.audits.push({ area, old, new: next });
    },
  } as unknown as DeviceRemoteService;
  return { dev, remote };
}

async function refusal(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e, 'VALIDATION_FAILED')) return (e.details?.fields as { field: string }[]).map((f) => f.field);
    throw e;
  }
  throw new Error('not refused');
}

describe('network', () => {
  it('reads what the device reports, with unset servers empty', async () => {
    const { remote } = fake();
    expect(await readNetwork(remote, actor, 'd1')).toEqual({ addressing: 'dhcp', ipAddress: '192.168.1.50', subnetMask: '255.255.255.0', defaultGateway: '192.168.1.1', primaryDns: '192.168.1.1', secondaryDns: '' });
  });

  it('static: writes every field (keeping the interface\'s ipVersion); an absent gateway stays, an empty server is none', async () => {
    const { dev, remote } = fake();
    const r = await writeNetwork(remote, actor, 'd1', { addressing: 'static', ipAddress: '192.168.1.50', subnetMask: '255.255.255.0', primaryDns: '' }, meta);
    expect(dev.writes).toEqual([{ ipVersion: 'dual', addressingType: 'static', ipAddress: '192.168.1.50', subnetMask: '255.255.255.0', defaultGateway: '192.168.1.1', primaryDns: '0.0.0.0', secondaryDns: '0.0.0.0' }]);
    // The lease made static: the address it is reached on stays.
    expect(r).toMatchObject({ addressing: 'static', primaryDns: '', rebootRequired: true, reachAddressChanges: false });
    expect(dev.audits).toEqual([{ area: 'network', old: expect.objectContaining({ addressing: 'dhcp', primaryDns: '192.168.1.1' }), new: { addressing: 'static', ipAddress: '192.168.1.50', subnetMask: '255.255.255.0', defaultGateway: '192.168.1.1', primaryDns: '', secondaryDns: '' } }]);
  });

  it('DHCP: writes only the mode and the DNS servers (a given address is ignored); audits those', async () => {
    const { dev, remote } = fake({ ip: { ipVersion: 'v4', addressingType: 'static', ipAddress: '10.0.0.5', subnetMask: '255.0.0.0', defaultGateway: '10.0.0.1', primaryDns: '10.0.0.1' } });
    const r = await writeNetwork(remote, actor, 'd1', { addressing: 'dhcp', ipAddress: '10.9.9.9', secondaryDns: '9.9.9.9' }, meta);
    expect(dev.writes).toEqual([{ ipVersion: 'v4', addressingType: 'dynamic', primaryDns: '10.0.0.1', secondaryDns: '9.9.9.9' }]);
    expect(dev.audits[0]!.new).toEqual({ addressing: 'dhcp', primaryDns: '10.0.0.1', secondaryDns: '9.9.9.9' });
    expect(r.reachAddressChanges).toBe(true);
  });

  it.each<['cloud' | 'direct' | 'agent', string, boolean]>([
    ['direct', '192.168.1.60', true],
    ['agent', '192.168.1.60', true],
    ['cloud', '192.168.1.60', false],
    ['direct', '192.168.1.50', false],
  ])('reached %s, a static address %s: reachAddressChanges %s', async (via, ipAddress, warned) => {
    const { remote } = fake({ via });
    expect((await writeNetwork(remote, actor, 'd1', { addressing: 'static', ipAddress, subnetMask: '255.255.255.0' }, meta)).reachAddressChanges).toBe(warned);
  });

  it('refuses before writing anything: static without address or mask, the kept gateway outside the new subnet', async () => {
    const { dev, remote } = fake();
    expect(await refusal(writeNetwork(remote, actor, 'd1', { addressing: 'static' }, meta))).toEqual(['ipAddress', 'subnetMask']);
    expect(await refusal(writeNetwork(remote, actor, 'd1', { addressing: 'static', ipAddress: '10.1.1.5', subnetMask: '255.255.255.0' }, meta))).toEqual(['defaultGateway']);
    expect(dev.writes).toEqual([]);
    expect(dev.audits).toEqual([]);
  });
});

describe('ports', () => {
  it('writes the whole list back with the two ports changed; the HTTP port moving is the reach warning', async () => {
    const { dev, remote } = fake({ via: 'agent' });
    expect(await readPorts(remote, actor, 'd1')).toEqual({ httpPort: 80, rtspPort: 554 });
    const r = await writePorts(remote, actor, 'd1', { httpPort: 8080 }, meta);
    expect(r).toEqual({ httpPort: 8080, rtspPort: 554, rebootRequired: true, reachAddressChanges: true });
    expect(dev.writes).toEqual([[
      { id: 1, enabled: true, protocol: 'HTTP', portNo: 8080 },
      { id: 2, enabled: true, protocol: 'RTSP', portNo: 554 },
      { id: 3, enabled: true, protocol: 'HTTPS', portNo: 443 },
      { id: 4, protocol: 'DEV_MANAGE', portNo: 8000 },
    ]]);
    expect(dev.audits).toEqual([{ area: 'ports', old: { httpPort: 80, rtspPort: 554 }, new: { httpPort: 8080, rtspPort: 554 } }]);
  });

  it('a device without RTSP (an alarm panel): rtspPort null, and an RTSP port is refused', async () => {
    const { dev, remote } = fake({ ports: [{ id: 1, enabled: true, protocol: 'HTTP', portNo: 80 }, { id: 4, protocol: 'DEV_MANAGE', portNo: 8000 }] });
    expect(await readPorts(remote, actor, 'd1')).toEqual({ httpPort: 80, rtspPort: null });
    expect(await refusal(writePorts(remote, actor, 'd1', { httpPort: 80, rtspPort: 554 }, meta))).toEqual(['rtspPort']);
    expect((await writePorts(remote, actor, 'd1', { httpPort: 81 }, meta)).rtspPort).toBeNull();
    expect(dev.writes).toHaveLength(1);
  });

  it('refuses ports shared with each other or another service, before writing', async () => {
    const { dev, remote } = fake();
    expect(await refusal(writePorts(remote, actor, 'd1', { httpPort: 554 }, meta))).toEqual(['rtspPort']);
    expect(await refusal(writePorts(remote, actor, 'd1', { httpPort: 8000, rtspPort: 443 }, meta))).toEqual(['httpPort', 'rtspPort']);
    expect(dev.writes).toEqual([]);
  });
});
