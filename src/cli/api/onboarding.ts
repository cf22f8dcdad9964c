/**
 * The onboarding endpoints the CLI calls (sites, scans, add, batch progress), typed with the
 * types generated from the server's OpenAPI (src/web/api/generated.ts, `npm run gen:api`): a change
 * to a server route schema fails the CLI's typecheck instead of silently mismatching.
 */
import type {
  GetApiBatchesIdResponse,
  GetApiSitesResponse,
  PostApiScansIdAddBody,
  PostApiScansIdAddResponse,
  PostApiSitesIdScansBody,
  PostApiSitesIdScansResponse,
} from '../../web/api/generated';
import { CliError } from '../cli-error';
import { readSse } from '../sse';
import type { SitekeeperApi } from './client';

export type Site = Pick<GetApiSitesResponse['items'][number], 'id' | 'name'>;
export type ScanResult = PostApiSitesIdScansResponse;
export type Candidate = ScanResult['candidates'][number];
export type AddRequest = PostApiScansIdAddBody;
export type BatchStatus = GetApiBatchesIdResponse;
/** One device of a batch (`event: item` of the progress stream, and the items of GET /api/batches/:id). */
export type BatchItem = BatchStatus['items'][number];

/** POST /api/sites/:id/scans: JSON `{ text, qrPassword? }`, or a photo as multipart/form-data (fields `image`, `qrPassword`). */
export type ScanRequest = PostApiSitesIdScansBody | FormData;

const enc = encodeURIComponent;
const POLL_INTERVAL_MS = 500;
const POLL_TIMEOUT_MS = 30_000;

export async function searchSites(api: SitekeeperApi, search: string): Promise<Site[]> {
  const page = await api.request<GetApiSitesResponse>('GET', `/api/sites?search=${enc(search)}&pageSize=200`);
  return page.items;
}

export function scan(api: SitekeeperApi, siteId: string, body: ScanRequest): Promise<ScanResult> {
  return api.request<ScanResult>('POST', `/api/sites/${enc(siteId)}/scans`, body);
}

export function addDevices(api: SitekeeperApi, scanId: string, body: AddRequest): Promise<PostApiScansIdAddResponse> {
  return api.request<PostApiScansIdAddResponse>('POST', `/api/scans/${scanId}/add`, body);
}

export function batchStatus(api: SitekeeperApi, batchId: string): Promise<BatchStatus> {
  return api.request<BatchStatus>('GET', `/api/batches/${batchId}`, undefined, { timeoutMs: POLL_TIMEOUT_MS });
}

/**
 * GET /api/batches/:id/events: each `item` event as it comes; ends at `settled` or when the
 * stream ends (or `signal` aborts it).
 */
export async function* batchItemEvents(api: SitekeeperApi, batchId: string, signal: AbortSignal): AsyncGenerator<BatchItem> {
  const body = await api.stream(`/api/batches/${batchId}/events`, signal);
  for await (const ev of readSse(body)) {
    if (ev.event === 'item') yield JSON.parse(ev.data) as BatchItem;
    else if (ev.event === 'settled') return;
  }
}

/**
 * Follows the batch until it settles or `deadlineMs` (epoch ms) passes: the event stream, then
 * polling (also when the stream breaks: a dropped stream is not a failed add). Calls `onChange`
 * with the latest item of each device.
 */
export async function followBatch(api: SitekeeperApi, batchId: string, deadlineMs: number, onChange: (items: Map<string, BatchItem>) => void): Promise<BatchStatus> {
  const items = new Map<string, BatchItem>();
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), Math.max(0, deadlineMs - Date.now()));
  try {
    for await (const it of batchItemEvents(api, batchId, ctrl.signal)) {
      items.set(it.id, it);
      onChange(items);
    }
  } catch (e) {
    if (e instanceof CliError && e.status >= 400 && e.status < 500) throw e;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  for (;;) {
    const status = await batchStatus(api, batchId);
    for (const it of status.items) items.set(it.id, it);
    onChange(items);
    if (status.settled || Date.now() >= deadlineMs) return status;
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
}
