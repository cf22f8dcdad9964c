/**
 * Kysely table types. Keep in step with the migrations in ./migrations (one source of truth for
 * the shape of each table is the migration; these types mirror it).
 */
import type { ColumnType, Generated, GeneratedAlways, JSONColumnType } from 'kysely';
import type { CompatibilityVerdict as StoredFirmwareVerdictJson } from '../devices/firmware-catalogue';

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
  /** Null exactly for end users (they belong to no installer company; migration 0014). Invitations always carry one. */
  company_id: string | null;
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
  /** Alert e-mails (exceptions, storms) wanted; in-app notifications go regardless (migration 0021). */
  email_alerts: Generated<boolean>;
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

export interface InvitationsTable extends Omit<MemberColumns, 'company_id'> {
  company_id: string;
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
  handover_state: Generated<HandoverState>;
  /** The end user who owns the site once it is handed over. */
  owner_user_id: string | null;
}

export type HandoverState = 'not_handed_over' | 'invitation_sent' | 'handed_over';
export type SitePermission = 'configuration' | 'live_view' | 'playback';

/** An invitation handing a site over to its customer (migration 0014). */
export interface SiteInvitationsTable {
  id: Generated<string>;
  site_id: string;
  company_id: string;
  email: string;
  token_hash: string;
  created_by: string | null;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  accepted_by: string | null;
  created_at: CreatedAt;
}

/** The owner's grant to the installer company: live while revoked_at is null and expires_at is null or later than now. */
export interface SiteAuthorizationsTable {
  id: Generated<string>;
  site_id: string;
  company_id: string;
  granted_by: string | null;
  permissions: JSONColumnType<SitePermission[]>;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: CreatedAt;
}

/** A one-time password reset link an installer admin made for an installer (migration 0014). */
export interface PasswordResetsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_by: string | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
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
  /** The writing transaction's id (xid8, as text): consumers with their own cursor read in (tx_id, id) order. */
  tx_id: Generated<string>;
}

/** Each outbox consumer's position: the (tx_id, id) of the last event it handled. */
export interface OutboxCursorsTable {
  consumer: string;
  tx_id: Generated<string>;
  event_id: Generated<string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ExceptionRulesTable {
  id: Generated<string>;
  company_id: string;
  /** Null: the company default. */
  site_id: string | null;
  name: string;
  types: JSONColumnType<string[]>;
  recipients: JSONColumnType<{ siteInstallers: boolean; installerAdmins: boolean }>;
  schedule: JSONColumnType<{ days: number[]; from: string; to: string; timeZone?: string | undefined } | null>;
  enabled: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LinkageRulesTable {
  id: Generated<string>;
  company_id: string;
  site_id: string;
  name: string;
  /** The template it was made from (null: custom). */
  template: string | null;
  event_type: string;
  /** No foreign key: a rule whose device is deleted is kept (invalid). */
  source_device_id: string;
  source_channel: number | null;
  source_zone: number | null;
  conditions: JSONColumnType<Record<string, unknown>>;
  actions: JSONColumnType<Array<Record<string, unknown>>>;
  enabled: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LinkageFiringsTable {
  id: Generated<string>;
  rule_id: string;
  company_id: string;
  site_id: string;
  event_id: string;
  event_type: string;
  subject: Generated<string>;
  /** Each action with its result (`status`: pending, ok, failed, skipped; `detail`). */
  actions: JSONColumnType<Array<Record<string, unknown>>>;
  /** pending (device actions not yet run) | done */
  state: string;
  claimed_until: Timestamp | null;
  fired_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface DeviceExceptionsTable {
  id: Generated<string>;
  company_id: string;
  site_id: string;
  device_id: string;
  type: string;
  subject: Generated<string>;
  severity: string;
  message: string;
  source_event_id: string;
  raised_at: Timestamp;
  /** held (storm window) | delivered | grouped (in a storm's alert) | damped (flapping) | no_recipients */
  delivery: string;
  held_until: Timestamp | null;
}

export interface SiteStormsTable {
  id: Generated<string>;
  site_id: string;
  company_id: string;
  started_at: Timestamp;
  offline_count: number;
  device_count: number;
  ended_at: Timestamp | null;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  company_id: string;
  name: string;
  url: string;
  secret_sealed: string;
  types: JSONColumnType<string[]>;
  enabled: Generated<boolean>;
  created_at: CreatedAt;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  endpoint_id: string;
  event_key: string;
  event_type: string;
  payload: JSONColumnType<Record<string, unknown>>;
  status: Generated<string>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: CreatedAt;
}

/** One e-mail to send through SMTP and its delivery log entry (migration 0019, decision 0019). */
export interface EmailDeliveriesTable {
  id: string;
  company_id: string | null;
  user_id: string | null;
  kind: string;
  dedupe_key: string;
  ref_id: string | null;
  recipient: string;
  subject: string;
  body_sealed: string;
  state: Generated<string>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Timestamp | null;
  sent_at: Timestamp | null;
  created_at: CreatedAt;
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

export type AxproAccountState = 'creating' | 'present' | 'password_needed' | 'admin_password_needed' | 'identity_unproven' | 'conflict' | 'deleting';

/** A panel user Sitekeeper made (or is making) on an AX Pro for one of its users (migration 0015, decision 0016). */
export interface AxproAccountsTable {
  device_id: string;
  user_id: string;
  company_id: string;
  panel_user_id: number | null;
  panel_user_name: string;
  level: string;
  state: AxproAccountState;
  password_pending: Generated<boolean>;
  last_error_code: string | null;
  last_error_message: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
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
  /** Only a legacy key not sealed yet (migration 0007; sealed at the next start). */
  key_hex: string | null;
  /** The device key sealed with the server's SecretBox (associated data `cloud-key:<serial>`). */
  key_sealed: string | null;
  /** Derived from the code (before issue 12): replaced by an issued key at the device's next hello. */
  key_legacy: Generated<boolean>;
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

/** How a company proved its claim on a device's serial (decision 0005): 'code' and 'activation' bind it exclusively. */
export type ClaimProof = 'code' | 'activation' | 'credentials' | 'none';

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
  claim_proof: Generated<ClaimProof>;
  /** An installer picked the type (it was not recognised): it stays editable (migration 0013). */
  type_chosen: Generated<boolean>;
  /** The catalogue's verdict for the model and firmware (StoredFirmwareVerdict; migration 0016); null until checked. */
  firmware_verdict: ColumnType<StoredFirmwareVerdictJson | null, string | null | undefined, string | null>;
  /** The catalogue version the verdict was computed with: an older one is re-checked at start-up. */
  firmware_catalogue: ColumnType<string | null, string | null | undefined, string | null>;
  health_monitoring: Generated<boolean>;
  status: Generated<string>;
  added_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** lower(name) ␟ lower(serial) ␟ lower(model): what the device search matches (migration 0010). */
  search_text: GeneratedAlways<string>;
}

/** How many devices a site has in each status, kept by a trigger on devices (migration 0010): the lists' totals. */
export interface DeviceCountsTable {
  site_id: string;
  status: string;
  company_id: string;
  n: number;
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

/** Site agents enrolled per site (migration 0008; replaces agent_tokens). */
export interface SiteAgentsTable {
  /** The agent's id on the wire (`ag-` + 16 hex, from its enrolment token). */
  id: string;
  site_id: string;
  name: string;
  /** agentEnrolKey(token) as hex while the enrolment is open; null once used. */
  enrol_key_hash: string | null;
  enrol_expires_at: Date | null;
  /** The agent's long-term key, sealed with the SecretBox (associated data: the agent id). */
  key_sealed: string | null;
  enrolled_at: Date | null;
  version: string | null;
  last_seen_at: Date | null;
  created_by: string | null;
  created_at: CreatedAt;
  revoked_at: Date | null;
  revoked_by: string | null;
}

export interface DeviceHealthTable {
  device_id: string;
  state: string;
  reasons: JSONColumnType<unknown[]>;
  snapshot: JSONColumnType<Record<string, unknown>> | null;
  collected_at: Timestamp | null;
  last_seen_at: Timestamp | null;
  monitoring_since: Timestamp;
  updated_at: Timestamp;
}

export interface DeviceHealthHistoryTable {
  id: Generated<string>;
  device_id: string;
  at: Timestamp;
  state: string;
  reasons: JSONColumnType<unknown[]>;
}

export interface HealthPollerLeaseTable {
  name: string;
  holder: string;
  lease_until: Timestamp;
}

/** An uploaded firmware package, stored by content hash (migration 0018, decision 0018). */
export interface FirmwarePackagesTable {
  id: Generated<string>;
  company_id: string;
  sha256: string;
  file_name: string;
  models: JSONColumnType<string[]>;
  version: string;
  build: string;
  size: number;
  /** The package's bytes; null once it was deleted (migration 0022). */
  content: Buffer | null;
  uploaded_by: string | null;
  created_at: CreatedAt;
  deleted_at: Timestamp | null;
}

export interface FirmwareCampaignsTable {
  id: Generated<string>;
  company_id: string;
  package_id: string;
  created_by: string | null;
  created_at: CreatedAt;
}

/** One device's upgrade in a campaign: its durable state (migration 0018). */
export interface FirmwareCampaignDevicesTable {
  id: Generated<string>;
  campaign_id: string;
  device_id: string;
  site_id: string;
  position: number;
  state: Generated<string>;
  percent: Generated<number>;
  stage: Generated<string>;
  from_version: string | null;
  reason_code: string | null;
  reason_message: string | null;
  attempts: Generated<number>;
  lease_until: Date | null;
  lease_token: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DB {
  companies: CompaniesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  sites: SitesTable;
  site_installers: SiteInstallersTable;
  site_invitations: SiteInvitationsTable;
  site_authorizations: SiteAuthorizationsTable;
  password_resets: PasswordResetsTable;
  audit_log: AuditLogTable;
  domain_events: DomainEventsTable;
  outbox_cursors: OutboxCursorsTable;
  exception_rules: ExceptionRulesTable;
  device_exceptions: DeviceExceptionsTable;
  linkage_rules: LinkageRulesTable;
  linkage_firings: LinkageFiringsTable;
  site_storms: SiteStormsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  email_deliveries: EmailDeliveriesTable;
  pending_secrets: PendingSecretsTable;
  settings: SettingsTable;
  login_throttle: LoginThrottleTable;
  cloud_registrations: CloudRegistrationsTable;
  device_presence: DevicePresenceTable;
  devices: DevicesTable;
  device_counts: DeviceCountsTable;
  scans: ScansTable;
  scan_candidates: ScanCandidatesTable;
  onboarding_batches: OnboardingBatchesTable;
  onboarding_items: OnboardingItemsTable;
  site_agents: SiteAgentsTable;
  notifications: NotificationsTable;
  device_health: DeviceHealthTable;
  device_health_history: DeviceHealthHistoryTable;
  health_poller_lease: HealthPollerLeaseTable;
  axpro_accounts: AxproAccountsTable;
  firmware_packages: FirmwarePackagesTable;
  firmware_campaigns: FirmwareCampaignsTable;
  firmware_campaign_devices: FirmwareCampaignDevicesTable;
}
