/**
 * The unread-notification count, shared by every badge on the page, and the live notifications
 * behind it. While anything shows the count, one EventSource follows /api/notifications/events:
 * `ready` and `counts` carry the count, `notification` each new one (pages subscribe with
 * useLiveNotifications). On `end` the EventSource is closed; after a timeout or a server shutdown
 * it is opened again, after sign-out it is not. When the stream is refused (too many open,
 * an older server) or keeps failing, the count is polled every 30 s instead, as before.
 * The count is also refreshed when the window regains focus and whenever something marks
 * notifications read.
 */
import { useEffect, useRef, useState } from 'react';
import { notificationsApi } from '../../api/endpoints';
import type { GetApiNotificationsResponse } from '../../api/generated';

export type LiveNotification = GetApiNotificationsResponse['items'][number];

const POLL_MS = 30_000;
/** Before opening the stream again after it ended on time or the server restarted. */
const REOPEN_MS = 1_000;
const STREAM_URL = '/api/notifications/events';

let unread: number | undefined;
const listeners = new Set<(n: number | undefined) => void>();
const liveListeners = new Set<(n: LiveNotification) => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let reopen: ReturnType<typeof setTimeout> | undefined;
let source: EventSource | undefined;
let inflight: Promise<void> | undefined;

function publish(n: number | undefined) {
  unread = n;
  for (const l of listeners) l(n);
}

/** Fetch the count now (coalesced); errors leave the last known count in place. */
export function refreshUnread(): Promise<void> {
  inflight ??= notificationsApi
    .counts()
    .then((c) => publish(c.unread))
    .catch(() => undefined)
    .finally(() => {
      inflight = undefined;
    });
  return inflight;
}

const onVisible = () => {
  if (document.visibilityState === 'visible') void refreshUnread();
};

function startPolling() {
  if (timer) return;
  timer = setInterval(() => {
    if (document.visibilityState === 'visible') void refreshUnread();
  }, POLL_MS);
}

function stopPolling() {
  clearInterval(timer);
  timer = undefined;
}

function closeStream() {
  source?.close();
  source = undefined;
  clearTimeout(reopen);
  reopen = undefined;
}

/** Follows the stream; falls back to polling when it is refused or lost. */
function openStream() {
  if (typeof EventSource === 'undefined') return startPolling();
  closeStream();
  const es = new EventSource(STREAM_URL);
  source = es;
  const counts = (e: MessageEvent<string>) => publish((JSON.parse(e.data) as { unread: number }).unread);
  es.addEventListener('ready', (e) => {
    stopPolling(); // live now: no need to ask
    counts(e);
  });
  es.addEventListener('counts', counts);
  es.addEventListener('notification', (e) => {
    const n = JSON.parse(e.data) as LiveNotification;
    for (const l of liveListeners) l(n);
  });
  es.addEventListener('end', (e) => {
    const { reason } = JSON.parse(e.data) as { reason: string };
    closeStream();
    if (reason === 'signed_out') return; // the session is over: the app signs out
    startPolling(); // until the stream is back
    if (reason === 'timeout' || reason === 'shutdown') reopen = setTimeout(openStream, REOPEN_MS);
  });
  es.onerror = () => {
    // Refused (e.g. 429, too many streams) or lost: EventSource gives up on a refusal by itself;
    // either way poll, and let a lost stream reconnect on its own.
    startPolling();
    if (es.readyState === EventSource.CLOSED && source === es) source = undefined;
  };
}

export function useUnreadCount(): number | undefined {
  const [n, setN] = useState(unread);
  useEffect(() => {
    listeners.add(setN);
    if (listeners.size === 1) {
      void refreshUnread();
      openStream();
      window.addEventListener('focus', onVisible);
      document.addEventListener('visibilitychange', onVisible);
    }
    return () => {
      listeners.delete(setN);
      if (listeners.size === 0) {
        unread = undefined; // e.g. signed out: never show one user's count to the next
        closeStream();
        stopPolling();
        window.removeEventListener('focus', onVisible);
        document.removeEventListener('visibilitychange', onVisible);
      }
    };
  }, []);
  return n;
}

/** Calls `onNotification` for each notification that arrives live while the component is mounted. */
export function useLiveNotifications(onNotification: (n: LiveNotification) => void): void {
  const latest = useRef(onNotification);
  latest.current = onNotification;
  useEffect(() => {
    const l = (n: LiveNotification) => latest.current(n);
    liveListeners.add(l);
    return () => {
      liveListeners.delete(l);
    };
  }, []);
}
