import { describe, expect, it } from 'vitest';
import { createDevice, MODELS, type VirtualDevice } from './index';
import { parseChannelStatus, parseHddList } from '../protocol/isapi/models';
import { parseXml, xmlList, xmlText } from '../protocol/isapi/xml';
import type { IsapiResponse } from './types';

function call(d: VirtualDevice, path: string): Promise<IsapiResponse> {
  return d.handleIsapi({ method: 'GET', path, headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
}

const withSlot = MODELS.camera.filter((m) => m.sdCardMb !== undefined);
const withoutSlot = MODELS.camera.filter((m) => m.sdCardMb === undefined);

describe('camera memory cards (catalogue sdCardMb)', () => {
  it('some camera models have a card slot and some do not', () => {
    expect(withSlot.length).toBeGreaterThan(0);
    expect(withoutSlot.length).toBeGreaterThan(0);
  });

  it('a camera of a model with a slot shows one SD card in Storage and in the hdd list', async () => {
    for (const m of withSlot) {
      const cam = createDevice({ type: 'camera', model: m.model });
      const storage = parseHddList((await call(cam, '/ISAPI/ContentMgmt/Storage')).body);
      expect(storage).toEqual([expect.objectContaining({ id: 1, hddName: 'hdd1', hddType: 'SD', status: 'ok', capacity: m.sdCardMb, property: 'RW' })]);
      expect(storage[0]?.freeSpace).toBeGreaterThan(0);
      expect(parseHddList((await call(cam, '/ISAPI/ContentMgmt/Storage/hdd')).body)).toEqual(storage);
    }
  });

  it('no card without a slot, or with the slot left empty (sdCard: false)', async () => {
    for (const spec of [...withoutSlot.map((m) => ({ type: 'camera' as const, model: m.model })), { type: 'camera' as const, sdCard: false }]) {
      const cam = createDevice(spec);
      expect(parseHddList((await call(cam, '/ISAPI/ContentMgmt/Storage')).body)).toEqual([]);
      // No disk events either.
      const triggers = xmlList(parseXml((await call(cam, '/ISAPI/Event/triggers')).body).doc, 'EventTrigger').map((t) => xmlText(t, 'id'));
      expect(triggers).not.toContain('diskerror');
      // Without a card the stream still counts as recording (to an NVR), as before.
      expect(parseChannelStatus((await call(cam, '/ISAPI/ContentMgmt/InputProxy/channels/status')).body)[0]?.recording).toBe(true);
    }
  });

  it('the hdd fault applies to the card as to NVR disks: status, S.M.A.R.T., recording, event', async () => {
    const cam = createDevice({ type: 'camera', model: withSlot[0]?.model ?? '' });
    const events: Record<string, unknown>[] = [];
    cam.on('status', (e: Record<string, unknown>) => events.push(e));
    await cam.applyFaults({ hdd: 'failed' });
    expect(parseHddList((await call(cam, '/ISAPI/ContentMgmt/Storage')).body)[0]).toMatchObject({ hddType: 'SD', status: 'error', smartStatus: 'failed', freeSpace: 0 });
    expect(parseChannelStatus((await call(cam, '/ISAPI/ContentMgmt/InputProxy/channels/status')).body)[0]?.recording).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'hddStatus', hddId: 1, status: 'error' }));
    await cam.applyFaults({ hdd: 'ok', hddId: 1 });
    expect(parseChannelStatus((await call(cam, '/ISAPI/ContentMgmt/InputProxy/channels/status')).body)[0]?.recording).toBe(true);
  });

  it('NVR disks stay SATA, also from state files written before disks had a type', async () => {
    const nvr = createDevice({ type: 'nvr', hdds: 2 });
    for (const h of nvr.state.hdds) delete h.type;
    expect(parseHddList((await call(nvr, '/ISAPI/ContentMgmt/Storage')).body).map((h) => h.hddType)).toEqual(['SATA', 'SATA']);
  });
});
