/**
 * Kysely table types. Keep in step with the migrations in ./migrations (one source of truth for
 * the shape of each table is the migration; these types mirror it).
 */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type Role = 'installer_admin' | 'installer' | 'end_user';
export type Permission = 'manage_all' | 'manage_assigned';

export interface CompaniesTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

/**
 * Who someone is in a company: the columns a user row has and an invitation carries for the user it
 * will create (migration 0001 gives both tables these columns, with the same types).
 */
interface MemberColumns {
  id: Generated<string>;
  company_id: string;
  email: string;
  name: string;
  role: Role;
  permission: Permission | null;
}

export interface UsersTable extends MemberColumns {
  password_hash: string;
  disabled: Generated<boolean>;
  /** Failed sign-ins since the last successful one (told to the owner at the next sign-in). */
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  password_changed_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie token
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
}

export interface InvitationsTable extends MemberColumns {
  token_hash: string;
  created_by: string | null;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface SitesTable {
  id: Generated<string>;
  company_id: string;
  name: string;
  address: string;
  time_zone: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SiteInstallersTable {
  site_id: string;
  user_id: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  company_id: string | null;
  at: CreatedAt;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  outcome: 'success' | 'failure';
  details: JSONColumnType<Record<string, unknown>>;
  correlation_id: string | null;
}

export interface DomainEventsTable {
  id: Generated<number>;
  company_id: string | null;
  type: string;
  payload: JSONColumnType<Record<string, unknown>>;
  created_at: CreatedAt;
  /** When the notifier handled it (null: not yet). */
  notified_at: Timestamp | null;
}

export type NotificationSeverity = 'info' | 'success' | 'warning' | 'error';

export interface NotificationsTable {
  id: Generated<string>;
  company_id: string;
  user_id: string;
  kind: string;
  severity: NotificationSeverity;
  title: string;
  body: string;
  link: string | null;
  data: JSONColumnType<Record<string, unknown>>;
  source_event_id: string | null; // bigint: pg returns it as text
  created_at: CreatedAt;
  read_at: Timestamp | null;
}

export interface PendingSecretsTable {
  user_id: string;
  purpose: string;
  ciphertext: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Failed sign-ins per key (`ip:<address>`, `account:<e-mail>`); `updated_at` is the last failure. */
export interface LoginThrottleTable {
  key: string;
  failed: Generated<number>;
  updated_at: Timestamp;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface CloudRegistrationsTable {
  serial: string;
  key_hex: string;
  model: string;
  type: string;
  firmware: string;
  registered_at: Timestamp;
  updated_at: Timestamp;
}

export interface DevicePresenceTable {
  serial: string;
  online: boolean;
  at: Timestamp;
  firmware: string | null;
}

export type DeviceAddedVia = 'cloud' | 'direct' | 'agent';

export interface DevicesTable {
  id: Generated<string>;
  company_id: string;
  site_id: string;
  serial: string;
  name: string;
  type: string;
  model: string;
  firmware_version: Generated<string>;
  firmware_compatible: boolean | null;
  added_via: DeviceAddedVia;
  host: string | null;
  port: number | null;
  credentials_sealed: string | null;
  verification_code_sealed: string | null;
  health_monitoring: Generated<boolean>;
  status: Generated<string>;
  added_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ScansTable {
  id: Generated<string>;
  company_id: string;
  site_id: string;
  created_by: string | null;
  kind: string;
  summary: JSONColumnType<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface ScanCandidatesTable {
  id: Generated<string>;
  scan_id: string;
  position: number;
  serial: string | null;
  name: string;
  host: string | null;
  port: number | null;
  secrets_sealed: string | null;
  probe: JSONColumnType<Record<string, unknown>>;
}

export interface OnboardingBatchesTable {
  id: Generated<string>;
  company_id: string;
  site_id: string;
  scan_id: string;
  idempotency_key: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface OnboardingItemsTable {
  id: Generated<string>;
  batch_id: string;
  candidate_id: string;
  site_id: string;
  serial: string | null;
  state: string;
  step: Generated<string>;
  secrets_sealed: string | null;
  error_code: string | null;
  error_message: string | null;
  error_hint: string | null;
  device_id: string | null;
  pending_until: Date | null;
  attempts: Generated<number>;
  lease_until: Date | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AgentTokensTable {
  id: Generated<string>;
  site_id: string | null;
  token_hash: string;
  created_at: CreatedAt;
}

export interface DB {
  companies: CompaniesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  sites: SitesTable;
  site_installers: SiteInstallersTable;
  audit_log: AuditLogTable;
  domain_events: DomainEventsTable;
  pending_secrets: PendingSecretsTable;
  settings: SettingsTable;
  login_throttle: LoginThrottleTable;
  cloud_registrations: CloudRegistrationsTable;
  device_presence: DevicePresenceTable;
  devices: DevicesTable;
  scans: ScansTable;
  scan_candidates: ScanCandidatesTable;
  onboarding_batches: OnboardingBatchesTable;
  onboarding_items: OnboardingItemsTable;
  agent_tokens: AgentTokensTable;
  notifications: NotificationsTable;
}
