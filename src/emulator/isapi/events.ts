/**
 * Event triggers of cameras and NVRs (`/ISAPI/Event/triggers`): which events the device raises and
 * what each is linked to. Third-party clients read this list to learn a device's events and
 * channels (and only listen for those linked to `center`), and PUT it to add the `center` linkage.
 *
 * Shape from the captures in ../shared/isapi-samples: the `EventTriggerList` of the DS-KB8113
 * (`EventTrigger`: `id`, `eventType`, `EventTriggerNotificationList/EventTriggerNotification`:
 * `id`, `notificationMethod`, `notificationRecurrence`) and the `EventTriggerNotificationList` of
 * the DS-7608NI-K2 (`record-<n>` with `dynVideoInputID`, and `center` whose id must be literally
 * `center`). Between `eventType` and the list, as on real cameras and NVRs: `eventDescription`,
 * `videoInputChannelID` and, on NVRs, `dynVideoInputChannelID`.
 *
 * Linkages changed by PUT are kept in the device state (`eventNotifications`).
 *
 * Also the alarm push targets (`/ISAPI/Event/notification/httpHosts`): the factory-blank slot only.
 */
import { buildXml, xmlChild, xmlInt, xmlList, xmlText, type XmlElement } from '../../protocol/isapi/xml';
import type { EventNotificationState } from '../state';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, noSuch, xmlBody, type IsapiRoute } from './route';

export interface EventTriggerDef {
  id: string;
  eventType: string;
  /** Video channel of a per-channel event. */
  channel?: number;
}

/** `notificationMethod` values devices accept (the vendor guide's list, case as devices send it). */
const METHODS = ['center', 'record', 'email', 'beep', 'IO', 'FTP', 'HTTP', 'IM', 'syslog', 'alarm', 'monitorAlarm', 'trace', 'cloud', 'whiteLight', 'audio', 'siren', 'picture', 'ptz', 'focus'];
const RECURRENCES = ['beginning', 'beginningandend', 'recurring'];

/** Per channel: motion, video loss, tampering; then the device's own events (disk ones only with a disk or card). */
export function eventTriggers(d: DeviceCore): EventTriggerDef[] {
  const perChannel = d.state.channels.flatMap((ch) => [
    { id: `VMD-${ch.id}`, eventType: 'VMD', channel: ch.id },
    { id: `videoloss-${ch.id}`, eventType: 'videoloss', channel: ch.id },
    { id: `tamperdetection-${ch.id}`, eventType: 'tamperdetection', channel: ch.id },
  ]);
  const disks = d.state.hdds.length > 0 ? ['diskfull', 'diskerror'] : [];
  const device = [...disks, 'nicbroken', 'ipconflict', 'illaccess'].map((t) => ({ id: t, eventType: t }));
  return [...perChannel, ...device];
}

/** Factory linkages: every event notifies the centre; an NVR also records the channel on motion. */
function factoryNotifications(d: DeviceCore, t: EventTriggerDef): EventNotificationState[] {
  const center: EventNotificationState = { id: 'center', method: 'center', recurrence: 'beginning' };
  if (d.type === 'nvr' && t.eventType === 'VMD' && t.channel !== undefined) return [{ id: `record-${t.channel}`, method: 'record', videoInputId: t.channel }, center];
  return [center];
}

export function triggerNotifications(d: DeviceCore, t: EventTriggerDef): EventNotificationState[] {
  return d.state.eventNotifications?.[t.id.toLowerCase()] ?? factoryNotifications(d, t);
}

function notificationsElement(list: EventNotificationState[]): XmlElement | null {
  if (list.length === 0) return null;
  return {
    EventTriggerNotification: list.map((n) => ({ id: n.id, notificationMethod: n.method, notificationRecurrence: n.recurrence, dynVideoInputID: n.videoInputId })),
  };
}

function triggerElement(d: DeviceCore, t: EventTriggerDef): XmlElement {
  return {
    id: t.id,
    eventType: t.eventType,
    eventDescription: `${t.eventType} Event trigger Information`,
    videoInputChannelID: t.channel,
    dynVideoInputChannelID: d.type === 'nvr' ? t.channel : undefined,
    EventTriggerNotificationList: notificationsElement(triggerNotifications(d, t)),
  };
}

function findTrigger(d: DeviceCore, rawId: string | undefined): EventTriggerDef | undefined {
  let id: string;
  try {
    id = decodeURIComponent(rawId ?? '').toLowerCase();
  } catch {
    return undefined;
  }
  return eventTriggers(d).find((t) => t.id.toLowerCase() === id);
}

/** Reads `EventTriggerNotification`s; a string is what is wrong with them. */
function parseNotifications(d: DeviceCore, list: unknown): EventNotificationState[] | string {
  const out: EventNotificationState[] = [];
  for (const n of xmlList(list, 'EventTriggerNotification')) {
    const id = xmlText(n, 'id')?.trim();
    const method = xmlText(n, 'notificationMethod')?.trim();
    if (!id || !method) return 'Each EventTriggerNotification needs an id and a notificationMethod.';
    if (!METHODS.includes(method)) return `Unknown notificationMethod "${method}".`;
    if (method === 'center' && id !== 'center') return 'The id of the center linkage must be "center".';
    if (out.some((x) => x.id === id)) return `Duplicate linkage id "${id}".`;
    const entry: EventNotificationState = { id, method };
    const recurrence = xmlText(n, 'notificationRecurrence')?.trim();
    if (recurrence) {
      if (!RECURRENCES.includes(recurrence)) return `notificationRecurrence must be one of ${RECURRENCES.join(', ')}.`;
      entry.recurrence = recurrence;
    }
    const channel = xmlInt(n, 'dynVideoInputID') ?? xmlInt(n, 'videoInputID');
    if (channel !== undefined) {
      if (!d.state.channels.some((ch) => ch.id === channel)) return `No video channel ${channel}.`;
      entry.videoInputId = channel;
    } else if (method === 'record') return 'A record linkage needs a dynVideoInputID.';
    out.push(entry);
  }
  return out;
}

function store(d: DeviceCore, c: IsapiContext, t: EventTriggerDef, list: EventNotificationState[]): IsapiResponse {
  d.state.eventNotifications = { ...d.state.eventNotifications, [t.id.toLowerCase()]: list };
  d.changed();
  return d.ok(c);
}

function putTrigger(d: DeviceCore, c: IsapiContext, t: EventTriggerDef): IsapiResponse {
  const doc = xmlBody(d, c, 'EventTrigger');
  if (isResponse(doc)) return doc;
  const id = xmlText(doc, 'id')?.trim();
  if (id && id.toLowerCase() !== t.id.toLowerCase()) return d.rs(c, 'badXmlContent', { description: `The id ${id} does not match the trigger ${t.id} of the URL.` });
  const eventType = xmlText(doc, 'eventType')?.trim();
  if (eventType && eventType.toLowerCase() !== t.eventType.toLowerCase()) return d.rs(c, 'badXmlContent', { description: `The trigger ${t.id} is of type ${t.eventType}.` });
  // Without a list the linkages stay as they are; an empty list removes them all.
  if (!('EventTriggerNotificationList' in doc)) return d.ok(c);
  const list = parseNotifications(d, xmlChild(doc, 'EventTriggerNotificationList'));
  if (typeof list === 'string') return d.rs(c, 'badXmlContent', { description: list });
  return store(d, c, t, list);
}

function putNotifications(d: DeviceCore, c: IsapiContext, t: EventTriggerDef): IsapiResponse {
  const doc = xmlBody(d, c, 'EventTriggerNotificationList');
  if (isResponse(doc)) return doc;
  const list = parseNotifications(d, doc);
  if (typeof list === 'string') return d.rs(c, 'badXmlContent', { description: list });
  return store(d, c, t, list);
}

/** The factory-blank single slot of the real capture (alarm push is not emulated). */
function httpHostsXml(d: DeviceCore): string {
  const slot = { '@': { version: '2.0', xmlns: d.ns }, '#': { id: 1, url: null, protocolType: 'HTTP', parameterFormatType: 'XML', addressingFormatType: 'ipaddress', ipAddress: '0.0.0.0', portNo: 0, httpAuthenticationMethod: 'none' } };
  return buildXml('HttpHostNotificationList', { HttpHostNotification: slot }, { ns: d.ns });
}

export function eventRoutes(d: DeviceCore): IsapiRoute[] {
  return [['GET', /^\/isapi\/event\/notification\/httphosts$/, () => d.xml(200, httpHostsXml(d))], ...eventTriggerRoutes(d)];
}

function eventTriggerRoutes(d: DeviceCore): IsapiRoute[] {
  const types = ['camera', 'nvr'] as const;
  const withTrigger =
    (fn: (c: IsapiContext, t: EventTriggerDef) => IsapiResponse) =>
    (c: IsapiContext, m: RegExpExecArray): IsapiResponse => {
      const t = findTrigger(d, m[1]);
      return t ? fn(c, t) : noSuch(d, c, 'event trigger');
    };
  return [
    ['GET', /^\/isapi\/event\/triggers$/, () => d.xml(200, buildXml('EventTriggerList', { EventTrigger: eventTriggers(d).map((t) => triggerElement(d, t)) }, { ns: d.ns })), types],
    ['GET', /^\/isapi\/event\/triggers\/([^/]+)$/, withTrigger((_c, t) => d.xml(200, buildXml('EventTrigger', triggerElement(d, t), { ns: d.ns }))), types],
    ['PUT', /^\/isapi\/event\/triggers\/([^/]+)$/, withTrigger((c, t) => putTrigger(d, c, t)), types],
    [
      'GET',
      /^\/isapi\/event\/triggers\/([^/]+)\/notifications$/,
      withTrigger((_c, t) => d.xml(200, buildXml('EventTriggerNotificationList', notificationsElement(triggerNotifications(d, t)) ?? {}, { ns: d.ns }))),
      types,
    ],
    ['PUT', /^\/isapi\/event\/triggers\/([^/]+)\/notifications$/, withTrigger((c, t) => putNotifications(d, c, t)), types],
  ];
}
