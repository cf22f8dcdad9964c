import { useUnreadCount } from './unread';

/** The number next to "Notifications" in the navigation; nothing when all is read. */
export function UnreadBadge() {
  const n = useUnreadCount();
  if (!n) return null;
  return (
    <span className="count-badge" data-testid="unread-count" aria-label={`${n} unread`}>
      {n > 99 ? '99+' : n}
    </span>
  );
}
