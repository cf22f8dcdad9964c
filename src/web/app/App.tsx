import { useEffect, type ReactNode } from 'react';
import { features } from '../features';
import type { Face } from '../features/types';
import { ErrorNotice, Loading } from '../ui/components';
import { buildRegistry } from './registry';
import { Link, navigate, ParamsProvider, useLocation } from './router';
import { SessionProvider, useSession } from './session';

const registry = buildRegistry(features);

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return <Loading />;
}

/** `/` opens the face that suits the screen: the scan flow on a phone, the portal elsewhere. */
function homeFor(role: string | undefined): string {
  // End users have their own app (decision 0015).
  if (role === 'end_user') return '/app';
  const narrow = typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 700px)').matches;
  return narrow ? '/m' : '/sites';
}

function Shell() {
  const location = useLocation();
  const session = useSession();
  const { pathname } = location;

  if (pathname === '/' || pathname === '') return <Redirect to={homeFor(session.user?.role)} />;
  const matched = registry.match(pathname);
  const face: Face = pathname === '/m' || pathname.startsWith('/m/') ? 'mobile' : 'portal';

  if (!matched) {
    return (
      <Layout face={face} bare={session.status !== 'signed_in'}>
        <h1>Page not found</h1>
        <p>There is no page at {pathname}.</p>
        <Link to="/">Go to the start page</Link>
      </Layout>
    );
  }

  const { route, params } = matched;
  if (!route.public) {
    if (session.status === 'loading') return <Loading label="Checking your session…" />;
    if (session.status === 'error') {
      return (
        <Layout face={face} bare>
          <ErrorNotice error={session.error} onRetry={session.refresh} />
        </Layout>
      );
    }
    if (session.status === 'signed_out') {
      return <Redirect to={`/sign-in?next=${encodeURIComponent(location.href)}`} />;
    }
    if (route.roles && session.user && !route.roles.includes(session.user.role)) {
      return (
        <Layout face={route.face}>
          <h1>Not allowed</h1>
          <p>Your account cannot open this page. Ask your installer admin if you need it.</p>
        </Layout>
      );
    }
  }
  return (
    <Layout face={route.face} bare={route.public === true}>
      <ParamsProvider params={params}>{route.element()}</ParamsProvider>
    </Layout>
  );
}

function Layout({ face, bare, children }: { face: Face; bare?: boolean; children: ReactNode }) {
  const session = useSession();
  const { pathname } = useLocation();
  const nav = bare ? [] : registry.nav(face, session.user?.role);
  // The most specific entry wins: on /m/notifications, "Notifications" is current, not "Add" (/m).
  const activeNav = nav.filter((n) => pathname === n.path || pathname.startsWith(`${n.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
  return (
    <div className={`app face-${face}${bare ? ' bare' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={session.user?.role === 'end_user' ? '/app' : face === 'mobile' ? '/m' : '/sites'} className="brand" aria-label="Sitekeeper home">
          <img src="/icon.svg" alt="" width={28} height={28} />
          <span>Sitekeeper</span>
        </Link>
        {!bare && session.user && (
          <div className="topbar-user">
            {session.user.role === 'end_user' ? null : face === 'portal' ? (
              <Link to="/m" className="btn btn-ghost">
                Scan
              </Link>
            ) : (
              <Link to="/sites" className="btn btn-ghost">
                Portal
              </Link>
            )}
            <Link to="/account/password" className="btn btn-ghost user-name" title={`${session.user.email}: change password`}>
              {session.user.name || session.user.email}
            </Link>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                void session.signOut().finally(() => navigate('/sign-in'));
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      {nav.length > 0 && (
        <nav className="mainnav" aria-label="Main">
          <ul>
            {nav.map((n) => {
              const active = n === activeNav;
              return (
                <li key={n.path}>
                  <Link to={n.path} aria-current={active ? 'page' : undefined}>
                    {n.icon && (
                      <span aria-hidden="true" className="nav-icon">
                        {n.icon}
                      </span>
                    )}
                    {n.label}
                    {n.badge && <n.badge />}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
