/** /ISAPI/ContentMgmt/Storage: disks (or a camera's card), S.M.A.R.T. status and overwrite. */
import { hddListXml, parseStorageExtension, smartStatusXml, storageExtensionXml, storageXml } from '../../protocol/isapi/models';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import { isResponse, parsedBody, type IsapiRoute } from './route';

function hddModels(d: DeviceCore) {
  return d.state.hdds.map((h) => ({
    id: h.id,
    hddName: `hdd${h.id}`,
    hddType: h.type ?? 'SATA',
    status: h.status,
    capacity: h.capacityMb,
    freeSpace: h.status === 'ok' ? h.freeMb : 0,
    property: 'RW',
    smartStatus: h.smart,
  }));
}

function smartRes(d: DeviceCore, c: IsapiContext, id: number): IsapiResponse {
  const h = d.state.hdds.find((x) => x.id === id);
  if (!h) return d.rs(c, 'badParameters', { http: 404 });
  const smart = { temperature: h.smart === 'ok' ? 38 : 55, powerOnDays: 412, selfEvaluation: h.smart === 'failed' ? 'failed' : 'ok', allEvaluation: h.smart === 'ok' ? 'ok' : h.smart === 'warning' ? 'warning' : 'functional' };
  return d.xml(200, smartStatusXml(smart, d.ns));
}

function putOverwrite(d: DeviceCore, c: IsapiContext): IsapiResponse {
  const ext = parsedBody(d, c, parseStorageExtension);
  if (isResponse(ext)) return ext;
  d.state.overwrite = ext.overwrite;
  d.changed();
  return d.ok(c);
}

export function storageRoutes(d: DeviceCore): IsapiRoute[] {
  return [
    ['GET', /^\/isapi\/contentmgmt\/storage$/, () => d.xml(200, storageXml(hddModels(d), d.ns, d.state.overwrite))],
    ['GET', /^\/isapi\/contentmgmt\/storage\/hdd$/, () => d.xml(200, hddListXml(hddModels(d), d.ns))],
    ['GET', /^\/isapi\/contentmgmt\/storage\/hdd\/(\d+)\/smarttest\/status$/, (c, m) => smartRes(d, c, Number(m[1]))],
    ['GET', /^\/isapi\/contentmgmt\/storage\/extension$/, () => d.xml(200, storageExtensionXml(d.state.overwrite, d.ns))],
    ['PUT', /^\/isapi\/contentmgmt\/storage\/extension$/, (c) => putOverwrite(d, c)],
  ];
}
