/**
 * Every endpoint the web app calls, grouped by server feature. Screens import from here, never
 * build URLs themselves, so a move to an OpenAPI-generated client only touches src/web/api/.
 */
import { api, setCsrfToken } from './client';
import type {
  AddRequest,
  AuditEntry,
  BatchView,
  Device,
  Installer,
  Invitation,
  InvitationInfo,
  Page,
  Permission,
  ScanResult,
  Session,
  Site,
  User,
} from './types';

const enc = encodeURIComponent;

function remember(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}

export const setupApi = {
  status: () => api.get<{ needsSetup: boolean }>('/api/setup/status'),
  create: async (body: { token: string; companyName: string; name: string; email: string; password: string }) => {
    const res = await api.post<{ user: User; csrfToken?: string }>('/api/setup', body);
    if (res.csrfToken) setCsrfToken(res.csrfToken);
    return res;
  },
};

export const authApi = {
  me: async () => remember(await api.get<Session>('/api/auth/me')),
  login: async (email: string, password: string) => remember(await api.post<Session>('/api/auth/login', { email, password })),
  logout: async () => {
    await api.post<void>('/api/auth/logout');
    setCsrfToken(null);
  },
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<void>('/api/auth/password', { currentPassword, newPassword }),
};

export const installersApi = {
  list: () => api.get<{ items: Installer[] }>('/api/installers'),
  invite: (body: { email: string; name: string; permission: Permission }) =>
    api.post<{ invitation: Invitation; inviteUrl: string }>('/api/installers/invitations', body),
  update: (id: string, body: { permission?: Permission; disabled?: boolean }) => api.patch<Installer>(`/api/installers/${enc(id)}`, body),
  remove: (id: string) => api.del<void>(`/api/installers/${enc(id)}`),
};

export const invitationsApi = {
  get: (token: string) => api.get<InvitationInfo>(`/api/invitations/${enc(token)}`),
  accept: async (token: string, body: { name: string; password: string }) =>
    remember(await api.post<Session>(`/api/invitations/${enc(token)}/accept`, body)),
};

export interface SiteInput {
  name: string;
  address?: string;
  timeZone?: string;
}

export const sitesApi = {
  list: (query: { search?: string; page?: number; pageSize?: number } = {}, signal?: AbortSignal) =>
    api.get<Page<Site>>('/api/sites', { query, signal }),
  get: (id: string) => api.get<Site>(`/api/sites/${enc(id)}`),
  create: (body: SiteInput) => api.post<Site>('/api/sites', body),
  update: (id: string, body: Partial<SiteInput>) => api.patch<Site>(`/api/sites/${enc(id)}`, body),
  remove: (id: string) => api.del<void>(`/api/sites/${enc(id)}`),
  installers: (id: string) => api.get<{ items: Installer[] }>(`/api/sites/${enc(id)}/installers`),
  setInstallers: (id: string, installerIds: string[]) => api.put<unknown>(`/api/sites/${enc(id)}/installers`, { installerIds }),
};

export type AuditQuery = {
  actorId?: string;
  action?: string;
  targetType?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
};

export const auditApi = {
  list: (query: AuditQuery, signal?: AbortSignal) => api.get<Page<AuditEntry>>('/api/audit', { query, signal }),
};

export type DeviceQuery = {
  page?: number;
  pageSize?: number;
  search?: string;
  status?: string;
};

export const devicesApi = {
  listForSite: (siteId: string, query: DeviceQuery, signal?: AbortSignal) =>
    api.get<Page<Device>>(`/api/sites/${enc(siteId)}/devices`, { query, signal }),
  listAll: (query: DeviceQuery, signal?: AbortSignal) => api.get<Page<Device>>('/api/devices', { query, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<Device>(`/api/devices/${enc(id)}`, { signal }),
};

export const onboardingApi = {
  /**
   * A password-protected multi-device code answers 422 QR_PASSWORD_REQUIRED; send it again with
   * `qrPassword` (a wrong one answers QR_PASSWORD_WRONG).
   */
  scanText: (siteId: string, text: string, qrPassword?: string) =>
    api.post<ScanResult>(`/api/sites/${enc(siteId)}/scans`, qrPassword === undefined ? { text } : { text, qrPassword }),
  scanImage: (siteId: string, image: Blob) => {
    const form = new FormData();
    form.append('image', image, 'label.jpg');
    return api.post<ScanResult>(`/api/sites/${enc(siteId)}/scans`, form, { timeoutMs: 60_000 });
  },
  /** 202 with the batch; per-device problems come back per item, request-level ones as 4xx. */
  add: (scanId: string, body: AddRequest) => api.post<{ batchId: string; created: boolean }>(`/api/scans/${enc(scanId)}/add`, body),
  batch: (batchId: string, signal?: AbortSignal) => api.get<BatchView>(`/api/batches/${enc(batchId)}`, { signal }),
  /**
   * Server-sent events of a batch (`item`, `batch`, `settled`); the EventSource sends the session
   * cookie itself. With `follow` the stream stays open until every device is finished.
   */
  batchEventsUrl: (batchId: string, follow = false) => `/api/batches/${enc(batchId)}/events${follow ? '?follow=true' : ''}`,
};
