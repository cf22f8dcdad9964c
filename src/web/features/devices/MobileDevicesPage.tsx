import { useState } from 'react';
import { devicesApi } from '../../api/endpoints';
import { Link, navigate, useLocation } from '../../app/router';
import { useAsync } from '../../ui/async';
import { Empty, ErrorNotice, Loading, PageHeader, StatusBadge } from '../../ui/components';
import { deviceTitle, deviceTypeLabel } from '../../ui/format';
import { SitePicker, useChosenSite } from '../../ui/SitePicker';

/**
 * The phone's device list: the site in the address (`?site=`), else the remembered one, else a
 * site picker first. Big rows, newest first.
 */
export function MobileDevicesPage() {
  const { search } = useLocation();
  const fromAddress = search.get('site');
  // A new ?site= is a new page: start again from it.
  return <SiteDevices key={fromAddress ?? ''} initialSiteId={fromAddress} added={search.get('added')} />;
}

function SiteDevices({ initialSiteId, added }: { initialSiteId: string | null; added: string | null }) {
  const { siteId, site, error, choose } = useChosenSite(initialSiteId);
  const [picking, setPicking] = useState(false);
  const list = useAsync(async (signal) => (siteId ? devicesApi.listForSite(siteId, { page: 1, pageSize: 100 }, signal) : null), [siteId]);

  if (!siteId || picking) {
    return (
      <div>
        <PageHeader title="Devices" />
        <p>Which site are you on?</p>
        <SitePicker
          siteId={siteId}
          legend="Show the devices of"
          onChoose={(s) => {
            choose(s);
            setPicking(false);
            if (initialSiteId && initialSiteId !== s.id) navigate(`/m/devices?site=${encodeURIComponent(s.id)}`, { replace: true });
          }}
        />
      </div>
    );
  }

  return (
    <div>
      <PageHeader title={`Devices · ${site?.name ?? 'site'}`}>
        <button type="button" className="btn btn-secondary" onClick={() => setPicking(true)}>
          Change site
        </button>
      </PageHeader>
      {added && (
        <p className="notice notice-success" role="status">
          Device {added} was added.
        </p>
      )}
      <ErrorNotice error={error ?? list.error} onRetry={list.error ? list.reload : undefined} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty title="No devices on this site yet" />}
      {list.data && list.data.items.length > 0 && (
        <ul className="device-list" data-testid="device-list">
          {list.data.items.map((d) => {
            const title = deviceTitle(d);
            return (
              <li key={d.id}>
                <Link to={`/m/devices/${encodeURIComponent(d.id)}`}>
                  <span className="candidate-main">
                    <span className="candidate-name">{title}</span>
                    <span className="candidate-meta">{[deviceTypeLabel(d.type), d.model, d.serial].filter((x) => x && x !== title).join(' · ')}</span>
                  </span>
                  <StatusBadge status={d.status} />
                </Link>
              </li>
            );
          })}
        </ul>
      )}
      <div className="sticky-actions">
        <Link to={`/m/scan?site=${encodeURIComponent(siteId)}`} className="btn btn-primary btn-big">
          Add a device
        </Link>
      </div>
    </div>
  );
}
