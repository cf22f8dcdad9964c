import { useState } from 'react';
import { notificationsApi } from '../../api/endpoints';
import type { GetApiNotificationsResponse } from '../../api/generated';
import { Link, navigate } from '../../app/router';
import { useAction, useAsync } from '../../ui/async';
import { Empty, ErrorNotice, formatDate, Loading, PageHeader, Pager } from '../../ui/components';
import { usePagedList } from '../../ui/paged';
import { refreshUnread, useLiveNotifications, type LiveNotification } from './unread';

const PAGE_SIZE = 20;
type Item = GetApiNotificationsResponse['items'][number];

/** Your notifications: what happened to devices you added while you were elsewhere. */
export function NotificationsPage() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = usePagedList((query, signal) => notificationsApi.list({ unreadOnly, ...query }, signal), [unreadOnly], PAGE_SIZE);
  const after = async () => {
    list.reload();
    await refreshUnread();
  };
  const readAll = useAction(async () => {
    await notificationsApi.readAll();
    await after();
  });
  const markRead = useAction(async (id: string) => {
    await notificationsApi.markRead(id);
    await after();
  });
  const open = async (n: Item) => {
    if (!n.readAt) await notificationsApi.markRead(n.id).catch(() => undefined);
    void refreshUnread();
    if (n.link) navigate(n.link);
  };
  // Notifications that arrived while the page was open: announced, and the list shows them at once.
  const [arrived, setArrived] = useState<LiveNotification[]>([]);
  useLiveNotifications((n) => {
    setArrived((a) => (a.some((x) => x.id === n.id) ? a : [n, ...a].slice(0, 5)));
    list.reload();
  });
  const unread = list.data?.unread ?? 0;
  // Alert e-mails (exceptions, storms) on or off; these in-app notifications stay either way.
  const prefs = useAsync((signal) => notificationsApi.preferences(signal), []);
  const setEmailAlerts = useAction(async (on: boolean) => {
    await notificationsApi.setPreferences({ emailAlerts: on });
    prefs.reload();
  });
  return (
    <div>
      <PageHeader title="Notifications">
        <button type="button" className="btn btn-secondary" disabled={readAll.busy || unread === 0} onClick={() => readAll.run()}>
          Mark all read
        </button>
      </PageHeader>
      <div className="filters">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => setUnreadOnly(e.target.checked)}
          />
          Unread only
        </label>
        {list.data && <span className="muted">{unread === 0 ? 'All read' : `${unread} unread`}</span>}
        {prefs.data && (
          <label className="checkbox">
            <input type="checkbox" data-testid="email-alerts" checked={prefs.data.emailAlerts} disabled={setEmailAlerts.busy} onChange={(e) => setEmailAlerts.run(e.target.checked)} />
            E-mail me alerts (exceptions, site outages)
          </label>
        )}
      </div>
      <ErrorNotice error={setEmailAlerts.error} />
      <div aria-live="polite" data-testid="live-notifications">
        {arrived.map((n) => (
          <p key={n.id} className={`notice severity-${n.severity}`} data-testid="live-notification">
            New: <strong>{n.title}</strong> {n.body}
          </p>
        ))}
      </div>
      <ErrorNotice error={list.error ?? readAll.error ?? markRead.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && (
        <Empty title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}>
          <p>When a device you added while it was offline comes online (or its wait ends), you are told here.</p>
        </Empty>
      )}
      {list.data && list.data.items.length > 0 && (
        <ul className="notification-list" aria-label="Notifications">
          {list.data.items.map((n) => (
            <li key={n.id} className={`notification severity-${n.severity}${n.readAt ? ' is-read' : ' is-unread'}`}>
              <div className="notification-main">
                <h2 className="notification-title">
                  {!n.readAt && <span className="sr-only">Unread: </span>}
                  {n.title}
                </h2>
                <p>{n.body}</p>
                <p className="muted">
                  <time dateTime={n.createdAt}>{formatDate(n.createdAt)}</time>
                </p>
              </div>
              <div className="notification-actions">
                {n.link && (
                  <Link
                    to={n.link}
                    className="btn btn-secondary"
                    aria-label={`Open: ${n.title}`}
                    onClick={(e) => {
                      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; // new tab: leave it to the browser
                      e.preventDefault();
                      void open(n);
                    }}
                  >
                    Open
                  </Link>
                )}
                {!n.readAt && (
                  <button type="button" className="btn btn-ghost" disabled={markRead.busy} onClick={() => markRead.run(n.id)} aria-label={`Mark read: ${n.title}`}>
                    Mark read
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <Pager page={list.paging.page} pages={list.paging.pages} onPage={list.paging.setPage} />
    </div>
  );
}
