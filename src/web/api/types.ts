/**
 * The names the web app uses for the server's API shapes. Each is an alias into ./generated
 * (generated from the server's OpenAPI by `npm run gen:api`), so a change to a server route schema
 * shows up here as a type error, never as a silent mismatch. Only client-only types are written by
 * hand below, each saying why.
 */
import type {
  GetApiAuditQuery,
  GetApiAuthMeResponse,
  GetApiBatchesIdResponse,
  GetApiDevicesIdResponse,
  GetApiDevicesQuery,
  GetApiInstallersResponse,
  GetApiSitesIdResponse,
  GetApiSitesQuery,
  PostApiScansIdAddBody,
  PostApiSitesBody,
  PostApiSitesIdScansResponse,
} from './generated';

export type * from './generated';

/** GET /api/auth/me (also the answer of login and of accepting an invitation). */
export type Session = GetApiAuthMeResponse;
export type User = Session['user'];
export type Permission = NonNullable<User['permission']>;

export type Installer = GetApiInstallersResponse['items'][number];

export type Site = GetApiSitesIdResponse;
export type SiteInput = PostApiSitesBody;
export type SiteQuery = GetApiSitesQuery;

export type AuditQuery = GetApiAuditQuery;

export type ScanResult = PostApiSitesIdScansResponse;
export type Candidate = ScanResult['candidates'][number];

export type AddRequest = PostApiScansIdAddBody;

export type BatchView = GetApiBatchesIdResponse;
/** One device of an onboarding batch (`event: item`, and the items of GET /api/batches/:id). */
export type BatchItem = BatchView['items'][number];
/** `event: batch` (and `settled`): the totals, a BatchView without its items. */
export type BatchSummary = Omit<BatchView, 'items' | 'siteId' | 'scanId'>;

export type Device = GetApiDevicesIdResponse;
export type DeviceQuery = GetApiDevicesQuery;

/**
 * Hand-written, client-only: one page of a list (the server's list answers share this shape but
 * OpenAPI has no generics). Each generated list response is checked against it where it is used.
 */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * Hand-written, client-only: the states the web app knows how to show. The server's schema types a
 * batch item's `state` as a plain string (new states may appear), so screens must handle others.
 */
export type ItemState = 'queued' | 'running' | 'added' | 'already_added' | 'failed' | 'needs_action' | 'pending';
