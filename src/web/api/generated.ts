/**
 * GENERATED from the server's OpenAPI document (app.swagger()) by scripts/web-api-types.ts.
 * Do not edit: change the server's route schemas and run `npm run gen:api`.
 */

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    hint: string;
    correlationId: string;
    details?: {
      [k: string]: unknown;
    };
  };
}

export interface Device {
  id: string;
  siteId: string;
  siteName: string;
  serial: string;
  name: string;
  type: string;
  /**
   * The installer may set the type (PUT /api/devices/:id/type): the device did not report a recognised type, or an installer chose it
   */
  typeEditable: boolean;
  model: string;
  firmwareVersion: string;
  firmwareCompatible: boolean | null;
  /**
   * The compatibility catalogue's verdict for this model and firmware, re-checked when the firmware changes (health polls, the device cloud) and when the catalogue changes; null until a version is known. Incompatible features answer FIRMWARE_INCOMPATIBLE.
   */
  firmwareVerdict: {
    /**
     * The compatibility catalogue version the verdict comes from
     */
    catalogueVersion: string;
    /**
     * Every feature is available with this firmware
     */
    compatible: boolean;
    features: {
      feature: 'health_monitoring' | 'linkage_rules' | 'remote_configuration';
      compatible: boolean;
      minimum: string;
    }[];
    reason: string | null;
    /**
     * The firmware version that makes every feature available
     */
    upgradeTo: string | null;
  } | null;
  /**
   * Sitekeeper holds no admin password for the device (added by label and verification code): options that need it answer DEVICE_ADMIN_PASSWORD_NEEDED until one is given (PUT /api/devices/:id/admin-password)
   */
  adminPasswordNeeded: boolean;
  addedVia: string;
  /**
   * How the company proved the device is theirs (decision 0005): 'code' and 'activation' bind its serial exclusively; a 'credentials' or 'none' claim yields to another company that proves it with the device's verification code
   */
  claimProof: 'code' | 'activation' | 'credentials' | 'none';
  host: string | null;
  port: number | null;
  healthMonitoring: boolean;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
  hint: string;
}

export interface HealthReason {
  /**
   * Stable reason code, e.g. hdd_abnormal, video_loss, zone_fault, mains_lost, offline
   */
  code: string;
  severity: 'info' | 'warning' | 'fault';
  message: string;
  subject?: {
    kind: 'disk' | 'channel' | 'zone';
    id: number;
  };
}

export interface Installer {
  id: string;
  email: string;
  name: string;
  permission: 'manage_all' | 'manage_assigned';
  disabled: boolean;
  createdAt: string;
}

export interface InvitationSummary {
  id: string;
  email: string;
  permission: 'manage_all' | 'manage_assigned';
  expiresAt: string;
}

export interface ScanCandidate {
  id: string;
  name: string;
  serial: string | null;
  model: string | null;
  type: string | null;
  host: string | null;
  port: number | null;
  reachableVia: ('cloud' | 'lan' | 'direct') | null;
  online: boolean;
  activated: boolean | null;
  cloudEnabled: boolean | null;
  cloudRegistered: boolean;
  alreadyAdded: ('this_site' | 'other_site' | 'elsewhere') | null;
  nextAction: 'add' | 'activate' | 'enable_cloud' | 'enter_verification_code' | 'enter_password' | 'connect_to_network' | 'none';
  firmware: {
    version: string | null;
    compatible: boolean | null;
    minimum: string | null;
  };
  error: ErrorInfo | null;
  guidance: string[];
}

export interface ScanResult {
  scanId: string;
  classified: {
    [k: string]: unknown;
  };
  candidates: ScanCandidate[];
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: 'installer_admin' | 'installer' | 'end_user';
  permission: ('manage_all' | 'manage_assigned') | null;
  /**
   * Null for end users: they belong to no installer company
   */
  companyId: string | null;
  companyName: string | null;
}

export interface Site {
  id: string;
  name: string;
  address: string;
  timeZone: string;
  createdAt: string;
  updatedAt: string;
}

export interface SiteAgent {
  /**
   * The agent id (ag-…), as its broker user name and topics carry it
   */
  id: string;
  name: string;
  /**
   * enrolling: its one-time token is waiting to be used; expired: it was not used in time (revoke it and add another); enrolled: it holds its own key
   */
  state: 'enrolling' | 'expired' | 'enrolled';
  /**
   * Connected and accepted right now
   */
  online: boolean;
  version: string | null;
  lastSeenAt: string | null;
  enrolledAt: string | null;
  /**
   * Until enrolled: when the one-time token stops working
   */
  enrolExpiresAt: string | null;
  createdAt: string;
}

export interface SiteAuthorization {
  permissions: ('configuration' | 'live_view' | 'playback')[];
  /**
   * Null: permanent
   */
  expiresAt: string | null;
  grantedAt: string;
}

export interface SiteInvitation {
  id: string;
  email: string;
  expiresAt: string;
  /**
   * The link no longer works; resend it for a new one.
   */
  expired: boolean;
  createdAt: string;
}

export interface GetApiAuditQuery {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export interface GetApiAuditResponse {
  items: {
    id: number;
    at: string;
    actorId: string | null;
    actorEmail: string | null;
    /**
     * The actor's name now; null for the system or a removed account.
     */
    actorName: string | null;
    action: string;
    targetType: string;
    targetId: string | null;
    /**
     * The target for people: resolved for the whole page in one lookup.
     */
    target: {
      /**
       * The target type; users are `installer` or `user`.
       */
      kind: string;
      /**
       * Its name now, or as it was when the row was written if it is gone.
       */
      label: string | null;
      exists: boolean;
      /**
       * Its page in the portal while it exists.
       */
      link: string | null;
    };
    outcome: 'success' | 'failure';
    details: {
      [k: string]: unknown;
    };
    correlationId: string | null;
  }[];
  total: number;
  page: number;
  pageSize: number;
}

export interface GetApiAuthMeResponse {
  user: SessionUser;
  csrfToken: string;
}

export interface GetApiAuthTokensResponse {
  items: {
    id: string;
    name: string;
    createdAt: string;
    lastUsedAt: string | null;
  }[];
}

export interface GetApiBatchesIdEventsQuery {
  follow?: boolean;
}

/**
 * text/event-stream
 */
export type GetApiBatchesIdEventsResponse = string;

export interface GetApiBatchesIdResponse {
  batchId: string;
  siteId: string;
  scanId: string;
  settled: boolean;
  done: boolean;
  counts: {
    [k: string]: number;
  };
  items: {
    id: string;
    candidateId: string;
    name: string | null;
    serial: string | null;
    state: string;
    step: string;
    deviceId: string | null;
    error: ErrorInfo | null;
    pendingUntil: string | null;
    guidance: string[];
    /**
     * The newest later add of this device from the same scan (a retry) and its outcome.
     */
    latestRetry: {
      batchId: string;
      itemId: string;
      state: string;
      step: string;
      deviceId: string | null;
      error: ErrorInfo | null;
    } | null;
  }[];
}

export interface GetApiDevicesIdConfigChannelsResponse {
  channels: {
    /**
     * The device's own channel id
     */
    id: number;
    name: string;
    /**
     * Where the name lives on the device: its own video input (a camera's sensor, a DVR's analog input) or a recorder's IP channel
     */
    source: 'video_input' | 'ip_channel';
  }[];
}

export interface GetApiDevicesIdConfigDeviceNameResponse {
  /**
   * The name the device itself holds (1–32 characters)
   */
  deviceName: string;
}

export interface GetApiDevicesIdConfigNetworkResponse {
  /**
   * dhcp: the DHCP server gives address, mask and gateway; static: the ones given here
   */
  addressing: 'dhcp' | 'static';
  /**
   * IPv4 address (with DHCP: the one it has now); empty: none
   */
  ipAddress: string;
  subnetMask: string;
  /**
   * Empty: none
   */
  defaultGateway: string;
  /**
   * Empty: none
   */
  primaryDns: string;
  /**
   * Empty: none
   */
  secondaryDns: string;
}

export interface GetApiDevicesIdConfigPortsResponse {
  httpPort: number;
  /**
   * Null: the device has no RTSP service (an alarm panel)
   */
  rtspPort: number | null;
}

export interface GetApiDevicesIdConfigRecordingResponse {
  /**
   * False for a device without a disk or memory card: there is nothing to overwrite
   */
  applicable: boolean;
  /**
   * Recording overwrites the oldest footage when the disks are full; null when not applicable
   */
  overwrite: boolean | null;
  /**
   * Disks (or memory cards) the device reports
   */
  disks: number;
}

export interface GetApiDevicesIdConfigTimeResponse {
  timeMode: 'NTP' | 'manual';
  timeZone: string;
  /**
   * The device's clock when read
   */
  localTime: string;
  ntp: {
    /**
     * NTP server: host name or IP address
     */
    host: string;
    port: number;
    intervalMinutes: number;
  };
}

export interface GetApiDevicesIdConfigUsersResponse {
  items: {
    id: number;
    userName: string;
    /**
     * As the device names it: Administrator, Operator or Viewer
     */
    userLevel: string;
    /**
     * The device's admin user: not deleted, renamed or given another level; its password is changed on the device and then given with PUT /api/devices/:id/admin-password
     */
    admin: boolean;
  }[];
}

export interface GetApiDevicesIdFirmwareResponse {
  firmwareVersion: string;
  catalogueVersion: string;
  compatible: boolean;
  features: {
    feature: 'health_monitoring' | 'linkage_rules' | 'remote_configuration';
    compatible: boolean;
    minimum: string;
  }[];
  reason: string | null;
  upgradeTo: string | null;
}

export interface GetApiDevicesIdHealthResponse {
  deviceId: string;
  state: 'healthy' | 'warning' | 'fault' | 'offline' | 'unknown';
  reasons: HealthReason[];
  snapshot: {
    family: string;
    storage: {
      disks: {
        id: number;
        name: string;
        status: string;
        smart: string | null;
        capacityMb: number;
        freeMb: number;
      }[];
      overwrite: boolean | null;
    } | null;
    channels:
      | {
          id: number;
          name: string;
          online: boolean;
          videoLoss: boolean;
          recording: boolean;
        }[]
      | null;
    alarm: {
      zones: {
        id: number;
        name: string;
        open: boolean;
        fault: boolean;
        tamper: boolean;
        bypassed: boolean;
      }[];
      mainsConnected: boolean | null;
      batteryLow: boolean | null;
      batteryPercent: number | null;
      tamper: boolean | null;
    } | null;
    unavailable: {
      part: string;
      code: string;
    }[];
  } | null;
  collectedAt: string | null;
  lastSeenAt: string | null;
  monitoringSince: string | null;
  updatedAt: string | null;
  history: {
    at: string;
    state: 'healthy' | 'warning' | 'fault' | 'offline' | 'unknown';
    reasons: HealthReason[];
  }[];
}

export interface GetApiDevicesIdPanelAccountsResponse {
  adminPasswordNeeded: boolean;
  identityProven: boolean;
  items: {
    userId: string;
    name: string | null;
    email: string | null;
    panelUserName: string;
    panelUserId: number | null;
    /**
     * AX Pro level: installer (installer company) or administrator (the end user owner).
     */
    level: string;
    /**
     * present: on the panel. password_needed: made at the user's next sign-in. admin_password_needed: the panel's admin password is unknown or refused. identity_unproven: the panel's identity is not proven, so no login password is sent to it. conflict: the panel refused (see error). creating/deleting: a change in progress.
     */
    state: 'creating' | 'present' | 'password_needed' | 'admin_password_needed' | 'identity_unproven' | 'conflict' | 'deleting';
    /**
     * The login password changed and the panel does not have the new one yet.
     */
    passwordPending: boolean;
    error: {
      code: string;
      message: string;
    } | null;
    updatedAt: string;
  }[];
}

export type GetApiDevicesIdResponse = Device;

export interface GetApiDevicesQuery {
  search?: string;
  status?: string;
  page?: number;
  pageSize?: number;
}

export interface GetApiDevicesResponse {
  items: Device[];
  total: number;
  /**
   * Present (true) when total is an estimate: a search that matches more than 1,000 devices
   */
  totalEstimated?: boolean;
  page: number;
  pageSize: number;
}

export interface GetApiEmailDeliveriesQuery {
  page?: number;
  pageSize?: number;
}

export interface GetApiEmailDeliveriesResponse {
  items: {
    id: string;
    /**
     * exception, storm, storm_recovered, site_invitation, test
     */
    kind: string;
    recipient: string;
    subject: string;
    /**
     * pending, sending, retrying, sent, failed, cancelled
     */
    state: string;
    attempts: number;
    lastError: string | null;
    nextAttemptAt: string | null;
    sentAt: string | null;
    createdAt: string;
  }[];
  total: number;
  page: number;
  pageSize: number;
}

export interface GetApiEmailStatusResponse {
  /**
   * SMTP is configured: exceptions and site invitations are also e-mailed
   */
  configured: boolean;
  /**
   * The From of the e-mails; null when e-mail is not configured
   */
  from: string | null;
}

export interface GetApiEndUserAppResponse {
  url: string;
  qrSvg: string;
  /**
   * The Sitekeeper version the app needs
   */
  minimumVersion: string;
}

export interface GetApiExceptionRulesResponse {
  items: {
    id: string;
    /**
     * Null: the company default
     */
    siteId: string | null;
    name: string;
    types: string[];
    recipients: {
      /**
       * Installers who manage the site
       */
      siteInstallers: boolean;
      installerAdmins: boolean;
    };
    schedule: {
      /**
       * 0 = Sunday … 6 = Saturday
       *
       * @minItems 1
       * @maxItems 7
       */
      days:
        | [number]
        | [number, number]
        | [number, number, number]
        | [number, number, number, number]
        | [number, number, number, number, number]
        | [number, number, number, number, number, number]
        | [number, number, number, number, number, number, number];
      from: string;
      to: string;
      /**
       * IANA time zone; default: the site's
       */
      timeZone?: string;
    } | null;
    enabled: boolean;
    createdAt: string;
    updatedAt: string;
  }[];
}

export interface GetApiExceptionsQuery {
  siteId?: string;
  page?: number;
  pageSize?: number;
}

export interface GetApiExceptionsResponse {
  items: {
    id: string;
    siteId: string;
    siteName: string;
    deviceId: string;
    deviceName: string;
    type: string;
    /**
     * 'disk:1', 'channel:3', 'zone:2', or '' for the device
     */
    subject: string;
    severity: string;
    message: string;
    raisedAt: string;
    /**
     * delivered, held (storm window), grouped (in a site alert), damped (back within the window), no_recipients
     */
    delivery: string;
  }[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * text/event-stream
 */
export type GetApiFirmwareCampaignsIdEventsResponse = string;

export interface GetApiFirmwareCampaignsIdResponse {
  id: string;
  package: {
    id: string;
    /**
     * SHA-256 of the whole package (hex): packages are stored once per company by it
     */
    sha256: string;
    fileName: string;
    /**
     * Models the package installs on (from its header)
     */
    models: string[];
    version: string;
    build: string;
    size: number;
    createdAt: string;
  };
  createdAt: string;
  createdBy: string | null;
  done: boolean;
  counts: {
    [k: string]: number;
  };
  devices: {
    deviceId: string;
    name: string;
    serial: string;
    siteId: string;
    /**
     * queued, uploading, installing, rebooting, verifying, succeeded or failed
     */
    state: string;
    percent: number;
    /**
     * The device's upgrade stage (upload, software, reboot, verify, done) or why it stopped
     */
    stage: string;
    /**
     * Runs this device took (a run resumed after a restart counts)
     */
    attempts: number;
    fromVersion: string | null;
    /**
     * The version Sitekeeper last knew the device to run
     */
    firmwareVersion: string;
    reason: {
      code: string;
      /**
       * The device's own reason when it refused or failed the upgrade
       */
      message: string;
    } | null;
    startedAt: string | null;
    finishedAt: string | null;
  }[];
}

export interface GetApiFirmwareCampaignsResponse {
  items: {
    id: string;
    packageId: string;
    createdAt: string;
    createdBy: string | null;
  }[];
}

export interface GetApiFirmwarePackagesResponse {
  items: {
    id: string;
    /**
     * SHA-256 of the whole package (hex): packages are stored once per company by it
     */
    sha256: string;
    fileName: string;
    /**
     * Models the package installs on (from its header)
     */
    models: string[];
    version: string;
    build: string;
    size: number;
    createdAt: string;
  }[];
}

export interface GetApiHealthResponse {
  counts: {
    healthy: number;
    warning: number;
    fault: number;
    offline: number;
    unknown: number;
    /**
     * Devices with health monitoring off
     */
    off: number;
  };
  /**
   * Sites with faults first (offline, fault, warning, unknown, healthy), then by name
   */
  sites: {
    siteId: string;
    name: string;
    state: 'healthy' | 'warning' | 'fault' | 'offline' | 'unknown';
    counts: {
      healthy: number;
      warning: number;
      fault: number;
      offline: number;
      unknown: number;
      /**
       * Devices with health monitoring off
       */
      off: number;
    };
    devices: number;
  }[];
}

export interface GetApiInstallersInvitationsResponse {
  items: {
    id: string;
    email: string;
    name: string;
    permission: 'manage_all' | 'manage_assigned';
    expiresAt: string;
    /**
     * The link no longer works; send it again for a new one.
     */
    expired: boolean;
    createdAt: string;
    /**
     * Null when that account was removed.
     */
    invitedBy: {
      id: string;
      name: string;
      email: string;
    } | null;
  }[];
}

export interface GetApiInstallersResponse {
  items: Installer[];
}

export interface GetApiInvitationsTokenResponse {
  email: string;
  name: string;
  companyName: string;
  expiresAt: string;
}

export interface GetApiMeSitesResponse {
  items: {
    id: string;
    name: string;
    address: string;
    /**
     * The installer company that built the site
     */
    companyName: string;
    authorization: SiteAuthorization | null;
    health: {
      state: 'healthy' | 'warning' | 'fault' | 'offline' | 'unknown';
      counts: {
        [k: string]: number;
      };
    };
    devices: {
      id: string;
      name: string;
      type: string;
      /**
       * Null: health monitoring is off
       */
      state: ('healthy' | 'warning' | 'fault' | 'offline' | 'unknown') | null;
      reasons: string[];
    }[];
  }[];
}

export interface GetApiNotificationsCountsResponse {
  total: number;
  unread: number;
}

export interface GetApiNotificationsEventsQuery {
  maxSeconds?: number;
}

/**
 * text/event-stream
 */
export type GetApiNotificationsEventsResponse = string;

export interface GetApiNotificationsPreferencesResponse {
  /**
   * Exceptions, storm alerts and recoveries e-mailed to you (when the server has SMTP set up); in-app notifications go regardless
   */
  emailAlerts: boolean;
}

export interface GetApiNotificationsQuery {
  unreadOnly?: boolean;
  page?: number;
  pageSize?: number;
}

export interface GetApiNotificationsResponse {
  items: {
    id: string;
    /**
     * Stable kind, e.g. device.online_added, onboarding.expired, onboarding.failed, onboarding.needs_action
     */
    kind: string;
    severity: 'info' | 'success' | 'warning' | 'error';
    title: string;
    body: string;
    /**
     * Path in the web app that the notification is about
     */
    link: string | null;
    data: {
      [k: string]: unknown;
    };
    createdAt: string;
    readAt: string | null;
  }[];
  total: number;
  unread: number;
  page: number;
  pageSize: number;
}

export interface GetApiPasswordResetsTokenResponse {
  email: string;
  expiresAt: string;
}

export type GetApiScansIdResponse = ScanResult & {
  siteId: string;
};

export interface GetApiSetupStatusResponse {
  needsSetup: boolean;
}

export interface GetApiSiteInvitationsTokenResponse {
  siteName: string;
  companyName: string;
  email: string;
  expiresAt: string;
  expired: boolean;
  status: 'pending' | 'accepted' | 'cancelled' | 'expired';
  /**
   * An account with the invitation's e-mail exists: sign in to accept
   */
  hasAccount: boolean;
}

export interface GetApiSitesIdAccessResponse {
  siteId: string;
  state: 'not_handed_over' | 'invitation_sent' | 'handed_over' | 'authorized';
  owner: {
    id: string;
    name: string;
    email: string;
  } | null;
  company: {
    id: string;
    name: string;
  };
  authorization: SiteAuthorization | null;
  /**
   * The company's people who manage the site (when it is theirs to manage)
   */
  installers: {
    id: string;
    name: string;
    email: string;
    role: 'installer_admin' | 'installer';
  }[];
}

export interface GetApiSitesIdAgentsResponse {
  items: SiteAgent[];
}

export interface GetApiSitesIdDevicesQuery {
  search?: string;
  status?: string;
  page?: number;
  pageSize?: number;
}

export interface GetApiSitesIdDevicesResponse {
  items: Device[];
  total: number;
  /**
   * Present (true) when total is an estimate: a search that matches more than 1,000 devices
   */
  totalEstimated?: boolean;
  page: number;
  pageSize: number;
}

export interface GetApiSitesIdHealthResponse {
  siteId: string;
  state: 'healthy' | 'warning' | 'fault' | 'offline' | 'unknown';
  counts: {
    healthy: number;
    warning: number;
    fault: number;
    offline: number;
    unknown: number;
    /**
     * Devices with health monitoring off
     */
    off: number;
  };
  devices: {
    deviceId: string;
    name: string;
    serial: string;
    type: string;
    addedVia: string;
    healthMonitoring: boolean;
    /**
     * Null while health monitoring is off (no health is shown)
     */
    state: ('healthy' | 'warning' | 'fault' | 'offline' | 'unknown') | null;
    reasons: HealthReason[];
    updatedAt: string | null;
  }[];
}

export interface GetApiSitesIdInstallersResponse {
  items: Installer[];
}

export interface GetApiSitesIdInvitationsResponse {
  items: SiteInvitation[];
}

export interface GetApiSitesIdLinkageRulesResponse {
  items: {
    id: string;
    siteId: string;
    name: string;
    template: string | null;
    eventType: string;
    sourceDeviceId: string;
    sourceChannel: number | null;
    sourceZone: number | null;
    conditions: {
      /**
       * Fires only within this schedule; null: always
       */
      schedule?: {
        /**
         * 0 = Sunday … 6 = Saturday
         *
         * @minItems 1
         * @maxItems 7
         */
        days:
          | [number]
          | [number, number]
          | [number, number, number]
          | [number, number, number, number]
          | [number, number, number, number, number]
          | [number, number, number, number, number, number]
          | [number, number, number, number, number, number, number];
        from: string;
        to: string;
        /**
         * IANA time zone; default: the site's
         */
        timeZone?: string;
      } | null;
    };
    actions: (
      | {
          kind: 'notify';
          recipients: {
            /**
             * Installers who manage the site
             */
            siteInstallers: boolean;
            installerAdmins: boolean;
          };
        }
      | {
          kind: 'webhook';
          /**
           * The company's webhook endpoints (GET /api/webhooks)
           *
           * @minItems 1
           * @maxItems 10
           */
          endpointIds:
            | [string]
            | [string, string]
            | [string, string, string]
            | [string, string, string, string]
            | [string, string, string, string, string]
            | [string, string, string, string, string, string]
            | [string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string]
            | [string, string, string, string, string, string, string, string, string, string];
        }
      | {
          kind: 'device';
          /**
           * Another camera or recorder of the same site
           */
          deviceId: string;
          operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
          /**
           * start_recording / stop_recording: the channel
           */
          channel?: number;
          /**
           * trigger_output / clear_output: the alarm output
           */
          output?: number;
        }
    )[];
    enabled: boolean;
    createdBy: string | null;
    createdAt: string;
    updatedAt: string;
    validity: {
      /**
       * Derived on each read: an invalid rule is kept and never fires
       */
      valid: boolean;
      reasons: {
        code: 'device_missing' | 'device_on_other_site' | 'health_monitoring_off' | 'firmware_incompatible';
        role: 'source' | 'target';
        deviceId: string;
        message: string;
        upgradeTo?: string;
      }[];
    };
  }[];
}

export interface GetApiSitesIdLinkageRulesRuleIdFiringsQuery {
  page?: number;
  pageSize?: number;
}

export interface GetApiSitesIdLinkageRulesRuleIdFiringsResponse {
  items: {
    id: string;
    ruleId: string;
    eventId: string;
    eventType: string;
    /**
     * 'zone:1', 'channel:3', or '' for the device
     */
    subject: string;
    actions: {
      kind: string;
      operation?: string;
      deviceId?: string;
      channel?: number;
      output?: number;
      /**
       * pending, ok, failed, skipped
       */
      status: string;
      detail: string | null;
    }[];
    /**
     * pending (device actions not yet run) or done
     */
    state: string;
    firedAt: string;
    completedAt: string | null;
  }[];
  total: number;
  page: number;
  pageSize: number;
}

export interface GetApiSitesIdLinkageRulesRuleIdResponse {
  id: string;
  siteId: string;
  name: string;
  template: string | null;
  eventType: string;
  sourceDeviceId: string;
  sourceChannel: number | null;
  sourceZone: number | null;
  conditions: {
    /**
     * Fires only within this schedule; null: always
     */
    schedule?: {
      /**
       * 0 = Sunday … 6 = Saturday
       *
       * @minItems 1
       * @maxItems 7
       */
      days:
        | [number]
        | [number, number]
        | [number, number, number]
        | [number, number, number, number]
        | [number, number, number, number, number]
        | [number, number, number, number, number, number]
        | [number, number, number, number, number, number, number];
      from: string;
      to: string;
      /**
       * IANA time zone; default: the site's
       */
      timeZone?: string;
    } | null;
  };
  actions: (
    | {
        kind: 'notify';
        recipients: {
          /**
           * Installers who manage the site
           */
          siteInstallers: boolean;
          installerAdmins: boolean;
        };
      }
    | {
        kind: 'webhook';
        /**
         * The company's webhook endpoints (GET /api/webhooks)
         *
         * @minItems 1
         * @maxItems 10
         */
        endpointIds:
          | [string]
          | [string, string]
          | [string, string, string]
          | [string, string, string, string]
          | [string, string, string, string, string]
          | [string, string, string, string, string, string]
          | [string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string, string, string];
      }
    | {
        kind: 'device';
        /**
         * Another camera or recorder of the same site
         */
        deviceId: string;
        operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
        /**
         * start_recording / stop_recording: the channel
         */
        channel?: number;
        /**
         * trigger_output / clear_output: the alarm output
         */
        output?: number;
      }
  )[];
  enabled: boolean;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  validity: {
    /**
     * Derived on each read: an invalid rule is kept and never fires
     */
    valid: boolean;
    reasons: {
      code: 'device_missing' | 'device_on_other_site' | 'health_monitoring_off' | 'firmware_incompatible';
      role: 'source' | 'target';
      deviceId: string;
      message: string;
      upgradeTo?: string;
    }[];
  };
}

export interface GetApiSitesIdLinkageRulesTemplatesResponse {
  items: {
    id: string;
    name: string;
    description: string;
    eventType: string;
    sourceTypes: string[];
    actions: {
      kind: string;
      operation?: string;
    }[];
  }[];
}

export type GetApiSitesIdResponse = Site;

export interface GetApiSitesQuery {
  search?: string;
  page?: number;
  pageSize?: number;
}

export interface GetApiSitesResponse {
  items: (Site & {
    /**
     * Devices on the site
     */
    deviceCount: number;
  })[];
  total: number;
  page: number;
  pageSize: number;
}

export interface GetApiWebhooksIdDeliveriesQuery {
  page?: number;
  pageSize?: number;
}

export interface GetApiWebhooksIdDeliveriesResponse {
  items: {
    id: string;
    eventKey: string;
    eventType: string;
    payload: {
      [k: string]: unknown;
    };
    /**
     * pending, sending, retrying, delivered, failed
     */
    status: string;
    attempts: number;
    lastStatusCode: number | null;
    lastError: string | null;
    nextAttemptAt: string | null;
    deliveredAt: string | null;
    createdAt: string;
  }[];
  total: number;
  page: number;
  pageSize: number;
}

export interface GetApiWebhooksResponse {
  items: {
    id: string;
    name: string;
    url: string;
    types: string[];
    enabled: boolean;
    createdAt: string;
  }[];
}

export interface PatchApiInstallersIdBody {
  permission?: 'manage_all' | 'manage_assigned';
  disabled?: boolean;
}

export type PatchApiInstallersIdResponse = Installer;

export interface PatchApiSitesIdBody {
  name?: string;
  address?: string;
  /**
   * An IANA time zone name, e.g. Europe/Paris (SITE_TIME_ZONE_INVALID otherwise)
   */
  timeZone?: string;
}

export type PatchApiSitesIdResponse = Site;

export interface PostApiAuthLoginBody {
  email: string;
  password: string;
}

export interface PostApiAuthLoginResponse {
  user: SessionUser;
  csrfToken: string;
  /**
   * Failed sign-ins on this account since its last successful one: if it was not you, change your password.
   */
  failedAttemptsSinceLastLogin: number;
}

export interface PostApiAuthPasswordBody {
  currentPassword: string;
  newPassword: string;
  /**
   * Revoke all your API tokens too (default: true); scripts then need a new token.
   */
  revokeApiTokens?: boolean;
}

export interface PostApiAuthTokensBody {
  name: string;
}

export interface PostApiAuthTokensResponse {
  id: string;
  token: string;
}

export interface PostApiDevicesClaimsDisputeBody {
  /**
   * Full serial, or the 9-character short serial of the label
   */
  serial: string;
  verificationCode: string;
}

export interface PostApiDevicesClaimsDisputeResponse {
  /**
   * The full serial the device is registered under
   */
  serial: string;
  outcome: 'released' | 'not_claimed' | 'yours' | 'claim_proven';
}

export interface PostApiDevicesIdCloudBindingResetResponse {
  serial: string;
  /**
   * False when the device cloud held no key for this serial
   */
  wasBound: boolean;
}

export interface PostApiDevicesIdConfigUsersBody {
  /**
   * The user name on the device: 1–32 printable characters, no spaces or < > & " ' \
   */
  userName: string;
  /**
   * The user's password on the device: 8–16 printable characters of at least two kinds, not containing the user name
   */
  password: string;
  /**
   * Operator or Viewer: the device keeps one Administrator, its admin user
   */
  userLevel: 'Operator' | 'Viewer';
}

export interface PostApiDevicesIdConfigUsersResponse {
  id: number;
  userName: string;
  /**
   * As the device names it: Administrator, Operator or Viewer
   */
  userLevel: string;
  /**
   * The device's admin user: not deleted, renamed or given another level; its password is changed on the device and then given with PUT /api/devices/:id/admin-password
   */
  admin: boolean;
}

export interface PostApiDevicesIdIsapiBody {
  method: string;
  path: string;
  body?: string;
}

export interface PostApiDevicesIdIsapiResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface PostApiDevicesIdQrBody {
  password?: string;
  unencrypted?: boolean;
}

export interface PostApiDevicesIdQrResponse {
  encrypted: boolean;
  parts: {
    text: string;
    /**
     * The code as an SVG image
     */
    svg: string;
  }[];
}

export interface PostApiEmailTestResponse {
  id: string;
  /**
   * exception, storm, storm_recovered, site_invitation, test
   */
  kind: string;
  recipient: string;
  subject: string;
  /**
   * pending, sending, retrying, sent, failed, cancelled
   */
  state: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface PostApiExceptionRulesBody {
  /**
   * Null: the company default
   */
  siteId: string | null;
  name: string;
  /**
   * @minItems 1
   */
  types: [
    (
      | 'offline'
      | 'back_online'
      | 'hdd_error'
      | 'hdd_full'
      | 'hdd_unformatted'
      | 'hdd_smart_warning'
      | 'video_loss'
      | 'recording_stopped'
      | 'tamper'
      | 'zone_fault'
      | 'low_battery'
      | 'mains_lost'
      | 'firmware_upgrade_failed'
    ),
    ...(
      | 'offline'
      | 'back_online'
      | 'hdd_error'
      | 'hdd_full'
      | 'hdd_unformatted'
      | 'hdd_smart_warning'
      | 'video_loss'
      | 'recording_stopped'
      | 'tamper'
      | 'zone_fault'
      | 'low_battery'
      | 'mains_lost'
      | 'firmware_upgrade_failed'
    )[],
  ];
  recipients: {
    /**
     * Installers who manage the site
     */
    siteInstallers: boolean;
    installerAdmins: boolean;
  };
  /**
   * Null: always
   */
  schedule: {
    /**
     * 0 = Sunday … 6 = Saturday
     *
     * @minItems 1
     * @maxItems 7
     */
    days:
      | [number]
      | [number, number]
      | [number, number, number]
      | [number, number, number, number]
      | [number, number, number, number, number]
      | [number, number, number, number, number, number]
      | [number, number, number, number, number, number, number];
    from: string;
    to: string;
    /**
     * IANA time zone; default: the site's
     */
    timeZone?: string;
  } | null;
  enabled?: boolean;
}

export interface PostApiExceptionRulesResponse {
  id: string;
  /**
   * Null: the company default
   */
  siteId: string | null;
  name: string;
  types: string[];
  recipients: {
    /**
     * Installers who manage the site
     */
    siteInstallers: boolean;
    installerAdmins: boolean;
  };
  schedule: {
    /**
     * 0 = Sunday … 6 = Saturday
     *
     * @minItems 1
     * @maxItems 7
     */
    days:
      | [number]
      | [number, number]
      | [number, number, number]
      | [number, number, number, number]
      | [number, number, number, number, number]
      | [number, number, number, number, number, number]
      | [number, number, number, number, number, number, number];
    from: string;
    to: string;
    /**
     * IANA time zone; default: the site's
     */
    timeZone?: string;
  } | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PostApiFirmwareCampaignsBody {
  packageId: string;
  /**
   * @minItems 1
   * @maxItems 500
   */
  deviceIds: [string, ...string[]];
}

export interface PostApiFirmwareCampaignsResponse {
  id: string;
  package: {
    id: string;
    /**
     * SHA-256 of the whole package (hex): packages are stored once per company by it
     */
    sha256: string;
    fileName: string;
    /**
     * Models the package installs on (from its header)
     */
    models: string[];
    version: string;
    build: string;
    size: number;
    createdAt: string;
  };
  createdAt: string;
  createdBy: string | null;
  done: boolean;
  counts: {
    [k: string]: number;
  };
  devices: {
    deviceId: string;
    name: string;
    serial: string;
    siteId: string;
    /**
     * queued, uploading, installing, rebooting, verifying, succeeded or failed
     */
    state: string;
    percent: number;
    /**
     * The device's upgrade stage (upload, software, reboot, verify, done) or why it stopped
     */
    stage: string;
    /**
     * Runs this device took (a run resumed after a restart counts)
     */
    attempts: number;
    fromVersion: string | null;
    /**
     * The version Sitekeeper last knew the device to run
     */
    firmwareVersion: string;
    reason: {
      code: string;
      /**
       * The device's own reason when it refused or failed the upgrade
       */
      message: string;
    } | null;
    startedAt: string | null;
    finishedAt: string | null;
  }[];
}

export type PostApiFirmwarePackagesResponse = {
  id: string;
  /**
   * SHA-256 of the whole package (hex): packages are stored once per company by it
   */
  sha256: string;
  fileName: string;
  /**
   * Models the package installs on (from its header)
   */
  models: string[];
  version: string;
  build: string;
  size: number;
  createdAt: string;
} & {
  created: boolean;
};

export interface PostApiInstallersIdPasswordResetResponse {
  resetUrl: string;
  expiresAt: string;
}

export interface PostApiInstallersInvitationsBody {
  email: string;
  name: string;
  permission: 'manage_all' | 'manage_assigned';
}

export interface PostApiInstallersInvitationsIdResendResponse {
  invitation: InvitationSummary;
  inviteUrl: string;
}

export interface PostApiInstallersInvitationsResponse {
  invitation: InvitationSummary;
  inviteUrl: string;
}

export interface PostApiInvitationsTokenAcceptBody {
  name: string;
  password: string;
}

export interface PostApiInvitationsTokenAcceptResponse {
  user: SessionUser;
  csrfToken: string;
}

export interface PostApiNotificationsReadAllResponse {
  updated: number;
}

export interface PostApiPasswordResetsTokenBody {
  password: string;
}

export interface PostApiScansIdAddBody {
  /**
   * @minItems 1
   * @maxItems 1000
   */
  candidateIds: [string, ...string[]];
  idempotencyKey: string;
  verificationCode?: string;
  adminPassword?: string;
  devicePassword?: string;
}

export interface PostApiScansIdAddResponse {
  batchId: string;
  created: boolean;
}

export interface PostApiSetupBody {
  token: string;
  companyName: string;
  name: string;
  email: string;
  password: string;
}

export interface PostApiSetupResponse {
  user: SessionUser;
  csrfToken: string;
}

export interface PostApiSiteInvitationsTokenAcceptBody {
  name?: string;
  password?: string;
}

export interface PostApiSiteInvitationsTokenAcceptResponse {
  siteId: string;
  user: SessionUser;
  /**
   * Set when a new account was created and signed in
   */
  csrfToken: string | null;
}

export interface PostApiSitesBody {
  name: string;
  address?: string;
  /**
   * An IANA time zone name, e.g. Europe/Paris (SITE_TIME_ZONE_INVALID otherwise)
   */
  timeZone?: string;
}

export interface PostApiSitesIdAgentsBody {
  name?: string;
}

export interface PostApiSitesIdAgentsResponse {
  agent: SiteAgent;
  agentId: string;
  /**
   * The one-time enrolment token: shown this once, only its hash is kept
   */
  token: string;
  /**
   * The command line to run on a machine of the site network
   */
  command: string;
  expiresAt: string;
}

export interface PostApiSitesIdInvitationsBody {
  email: string;
}

export interface PostApiSitesIdInvitationsInvitationIdResendResponse {
  invitation: SiteInvitation;
  /**
   * The link to send to the customer (opens the end-user app)
   */
  inviteUrl: string;
  /**
   * The link as a QR code (SVG)
   */
  qrSvg: string;
  /**
   * queued: the link is e-mailed to the customer; not_configured: e-mail (SMTP) is not configured on this server — send the link yourself; not_sent: the address cannot receive e-mail
   */
  email: 'queued' | 'not_configured' | 'not_sent';
}

export interface PostApiSitesIdInvitationsResponse {
  invitation: SiteInvitation;
  /**
   * The link to send to the customer (opens the end-user app)
   */
  inviteUrl: string;
  /**
   * The link as a QR code (SVG)
   */
  qrSvg: string;
  /**
   * queued: the link is e-mailed to the customer; not_configured: e-mail (SMTP) is not configured on this server — send the link yourself; not_sent: the address cannot receive e-mail
   */
  email: 'queued' | 'not_configured' | 'not_sent';
}

export interface PostApiSitesIdLinkageRulesBody {
  name: string;
  /**
   * The template it is made from (GET …/templates); null: custom
   */
  template?: string | null;
  eventType:
    | 'offline'
    | 'back_online'
    | 'hdd_error'
    | 'hdd_full'
    | 'video_loss'
    | 'recording_stopped'
    | 'tamper'
    | 'zone_alarm'
    | 'zone_fault'
    | 'low_battery'
    | 'mains_lost';
  sourceDeviceId: string;
  /**
   * Only this channel of the source (null: any)
   */
  sourceChannel?: number | null;
  /**
   * Only this zone of an AX Pro source (null: any)
   */
  sourceZone?: number | null;
  conditions?: {
    /**
     * Fires only within this schedule; null: always
     */
    schedule?: {
      /**
       * 0 = Sunday … 6 = Saturday
       *
       * @minItems 1
       * @maxItems 7
       */
      days:
        | [number]
        | [number, number]
        | [number, number, number]
        | [number, number, number, number]
        | [number, number, number, number, number]
        | [number, number, number, number, number, number]
        | [number, number, number, number, number, number, number];
      from: string;
      to: string;
      /**
       * IANA time zone; default: the site's
       */
      timeZone?: string;
    } | null;
  };
  /**
   * @minItems 1
   * @maxItems 10
   */
  actions:
    | [
        | {
            kind: 'notify';
            recipients: {
              /**
               * Installers who manage the site
               */
              siteInstallers: boolean;
              installerAdmins: boolean;
            };
          }
        | {
            kind: 'webhook';
            /**
             * The company's webhook endpoints (GET /api/webhooks)
             *
             * @minItems 1
             * @maxItems 10
             */
            endpointIds:
              | [string]
              | [string, string]
              | [string, string, string]
              | [string, string, string, string]
              | [string, string, string, string, string]
              | [string, string, string, string, string, string]
              | [string, string, string, string, string, string, string]
              | [string, string, string, string, string, string, string, string]
              | [string, string, string, string, string, string, string, string, string]
              | [string, string, string, string, string, string, string, string, string, string];
          }
        | {
            kind: 'device';
            /**
             * Another camera or recorder of the same site
             */
            deviceId: string;
            operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
            /**
             * start_recording / stop_recording: the channel
             */
            channel?: number;
            /**
             * trigger_output / clear_output: the alarm output
             */
            output?: number;
          },
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ];
  enabled?: boolean;
}

export interface PostApiSitesIdLinkageRulesResponse {
  id: string;
  siteId: string;
  name: string;
  template: string | null;
  eventType: string;
  sourceDeviceId: string;
  sourceChannel: number | null;
  sourceZone: number | null;
  conditions: {
    /**
     * Fires only within this schedule; null: always
     */
    schedule?: {
      /**
       * 0 = Sunday … 6 = Saturday
       *
       * @minItems 1
       * @maxItems 7
       */
      days:
        | [number]
        | [number, number]
        | [number, number, number]
        | [number, number, number, number]
        | [number, number, number, number, number]
        | [number, number, number, number, number, number]
        | [number, number, number, number, number, number, number];
      from: string;
      to: string;
      /**
       * IANA time zone; default: the site's
       */
      timeZone?: string;
    } | null;
  };
  actions: (
    | {
        kind: 'notify';
        recipients: {
          /**
           * Installers who manage the site
           */
          siteInstallers: boolean;
          installerAdmins: boolean;
        };
      }
    | {
        kind: 'webhook';
        /**
         * The company's webhook endpoints (GET /api/webhooks)
         *
         * @minItems 1
         * @maxItems 10
         */
        endpointIds:
          | [string]
          | [string, string]
          | [string, string, string]
          | [string, string, string, string]
          | [string, string, string, string, string]
          | [string, string, string, string, string, string]
          | [string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string, string, string];
      }
    | {
        kind: 'device';
        /**
         * Another camera or recorder of the same site
         */
        deviceId: string;
        operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
        /**
         * start_recording / stop_recording: the channel
         */
        channel?: number;
        /**
         * trigger_output / clear_output: the alarm output
         */
        output?: number;
      }
  )[];
  enabled: boolean;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  validity: {
    /**
     * Derived on each read: an invalid rule is kept and never fires
     */
    valid: boolean;
    reasons: {
      code: 'device_missing' | 'device_on_other_site' | 'health_monitoring_off' | 'firmware_incompatible';
      role: 'source' | 'target';
      deviceId: string;
      message: string;
      upgradeTo?: string;
    }[];
  };
}

export interface PostApiSitesIdScansAddressBody {
  /**
   * IP address or domain name
   */
  host: string;
  port: number;
  user: string;
  password: string;
  name?: string;
}

export type PostApiSitesIdScansAddressResponse = ScanResult;

export interface PostApiSitesIdScansBody {
  text: string;
  qrPassword?: string;
}

export type PostApiSitesIdScansResponse = ScanResult;

export type PostApiSitesResponse = Site;

export interface PostApiWebhooksBody {
  name: string;
  /**
   * Where events are POSTed; refused for loopback, link-local and private addresses unless the operator allows them
   */
  url: string;
  /**
   * Exception types sent (empty: all)
   */
  types: string[];
  enabled: boolean;
}

export interface PostApiWebhooksIdTestResponse {
  id: string;
  eventKey: string;
  eventType: string;
  payload: {
    [k: string]: unknown;
  };
  /**
   * pending, sending, retrying, delivered, failed
   */
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface PostApiWebhooksResponse {
  endpoint: {
    id: string;
    name: string;
    url: string;
    types: string[];
    enabled: boolean;
    createdAt: string;
  };
  secret: string;
}

export interface PutApiDevicesIdAdminPasswordBody {
  /**
   * The device's admin user (default admin)
   */
  user?: string;
  password: string;
}

export interface PutApiDevicesIdAdminPasswordResponse {
  deviceId: string;
  adminPasswordNeeded: false;
}

export interface PutApiDevicesIdConfigChannelsChannelIdBody {
  /**
   * The name the device holds for the channel (1–32 characters, none of < > & ", no space at either end)
   */
  name: string;
  /**
   * Where the name lives on the device: its own video input (a camera's sensor, a DVR's analog input) or a recorder's IP channel
   */
  source?: 'video_input' | 'ip_channel';
}

export interface PutApiDevicesIdConfigChannelsChannelIdResponse {
  /**
   * The device's own channel id
   */
  id: number;
  name: string;
  /**
   * Where the name lives on the device: its own video input (a camera's sensor, a DVR's analog input) or a recorder's IP channel
   */
  source: 'video_input' | 'ip_channel';
}

export interface PutApiDevicesIdConfigDeviceNameBody {
  /**
   * The name the device itself holds (1–32 characters)
   */
  deviceName: string;
}

export interface PutApiDevicesIdConfigDeviceNameResponse {
  /**
   * The name the device itself holds (1–32 characters)
   */
  deviceName: string;
}

export interface PutApiDevicesIdConfigNetworkBody {
  /**
   * dhcp: the DHCP server gives address, mask and gateway; static: the ones given here
   */
  addressing: 'dhcp' | 'static';
  /**
   * IPv4 address: needed for static, ignored with DHCP
   */
  ipAddress?: string;
  /**
   * Contiguous netmask (/1–/30): needed for static, ignored with DHCP
   */
  subnetMask?: string;
  /**
   * In the same subnet as the address; absent: as it is, empty: none; ignored with DHCP
   */
  defaultGateway?: string;
  /**
   * Absent: as it is, empty: none
   */
  primaryDns?: string;
  /**
   * Absent: as it is, empty: none
   */
  secondaryDns?: string;
}

export interface PutApiDevicesIdConfigNetworkResponse {
  /**
   * dhcp: the DHCP server gives address, mask and gateway; static: the ones given here
   */
  addressing: 'dhcp' | 'static';
  /**
   * IPv4 address (with DHCP: the one it has now); empty: none
   */
  ipAddress: string;
  subnetMask: string;
  /**
   * Empty: none
   */
  defaultGateway: string;
  /**
   * Empty: none
   */
  primaryDns: string;
  /**
   * Empty: none
   */
  secondaryDns: string;
  /**
   * The device applies the change when it restarts (Sitekeeper does not restart it)
   */
  rebootRequired: boolean;
  /**
   * Sitekeeper reaches this device by its address (directly or through a site agent) and that address or HTTP port changes at the restart: give it the new one with "Edit device information" then
   */
  reachAddressChanges: boolean;
}

export interface PutApiDevicesIdConfigPortsBody {
  httpPort: number;
  rtspPort?: number;
}

export interface PutApiDevicesIdConfigPortsResponse {
  httpPort: number;
  /**
   * Null: the device has no RTSP service (an alarm panel)
   */
  rtspPort: number | null;
  /**
   * The device applies the change when it restarts (Sitekeeper does not restart it)
   */
  rebootRequired: boolean;
  /**
   * Sitekeeper reaches this device by its address (directly or through a site agent) and that address or HTTP port changes at the restart: give it the new one with "Edit device information" then
   */
  reachAddressChanges: boolean;
}

export interface PutApiDevicesIdConfigRecordingBody {
  overwrite: boolean;
}

export interface PutApiDevicesIdConfigRecordingResponse {
  /**
   * False for a device without a disk or memory card: there is nothing to overwrite
   */
  applicable: boolean;
  /**
   * Recording overwrites the oldest footage when the disks are full; null when not applicable
   */
  overwrite: boolean | null;
  /**
   * Disks (or memory cards) the device reports
   */
  disks: number;
}

export interface PutApiDevicesIdConfigTimeBody {
  timeMode: 'NTP' | 'manual';
  /**
   * POSIX-style zone as devices use, e.g. CST-1:00:00
   */
  timeZone: string;
  ntp: {
    /**
     * NTP server: host name or IP address
     */
    host: string;
    port: number;
    intervalMinutes: number;
  };
}

export interface PutApiDevicesIdConfigTimeResponse {
  timeMode: 'NTP' | 'manual';
  timeZone: string;
  /**
   * The device's clock when read
   */
  localTime: string;
  ntp: {
    /**
     * NTP server: host name or IP address
     */
    host: string;
    port: number;
    intervalMinutes: number;
  };
}

export interface PutApiDevicesIdConfigUsersUserIdBody {
  /**
   * The user's password on the device: 8–16 printable characters of at least two kinds, not containing the user name
   */
  password?: string;
  /**
   * Operator or Viewer: the device keeps one Administrator, its admin user
   */
  userLevel?: 'Operator' | 'Viewer';
}

export interface PutApiDevicesIdConfigUsersUserIdResponse {
  id: number;
  userName: string;
  /**
   * As the device names it: Administrator, Operator or Viewer
   */
  userLevel: string;
  /**
   * The device's admin user: not deleted, renamed or given another level; its password is changed on the device and then given with PUT /api/devices/:id/admin-password
   */
  admin: boolean;
}

export interface PutApiDevicesIdConnectionBody {
  name?: string;
  /**
   * IP address or domain name
   */
  host: string;
  port: number;
  user: string;
  password?: string;
}

export type PutApiDevicesIdConnectionResponse = Device;

export interface PutApiDevicesIdHealthMonitoringBody {
  enabled: boolean;
}

export interface PutApiDevicesIdHealthMonitoringResponse {
  deviceId: string;
  healthMonitoring: boolean;
}

export interface PutApiDevicesIdTypeBody {
  type: 'camera' | 'nvr' | 'dvr' | 'axpro' | 'access_control' | 'doorbell' | 'other';
}

export type PutApiDevicesIdTypeResponse = Device;

export interface PutApiExceptionRulesIdBody {
  name: string;
  /**
   * @minItems 1
   */
  types: [
    (
      | 'offline'
      | 'back_online'
      | 'hdd_error'
      | 'hdd_full'
      | 'hdd_unformatted'
      | 'hdd_smart_warning'
      | 'video_loss'
      | 'recording_stopped'
      | 'tamper'
      | 'zone_fault'
      | 'low_battery'
      | 'mains_lost'
      | 'firmware_upgrade_failed'
    ),
    ...(
      | 'offline'
      | 'back_online'
      | 'hdd_error'
      | 'hdd_full'
      | 'hdd_unformatted'
      | 'hdd_smart_warning'
      | 'video_loss'
      | 'recording_stopped'
      | 'tamper'
      | 'zone_fault'
      | 'low_battery'
      | 'mains_lost'
      | 'firmware_upgrade_failed'
    )[],
  ];
  recipients: {
    /**
     * Installers who manage the site
     */
    siteInstallers: boolean;
    installerAdmins: boolean;
  };
  /**
   * Null: always
   */
  schedule: {
    /**
     * 0 = Sunday … 6 = Saturday
     *
     * @minItems 1
     * @maxItems 7
     */
    days:
      | [number]
      | [number, number]
      | [number, number, number]
      | [number, number, number, number]
      | [number, number, number, number, number]
      | [number, number, number, number, number, number]
      | [number, number, number, number, number, number, number];
    from: string;
    to: string;
    /**
     * IANA time zone; default: the site's
     */
    timeZone?: string;
  } | null;
  enabled?: boolean;
}

export interface PutApiExceptionRulesIdResponse {
  id: string;
  /**
   * Null: the company default
   */
  siteId: string | null;
  name: string;
  types: string[];
  recipients: {
    /**
     * Installers who manage the site
     */
    siteInstallers: boolean;
    installerAdmins: boolean;
  };
  schedule: {
    /**
     * 0 = Sunday … 6 = Saturday
     *
     * @minItems 1
     * @maxItems 7
     */
    days:
      | [number]
      | [number, number]
      | [number, number, number]
      | [number, number, number, number]
      | [number, number, number, number, number]
      | [number, number, number, number, number, number]
      | [number, number, number, number, number, number, number];
    from: string;
    to: string;
    /**
     * IANA time zone; default: the site's
     */
    timeZone?: string;
  } | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PutApiNotificationsPreferencesBody {
  /**
   * Exceptions, storm alerts and recoveries e-mailed to you (when the server has SMTP set up); in-app notifications go regardless
   */
  emailAlerts: boolean;
}

export interface PutApiNotificationsPreferencesResponse {
  /**
   * Exceptions, storm alerts and recoveries e-mailed to you (when the server has SMTP set up); in-app notifications go regardless
   */
  emailAlerts: boolean;
}

export interface PutApiSitesIdAuthorizationBody {
  /**
   * @minItems 1
   * @maxItems 3
   */
  permissions:
    | ['configuration' | 'live_view' | 'playback']
    | ['configuration' | 'live_view' | 'playback', 'configuration' | 'live_view' | 'playback']
    | ['configuration' | 'live_view' | 'playback', 'configuration' | 'live_view' | 'playback', 'configuration' | 'live_view' | 'playback'];
  /**
   * Null: permanent
   */
  expiresAt: string | null;
}

export type PutApiSitesIdAuthorizationResponse = SiteAuthorization;

export interface PutApiSitesIdInstallersBody {
  /**
   * @maxItems 1000
   */
  installerIds: string[];
}

export interface PutApiSitesIdInstallersResponse {
  items: Installer[];
}

export interface PutApiSitesIdLinkageRulesRuleIdBody {
  name: string;
  /**
   * The template it is made from (GET …/templates); null: custom
   */
  template?: string | null;
  eventType:
    | 'offline'
    | 'back_online'
    | 'hdd_error'
    | 'hdd_full'
    | 'video_loss'
    | 'recording_stopped'
    | 'tamper'
    | 'zone_alarm'
    | 'zone_fault'
    | 'low_battery'
    | 'mains_lost';
  sourceDeviceId: string;
  /**
   * Only this channel of the source (null: any)
   */
  sourceChannel?: number | null;
  /**
   * Only this zone of an AX Pro source (null: any)
   */
  sourceZone?: number | null;
  conditions?: {
    /**
     * Fires only within this schedule; null: always
     */
    schedule?: {
      /**
       * 0 = Sunday … 6 = Saturday
       *
       * @minItems 1
       * @maxItems 7
       */
      days:
        | [number]
        | [number, number]
        | [number, number, number]
        | [number, number, number, number]
        | [number, number, number, number, number]
        | [number, number, number, number, number, number]
        | [number, number, number, number, number, number, number];
      from: string;
      to: string;
      /**
       * IANA time zone; default: the site's
       */
      timeZone?: string;
    } | null;
  };
  /**
   * @minItems 1
   * @maxItems 10
   */
  actions:
    | [
        | {
            kind: 'notify';
            recipients: {
              /**
               * Installers who manage the site
               */
              siteInstallers: boolean;
              installerAdmins: boolean;
            };
          }
        | {
            kind: 'webhook';
            /**
             * The company's webhook endpoints (GET /api/webhooks)
             *
             * @minItems 1
             * @maxItems 10
             */
            endpointIds:
              | [string]
              | [string, string]
              | [string, string, string]
              | [string, string, string, string]
              | [string, string, string, string, string]
              | [string, string, string, string, string, string]
              | [string, string, string, string, string, string, string]
              | [string, string, string, string, string, string, string, string]
              | [string, string, string, string, string, string, string, string, string]
              | [string, string, string, string, string, string, string, string, string, string];
          }
        | {
            kind: 'device';
            /**
             * Another camera or recorder of the same site
             */
            deviceId: string;
            operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
            /**
             * start_recording / stop_recording: the channel
             */
            channel?: number;
            /**
             * trigger_output / clear_output: the alarm output
             */
            output?: number;
          },
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ]
    | [
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
        (
          | {
              kind: 'notify';
              recipients: {
                /**
                 * Installers who manage the site
                 */
                siteInstallers: boolean;
                installerAdmins: boolean;
              };
            }
          | {
              kind: 'webhook';
              /**
               * The company's webhook endpoints (GET /api/webhooks)
               *
               * @minItems 1
               * @maxItems 10
               */
              endpointIds:
                | [string]
                | [string, string]
                | [string, string, string]
                | [string, string, string, string]
                | [string, string, string, string, string]
                | [string, string, string, string, string, string]
                | [string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string]
                | [string, string, string, string, string, string, string, string, string, string];
            }
          | {
              kind: 'device';
              /**
               * Another camera or recorder of the same site
               */
              deviceId: string;
              operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
              /**
               * start_recording / stop_recording: the channel
               */
              channel?: number;
              /**
               * trigger_output / clear_output: the alarm output
               */
              output?: number;
            }
        ),
      ];
  enabled?: boolean;
}

export interface PutApiSitesIdLinkageRulesRuleIdResponse {
  id: string;
  siteId: string;
  name: string;
  template: string | null;
  eventType: string;
  sourceDeviceId: string;
  sourceChannel: number | null;
  sourceZone: number | null;
  conditions: {
    /**
     * Fires only within this schedule; null: always
     */
    schedule?: {
      /**
       * 0 = Sunday … 6 = Saturday
       *
       * @minItems 1
       * @maxItems 7
       */
      days:
        | [number]
        | [number, number]
        | [number, number, number]
        | [number, number, number, number]
        | [number, number, number, number, number]
        | [number, number, number, number, number, number]
        | [number, number, number, number, number, number, number];
      from: string;
      to: string;
      /**
       * IANA time zone; default: the site's
       */
      timeZone?: string;
    } | null;
  };
  actions: (
    | {
        kind: 'notify';
        recipients: {
          /**
           * Installers who manage the site
           */
          siteInstallers: boolean;
          installerAdmins: boolean;
        };
      }
    | {
        kind: 'webhook';
        /**
         * The company's webhook endpoints (GET /api/webhooks)
         *
         * @minItems 1
         * @maxItems 10
         */
        endpointIds:
          | [string]
          | [string, string]
          | [string, string, string]
          | [string, string, string, string]
          | [string, string, string, string, string]
          | [string, string, string, string, string, string]
          | [string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string, string]
          | [string, string, string, string, string, string, string, string, string, string];
      }
    | {
        kind: 'device';
        /**
         * Another camera or recorder of the same site
         */
        deviceId: string;
        operation: 'start_recording' | 'stop_recording' | 'trigger_output' | 'clear_output';
        /**
         * start_recording / stop_recording: the channel
         */
        channel?: number;
        /**
         * trigger_output / clear_output: the alarm output
         */
        output?: number;
      }
  )[];
  enabled: boolean;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  validity: {
    /**
     * Derived on each read: an invalid rule is kept and never fires
     */
    valid: boolean;
    reasons: {
      code: 'device_missing' | 'device_on_other_site' | 'health_monitoring_off' | 'firmware_incompatible';
      role: 'source' | 'target';
      deviceId: string;
      message: string;
      upgradeTo?: string;
    }[];
  };
}

export interface PutApiWebhooksIdBody {
  name: string;
  /**
   * Where events are POSTed; refused for loopback, link-local and private addresses unless the operator allows them
   */
  url: string;
  /**
   * Exception types sent (empty: all)
   */
  types: string[];
  enabled: boolean;
}

export interface PutApiWebhooksIdResponse {
  id: string;
  name: string;
  url: string;
  types: string[];
  enabled: boolean;
  createdAt: string;
}
