import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type VirtualDevice } from '../index';
import { DigestClient } from '../testing';
import { parseXml, xmlChild, xmlInt, xmlList, xmlText } from '../../protocol/isapi/xml';
import { parseResponseStatus } from '../../protocol/isapi/response-status';
import type { IsapiResponse } from '../types';

const PASSWORD = 'Abcd1234!';

function call(d: VirtualDevice, method: string, path: string, body = ''): Promise<IsapiResponse> {
  return d.handleIsapi({ method, path, headers: {}, body: Buffer.from(body) }, { via: 'cloud' });
}

interface Trigger {
  id: string;
  eventType: string;
  channel: number | undefined;
  dynChannel: number | undefined;
  notifications: { id: string; method: string; videoInputId: number | undefined }[];
}

function readTrigger(t: Record<string, unknown>): Trigger {
  return {
    id: xmlText(t, 'id') ?? '',
    eventType: xmlText(t, 'eventType') ?? '',
    channel: xmlInt(t, 'videoInputChannelID'),
    dynChannel: xmlInt(t, 'dynVideoInputChannelID'),
    notifications: xmlList(xmlChild(t, 'EventTriggerNotificationList'), 'EventTriggerNotification').map((n) => ({
      id: xmlText(n, 'id') ?? '',
      method: xmlText(n, 'notificationMethod') ?? '',
      videoInputId: xmlInt(n, 'dynVideoInputID'),
    })),
  };
}

function triggerList(r: IsapiResponse): Trigger[] {
  const p = parseXml(r.body);
  expect(p.root).toBe('EventTriggerList');
  return xmlList(p.doc, 'EventTrigger').map(readTrigger);
}

const withoutCenter = (id: string, type: string): string =>
  `<EventTrigger version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><id>${id}</id><eventType>${type}</eventType><EventTriggerNotificationList></EventTriggerNotificationList></EventTrigger>`;

describe('event triggers (/ISAPI/Event/triggers)', () => {
  let cam: VirtualDevice;
  let nvr: VirtualDevice;
  beforeAll(async () => {
    cam = createDevice({ type: 'camera', adminPassword: PASSWORD });
    nvr = createDevice({ type: 'nvr', channels: 4, hdds: 1, adminPassword: PASSWORD });
    await cam.attachLan('127.0.0.1', 0);
  });
  afterAll(async () => {
    await cam.close();
  });

  it('a camera lists motion, video loss and tampering of its channel, each linked to the centre (over HTTP with digest)', async () => {
    const r = await new DigestClient(`http://127.0.0.1:${cam.httpPort}`, 'admin', PASSWORD).get('/ISAPI/Event/triggers');
    expect(r.status).toBe(200);
    expect(parseXml(r.body).ns).toBe(cam.ns);
    const list = triggerList(r);
    expect(list.filter((t) => t.channel === 1).map((t) => t.id)).toEqual(['VMD-1', 'videoloss-1', 'tamperdetection-1']);
    expect(list.find((t) => t.id === 'VMD-1')).toMatchObject({ eventType: 'VMD', channel: 1, dynChannel: undefined });
    for (const t of list) expect(t.notifications).toEqual([{ id: 'center', method: 'center', videoInputId: undefined }]);
    // The camera has a memory card: disk events exist.
    expect(list.map((t) => t.id)).toEqual(expect.arrayContaining(['diskfull', 'diskerror', 'nicbroken', 'ipconflict', 'illaccess']));
  });

  it('an NVR lists each channel with videoInputChannelID, and records the channel on motion', async () => {
    const list = triggerList(await call(nvr, 'GET', '/ISAPI/Event/triggers'));
    for (const ch of [1, 2, 3, 4]) {
      expect(list.filter((t) => t.channel === ch).map((t) => t.eventType)).toEqual(['VMD', 'videoloss', 'tamperdetection']);
    }
    expect(list.find((t) => t.id === 'VMD-3')).toEqual({
      id: 'VMD-3',
      eventType: 'VMD',
      channel: 3,
      dynChannel: 3,
      notifications: [
        { id: 'record-3', method: 'record', videoInputId: 3 },
        { id: 'center', method: 'center', videoInputId: undefined },
      ],
    });
  });

  it('answers one trigger by id, case-insensitively, and its notifications list', async () => {
    const one = await call(nvr, 'GET', '/ISAPI/Event/triggers/vmd-2');
    const p = parseXml(one.body);
    expect(p.root).toBe('EventTrigger');
    expect(readTrigger(p.doc)).toMatchObject({ id: 'VMD-2', channel: 2 });
    const n = parseXml((await call(nvr, 'GET', '/ISAPI/Event/triggers/VMD-2/notifications')).body);
    expect(n.root).toBe('EventTriggerNotificationList');
    expect(xmlList(n.doc, 'EventTriggerNotification').map((x) => xmlText(x, 'id'))).toEqual(['record-2', 'center']);
  });

  it('PUT of a trigger replaces its linkages and keeps them (state, change event)', async () => {
    let changes = 0;
    const onChange = (): void => {
      changes++;
    };
    nvr.on('change', onChange);
    try {
      const r = await call(nvr, 'PUT', '/ISAPI/Event/triggers/VMD-1', withoutCenter('VMD-1', 'VMD'));
      expect(parseResponseStatus(r.body)).toMatchObject({ statusCode: 1 });
      expect(changes).toBe(1);
    } finally {
      nvr.off('change', onChange);
    }
    expect(readTrigger(parseXml((await call(nvr, 'GET', '/ISAPI/Event/triggers/VMD-1')).body).doc).notifications).toEqual([]);
    expect(nvr.state.eventNotifications?.['vmd-1']).toEqual([]);
    // Other triggers keep their factory linkages.
    expect(triggerList(await call(nvr, 'GET', '/ISAPI/Event/triggers')).find((t) => t.id === 'VMD-2')?.notifications).toHaveLength(2);

    const put = await call(
      nvr,
      'PUT',
      '/ISAPI/Event/triggers/VMD-1/notifications',
      '<EventTriggerNotificationList><EventTriggerNotification><id>center</id><notificationMethod>center</notificationMethod><notificationRecurrence>beginning</notificationRecurrence></EventTriggerNotification></EventTriggerNotificationList>',
    );
    expect(put.status).toBe(200);
    expect(readTrigger(parseXml((await call(nvr, 'GET', '/ISAPI/Event/triggers/vmd-1')).body).doc).notifications).toEqual([{ id: 'center', method: 'center', videoInputId: undefined }]);
  });

  it('a PUT without a notification list leaves the linkages alone', async () => {
    const before = (await call(cam, 'GET', '/ISAPI/Event/triggers/tamperdetection-1')).body.toString();
    const r = await call(cam, 'PUT', '/ISAPI/Event/triggers/tamperdetection-1', '<EventTrigger><id>tamperdetection-1</id><eventType>tamperdetection</eventType></EventTrigger>');
    expect(r.status).toBe(200);
    expect((await call(cam, 'GET', '/ISAPI/Event/triggers/tamperdetection-1')).body.toString()).toBe(before);
  });

  it('refuses bad requests with ResponseStatus errors and changes nothing', async () => {
    const before = (await call(cam, 'GET', '/ISAPI/Event/triggers')).body.toString();
    const cases: [string, string, number, string][] = [
      ['/ISAPI/Event/triggers/VMD-1', '<EventTrigger><id>VMD-1', 400, 'badXmlFormat'],
      ['/ISAPI/Event/triggers/VMD-1', '<MotionDetection><enabled>true</enabled></MotionDetection>', 400, 'badXmlContent'],
      ['/ISAPI/Event/triggers/VMD-1', withoutCenter('VMD-9', 'VMD'), 400, 'badXmlContent'],
      ['/ISAPI/Event/triggers/VMD-1', withoutCenter('VMD-1', 'videoloss'), 400, 'badXmlContent'],
      [
        '/ISAPI/Event/triggers/VMD-1/notifications',
        '<EventTriggerNotificationList><EventTriggerNotification><id>alarm-center</id><notificationMethod>center</notificationMethod></EventTriggerNotification></EventTriggerNotificationList>',
        400,
        'badXmlContent',
      ],
      [
        '/ISAPI/Event/triggers/VMD-1/notifications',
        '<EventTriggerNotificationList><EventTriggerNotification><id>x</id><notificationMethod>telepathy</notificationMethod></EventTriggerNotification></EventTriggerNotificationList>',
        400,
        'badXmlContent',
      ],
      [
        '/ISAPI/Event/triggers/VMD-1/notifications',
        '<EventTriggerNotificationList><EventTriggerNotification><id>record-7</id><notificationMethod>record</notificationMethod><dynVideoInputID>7</dynVideoInputID></EventTriggerNotification></EventTriggerNotificationList>',
        400,
        'badXmlContent',
      ],
      ['/ISAPI/Event/triggers/VMD-7', withoutCenter('VMD-7', 'VMD'), 404, 'badParameters'],
    ];
    for (const [path, body, http, sub] of cases) {
      const r = await call(cam, 'PUT', path, body);
      expect({ path, body, status: r.status, sub: parseResponseStatus(r.body)?.subStatusCode }).toEqual({ path, body, status: http, sub });
    }
    expect((await call(cam, 'GET', '/ISAPI/Event/triggers')).body.toString()).toBe(before);
  });

  it('unknown triggers are 404, a wrong method 405; AX Pro hubs and intercoms have no trigger list', async () => {
    expect((await call(cam, 'GET', '/ISAPI/Event/triggers/VMD-2')).status).toBe(404);
    expect((await call(cam, 'GET', '/ISAPI/Event/triggers/%E0%A4%A')).status).toBe(404);
    expect((await call(cam, 'DELETE', '/ISAPI/Event/triggers')).status).toBe(405);
    for (const type of ['axpro', 'unknown'] as const) {
      const r = await call(createDevice({ type }), 'GET', '/ISAPI/Event/triggers');
      expect(r.status).toBe(404);
      expect(parseResponseStatus(r.body)?.subStatusCode).toBe('notSupport');
    }
  });

  it('a factory reset brings back the factory linkages', async () => {
    const d = createDevice({ type: 'camera' });
    await call(d, 'PUT', '/ISAPI/Event/triggers/VMD-1', withoutCenter('VMD-1', 'VMD'));
    await d.applyFaults({ factoryReset: true });
    expect(d.state.eventNotifications).toBeUndefined();
  });
});
