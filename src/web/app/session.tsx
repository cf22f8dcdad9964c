import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, setCsrfToken, setUnauthorizedHandler, toApiError } from '../api/client';
import { authApi } from '../api/endpoints';
import type { Session, User } from '../api/types';

interface SessionContextValue {
  status: 'loading' | 'signed_in' | 'signed_out' | 'error';
  user: User | null;
  error: ApiError | undefined;
  /** Call after sign-in, setup or invitation acceptance. */
  signedIn: (session: { user: User; csrfToken?: string }) => void;
  signOut: () => Promise<void>;
  refresh: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ status: SessionContextValue['status']; user: User | null; error?: ApiError }>({
    status: 'loading',
    user: null,
  });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    authApi.me().then(
      (s: Session) => live && setState({ status: 'signed_in', user: s.user }),
      (e: unknown) => {
        if (!live) return;
        const err = toApiError(e);
        if (err.status === 401 || err.status === 403) setState({ status: 'signed_out', user: null });
        else setState({ status: 'error', user: null, error: err });
      },
    );
    return () => {
      live = false;
    };
  }, [tick]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setState({ status: 'signed_out', user: null });
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const signedIn = useCallback((s: { user: User; csrfToken?: string }) => {
    if (s.csrfToken) setCsrfToken(s.csrfToken);
    setState({ status: 'signed_in', user: s.user });
  }, []);
  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setCsrfToken(null);
      setState({ status: 'signed_out', user: null });
    }
  }, []);
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  const value = useMemo(
    () => ({ status: state.status, user: state.user, error: state.error, signedIn, signOut, refresh }),
    [state, signedIn, signOut, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
