import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type VirtualDevice } from './index';
import { DigestClient } from './testing';
import type { IsapiResponse } from './types';

const PASSWORD = 'Abcd1234!';

function call(d: VirtualDevice, method: string, path: string): Promise<IsapiResponse> {
  return d.handleIsapi({ method, path, headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
}

async function arming(d: VirtualDevice): Promise<Record<number, string>> {
  const r = await call(d, 'GET', '/ISAPI/SecurityCP/status/subSystems?format=json');
  const list = (JSON.parse(r.body.toString()) as { SubSysList: { SubSys: { id: number; arming: string } }[] }).SubSysList;
  return Object.fromEntries(list.map((x) => [x.SubSys.id, x.SubSys.arming]));
}

describe('AX Pro: every area at once (0xffffffff)', () => {
  let hub: VirtualDevice;
  let client: DigestClient;
  const seen: Record<string, unknown>[] = [];
  beforeAll(async () => {
    hub = createDevice({ type: 'axpro', adminPassword: PASSWORD });
    hub.state.axpro?.subSystems.push({ id: 2, name: 'Area 2', arming: 'disarm', alarm: false }, { id: 3, name: 'Area 3', arming: 'stay', alarm: false });
    hub.on('status', (e: Record<string, unknown>) => seen.push(e));
    await hub.attachLan('127.0.0.1', 0);
    client = new DigestClient(`http://127.0.0.1:${hub.httpPort}`, 'admin', PASSWORD);
  });
  afterAll(async () => {
    await hub.close();
  });

  it('arms and disarms every area with the id clients send by default', async () => {
    const r = await client.put('/ISAPI/SecurityCP/control/arm/0xffffffff?ways=away&format=json');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ statusCode: 1, subStatusCode: 'ok' });
    expect(await arming(hub)).toEqual({ 1: 'away', 2: 'away', 3: 'away' });
    expect(seen.filter((e) => e.kind === 'armStatus').map((e) => e.subSystem)).toEqual([1, 2, 3]);

    expect((await client.put('/ISAPI/SecurityCP/control/disarm/0xFFFFFFFF?format=json')).status).toBe(200);
    expect(await arming(hub)).toEqual({ 1: 'disarm', 2: 'disarm', 3: 'disarm' });
  });

  it('stay arming of every area, and an alarm in an area clears with the all-areas disarm', async () => {
    expect((await call(hub, 'PUT', '/ISAPI/SecurityCP/control/arm/0xffffffff?ways=stay&format=json')).status).toBe(200);
    expect(await arming(hub)).toEqual({ 1: 'stay', 2: 'stay', 3: 'stay' });
    await hub.applyFaults({ zone: { id: 0, status: 'open' } });
    expect(hub.state.axpro?.subSystems.find((s) => s.id === 1)?.alarm).toBe(true);
    await call(hub, 'PUT', '/ISAPI/SecurityCP/control/disarm/0xffffffff?format=json');
    expect(hub.state.axpro?.subSystems.every((s) => !s.alarm && s.arming === 'disarm')).toBe(true);
    await hub.applyFaults({ zone: { id: 0, status: 'normal' } });
  });

  it('one area still works; unknown areas and other hex ids are refused', async () => {
    expect((await call(hub, 'PUT', '/ISAPI/SecurityCP/control/arm/2?ways=away&format=json')).status).toBe(200);
    expect(await arming(hub)).toEqual({ 1: 'disarm', 2: 'away', 3: 'disarm' });
    expect((await call(hub, 'PUT', '/ISAPI/SecurityCP/control/arm/9?ways=away&format=json')).status).toBe(404);
    expect((await call(hub, 'PUT', '/ISAPI/SecurityCP/control/arm/0xfffffffe?ways=away&format=json')).status).toBe(404);
    expect((await call(hub, 'PUT', '/ISAPI/SecurityCP/control/arm/0xffffffff?ways=night&format=json')).status).toBe(400);
    expect(await arming(hub)).toEqual({ 1: 'disarm', 2: 'away', 3: 'disarm' });
  });
});
