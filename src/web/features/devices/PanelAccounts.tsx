import { useEffect, useRef, useState } from 'react';
import { devicesApi } from '../../api/endpoints';
import type { GetApiDevicesIdPanelAccountsResponse } from '../../api/generated';
import { useAsync } from '../../ui/async';
import { ErrorNotice, formatDate, Loading } from '../../ui/components';

/**
 * The reconcile runs in the background (decision 0016) and says nothing live: a modest poll while the
 * page is open and visible, quicker while a change is under way (it settles within seconds).
 */
const REFRESH_MS = 5000;
const REFRESH_PENDING_MS = 2000;
const UNDER_WAY = new Set(['creating', 'deleting', 'password_needed']);
/** After a change that moves accounts (the end user authorizes or revokes), the quicker poll for this long. */
const AFTER_CHANGE_MS = 20_000;

type Account = GetApiDevicesIdPanelAccountsResponse['items'][number];

/** The account's state in words: in sync, pending (and why), or what stops it. */
export function accountStateText(a: Account): { label: string; tone: 'ok' | 'pending' | 'problem' } {
  switch (a.state) {
    case 'present':
      return a.passwordPending ? { label: 'Pending: new password not on the panel yet', tone: 'pending' } : { label: 'In sync', tone: 'ok' };
    case 'creating':
      return { label: 'Pending: being added', tone: 'pending' };
    case 'deleting':
      return { label: 'Pending: being removed', tone: 'pending' };
    case 'password_needed':
      return { label: "Pending: made at the user's next sign-in", tone: 'pending' };
    case 'admin_password_needed':
      return { label: 'Admin password needed', tone: 'problem' };
    case 'identity_unproven':
      return { label: 'Identity unproven', tone: 'problem' };
    case 'conflict':
      return { label: 'Conflict', tone: 'problem' };
  }
}

const BADGE = { ok: 'badge-healthy', pending: 'badge-pending', problem: 'badge-fault' } as const;
const LEVEL: Record<string, string> = { installer: 'Installer', administrator: 'Owner (administrator)' };

/**
 * The AX Pro's user accounts that Sitekeeper keeps in step with who manages the site (issue 17,
 * decision 0016): each person's panel account with its role and state, the panel's own message for a
 * conflict, and what stops the panel as a whole (admin password, unproven identity). On the device
 * page (portal and phone) and in the end-user app. Refreshed every few seconds while visible.
 */
export function PanelAccounts({ deviceId, compact = false, changeKey }: { deviceId: string; compact?: boolean; changeKey?: string }) {
  const accounts = useAsync((signal) => devicesApi.panelAccounts(deviceId, signal), [deviceId]);
  const { reload } = accounts;
  const data = accounts.data;
  // `changeKey` changes when the page made a change that moves accounts: read again now, then quicker for a while.
  const [justChanged, setJustChanged] = useState(false);
  const lastKey = useRef(changeKey);
  useEffect(() => {
    if (lastKey.current === changeKey) return;
    lastKey.current = changeKey;
    reload();
    setJustChanged(true);
    const t = setTimeout(() => setJustChanged(false), AFTER_CHANGE_MS);
    return () => clearTimeout(t);
  }, [changeKey, reload]);
  const underWay = justChanged || (data?.items.some((a) => UNDER_WAY.has(a.state) || a.passwordPending) ?? false);
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, underWay ? REFRESH_PENDING_MS : REFRESH_MS);
    return () => clearInterval(t);
  }, [reload, underWay]);
  const titleId = `panel-accounts-title-${deviceId}`;
  const Heading = compact ? 'h3' : 'h2';
  return (
    <section className={compact ? 'panel-accounts' : 'card panel-accounts'} aria-labelledby={titleId} data-testid="panel-accounts">
      <Heading id={titleId}>Panel accounts</Heading>
      {!compact && <p className="muted">The people who manage this site get a user on the alarm panel. Sitekeeper keeps that list in step; users made on the panel by hand are not shown and never changed.</p>}
      {!data && accounts.loading && <Loading />}
      <ErrorNotice error={accounts.error} onRetry={reload} />
      {data && !data.identityProven && (
        <div className="notice notice-warning" role="status" data-testid="panel-identity-unproven">
          <p className="notice-message">Identity unproven: Sitekeeper sends this panel nobody's password.</p>
          <p className="notice-hint">It was added by address without its verification code, so it could be another device posing as an AX Pro. Add it through the device cloud or with its verification code.</p>
        </div>
      )}
      {data?.adminPasswordNeeded && (
        <div className="notice notice-warning" role="status" data-testid="panel-admin-password-needed">
          <p className="notice-message">Admin password needed: Sitekeeper cannot change the panel's users without it.</p>
        </div>
      )}
      {data && data.items.length === 0 && (
        <p data-testid="panel-accounts-empty">No accounts: nobody who manages this site has a Sitekeeper account on this panel right now.</p>
      )}
      {data && data.items.length > 0 && (
        <ul className="panel-account-list">
          {data.items.map((a) => {
            const s = accountStateText(a);
            return (
              <li key={a.userId} data-testid="panel-account" data-state={a.state}>
                <strong>{a.name ?? a.email ?? 'Removed user'}</strong> · {LEVEL[a.level] ?? a.level} ·{' '}
                <span className={`badge ${BADGE[s.tone]}`} data-testid="panel-account-state">
                  {s.label}
                </span>
                {a.error && <div className="muted" data-testid="panel-account-message">{a.error.message}</div>}
                {!compact && (
                  <div className="muted">
                    Panel user {a.panelUserName} · updated {formatDate(a.updatedAt)}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
