/**
 * Conformance of the emulator with real device answers in ../shared/isapi-samples (override with
 * ISAPI_SAMPLES_DIR): same root element, namespace and element names (the emulator may add
 * elements, never miss one), same JSON keys for AX Pro, CRLF line endings where cameras use them,
 * and the same HTTP 401 shapes. The samples are not part of the repository: without them the
 * suite is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDevice, type VirtualDevice } from '../../src/emulator/index';
import { parseXml, xmlChild, xmlList, xmlShape, xmlText } from '../../src/protocol/isapi/xml';
import { deviceJson, parseResponseStatus } from '../../src/protocol/isapi/response-status';
import { parseProbe, buildProbeMatch, parseProbeMatch } from '../../src/protocol/sadp/sadp';
import { probeMatchFor } from '../../src/emulator/sadp-responder';
import { rawRequest } from '../../src/emulator/testing';
import type { IsapiResponse } from '../../src/emulator/types';

const REPO = resolve(import.meta.dirname, '../..');
const SAMPLES = process.env.ISAPI_SAMPLES_DIR ?? resolve(REPO, '../shared/isapi-samples');
const have = existsSync(join(SAMPLES, 'README.md'));

const sample = (name: string): Buffer => readFileSync(join(SAMPLES, name));
const sampleJson = (name: string): Record<string, unknown> => JSON.parse(sample(name).toString('utf8')) as Record<string, unknown>;

async function cloudGet(d: VirtualDevice, path: string): Promise<IsapiResponse> {
  return d.handleIsapi({ method: 'GET', path, headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
}

/** The emulator's document has the sample's root, namespace and every element path of the sample. */
function expectSameShape(emulated: Buffer, sampleName: string, opts: { ignore?: string[] } = {}): void {
  const want = xmlShape(sample(sampleName));
  const got = xmlShape(emulated);
  expect(got.root).toBe(want.root);
  expect(got.ns).toBe(want.ns);
  const missing = [...want.paths].filter((p) => !got.paths.has(p) && !(opts.ignore ?? []).some((i) => p === i || p.startsWith(`${i}/`)));
  expect(missing).toEqual([]);
}

/** Every element path of the sample (optionally below `under`, e.g. one EventTrigger of a list) is in the emulator's document. */
function missingElements(emulated: Buffer, sampleName: string, under?: string): string[] {
  const want = [...xmlShape(sample(sampleName)).paths].filter((p) => under === undefined || p.startsWith(`${under}/`)).map((p) => (under === undefined ? p : p.slice(under.length + 1)));
  const got = xmlShape(emulated).paths;
  return want.filter((p) => !got.has(p));
}

function expectCrlf(body: Buffer): void {
  const text = body.toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.split('\n').slice(0, -1).every((line) => line.endsWith('\r'))).toBe(true);
}

describe.skipIf(!have)('emulator conformance with real ISAPI samples', () => {
  let cam: VirtualDevice;
  let nvr: VirtualDevice;
  let hub: VirtualDevice;
  let other: VirtualDevice;
  beforeAll(async () => {
    cam = createDevice({ type: 'camera' });
    nvr = createDevice({ type: 'nvr' });
    hub = createDevice({ type: 'axpro' });
    other = createDevice({ type: 'unknown' });
    await cam.attachLan('127.0.0.1', 0);
    await nvr.attachLan('127.0.0.1', 0);
  });
  afterAll(async () => {
    await cam.close();
    await nvr.close();
  });

  it('camera deviceInfo: hikvision namespace, every element of the V5.5.0 capture, CRLF', async () => {
    const r = await cloudGet(cam, '/ISAPI/System/deviceInfo');
    expect(r.status).toBe(200);
    expectSameShape(r.body, 'GET_ISAPI_System_deviceInfo.ds-2cd2155fwd-i.v5.5.0.xml');
    expectSameShape(r.body, 'GET_ISAPI_System_deviceInfo.ds-2cd2155fwd-i.v5.4.5.xml');
    expect(r.body.subarray(0, 38).toString()).toBe(sample('GET_ISAPI_System_deviceInfo.ds-2cd2155fwd-i.v5.5.0.xml').subarray(0, 38).toString());
    expectCrlf(r.body);
  });

  it('a device of another kind (intercom-like, isapi.org namespace) matches the DS-KB8113 deviceInfo', async () => {
    expectSameShape((await cloudGet(other, '/ISAPI/System/deviceInfo')).body, 'GET_ISAPI_System_deviceInfo.ds-kb8113-ime1b.v2.2.60.xml');
  });

  it('streaming channels and the httpHosts slot match the captures (isapi.org family)', async () => {
    expectSameShape((await cloudGet(nvr, '/ISAPI/Streaming/channels')).body, 'GET_ISAPI_Streaming_channels.ds-kb8113-ime1b.v2.2.60.xml');
    expectSameShape((await cloudGet(nvr, '/ISAPI/Event/notification/httpHosts')).body, 'GET_ISAPI_Event_notification_httpHosts.ds-kb8113-ime1b.v2.2.60.xml');
  });

  it('event triggers: the list, one trigger and its linkages have the elements of the captures', async () => {
    const TRIGGERS = 'GET_ISAPI_Event_triggers.ds-kb8113-ime1b.v2.2.60.xml';
    const list = (await cloudGet(nvr, '/ISAPI/Event/triggers')).body;
    expectSameShape(list, TRIGGERS);
    expectCrlf(list);
    // Cameras: the same elements in their family's namespace.
    const camList = await cloudGet(cam, '/ISAPI/Event/triggers');
    expect(xmlShape(camList.body)).toMatchObject({ root: 'EventTriggerList', ns: cam.ns });
    expect(missingElements(camList.body, TRIGGERS)).toEqual([]);
    // One trigger is the list's EventTrigger element as a document.
    for (const d of [nvr, cam]) {
      const one = (await cloudGet(d, '/ISAPI/Event/triggers/VMD-1')).body;
      expect(xmlShape(one).root).toBe('EventTrigger');
      expect(missingElements(one, TRIGGERS, 'EventTrigger')).toEqual([]);
    }
    // The NVR's linkages of channel 3 are those of the capture with the centre added.
    const WITH_CENTER = 'GET_ISAPI_Event_triggers_ID_notifications.with-center.ds-7608ni-k2-8p.v4.40.015.xml';
    const notifications = (await cloudGet(nvr, '/ISAPI/Event/triggers/VMD-3/notifications')).body;
    expectSameShape(notifications, WITH_CENTER);
    expectSameShape(notifications, 'GET_ISAPI_Event_triggers_ID_notifications.ds-7608ni-k2-8p.v4.40.015.xml');
    const ids = (b: Buffer): (string | undefined)[] => xmlList(parseXml(b).doc, 'EventTriggerNotification').map((n) => xmlText(n, 'id'));
    expect(ids(notifications)).toEqual(ids(sample(WITH_CENTER)));
  });

  it('the captured linkage lists are accepted as PUT bodies: the centre removed, then added back', async () => {
    const fresh = createDevice({ type: 'nvr', channels: 4 });
    const put = (name: string): Promise<IsapiResponse> => fresh.handleIsapi({ method: 'PUT', path: '/ISAPI/Event/triggers/VMD-3/notifications', headers: {}, body: sample(name) }, { via: 'cloud' });
    const ids = async (): Promise<(string | undefined)[]> => xmlList(parseXml((await cloudGet(fresh, '/ISAPI/Event/triggers/VMD-3/notifications')).body).doc, 'EventTriggerNotification').map((n) => xmlText(n, 'id'));
    expect(parseResponseStatus((await put('GET_ISAPI_Event_triggers_ID_notifications.ds-7608ni-k2-8p.v4.40.015.xml')).body)).toMatchObject({ statusCode: 1 });
    expect(await ids()).toEqual(['record-3']);
    expect(parseResponseStatus((await put('GET_ISAPI_Event_triggers_ID_notifications.with-center.ds-7608ni-k2-8p.v4.40.015.xml')).body)).toMatchObject({ statusCode: 1 });
    expect(await ids()).toEqual(['record-3', 'center']);
  });

  it('motion detection has the elements of the template (camera; NVR on both paths); the template is accepted as a PUT', async () => {
    const TEMPLATE = 'GET_ISAPI_System_Video_inputs_channels_1_motionDetection.template.xml';
    expectSameShape((await cloudGet(cam, '/ISAPI/System/Video/inputs/channels/1/motionDetection')).body, TEMPLATE);
    for (const path of ['/ISAPI/System/Video/inputs/channels/2/motionDetection', '/ISAPI/ContentMgmt/InputProxy/channels/2/video/motionDetection']) {
      const r = await cloudGet(nvr, path);
      expect(xmlShape(r.body)).toMatchObject({ root: 'MotionDetection', ns: nvr.ns });
      expect(missingElements(r.body, TEMPLATE)).toEqual([]);
    }
    const fresh = createDevice({ type: 'camera' });
    const path = '/ISAPI/System/Video/inputs/channels/1/motionDetection';
    const body = sample(TEMPLATE).toString('utf8').replace('{}', 'true');
    const put = await fresh.handleIsapi({ method: 'PUT', path, headers: {}, body: Buffer.from(body) }, { via: 'cloud' });
    expect(parseResponseStatus(put.body)).toMatchObject({ statusCode: 1 });
    const got = parseXml((await cloudGet(fresh, path)).body).doc;
    const want = parseXml(body).doc;
    expect(xmlText(got, 'enabled')).toBe('true');
    const layout = (doc: Record<string, unknown>): Record<string, unknown> | undefined => xmlChild(doc, 'MotionDetectionLayout');
    expect(xmlText(layout(got), 'sensitivityLevel')).toBe(xmlText(layout(want), 'sensitivityLevel'));
    expect(xmlText(xmlChild(layout(got), 'layout'), 'gridMap')).toBe(xmlText(xmlChild(layout(want), 'layout'), 'gridMap'));
  });

  it('a camera with a card slot lists its SD card with the documented hdd elements, in order (no public sample)', async () => {
    const r = await cloudGet(cam, '/ISAPI/ContentMgmt/Storage');
    const hdd = xmlChild(xmlChild(parseXml(r.body).doc, 'hddList'), 'hdd') ?? {};
    const documented = ['id', 'hddName', 'hddPath', 'hddType', 'status', 'capacity', 'freeSpace', 'property'];
    expect(Object.keys(hdd).slice(0, documented.length)).toEqual(documented);
    expect(xmlText(hdd, 'hddType')).toBe('SD');
  });

  it('AX Pro: the arm-all request of the open-source clients (0xffffffff) gets a device-JSON ResponseStatus', async () => {
    const panel = createDevice({ type: 'axpro' });
    const arm = await panel.handleIsapi({ method: 'PUT', path: '/ISAPI/SecurityCP/control/arm/0xffffffff?ways=away&format=json', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
    expect(arm.status).toBe(200);
    const text = arm.body.toString('utf8');
    expect(JSON.parse(text)).toMatchObject({ statusCode: 1, subStatusCode: 'ok' });
    expect(deviceJson(JSON.parse(text))).toBe(text);
    const disarm = await panel.handleIsapi({ method: 'PUT', path: '/ISAPI/SecurityCP/control/disarm/0xffffffff?format=json', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
    expect(JSON.parse(disarm.body.toString('utf8'))).toMatchObject({ statusCode: 1 });
  });

  it('System/status matches the camera capture (CPU and memory lists)', async () => {
    expectSameShape((await cloudGet(cam, '/ISAPI/System/status')).body, 'GET_ISAPI_System_status.ds-2cd2155fwd-i.v5.4.5.xml');
  });

  it('AX Pro network interfaces and sessionLogin capabilities match the AX Pro captures', async () => {
    // The capture's second interface (Wi-Fi AP) is absent on the emulated hub; its elements are the same kind.
    expectSameShape((await cloudGet(hub, '/ISAPI/System/Network/interfaces')).body, 'GET_ISAPI_System_Network_interfaces.ax-pro.xml');
    const cap = await hub.handleIsapi({ method: 'GET', path: '/ISAPI/Security/sessionLogin/capabilities?username=admin', headers: {}, body: Buffer.alloc(0) }, { via: 'cloud' });
    expectSameShape(cap.body, 'GET_ISAPI_Security_sessionLogin_capabilities.ax-pro.xml');
    // The AX Pro SessionLogin request of the open-source client is accepted as is (no namespace).
    const login = await hub.handleIsapi({ method: 'POST', path: '/ISAPI/Security/sessionLogin?timeStamp=1', headers: {}, body: sample('POST_ISAPI_Security_sessionLogin.request.ax-pro.xml') }, { via: 'cloud' });
    expect(login.status).toBe(401); // placeholder credentials of the sample: refused like a real panel, not a parse error
  });

  it('AX Pro zone JSON has every key of the real zone objects', async () => {
    const status = JSON.parse((await cloudGet(hub, '/ISAPI/SecurityCP/status/zones?format=json')).body.toString()) as { ZoneList: { Zone: Record<string, unknown> }[] };
    const zones = status.ZoneList.map((z) => z.Zone);
    const covers = (want: Record<string, unknown>, list: Record<string, unknown>[]): string[] => {
      const best = list.map((z) => Object.keys(want).filter((k) => !(k in z))).sort((a, b) => a.length - b.length)[0] ?? Object.keys(want);
      return best;
    };
    for (const name of [
      'GET_ISAPI_SecurityCP_status_zones.Zone-item.wired-magnetic.ax-pro.json',
      'derived/GET_ISAPI_SecurityCP_status_zones.Zone-item.wired.ax-pro.json',
      'derived/GET_ISAPI_SecurityCP_status_zones.Zone-item.wireless.ax-pro.json',
    ]) {
      expect({ name, missing: covers(sampleJson(name), zones) }).toEqual({ name, missing: [] });
    }
    const config = JSON.parse((await cloudGet(hub, '/ISAPI/SecurityCP/Configuration/zones?format=json')).body.toString()) as { List: { Zone: Record<string, unknown> }[] };
    const cfg = config.List.map((z) => z.Zone);
    for (const name of ['derived/GET_ISAPI_SecurityCP_Configuration_zones.Zone-item.wired.ax-pro.json', 'derived/GET_ISAPI_SecurityCP_Configuration_zones.Zone-item.rs485-wireless-receiver.ax-pro.json']) {
      expect({ name, missing: covers(sampleJson(name), cfg) }).toEqual({ name, missing: [] });
    }
    // Value types match too (numbers stay numbers, lists stay lists).
    const real = sampleJson('GET_ISAPI_SecurityCP_status_zones.Zone-item.wired-magnetic.ax-pro.json');
    const emu = zones.find((z) => z.detectorType === 'magneticContact' && z.zoneAttrib === 'wired') ?? {};
    for (const [k, v] of Object.entries(real)) expect({ k, t: Array.isArray(emu[k]) ? 'array' : typeof emu[k] }).toEqual({ k, t: Array.isArray(v) ? 'array' : typeof v });
  });

  it('device JSON is tab-indented without a final newline, like the real ?format=json answer', () => {
    const real = sample('GET_ISAPI_VideoIntercom_callStatus.format-json.ds-kb8113-ime1b.v2.2.60.json').toString('utf8');
    expect(deviceJson(JSON.parse(real))).toBe(real);
  });

  it('401 answers have the shapes of the captures (camera and intercom style)', async () => {
    const camRes = await rawRequest(`http://127.0.0.1:${cam.httpPort}/ISAPI/System/status`);
    expect(camRes.status).toBe(401);
    expect(camRes.body.equals(sample('GET_ISAPI_System_status.401-unauthorized.ds-2cd2155fwd-i.v5.5.0.html'))).toBe(true);
    expect(camRes.headers['content-type']).toBe('text/html');
    const cassette = sample('cassette.test_auth_firmware_v5_5.ds-2cd2155fwd-i.v5.5.0.yaml').toString();
    const realCam = /WWW-Authenticate: \['(Digest [^']+)'\]/.exec(cassette.replace(/\n\s+/g, ' '))?.[1] ?? '';
    const shape = (h: string): string => h.replace(/="[^"]*"/g, '=""');
    expect(shape(camRes.headers['www-authenticate'] ?? '')).toBe(shape(realCam));
    const nvrRes = await rawRequest(`http://127.0.0.1:${nvr.httpPort}/ISAPI/System/status`);
    const realIntercom = sample('HTTP_401_WWW-Authenticate.ds-kb8113-ime1b.v2.2.60.txt').toString().replace(/\s+/g, ' ').trim();
    expect(shape(nvrRes.headers['www-authenticate'] ?? '')).toBe(shape(realIntercom));
  });

  it('errors are ResponseStatus documents in the device namespace, as documented', async () => {
    const fresh = createDevice({ type: 'nvr', activated: false });
    const r = await cloudGet(fresh, '/ISAPI/System/deviceInfo');
    const shape = xmlShape(r.body);
    expect(shape.root).toBe('ResponseStatus');
    expect(shape.ns).toBe('http://www.isapi.org/ver20/XMLSchema');
    expect([...shape.paths]).toEqual(expect.arrayContaining(['requestURL', 'statusCode', 'statusString', 'subStatusCode']));
    expect(parseResponseStatus(r.body)).toMatchObject({ statusCode: 4, subStatusCode: 'notActivated', requestURL: '/ISAPI/System/deviceInfo' });
    expectCrlf(r.body);
  });

  it('SADP: the real probes parse; ProbeMatch carries the fields real devices send', () => {
    expect(parseProbe(sample('UDP37020_SADP_Probe_inquiry.request.no-uuid.xml')).types).toBe('inquiry');
    expect(parseProbe(sample('UDP37020_SADP_Probe_update.request.template.xml').toString().replace(/%d/g, '8000')).types).toBe('update');
    const xml = buildProbeMatch(probeMatchFor(cam, { types: 'inquiry', uuid: 'X' }));
    const shape = xmlShape(xml);
    expect(shape.root).toBe('ProbeMatch');
    const fields = ['Uuid', 'Types', 'DeviceType', 'DeviceDescription', 'DeviceSN', 'CommandPort', 'HttpPort', 'MAC', 'IPv4Address', 'IPv4SubnetMask', 'IPv4Gateway', 'DHCP', 'SoftwareVersion', 'Activated', 'SupportHCPlatform', 'HCPlatformEnable', 'IsModifyVerificationCode'];
    expect(fields.filter((f) => !shape.paths.has(f))).toEqual([]);
    expect(parseProbeMatch(xml).softwareVersion).toMatch(/^V\d+\.\d+\.\d+build \d{6}$/);
  });
});
