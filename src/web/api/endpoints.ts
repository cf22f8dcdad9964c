/**
 * Every endpoint the web app calls, grouped by server feature. Screens import from here, never
 * build URLs themselves. Request and response types come from ./generated (the server's OpenAPI,
 * `npm run gen:api`), so a route schema change fails the typecheck here.
 */
import { api, setCsrfToken } from './client';
import type {
  GetApiFirmwareCampaignsIdResponse,
  GetApiFirmwarePackagesResponse,
  PostApiFirmwareCampaignsBody,
  PostApiFirmwareCampaignsResponse,
  PostApiFirmwarePackagesResponse,
  GetApiDevicesIdConfigDeviceNameResponse,
  GetApiDevicesIdConfigChannelsResponse,
  GetApiDevicesIdConfigRecordingResponse,
  PutApiDevicesIdConfigChannelsChannelIdBody,
  PutApiDevicesIdConfigChannelsChannelIdResponse,
  PutApiDevicesIdConfigRecordingBody,
  PutApiDevicesIdConfigRecordingResponse,
  GetApiDevicesIdConfigTimeResponse,
  GetApiDevicesIdConfigNetworkResponse,
  GetApiDevicesIdConfigPortsResponse,
  PutApiDevicesIdConfigNetworkBody,
  PutApiDevicesIdConfigNetworkResponse,
  PutApiDevicesIdConfigPortsBody,
  PutApiDevicesIdConfigPortsResponse,
  PutApiDevicesIdAdminPasswordBody,
  PutApiDevicesIdAdminPasswordResponse,
  PutApiDevicesIdConfigDeviceNameBody,
  PutApiDevicesIdConfigDeviceNameResponse,
  PutApiDevicesIdConfigTimeBody,
  PutApiDevicesIdConfigTimeResponse,
  GetApiDevicesIdConfigUsersResponse,
  PostApiDevicesIdConfigUsersBody,
  PostApiDevicesIdConfigUsersResponse,
  PutApiDevicesIdConfigUsersUserIdBody,
  PutApiDevicesIdConfigUsersUserIdResponse,
  AddRequest,
  AuditQuery,
  DeviceQuery,
  GetApiAuditResponse,
  GetApiAuthTokensResponse,
  GetApiDevicesIdResponse,
  GetApiDevicesIdPanelAccountsResponse,
  GetApiDevicesIdHealthResponse,
  GetApiSitesIdHealthResponse,
  GetApiHealthResponse,
  GetApiWebhooksResponse,
  GetApiExceptionRulesResponse,
  GetApiSitesIdLinkageRulesResponse,
  GetApiSitesIdLinkageRulesTemplatesResponse,
  GetApiSitesIdLinkageRulesRuleIdFiringsResponse,
  PostApiSitesIdLinkageRulesBody,
  GetApiNotificationsPreferencesResponse,
  PutApiNotificationsPreferencesBody,
  PutApiNotificationsPreferencesResponse,
  PutApiSitesIdLinkageRulesRuleIdBody,
  PutApiSitesIdLinkageRulesRuleIdResponse,
  PostApiSitesIdLinkageRulesResponse,
  PostApiExceptionRulesBody,
  PostApiExceptionRulesResponse,
  GetApiWebhooksIdDeliveriesResponse,
  PostApiWebhooksBody,
  PostApiWebhooksResponse,
  PostApiWebhooksIdTestResponse,
  GetApiEmailStatusResponse,
  GetApiEmailDeliveriesResponse,
  PostApiEmailTestResponse,
  PutApiDevicesIdHealthMonitoringResponse,
  GetApiDevicesResponse,
  GetApiInstallersInvitationsResponse,
  GetApiInstallersResponse,
  GetApiInvitationsTokenResponse,
  GetApiNotificationsCountsResponse,
  GetApiNotificationsQuery,
  GetApiNotificationsResponse,
  GetApiScansIdResponse,
  GetApiSetupStatusResponse,
  GetApiSitesIdAgentsResponse,
  GetApiSitesIdDevicesResponse,
  GetApiSitesIdInstallersResponse,
  GetApiSitesIdResponse,
  GetApiSitesResponse,
  PatchApiInstallersIdBody,
  PatchApiInstallersIdResponse,
  PatchApiSitesIdBody,
  PatchApiSitesIdResponse,
  PostApiAuthLoginResponse,
  PutApiDevicesIdTypeBody,
  GetApiDevicesIdFirmwareResponse,
  PutApiDevicesIdTypeResponse,
  PutApiDevicesIdConnectionBody,
  PutApiDevicesIdConnectionResponse,
  PostApiDevicesIdQrBody,
  PostApiDevicesIdQrResponse,
  PostApiDevicesIdCloudBindingResetResponse,
  PostApiAuthTokensResponse,
  PostApiInstallersInvitationsBody,
  PostApiInstallersInvitationsIdResendResponse,
  PostApiInstallersInvitationsResponse,
  PostApiInvitationsTokenAcceptBody,
  PostApiInvitationsTokenAcceptResponse,
  PostApiNotificationsReadAllResponse,
  PostApiScansIdAddResponse,
  PostApiSetupBody,
  PostApiSetupResponse,
  PostApiSitesIdAgentsResponse,
  PostApiSitesIdScansResponse,
  PostApiSitesIdScansAddressBody,
  PostApiSitesIdScansAddressResponse,
  PostApiSitesResponse,
  PutApiSitesIdInstallersResponse,
  Session,
  GetApiMeSitesResponse,
  GetApiPasswordResetsTokenResponse,
  PostApiInstallersIdPasswordResetResponse,
  GetApiEndUserAppResponse,
  GetApiSiteInvitationsTokenResponse,
  GetApiSitesIdAccessResponse,
  GetApiSitesIdInvitationsResponse,
  PostApiSiteInvitationsTokenAcceptBody,
  PostApiSiteInvitationsTokenAcceptResponse,
  PostApiSitesIdInvitationsResponse,
  PutApiSitesIdAuthorizationBody,
  PutApiSitesIdAuthorizationResponse,
  SiteInput,
  SiteQuery,
  BatchView,
} from './types';

export type { AuditQuery, DeviceQuery, SiteInput };

const enc = encodeURIComponent;

function remember<S extends Session>(session: S): S {
  setCsrfToken(session.csrfToken);
  return session;
}

export const setupApi = {
  status: () => api.get<GetApiSetupStatusResponse>('/api/setup/status'),
  create: async (body: PostApiSetupBody) => remember(await api.post<PostApiSetupResponse>('/api/setup', body)),
};

export const authApi = {
  me: async () => remember(await api.get<Session>('/api/auth/me')),
  login: async (email: string, password: string) => remember(await api.post<PostApiAuthLoginResponse>('/api/auth/login', { email, password })),
  logout: async () => {
    await api.post<void>('/api/auth/logout');
    setCsrfToken(null);
  },
  /** Ends your other sessions; revokes your API tokens too unless `revokeApiTokens` is false. */
  changePassword: (currentPassword: string, newPassword: string, revokeApiTokens = true) =>
    api.post<void>('/api/auth/password', { currentPassword, newPassword, revokeApiTokens }),
  /** Your own API tokens, newest first (never the secret). */
  tokens: (signal?: AbortSignal) => api.get<GetApiAuthTokensResponse>('/api/auth/tokens', { signal }),
  /** The answer carries the token itself: the only time it is ever shown. */
  createToken: (name: string) => api.post<PostApiAuthTokensResponse>('/api/auth/tokens', { name }),
  revokeToken: (id: string) => api.del<void>(`/api/auth/tokens/${enc(id)}`),
};

export const installersApi = {
  list: () => api.get<GetApiInstallersResponse>('/api/installers'),
  invite: (body: PostApiInstallersInvitationsBody) =>
    api.post<PostApiInstallersInvitationsResponse>('/api/installers/invitations', body),
  update: (id: string, body: PatchApiInstallersIdBody) => api.patch<PatchApiInstallersIdResponse>(`/api/installers/${enc(id)}`, body),
  remove: (id: string) => api.del<void>(`/api/installers/${enc(id)}`),
  /** Invitations not accepted yet (expired ones too). */
  invitations: () => api.get<GetApiInstallersInvitationsResponse>('/api/installers/invitations'),
  /** A new link with a new expiry; the old link stops working. */
  resendInvitation: (id: string) => api.post<PostApiInstallersInvitationsIdResendResponse>(`/api/installers/invitations/${enc(id)}/resend`),
  cancelInvitation: (id: string) => api.del<void>(`/api/installers/invitations/${enc(id)}`),
  resetPassword: (id: string) => api.post<PostApiInstallersIdPasswordResetResponse>(`/api/installers/${enc(id)}/password-reset`),
};

export const invitationsApi = {
  get: (token: string) => api.get<GetApiInvitationsTokenResponse>(`/api/invitations/${enc(token)}`),
  accept: async (token: string, body: PostApiInvitationsTokenAcceptBody) =>
    remember(await api.post<PostApiInvitationsTokenAcceptResponse>(`/api/invitations/${enc(token)}/accept`, body)),
};

export const exceptionRulesApi = {
  list: (signal?: AbortSignal) => api.get<GetApiExceptionRulesResponse>('/api/exception-rules', { signal }),
  create: (body: PostApiExceptionRulesBody) => api.post<PostApiExceptionRulesResponse>('/api/exception-rules', body),
  remove: (id: string) => api.del<void>(`/api/exception-rules/${enc(id)}`),
};

export const linkageRulesApi = {
  list: (siteId: string, signal?: AbortSignal) => api.get<GetApiSitesIdLinkageRulesResponse>(`/api/sites/${enc(siteId)}/linkage-rules`, { signal }),
  templates: (siteId: string, signal?: AbortSignal) => api.get<GetApiSitesIdLinkageRulesTemplatesResponse>(`/api/sites/${enc(siteId)}/linkage-rules/templates`, { signal }),
  create: (siteId: string, body: PostApiSitesIdLinkageRulesBody) => api.post<PostApiSitesIdLinkageRulesResponse>(`/api/sites/${enc(siteId)}/linkage-rules`, body),
  update: (siteId: string, id: string, body: PutApiSitesIdLinkageRulesRuleIdBody) => api.put<PutApiSitesIdLinkageRulesRuleIdResponse>(`/api/sites/${enc(siteId)}/linkage-rules/${enc(id)}`, body),
  remove: (siteId: string, id: string) => api.del<void>(`/api/sites/${enc(siteId)}/linkage-rules/${enc(id)}`),
  firings: (siteId: string, id: string, signal?: AbortSignal) => api.get<GetApiSitesIdLinkageRulesRuleIdFiringsResponse>(`/api/sites/${enc(siteId)}/linkage-rules/${enc(id)}/firings`, { signal }),
};

export const webhooksApi = {
  list: (signal?: AbortSignal) => api.get<GetApiWebhooksResponse>('/api/webhooks', { signal }),
  create: (body: PostApiWebhooksBody) => api.post<PostApiWebhooksResponse>('/api/webhooks', body),
  remove: (id: string) => api.del<void>(`/api/webhooks/${enc(id)}`),
  deliveries: (id: string, signal?: AbortSignal) => api.get<GetApiWebhooksIdDeliveriesResponse>(`/api/webhooks/${enc(id)}/deliveries`, { signal }),
  test: (id: string) => api.post<PostApiWebhooksIdTestResponse>(`/api/webhooks/${enc(id)}/test`, {}),
};

export const emailApi = {
  status: (signal?: AbortSignal) => api.get<GetApiEmailStatusResponse>('/api/email/status', { signal }),
  deliveries: (signal?: AbortSignal) => api.get<GetApiEmailDeliveriesResponse>('/api/email/deliveries', { signal }),
  test: () => api.post<PostApiEmailTestResponse>('/api/email/test', {}),
};

export const sitesApi = {
  list: (query: SiteQuery = {}, signal?: AbortSignal) =>
    api.get<GetApiSitesResponse>('/api/sites', { query, signal }),
  get: (id: string) => api.get<GetApiSitesIdResponse>(`/api/sites/${enc(id)}`),
  create: (body: SiteInput) => api.post<PostApiSitesResponse>('/api/sites', body),
  update: (id: string, body: PatchApiSitesIdBody) => api.patch<PatchApiSitesIdResponse>(`/api/sites/${enc(id)}`, body),
  remove: (id: string) => api.del<void>(`/api/sites/${enc(id)}`),
  installers: (id: string) => api.get<GetApiSitesIdInstallersResponse>(`/api/sites/${enc(id)}/installers`),
  setInstallers: (id: string, installerIds: string[]) => api.put<PutApiSitesIdInstallersResponse>(`/api/sites/${enc(id)}/installers`, { installerIds }),
  agents: (id: string) => api.get<GetApiSitesIdAgentsResponse>(`/api/sites/${enc(id)}/agents`),
  addAgent: (id: string, name?: string) => api.post<PostApiSitesIdAgentsResponse>(`/api/sites/${enc(id)}/agents`, name ? { name } : {}),
  revokeAgent: (id: string, agentId: string) => api.del<void>(`/api/sites/${enc(id)}/agents/${enc(agentId)}`),
};

export const auditApi = {
  list: (query: AuditQuery, signal?: AbortSignal) => api.get<GetApiAuditResponse>('/api/audit', { query, signal }),
};

export const notificationsApi = {
  list: (query: GetApiNotificationsQuery, signal?: AbortSignal) => api.get<GetApiNotificationsResponse>('/api/notifications', { query, signal }),
  counts: (signal?: AbortSignal) => api.get<GetApiNotificationsCountsResponse>('/api/notifications/counts', { signal }),
  markRead: (id: string) => api.post<void>(`/api/notifications/${enc(id)}/read`),
  readAll: () => api.post<PostApiNotificationsReadAllResponse>('/api/notifications/read-all'),
  preferences: (signal?: AbortSignal) => api.get<GetApiNotificationsPreferencesResponse>('/api/notifications/preferences', { signal }),
  setPreferences: (body: PutApiNotificationsPreferencesBody) => api.put<PutApiNotificationsPreferencesResponse>('/api/notifications/preferences', body),
};

export const devicesApi = {
  listForSite: (siteId: string, query: DeviceQuery, signal?: AbortSignal) =>
    api.get<GetApiSitesIdDevicesResponse>(`/api/sites/${enc(siteId)}/devices`, { query, signal }),
  listAll: (query: DeviceQuery, signal?: AbortSignal) => api.get<GetApiDevicesResponse>('/api/devices', { query, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdResponse>(`/api/devices/${enc(id)}`, { signal }),
  /** A device QR code that adds the device again: `{ password }` (encrypted) or `{ unencrypted: true }`. */
  qr: (id: string, body: PostApiDevicesIdQrBody) => api.post<PostApiDevicesIdQrResponse>(`/api/devices/${enc(id)}/qr`, body),
  /** Forget the device-cloud key of the device: it registers again and is bound again only with proof of its code. */
  resetCloudBinding: (id: string) => api.post<PostApiDevicesIdCloudBindingResetResponse>(`/api/devices/${enc(id)}/cloud-binding/reset`, {}),
  /** Release the company's claim on the device (installer admins): it leaves the company (decision 0005). */
  release: (id: string) => api.post<void>(`/api/devices/${enc(id)}/release`),
  /** The device's firmware against the compatibility catalogue: per feature, the reason and the version to upgrade to. */
  firmware: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdFirmwareResponse>(`/api/devices/${enc(id)}/firmware`, { signal }),
  /** Set the type of a device whose type was not recognised (`typeEditable`). */
  setType: (id: string, body: PutApiDevicesIdTypeBody) => api.put<PutApiDevicesIdTypeResponse>(`/api/devices/${enc(id)}/type`, body),
  /** New name, address, port, user, password: checked by connecting to the device before they are saved. */
  editConnection: (id: string, body: PutApiDevicesIdConnectionBody) => api.put<PutApiDevicesIdConnectionResponse>(`/api/devices/${enc(id)}/connection`, body),
  /** Delete the device from its site (its cloud registration is released). */
  remove: (id: string) => api.del<void>(`/api/devices/${enc(id)}`),
  /** "Admin password needed": checked against the device, then kept sealed. */
  setAdminPassword: (id: string, body: PutApiDevicesIdAdminPasswordBody) => api.put<PutApiDevicesIdAdminPasswordResponse>(`/api/devices/${enc(id)}/admin-password`, body),
  /** Remote configuration, read from the device and written back (read back after a write). */
  deviceName: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdConfigDeviceNameResponse>(`/api/devices/${enc(id)}/config/device-name`, { signal }),
  setDeviceName: (id: string, body: PutApiDevicesIdConfigDeviceNameBody) => api.put<PutApiDevicesIdConfigDeviceNameResponse>(`/api/devices/${enc(id)}/config/device-name`, body),
  time: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdConfigTimeResponse>(`/api/devices/${enc(id)}/config/time`, { signal }),
  setTime: (id: string, body: PutApiDevicesIdConfigTimeBody) => api.put<PutApiDevicesIdConfigTimeResponse>(`/api/devices/${enc(id)}/config/time`, body),
  /** The device's own users (not an AX Pro's: its panel accounts); passwords go to the device only, never come back. */
  deviceUsers: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdConfigUsersResponse>(`/api/devices/${enc(id)}/config/users`, { signal }),
  addDeviceUser: (id: string, body: PostApiDevicesIdConfigUsersBody) => api.post<PostApiDevicesIdConfigUsersResponse>(`/api/devices/${enc(id)}/config/users`, body),
  changeDeviceUser: (id: string, userId: number, body: PutApiDevicesIdConfigUsersUserIdBody) => api.put<PutApiDevicesIdConfigUsersUserIdResponse>(`/api/devices/${enc(id)}/config/users/${userId}`, body),
  deleteDeviceUser: (id: string, userId: number) => api.del<void>(`/api/devices/${enc(id)}/config/users/${userId}`),
  /** Video channel names (a camera's inputs, a recorder's IP channels) and recording overwrite. */
  channels: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdConfigChannelsResponse>(`/api/devices/${enc(id)}/config/channels`, { signal }),
  setChannelName: (id: string, channelId: number, body: PutApiDevicesIdConfigChannelsChannelIdBody) =>
    api.put<PutApiDevicesIdConfigChannelsChannelIdResponse>(`/api/devices/${enc(id)}/config/channels/${channelId}`, body),
  recording: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdConfigRecordingResponse>(`/api/devices/${enc(id)}/config/recording`, { signal }),
  setRecording: (id: string, body: PutApiDevicesIdConfigRecordingBody) => api.put<PutApiDevicesIdConfigRecordingResponse>(`/api/devices/${enc(id)}/config/recording`, body),
  /** Network and ports: devices apply a change when they restart (`rebootRequired`); `reachAddressChanges` when the address Sitekeeper reaches them on moves then. */
  network: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdConfigNetworkResponse>(`/api/devices/${enc(id)}/config/network`, { signal }),
  setNetwork: (id: string, body: PutApiDevicesIdConfigNetworkBody) => api.put<PutApiDevicesIdConfigNetworkResponse>(`/api/devices/${enc(id)}/config/network`, body),
  ports: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdConfigPortsResponse>(`/api/devices/${enc(id)}/config/ports`, { signal }),
  setPorts: (id: string, body: PutApiDevicesIdConfigPortsBody) => api.put<PutApiDevicesIdConfigPortsResponse>(`/api/devices/${enc(id)}/config/ports`, body),
  /** An AX Pro's user accounts that Sitekeeper keeps in step with the site (installers who manage it, and its owner). */
  panelAccounts: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdPanelAccountsResponse>(`/api/devices/${enc(id)}/panel-accounts`, { signal }),
};

export const healthApi = {
  /** State with reasons, the last snapshot and recent changes; 409 HEALTH_MONITORING_OFF while monitoring is off. */
  device: (id: string, signal?: AbortSignal) => api.get<GetApiDevicesIdHealthResponse>(`/api/devices/${enc(id)}/health`, { signal }),
  company: (signal?: AbortSignal) => api.get<GetApiHealthResponse>('/api/health', { signal }),
  site: (siteId: string, signal?: AbortSignal) => api.get<GetApiSitesIdHealthResponse>(`/api/sites/${enc(siteId)}/health`, { signal }),
  setMonitoring: (id: string, enabled: boolean) => api.put<PutApiDevicesIdHealthMonitoringResponse>(`/api/devices/${enc(id)}/health-monitoring`, { enabled }),
};

export const onboardingApi = {
  /** Add by IP/Domain: one device by its address, port, user and password, probed as a scan with one candidate. */
  scanAddress: (siteId: string, body: PostApiSitesIdScansAddressBody) => api.post<PostApiSitesIdScansAddressResponse>(`/api/sites/${enc(siteId)}/scans/address`, body),
  /**
   * A password-protected multi-device code answers 422 QR_PASSWORD_REQUIRED; send it again with
   * `qrPassword` (a wrong one answers QR_PASSWORD_WRONG).
   */
  scanText: (siteId: string, text: string, qrPassword?: string) =>
    api.post<PostApiSitesIdScansResponse>(`/api/sites/${enc(siteId)}/scans`, qrPassword === undefined ? { text } : { text, qrPassword }),
  /** A photo the browser could not decode; `qrPassword` unlocks a protected multi-device code in it. */
  scanImage: (siteId: string, image: Blob, qrPassword?: string) => {
    const form = new FormData();
    if (qrPassword !== undefined) form.append('qrPassword', qrPassword);
    form.append('image', image, 'label.jpg');
    return api.post<PostApiSitesIdScansResponse>(`/api/sites/${enc(siteId)}/scans`, form, { timeoutMs: 60_000 });
  },
  /** 202 with the batch; per-device problems come back per item, request-level ones as 4xx. */
  add: (scanId: string, body: AddRequest) => api.post<PostApiScansIdAddResponse>(`/api/scans/${enc(scanId)}/add`, body),
  batch: (batchId: string, signal?: AbortSignal) => api.get<BatchView>(`/api/batches/${enc(batchId)}`, { signal }),
  /** A scan again (its candidates), e.g. to retry one of its devices from a progress page. */
  scan: (scanId: string, signal?: AbortSignal) => api.get<GetApiScansIdResponse>(`/api/scans/${enc(scanId)}`, { signal }),
  /**
   * Server-sent events of a batch (`item`, `batch`, `settled`); the EventSource sends the session
   * cookie itself. With `follow` the stream stays open until every device is finished.
   */
  batchEventsUrl: (batchId: string, follow = false) => `/api/batches/${enc(batchId)}/events${follow ? '?follow=true' : ''}`,
};

/** Site custody (decision 0015): the installer invites the customer; the end-user app (/app) accepts and authorizes. */
export const custodyApi = {
  invite: (siteId: string, email: string) => api.post<PostApiSitesIdInvitationsResponse>(`/api/sites/${enc(siteId)}/invitations`, { email }),
  invitations: (siteId: string) => api.get<GetApiSitesIdInvitationsResponse>(`/api/sites/${enc(siteId)}/invitations`),
  describeInvitation: (token: string) => api.get<GetApiSiteInvitationsTokenResponse>(`/api/site-invitations/${enc(token)}`),
  accept: async (token: string, body: PostApiSiteInvitationsTokenAcceptBody) => {
    const r = await api.post<PostApiSiteInvitationsTokenAcceptResponse>(`/api/site-invitations/${enc(token)}/accept`, body);
    if (r.csrfToken) setCsrfToken(r.csrfToken);
    return r;
  },
  endUserApp: (signal?: AbortSignal) => api.get<GetApiEndUserAppResponse>('/api/end-user-app', { signal }),
  mySites: (signal?: AbortSignal) => api.get<GetApiMeSitesResponse>('/api/me/sites', { signal }),
  access: (siteId: string, signal?: AbortSignal) => api.get<GetApiSitesIdAccessResponse>(`/api/sites/${enc(siteId)}/access`, { signal }),
  authorize: (siteId: string, body: PutApiSitesIdAuthorizationBody) => api.put<PutApiSitesIdAuthorizationResponse>(`/api/sites/${enc(siteId)}/authorization`, body),
  revoke: (siteId: string) => api.del<void>(`/api/sites/${enc(siteId)}/authorization`),
};

/** One-time password reset links (an installer admin made one for you). */
export const passwordResetApi = {
  describe: (token: string) => api.get<GetApiPasswordResetsTokenResponse>(`/api/password-resets/${enc(token)}`),
  complete: (token: string, password: string) => api.post<void>(`/api/password-resets/${enc(token)}`, { password }),
};

/** Firmware packages (installer admins) and upgrade campaigns (decision 0018). */
export const firmwareApi = {
  packages: (signal?: AbortSignal) => api.get<GetApiFirmwarePackagesResponse>('/api/firmware/packages', { signal }),
  /** The package as multipart (file field `package`); stored once per company by its SHA-256. */
  upload: (file: File) => {
    const form = new FormData();
    form.append('package', file, file.name);
    return api.post<PostApiFirmwarePackagesResponse>('/api/firmware/packages', form, { timeoutMs: 10 * 60_000 });
  },
  /** Deletes the package's bytes (FIRMWARE_PACKAGE_IN_USE while a campaign sends it). */
  removePackage: (id: string) => api.del<void>(`/api/firmware/packages/${enc(id)}`),
  start: (body: PostApiFirmwareCampaignsBody) => api.post<PostApiFirmwareCampaignsResponse>('/api/firmware/campaigns', body),
  campaign: (id: string, signal?: AbortSignal) => api.get<GetApiFirmwareCampaignsIdResponse>(`/api/firmware/campaigns/${enc(id)}`, { signal }),
  /** Server-sent events of a campaign (`device`, `campaign`, `end`); the EventSource sends the session cookie. */
  eventsUrl: (id: string) => `/api/firmware/campaigns/${enc(id)}/events`,
};

