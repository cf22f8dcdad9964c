/**
 * Types of the server's API as documented in the contract. To be replaced by types generated
 * from the server's OpenAPI (/docs/json); only src/web/api/ imports them by path.
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
  /** Not served yet by the sites API; shown when present. */
  deviceCount?: number;
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

export interface Candidate {
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
  nextAction: NextAction;
  firmware: { version: string | null; compatible: boolean | null } | null;
}

export interface ScanResult {
  scanId: string;
  classified: { kind: string; [key: string]: unknown };
  candidates: Candidate[];
}

export interface AddRequest {
  candidateIds: string[];
  adminPassword?: string;
  verificationCode?: string;
  qrPassword?: string;
  idempotencyKey: string;
}

export interface BatchEvent {
  candidateId: string;
  state: 'queued' | 'running' | 'waiting' | 'done' | 'failed';
  step: string;
  code?: string;
  message?: string;
  hint?: string;
}

export interface Device {
  id: string;
  siteId: string;
  siteName?: string;
  serial: string;
  name: string | null;
  type: string | null;
  model: string | null;
  firmwareVersion: string | null;
  addedVia: string | null;
  /** 'online' | 'offline' | 'pending', or a state added later. */
  status: string;
  lastSeenAt: string | null;
  createdAt: string;
}
