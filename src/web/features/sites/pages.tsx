import { useId, useMemo, useState, type FormEvent } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { installersApi, sitesApi } from '../../api/endpoints';
import type { Site } from '../../api/types';
import { Link, navigate, useParams } from '../../app/router';
import { useSession } from '../../app/session';
import { useAsync, useDebounced } from '../../ui/async';
import { Empty, ErrorNotice, Field, formatDate, Loading, PageHeader } from '../../ui/components';
import { DataTable, type TableColumn } from '../../ui/DataTable';
import { usePagedList } from '../../ui/paged';
import { SiteAgents } from './SiteAgents';
import { SiteCustomer } from './SiteCustomer';
import { InviteEndUsersBanner } from './InviteEndUsersBanner';

const PAGE_SIZE = 25;

/** The IANA time zones this browser knows (UTC first: some browsers leave it out), for the site form's search list. */
function timeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

/** A text field with the time zones as suggestions: type any part ("paris", "New_York") to narrow the list. */
function TimeZoneField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const zones = useMemo(timeZones, []);
  const listId = useId();
  return (
    <>
      <Field
        label="Time zone"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        list={listId}
        autoComplete="off"
        spellCheck={false}
        hint="Type to search the list, e.g. Paris or New_York."
      />
      <datalist id={listId}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}

/** A site as the list gives it (with its device count). */
type SiteRow = Awaited<ReturnType<typeof sitesApi.list>>['items'][number];

const SITE_COLUMNS: TableColumn<SiteRow>[] = [
  { key: 'name', header: 'Name', cell: (s) => <Link to={`/sites/${encodeURIComponent(s.id)}`}>{s.name}</Link> },
  { key: 'address', header: 'Address', cell: (s) => s.address ?? '—' },
  {
    key: 'devices',
    header: 'Devices',
    cell: (s) => (
      <Link to={`/sites/${encodeURIComponent(s.id)}/devices`}>
        {`${s.deviceCount.toLocaleString()} device${s.deviceCount === 1 ? '' : 's'}`}
        <span className="sr-only"> on {s.name}</span>
      </Link>
    ),
  },
  { key: 'created', header: 'Created', cell: (s) => formatDate(s.createdAt) },
];

export function SitesPage() {
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 250);
  const list = usePagedList((query, signal) => sitesApi.list({ search: q, ...query }, signal), [q], PAGE_SIZE);
  return (
    <div>
      <PageHeader title="Sites">
        <Link to="/sites/new" className="btn btn-primary">
          New site
        </Link>
      </PageHeader>
      <InviteEndUsersBanner />
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="site-filter">Search sites</label>
          <input id="site-filter" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </div>
      <DataTable
        label="Sites"
        list={list}
        columns={SITE_COLUMNS}
        loadingLabel="Loading sites…"
        empty={
          <Empty title={search ? 'No site matches' : 'No sites yet'}>
            {!search && <p>Create the first customer site, then add its devices by scanning their labels.</p>}
          </Empty>
        }
      />
    </div>
  );
}

function SiteForm({ site, onSaved }: { site?: Site; onSaved: (s: Site) => void }) {
  const [name, setName] = useState(site?.name ?? '');
  const [address, setAddress] = useState(site?.address ?? '');
  const [timeZone, setTimeZone] = useState(site?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = { name: name.trim(), address: address.trim() || undefined, timeZone: timeZone.trim() || undefined };
    (site ? sitesApi.update(site.id, body) : sitesApi.create(body)).then(
      (s) => {
        setBusy(false);
        onSaved(s);
      },
      (err: unknown) => {
        setBusy(false);
        setError(toApiError(err));
      },
    );
  };
  return (
    <form onSubmit={submit} className="card">
      <Field label="Site name" required value={name} onChange={(e) => setName(e.target.value)} maxLength={120} />
      <Field label="Address" value={address} onChange={(e) => setAddress(e.target.value)} maxLength={300} autoComplete="street-address" />
      <TimeZoneField value={timeZone} onChange={setTimeZone} />
      <ErrorNotice error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
        {busy ? 'Saving…' : site ? 'Save changes' : 'Create site'}
      </button>
    </form>
  );
}

export function NewSitePage() {
  return (
    <div>
      <PageHeader title="New site" />
      <SiteForm onSaved={(s) => navigate(`/sites/${encodeURIComponent(s.id)}`)} />
    </div>
  );
}

function SiteInstallers({ siteId }: { siteId: string }) {
  const all = useAsync(() => installersApi.list(), []);
  const assigned = useAsync(() => sitesApi.installers(siteId), [siteId]);
  // What the user ticked, else what the server has: no copy of the loaded data to keep in step.
  const [edited, setChosen] = useState<Set<string> | null>(null);
  const chosen = edited ?? (assigned.data ? new Set(assigned.data.items.map((i) => i.id)) : null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const candidates = (all.data?.items ?? []).filter((i) => i.permission === 'manage_assigned' && !i.disabled);
  const save = () => {
    if (!chosen) return;
    setSaved(false);
    setError(undefined);
    sitesApi.setInstallers(siteId, [...chosen]).then(
      () => setSaved(true),
      (e: unknown) => setError(toApiError(e)),
    );
  };
  return (
    <section className="card" aria-labelledby="site-installers">
      <h2 id="site-installers">Installers on this site</h2>
      <p className="muted">Installers who manage all sites always have access; tick the others who should.</p>
      <ErrorNotice error={all.error ?? assigned.error} />
      {(all.loading || assigned.loading) && <Loading />}
      {all.data && candidates.length === 0 && <Empty title="No installer limited to assigned sites" />}
      {chosen && candidates.length > 0 && (
        <fieldset>
          <legend className="sr-only">Assigned installers</legend>
          {candidates.map((i) => (
            <label key={i.id} className="check">
              <input
                type="checkbox"
                checked={chosen.has(i.id)}
                onChange={() => {
                  const n = new Set(chosen);
                  if (n.has(i.id)) n.delete(i.id);
                  else n.add(i.id);
                  setChosen(n);
                  setSaved(false);
                }}
              />
              {i.name} <span className="muted">({i.email})</span>
            </label>
          ))}
          <button type="button" className="btn btn-secondary" onClick={save}>
            Save assignments
          </button>
          {saved && <span role="status"> Saved.</span>}
        </fieldset>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}

export function SitePage() {
  const { siteId = '' } = useParams();
  const session = useSession();
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const [saved, setSaved] = useState(false);
  return (
    <div>
      <PageHeader title={site.data?.name ?? 'Site'}>
        <Link to={`/sites/${encodeURIComponent(siteId)}/devices`} className="btn btn-secondary">
          Devices
        </Link>
        <Link to={`/m/scan?site=${encodeURIComponent(siteId)}`} className="btn btn-primary">
          Add device
        </Link>
      </PageHeader>
      {site.loading && !site.data && <Loading />}
      <ErrorNotice error={site.error} onRetry={site.reload} />
      {saved && (
        <p className="notice notice-success" role="status">
          Saved.
        </p>
      )}
      {site.data && (
        <div className="grid-2">
          <SiteForm key={site.data.id} site={site.data} onSaved={() => setSaved(true)} />
          {session.user?.role === 'installer_admin' && <SiteInstallers key={siteId} siteId={siteId} />}
          <SiteAgents key={`agents-${siteId}`} siteId={siteId} canManage={session.user?.role === 'installer_admin'} />
          <SiteCustomer key={`customer-${siteId}`} siteId={siteId} />
        </div>
      )}
    </div>
  );
}
