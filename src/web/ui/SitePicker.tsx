/**
 * The phone's site picker (search, one radio per site) and the site it remembers between visits:
 * the start page and the Devices tab both open on the site you stand in.
 */
import { useState } from 'react';
import type { ApiError } from '../api/client';
import { sitesApi } from '../api/endpoints';
import { Link } from '../app/router';
import { useAsync, useDebounced } from './async';
import { Empty, ErrorNotice, Loading } from './components';

export const SITE_KEY = 'sk.siteId';

export function rememberedSiteId(): string | null {
  try {
    return localStorage.getItem(SITE_KEY);
  } catch {
    return null;
  }
}

export function rememberSiteId(id: string): void {
  try {
    localStorage.setItem(SITE_KEY, id);
  } catch {
    // Storage unavailable: the picker simply asks again next time.
  }
}

export interface PickedSite {
  id: string;
  name: string;
}

/**
 * The site the phone works on: `initial` (e.g. from the address), else the remembered one, else
 * none. Its name comes from the picker when chosen there, else from the server; a remembered site
 * that is gone (deleted, no longer assigned) is forgotten so the picker shows instead.
 */
export function useChosenSite(initial?: string | null): {
  siteId: string | null;
  site: PickedSite | null;
  error: ApiError | undefined;
  choose: (site: PickedSite | null) => void;
} {
  const [choice, setChoice] = useState<{ id: string; name?: string } | null>(() => {
    const id = initial || rememberedSiteId();
    return id ? { id } : null;
  });
  const needsName = choice !== null && choice.name === undefined;
  const loaded = useAsync(async () => (needsName ? sitesApi.get(choice.id) : null), [choice?.id, needsName]);
  // Not found, not yours any more, or not a site id at all: ask again rather than show the error.
  const gone = loaded.error !== undefined && [400, 403, 404].includes(loaded.error.status);
  const site = choice?.name !== undefined ? { id: choice.id, name: choice.name } : loaded.data && loaded.data.id === choice?.id ? { id: loaded.data.id, name: loaded.data.name } : null;
  return {
    siteId: gone ? null : (choice?.id ?? null),
    site: gone ? null : site,
    error: gone ? undefined : loaded.error,
    choose: (s) => setChoice(s ? { id: s.id, name: s.name } : null),
  };
}

/** Search your sites and choose one; the choice is remembered. */
export function SitePicker({ siteId, onChoose, legend = 'Choose the site' }: { siteId: string | null; onChoose: (site: PickedSite) => void; legend?: string }) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 250);
  const sites = useAsync((signal) => sitesApi.list({ search: q, pageSize: 50 }, signal), [q]);
  const items = sites.data?.items ?? [];
  return (
    <>
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
          <legend className="sr-only">{legend}</legend>
          {items.map((s) => (
            <label key={s.id} className={`site-option${s.id === siteId ? ' selected' : ''}`}>
              <input
                type="radio"
                name="site"
                value={s.id}
                checked={s.id === siteId}
                onChange={() => {
                  rememberSiteId(s.id);
                  onChoose({ id: s.id, name: s.name });
                }}
              />
              <span className="site-name">{s.name}</span>
              <span className="site-meta">{s.address}</span>
            </label>
          ))}
        </fieldset>
      )}
    </>
  );
}
