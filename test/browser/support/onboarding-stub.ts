/**
 * Stand-in for the onboarding API (issue 6) until it lands on the server: answers the scan, add,
 * batch-events and device-list calls of the contract from memory, per BrowserContext. Everything
 * else (sign-in, sites…) goes to the real server. Remove a route here once the server serves it.
 *
 * Devices are picked by the serial in the scanned text:
 *   READY…  online, activated, cloud on → add           NEW…  factory new → activate
 *   CLOUD…  cloud service off → enable_cloud            OFF…  offline → connect_to_network
 *   a bare serial (no newline) → enter_verification_code  MULTI → four devices, one fails.
 *   MIXED → two devices, one factory new and one with its cloud service off.
 *   LOCKED… → a password-protected device list, unlocked by LOCKED_QR_PASSWORD into MULTI's four.
 */
import type { BrowserContext, Request, Route } from 'playwright-core';

interface Candidate {
  id: string;
  serial: string;
  name: string | null;
  model: string | null;
  type: string | null;
  host: string | null;
  port: number | null;
  reachableVia: string | null;
  online: boolean;
  activated: boolean | null;
  cloudEnabled: boolean | null;
  alreadyAdded: 'this_site' | 'other_site' | 'elsewhere' | null;
  nextAction: string;
  firmware: { version: string | null; compatible: boolean | null };
}

export interface StubState {
  scans: { siteId: string; text?: string; multipart: boolean; qrPassword?: string }[];
  adds: { scanId: string; body: Record<string, unknown> }[];
  devices: { id: string; siteId: string; serial: string; name: string; type: string; model: string; status: string }[];
  /** Flip to true to let an offline device "come online": its batch then completes. */
  offlineDeviceOnline: boolean;
  eventRequests: number;
}

function candidate(id: string, serial: string, over: Partial<Candidate> = {}): Candidate {
  return {
    id,
    serial,
    name: null,
    model: 'DS-2CD2043G2-I',
    type: 'camera',
    host: null,
    port: null,
    reachableVia: 'cloud',
    online: true,
    activated: true,
    cloudEnabled: true,
    alreadyAdded: null,
    nextAction: 'add',
    firmware: { version: 'V5.7.3', compatible: true },
    ...over,
  };
}

export const LOCKED_QR_PASSWORD = '12Qweq24';

function classify(text: string, qrPassword?: string): { kind: string; locked?: boolean; candidates: Candidate[] } {
  if (text.startsWith('LOCKED')) {
    if (qrPassword !== LOCKED_QR_PASSWORD) return { kind: 'device-list', locked: true, candidates: [] };
    return classify('MULTI');
  }
  if (text.startsWith('MIXED')) {
    return {
      kind: 'device-list',
      candidates: [
        candidate('c1', 'MIXED0001', { name: 'New camera', activated: false, nextAction: 'activate', reachableVia: 'agent' }),
        candidate('c2', 'MIXED0002', { name: 'Cloud-off camera', cloudEnabled: false, nextAction: 'enable_cloud', reachableVia: 'agent' }),
      ],
    };
  }
  if (text.startsWith('MULTI')) {
    return {
      kind: 'device-list',
      candidates: [
        candidate('c1', 'MULTI0001', { name: 'Gate camera', host: '10.0.0.11', port: 80, reachableVia: 'agent' }),
        candidate('c2', 'MULTI0002', { name: 'Hall camera', host: '10.0.0.12', port: 80, reachableVia: 'agent' }),
        candidate('c3', 'MULTI0003', { name: 'Yard camera', host: '10.0.0.13', port: 80, reachableVia: 'agent' }),
        candidate('c4', 'MULTI0004', { name: 'Old NVR', type: 'nvr', model: 'DS-7608NI-K2', host: '10.0.0.14', port: 80, alreadyAdded: 'this_site', nextAction: 'none' }),
      ],
    };
  }
  const lines = text.split(/\r?\n/).filter(Boolean);
  const serial = (lines.length > 1 ? lines[1] : lines[0]) ?? text;
  if (lines.length <= 1) return { kind: 'serial', candidates: [candidate('c1', serial, { nextAction: 'enter_verification_code', reachableVia: null, online: false })] };
  if (serial.startsWith('NEW')) return { kind: 'label', candidates: [candidate('c1', serial, { activated: false, nextAction: 'activate', reachableVia: 'agent' })] };
  if (serial.startsWith('CLOUD')) return { kind: 'label', candidates: [candidate('c1', serial, { cloudEnabled: false, nextAction: 'enable_cloud', reachableVia: 'agent' })] };
  if (serial.startsWith('OFF')) return { kind: 'label', candidates: [candidate('c1', serial, { online: false, nextAction: 'connect_to_network', reachableVia: null })] };
  return { kind: 'label', candidates: [candidate('c1', serial)] };
}

const json = (route: Route, status: number, body: unknown) =>
  route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

export async function installOnboardingStub(context: BrowserContext): Promise<StubState> {
  const state: StubState = { scans: [], adds: [], devices: [], offlineDeviceOnline: false, eventRequests: 0 };
  const scans = new Map<string, { siteId: string; candidates: Candidate[] }>();
  const batches = new Map<string, { siteId: string; candidates: Candidate[] }>();
  let seq = 0;

  await context.route(/\/api\/sites\/[^/]+\/scans$/, async (route: Route, req: Request) => {
    const siteId = decodeURIComponent(new URL(req.url()).pathname.split('/')[3] ?? '');
    const multipart = (req.headers()['content-type'] ?? '').startsWith('multipart/');
    let text: string | undefined;
    let qrPassword: string | undefined;
    if (!multipart) ({ text, qrPassword } = req.postDataJSON() as { text: string; qrPassword?: string });
    state.scans.push({ siteId, text, multipart, ...(qrPassword === undefined ? {} : { qrPassword }) });
    if (multipart) {
      return json(route, 422, {
        error: { code: 'QR_NOT_FOUND', message: 'No QR code was found in the photo.', hint: 'Take the photo closer to the label, in good light.', correlationId: 'stub-1' },
      });
    }
    const c = classify(text ?? '', qrPassword);
    const scanId = `scan-${++seq}`;
    scans.set(scanId, { siteId, candidates: c.candidates });
    return json(route, 201, { scanId, classified: { kind: c.kind, ...(c.locked ? { locked: true } : {}) }, candidates: c.candidates });
  });

  await context.route(/\/api\/scans\/[^/]+\/add$/, async (route: Route, req: Request) => {
    const scanId = decodeURIComponent(new URL(req.url()).pathname.split('/')[3] ?? '');
    const body = req.postDataJSON() as { candidateIds: string[] };
    state.adds.push({ scanId, body });
    const scan = scans.get(scanId);
    if (!scan) return json(route, 404, { error: { code: 'SCAN_NOT_FOUND', message: 'This scan has expired.', hint: 'Scan the label again.' } });
    const batchId = `batch-${++seq}`;
    batches.set(batchId, { siteId: scan.siteId, candidates: scan.candidates.filter((c) => body.candidateIds.includes(c.id)) });
    return json(route, 202, { batchId });
  });

  await context.route(/\/api\/batches\/[^/]+\/events$/, async (route: Route, req: Request) => {
    state.eventRequests++;
    const batchId = decodeURIComponent(new URL(req.url()).pathname.split('/')[3] ?? '');
    const batch = batches.get(batchId);
    if (!batch) return json(route, 404, { error: { code: 'BATCH_NOT_FOUND', message: 'Unknown batch.', hint: '' } });
    const lines = ['retry: 300', ''];
    for (const c of batch.candidates) {
      let ev: Record<string, unknown>;
      if (c.serial === 'MULTI0002') {
        ev = { candidateId: c.id, state: 'failed', step: 'add_to_site', code: 'DEVICE_UNREACHABLE', message: 'Hall camera did not answer at 10.0.0.12:80.', hint: 'Check its network cable and power, then add it again.' };
      } else if (c.nextAction === 'connect_to_network' && !state.offlineDeviceOnline) {
        ev = { candidateId: c.id, state: 'waiting', step: 'wait_online' };
      } else {
        ev = { candidateId: c.id, state: 'done', step: 'done' };
        if (!state.devices.some((d) => d.serial === c.serial)) {
          state.devices.push({ id: `dev-${c.serial}`, siteId: batch.siteId, serial: c.serial, name: c.name ?? c.serial, type: c.type ?? 'camera', model: c.model ?? '', status: 'online' });
        }
      }
      lines.push(`data: ${JSON.stringify(ev)}`, '');
    }
    return route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body: `${lines.join('\n')}\n` });
  });

  const devicePage = (req: Request, siteId: string | null) => {
    const url = new URL(req.url());
    const page = Number(url.searchParams.get('page') ?? 1);
    const pageSize = Number(url.searchParams.get('pageSize') ?? 50);
    const items = state.devices
      .filter((d) => siteId === null || d.siteId === siteId)
      .map((d) => ({ ...d, firmwareVersion: 'V5.7.3', addedVia: 'qr', lastSeenAt: new Date().toISOString(), createdAt: new Date().toISOString() }));
    return { items: items.slice((page - 1) * pageSize, page * pageSize), total: items.length, page, pageSize };
  };
  await context.route(/\/api\/sites\/[^/]+\/devices(\?.*)?$/, async (route: Route, req: Request) =>
    json(route, 200, devicePage(req, decodeURIComponent(new URL(req.url()).pathname.split('/')[3] ?? ''))),
  );

  return state;
}
