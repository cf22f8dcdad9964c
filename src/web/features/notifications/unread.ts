/**
 * The unread-notification count, shared by every badge on the page: polled while the page is
 * visible, refreshed when the window regains focus and whenever something marks notifications read.
 */
import { useEffect, useState } from 'react';
import { notificationsApi } from '../../api/endpoints';

const POLL_MS = 30_000;
let unread: number | undefined;
const listeners = new Set<(n: number | undefined) => void>();
let timer: ReturnType<typeof setInterval> | undefined;
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

export function useUnreadCount(): number | undefined {
  const [n, setN] = useState(unread);
  useEffect(() => {
    listeners.add(setN);
    if (listeners.size === 1) {
      void refreshUnread();
      timer = setInterval(() => {
        if (document.visibilityState === 'visible') void refreshUnread();
      }, POLL_MS);
      window.addEventListener('focus', onVisible);
      document.addEventListener('visibilitychange', onVisible);
    }
    return () => {
      listeners.delete(setN);
      if (listeners.size === 0) {
        unread = undefined; // e.g. signed out: never show one user's count to the next
        clearInterval(timer);
        window.removeEventListener('focus', onVisible);
        document.removeEventListener('visibilitychange', onVisible);
      }
    };
  }, []);
  return n;
}
