import { useState } from 'react';
import { sitesApi } from '../../api/endpoints';
import { Link } from '../../app/router';
import { PlusIcon } from '../../ui/icons';
import { useAsync, useDebounced } from '../../ui/async';
import { Empty, ErrorNotice, Loading, PageHeader } from '../../ui/components';
import { rememberedSiteId, rememberSiteId } from './store';

/** Mobile home: pick the site you stand in, then add a device. */
export function HomePage() {
  const [search, setSearch] = useState('');
  const [siteId, setSiteId] = useState<string | null>(rememberedSiteId());
  const q = useDebounced(search, 250);
  const sites = useAsync((signal) => sitesApi.list({ search: q, pageSize: 50 }, signal), [q]);
  const items = sites.data?.items ?? [];
  const chosen = items.find((s) => s.id === siteId);

  return (
    <div className="mobile-home">
      <PageHeader title="Add devices" />
      <div className="field">
        <label htmlFor="site-search">Site</label>
        <input id="site-search" type="search" placeholder="Search your sites" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <ErrorNotice error={sites.error} onRetry={sites.reload} />
      {sites.loading && !sites.data && <Loading label="Loading sites…" />}
      {sites.data && items.length === 0 && (
        <Empty title={search ? 'No site matches' : 'No sites yet'}>
          <p>
            <Link to="/sites/new">Create a site</Link> in the portal first.
          </p>
        </Empty>
      )}
      {items.length > 0 && (
        <fieldset className="site-picker">
          <legend className="sr-only">Choose the site</legend>
          {items.map((s) => (
            <label key={s.id} className={`site-option${s.id === siteId ? ' selected' : ''}`}>
              <input
                type="radio"
                name="site"
                value={s.id}
                checked={s.id === siteId}
                onChange={() => {
                  setSiteId(s.id);
                  rememberSiteId(s.id);
                }}
              />
              <span className="site-name">{s.name}</span>
              <span className="site-meta">{s.address}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div className="sticky-actions">
        {chosen ? (
          <>
            <Link to={`/m/scan?site=${encodeURIComponent(chosen.id)}`} className="btn btn-primary btn-big">
              <PlusIcon />
              Add device to {chosen.name}
            </Link>
            <Link to={`/m/devices?site=${encodeURIComponent(chosen.id)}`} className="btn btn-secondary btn-big">
              Devices on this site
            </Link>
          </>
        ) : (
          <p className="muted">Choose a site to add devices to.</p>
        )}
      </div>
    </div>
  );
}
