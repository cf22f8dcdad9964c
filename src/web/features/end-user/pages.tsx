/**
 * The end-user app (/app, phone first; decision 0015): accept a site invitation, see your sites
 * and their devices' health, authorize your installer company (or change or revoke it), see who
 * has access.
 */
import { useState, type FormEvent } from 'react';
import { custodyApi } from '../../api/endpoints';
import type { GetApiMeSitesResponse } from '../../api/types';
import { Link, navigate, useLocation, useParams } from '../../app/router';
import { useSession } from '../../app/session';
import { useAction, useAsync } from '../../ui/async';
import { Empty, ErrorNotice, Field, formatDate, Loading, PageHeader, StatusBadge } from '../../ui/components';
import { accountPasswordCheck } from '../../ui/password';
import { PasswordField } from '../../ui/rules';
import { PanelAccounts } from '../devices/PanelAccounts';

type Permission = 'configuration' | 'live_view' | 'playback';
type MySite = GetApiMeSitesResponse['items'][number];

const PERMISSION_LABEL: Record<Permission, string> = { configuration: 'Configuration', live_view: 'Live view', playback: 'Playback' };
const ALL_PERMISSIONS: Permission[] = ['configuration', 'live_view', 'playback'];

function authorizationText(a: MySite['authorization']): string {
  if (!a) return 'Not authorized';
  const what = a.permissions.map((p) => PERMISSION_LABEL[p as Permission]).join(', ');
  return a.expiresAt ? `Authorized until ${formatDate(a.expiresAt)}: ${what}` : `Authorized permanently: ${what}`;
}

export function AcceptSiteInvitationPage() {
  const { search, href } = useLocation();
  const token = search.get('token') ?? '';
  const session = useSession();
  const info = useAsync(() => custodyApi.describeInvitation(token), [token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const form = useAction(async () => {
    const signedInEndUser = session.user?.role === 'end_user';
    const r = await custodyApi.accept(token, signedInEndUser ? {} : { name: name.trim(), password });
    if (r.csrfToken) session.signedIn({ user: r.user, csrfToken: r.csrfToken });
    navigate(`/app/sites/${r.siteId}`, { replace: true });
  });
  const check = accountPasswordCheck(password, info.data?.email);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    form.run();
  };
  const d = info.data;
  return (
    <div className="auth-card">
      <PageHeader title="Your site" />
      {info.loading && <Loading />}
      <ErrorNotice error={info.error} />
      {d && d.status !== 'pending' && (
        <p className="notice notice-error" role="alert">
          {d.status === 'expired' && 'This invitation has expired: ask your installer to send it again.'}
          {d.status === 'accepted' && 'This invitation has already been accepted.'}
          {d.status === 'cancelled' && 'This invitation was cancelled or replaced by a newer one.'}
        </p>
      )}
      {d && d.status === 'pending' && (
        <>
          <p>
            <strong>{d.companyName}</strong> hands over the site <strong>{d.siteName}</strong> to <strong>{d.email}</strong>. You will own it and decide when
            your installer may manage it. The invitation expires {formatDate(d.expiresAt)}.
          </p>
          {session.user?.role === 'end_user' ? (
            <form onSubmit={submit}>
              <p>Signed in as {session.user.email}.</p>
              <ErrorNotice error={form.error} />
              <button type="submit" className="btn btn-primary btn-big" disabled={form.busy}>
                Accept the site
              </button>
            </form>
          ) : session.user ? (
            <p className="notice notice-error">You are signed in with an installer account: sign out, then open the link again.</p>
          ) : d.hasAccount ? (
            <p>
              You already have a Sitekeeper account. <Link to={`/sign-in?next=${encodeURIComponent(href)}`}>Sign in to accept</Link>
            </p>
          ) : (
            <form onSubmit={submit}>
              <Field label="Your name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
              <PasswordField label="Choose a password" required value={password} onValue={setPassword} rules={check.rules} strength={check.strength} reason={check.reason} />
              <ErrorNotice error={form.error} />
              <button type="submit" className="btn btn-primary btn-big" disabled={form.busy || !check.ok || !name.trim()}>
                Accept the site
              </button>
            </form>
          )}
        </>
      )}
    </div>
  );
}

export function MySitesPage() {
  const sites = useAsync((signal) => custodyApi.mySites(signal), []);
  return (
    <>
      <PageHeader title="My sites" />
      {sites.loading && <Loading />}
      <ErrorNotice error={sites.error} onRetry={sites.reload} />
      {sites.data && sites.data.items.length === 0 && <Empty title="No sites yet">Open the invitation link your installer sent you.</Empty>}
      <ul className="card-list">
        {sites.data?.items.map((s) => (
          <li key={s.id} className="card">
            <Link to={`/app/sites/${s.id}`}>
              <strong>{s.name}</strong>
            </Link>
            <div>{s.companyName}</div>
            <div>
              <StatusBadge status={s.health.state} /> {s.devices.length} device{s.devices.length === 1 ? '' : 's'}
            </div>
            <div className="muted">{authorizationText(s.authorization)}</div>
          </li>
        ))}
      </ul>
    </>
  );
}

function AuthorizationForm({ site, onChanged }: { site: MySite; onChanged: () => void }) {
  const current = site.authorization;
  const [permissions, setPermissions] = useState<Permission[]>((current?.permissions as Permission[] | undefined) ?? ['configuration', 'live_view', 'playback']);
  const [until, setUntil] = useState(current?.expiresAt ? current.expiresAt.slice(0, 10) : '');
  const save = useAction(async () => {
    await custodyApi.authorize(site.id, { permissions: permissions as [Permission], expiresAt: until ? new Date(`${until}T23:59:59`).toISOString() : null });
    onChanged();
  });
  const revoke = useAction(async () => {
    await custodyApi.revoke(site.id);
    onChanged();
  });
  const toggle = (p: Permission) => setPermissions((ps) => (ps.includes(p) ? ps.filter((x) => x !== p) : [...ps, p]));
  return (
    <section aria-labelledby="auth-title">
      <h2 id="auth-title">Installer authorization</h2>
      <p data-testid="authorization-status">{authorizationText(current)}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.run();
        }}
      >
        <fieldset>
          <legend>{site.companyName} may</legend>
          {ALL_PERMISSIONS.map((p) => (
            <label key={p} className="checkbox">
              <input type="checkbox" checked={permissions.includes(p)} onChange={() => toggle(p)} /> {PERMISSION_LABEL[p]}
            </label>
          ))}
        </fieldset>
        <Field label="Until (empty: permanently)" type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        <ErrorNotice error={save.error ?? revoke.error} />
        <button type="submit" className="btn btn-primary btn-big" disabled={save.busy || permissions.length === 0}>
          {current ? 'Update authorization' : 'Authorize installer'}
        </button>
        {current && (
          <button type="button" className="btn btn-big" disabled={revoke.busy} onClick={() => revoke.run()}>
            Revoke authorization
          </button>
        )}
      </form>
    </section>
  );
}

export function MySitePage() {
  const { siteId = '' } = useParams();
  const sites = useAsync((signal) => custodyApi.mySites(signal), [siteId]);
  const access = useAsync((signal) => custodyApi.access(siteId, signal), [siteId]);
  const site = sites.data?.items.find((s) => s.id === siteId);
  const reload = () => {
    sites.reload();
    access.reload();
  };
  if (sites.loading && !sites.data) return <Loading />;
  return (
    <>
      <ErrorNotice error={sites.error} onRetry={sites.reload} />
      {sites.data && !site && <Empty title="No such site among yours" />}
      {site && (
        <>
          <PageHeader title={site.name} />
          <p>
            {site.address} · built by {site.companyName}
          </p>
          <section aria-labelledby="devices-title">
            <h2 id="devices-title">Devices</h2>
            {site.devices.length === 0 && <p>No devices yet.</p>}
            <ul className="card-list">
              {site.devices.map((d) => (
                <li key={d.id} className="card">
                  <strong>{d.name}</strong> <StatusBadge status={d.state ?? 'off'} />
                  {d.reasons.length > 0 && <div className="muted">{d.reasons.join(' · ')}</div>}
                  {d.type === 'axpro' && <PanelAccounts deviceId={d.id} compact changeKey={JSON.stringify(site.authorization)} />}
                </li>
              ))}
            </ul>
          </section>
          <AuthorizationForm key={JSON.stringify(site.authorization)} site={site} onChanged={reload} />
          <section aria-labelledby="access-title">
            <h2 id="access-title">Who has access</h2>
            <ErrorNotice error={access.error} />
            {access.data && (
              <ul data-testid="access-list">
                {access.data.owner && <li>{access.data.owner.name} (owner, you)</li>}
                {access.data.authorization ? (
                  access.data.installers.map((i) => (
                    <li key={i.id}>
                      {i.name} ({access.data!.company.name}, {i.role === 'installer_admin' ? 'installer admin' : 'installer'})
                    </li>
                  ))
                ) : (
                  <li>{access.data.company.name}: no access until you authorize it</li>
                )}
              </ul>
            )}
          </section>
          <p>
            <Link to="/app">All my sites</Link>
          </p>
        </>
      )}
    </>
  );
}
