/**
 * Types of the server's API, written from its TypeBox route schemas (the src/server route files).
 * To be replaced by types generated from the server's OpenAPI (/docs/json); only src/web/api/
 * imports them by path.
 */

export type Role = 'installer_admin' | 'installer' | 'end_user';
export type Permission = 'manage_all' | 'manage_assigned';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  permission: Permission | null;
  companyId: string;
  companyName: string;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Installer {
  id: string;
  email: string;
  name: string;
  permission: Permission;
  disabled: boolean;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  permission: Permission;
  expiresAt: string;
}

export interface InvitationInfo {
  email: string;
  name: string;
  companyName: string;
  expiresAt: string;
}

export interface Site {
  id: string;
  name: string;
  address: string | null;
  timeZone: string | null;
  createdAt: string;
  updatedAt?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: string;
  details: Record<string, unknown> | null;
}

export type NextAction =
  | 'add'
  | 'activate'
  | 'enable_cloud'
  | 'enter_verification_code'
  | 'enter_password'
  | 'connect_to_network'
  | 'none';

/** `{ code, message, hint }` as the server reports a per-device problem. */
export interface ItemError {
  code: string;
  message: string;
  hint: string;
}

/** CandidateSchema in src/server/onboarding/onboarding.routes.ts. */
export interface Candidate {
  id: string;
  name: string;
  serial: string | null;
  model: string | null;
  type: string | null;
  host: string | null;
  port: number | null;
  reachableVia: 'cloud' | 'lan' | 'direct' | null;
  online: boolean;
  activated: boolean | null;
  cloudEnabled: boolean | null;
  cloudRegistered: boolean;
  alreadyAdded: 'this_site' | 'other_site' | 'elsewhere' | null;
  nextAction: NextAction;
  firmware: { version: string | null; compatible: boolean | null; minimum: string | null };
  error: ItemError | null;
  /** Offline guidance lines (nextAction connect_to_network). */
  guidance: string[];
}

export interface ScanResult {
  scanId: string;
  classified: { kind: string; [key: string]: unknown };
  candidates: Candidate[];
}

export interface AddRequest {
  candidateIds: string[];
  idempotencyKey: string;
  /** Verification code for the cloud (6–12 letters or digits). */
  verificationCode?: string;
  /** New admin password of factory-new devices (activation). */
  adminPassword?: string;
  /** Current admin password: devices whose cloud service is to be enabled, IP devices asking for it. */
  devicePassword?: string;
}

export type ItemState = 'queued' | 'running' | 'added' | 'already_added' | 'failed' | 'needs_action' | 'pending';

/** One device of an onboarding batch (`event: item`, and the items of GET /api/batches/:id). */
export interface BatchItem {
  id: string;
  candidateId: string;
  serial: string | null;
  state: ItemState;
  step: string;
  deviceId: string | null;
  error: ItemError | null;
  pendingUntil: string | null;
  guidance: string[];
}

/** `event: batch` (and `settled`): the totals. */
export interface BatchSummary {
  batchId: string;
  counts: Record<string, number>;
  settled: boolean;
  done: boolean;
}

export interface BatchView extends BatchSummary {
  siteId: string;
  items: BatchItem[];
}

/** DeviceSchema in src/server/devices/device.routes.ts. */
export interface Device {
  id: string;
  siteId: string;
  siteName: string;
  serial: string;
  name: string;
  type: string;
  model: string;
  firmwareVersion: string;
  firmwareCompatible: boolean | null;
  addedVia: string;
  host: string | null;
  port: number | null;
  healthMonitoring: boolean;
  /** 'online' | 'offline', or a state added later. */
  status: string;
  createdAt: string;
  updatedAt: string;
}
