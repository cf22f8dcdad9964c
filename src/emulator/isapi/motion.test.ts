import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type VirtualDevice } from '../index';
import { DigestClient } from '../testing';
import { parseXml, xmlBool, xmlChild, xmlInt, xmlText } from '../../protocol/isapi/xml';
import { parseResponseStatus } from '../../protocol/isapi/response-status';
import type { IsapiResponse } from '../types';
import { applyMotionDetection, factoryMotionDetection } from './motion';

const PASSWORD = 'Abcd1234!';

function call(d: VirtualDevice, method: string, path: string, body = ''): Promise<IsapiResponse> {
  return d.handleIsapi({ method, path, headers: {}, body: Buffer.from(body) }, { via: 'cloud' });
}

function readMotion(body: Buffer): { enabled?: boolean; sensitivity?: number; samplingInterval?: number; gridMap?: string } {
  const p = parseXml(body);
  expect(p.root).toBe('MotionDetection');
  const layout = xmlChild(p.doc, 'MotionDetectionLayout');
  return { enabled: xmlBool(p.doc, 'enabled'), sensitivity: xmlInt(layout, 'sensitivityLevel'), samplingInterval: xmlInt(p.doc, 'samplingInterval'), gridMap: xmlText(xmlChild(layout, 'layout'), 'gridMap') };
}

const motionPut = (inner: string): string => `<MotionDetection version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">${inner}</MotionDetection>`;
const CAMERA_PATH = '/ISAPI/System/Video/inputs/channels/1/motionDetection';

describe('motion detection', () => {
  let cam: VirtualDevice;
  let nvr: VirtualDevice;
  let client: DigestClient;
  beforeAll(async () => {
    cam = createDevice({ type: 'camera', adminPassword: PASSWORD });
    nvr = createDevice({ type: 'nvr', channels: 4, adminPassword: PASSWORD });
    await cam.attachLan('127.0.0.1', 0);
    client = new DigestClient(`http://127.0.0.1:${cam.httpPort}`, 'admin', PASSWORD);
  });
  afterAll(async () => {
    await cam.close();
  });

  it('a camera answers its factory settings over HTTP (off, whole picture, in the device namespace)', async () => {
    const r = await client.get(CAMERA_PATH);
    expect(r.status).toBe(200);
    expect(parseXml(r.body).ns).toBe(cam.ns);
    expect(readMotion(r.body)).toEqual({ enabled: false, sensitivity: 20, samplingInterval: 2, gridMap: 'fffffc'.repeat(18) });
  });

  it('PUT stores what it carries; a later GET returns it and the rest stays', async () => {
    const r = await client.put(CAMERA_PATH, motionPut('<enabled>true</enabled><MotionDetectionLayout version="2.0"><sensitivityLevel>60</sensitivityLevel></MotionDetectionLayout>'));
    expect(r.status).toBe(200);
    expect(parseResponseStatus(r.body)).toMatchObject({ statusCode: 1, subStatusCode: 'ok' });
    expect(readMotion((await client.get(CAMERA_PATH)).body)).toEqual({ enabled: true, sensitivity: 60, samplingInterval: 2, gridMap: 'fffffc'.repeat(18) });
    expect(cam.state.motionDetection?.[1]).toMatchObject({ enabled: true, sensitivityLevel: 60 });
    await client.put(CAMERA_PATH, motionPut('<enabled>false</enabled><MotionDetectionLayout><layout><gridMap>00000C</gridMap></layout></MotionDetectionLayout>'));
    expect(readMotion((await client.get(CAMERA_PATH)).body)).toMatchObject({ enabled: false, sensitivity: 60, gridMap: '00000c' });
  });

  it('bad XML and bad values get ResponseStatus errors and change nothing', async () => {
    const before = (await call(cam, 'GET', CAMERA_PATH)).body.toString();
    const cases: [string, number, string, number][] = [
      ['<MotionDetection><enabled>true</enabled>', 400, 'badXmlFormat', 5],
      ['not xml at all', 400, 'badXmlFormat', 5],
      ['<EventTrigger><id>VMD-1</id></EventTrigger>', 400, 'badXmlContent', 6],
      [motionPut('<enabled>yes</enabled>'), 400, 'badXmlContent', 6],
      [motionPut('<MotionDetectionLayout><sensitivityLevel>101</sensitivityLevel></MotionDetectionLayout>'), 400, 'badXmlContent', 6],
      [motionPut('<samplingInterval>fast</samplingInterval>'), 400, 'badXmlContent', 6],
      [motionPut('<MotionDetectionLayout><layout><gridMap>zz</gridMap></layout></MotionDetectionLayout>'), 400, 'badXmlContent', 6],
    ];
    for (const [body, http, sub, statusCode] of cases) {
      const r = await call(cam, 'PUT', CAMERA_PATH, body);
      expect({ body, status: r.status, rs: parseResponseStatus(r.body) }).toMatchObject({ body, status: http, rs: { subStatusCode: sub, statusCode, requestURL: CAMERA_PATH } });
    }
    expect((await call(cam, 'GET', CAMERA_PATH)).body.toString()).toBe(before);
  });

  it('an NVR answers for every channel it lists, on both paths, with one set of settings per channel', async () => {
    for (const ch of [1, 2, 3, 4]) expect((await call(nvr, 'GET', `/ISAPI/System/Video/inputs/channels/${ch}/motionDetection`)).status).toBe(200);
    const put = await call(nvr, 'PUT', '/ISAPI/ContentMgmt/InputProxy/channels/3/video/motionDetection', motionPut('<enabled>true</enabled>'));
    expect(put.status).toBe(200);
    expect(readMotion((await call(nvr, 'GET', '/ISAPI/System/Video/inputs/channels/3/motionDetection')).body).enabled).toBe(true);
    expect(readMotion((await call(nvr, 'GET', '/ISAPI/ContentMgmt/InputProxy/channels/3/video/motionDetection')).body).enabled).toBe(true);
    expect(readMotion((await call(nvr, 'GET', '/ISAPI/ContentMgmt/InputProxy/channels/2/video/motionDetection')).body).enabled).toBe(false);
    expect(parseXml((await call(nvr, 'GET', '/ISAPI/System/Video/inputs/channels/3/motionDetection')).body).ns).toBe(nvr.ns);
  });

  it('an unknown channel is a 404 ResponseStatus; cameras have no InputProxy form', async () => {
    for (const [d, path] of [
      [nvr, '/ISAPI/System/Video/inputs/channels/5/motionDetection'],
      [nvr, '/ISAPI/ContentMgmt/InputProxy/channels/9/video/motionDetection'],
      [cam, '/ISAPI/System/Video/inputs/channels/2/motionDetection'],
    ] as const) {
      for (const method of ['GET', 'PUT']) {
        const r = await call(d, method, path, motionPut('<enabled>true</enabled>'));
        expect({ path, method, status: r.status, sub: parseResponseStatus(r.body)?.subStatusCode }).toEqual({ path, method, status: 404, sub: 'badParameters' });
      }
    }
    const proxyOnCamera = await call(cam, 'GET', '/ISAPI/ContentMgmt/InputProxy/channels/1/video/motionDetection');
    expect(proxyOnCamera.status).toBe(404);
    expect(parseResponseStatus(proxyOnCamera.body)?.subStatusCode).toBe('notSupport');
  });

  it('applyMotionDetection: only the elements present change; each bad value is named', () => {
    const f = factoryMotionDetection();
    expect(applyMotionDetection(f, {})).toEqual(f);
    expect(applyMotionDetection(f, { startTriggerTime: '0', endTriggerTime: '10000' })).toEqual({ ...f, startTriggerTime: 0, endTriggerTime: 10_000 });
    expect(applyMotionDetection(f, { endTriggerTime: '-1' })).toMatch(/endTriggerTime/);
    expect(applyMotionDetection(f, { enableHighlight: 'maybe' })).toMatch(/enableHighlight/);
    expect(applyMotionDetection(f, { MotionDetectionLayout: { layout: { gridMap: 'f'.repeat(109) } } })).toMatch(/gridMap/);
  });
});
