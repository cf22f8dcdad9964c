import { devicesApi } from '../../api/endpoints';
import { Link, useLocation } from '../../app/router';
import { useAsync } from '../../ui/async';
import { Empty, ErrorNotice, Loading, PageHeader, StatusBadge } from '../../ui/components';

/** The phone's device list for the chosen site: big rows, newest first. */
export function MobileDevicesPage() {
  const { search } = useLocation();
  const siteId = search.get('site') ?? '';
  const added = search.get('added');
  const list = useAsync((signal) => devicesApi.listForSite(siteId, { page: 1, pageSize: 100 }, signal), [siteId]);
  return (
    <div>
      <PageHeader title="Devices on this site" />
      {added && (
        <p className="notice notice-success" role="status">
          Device {added} was added.
        </p>
      )}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty title="No devices on this site yet" />}
      {list.data && list.data.items.length > 0 && (
        <ul className="device-list" data-testid="device-list">
          {list.data.items.map((d) => (
            <li key={d.id}>
              <Link to={`/devices/${encodeURIComponent(d.id)}`}>
                <span className="candidate-main">
                  <span className="candidate-name">{d.name || d.serial}</span>
                  <span className="candidate-meta">{[d.type, d.model, d.serial].filter(Boolean).join(' · ')}</span>
                </span>
                <StatusBadge status={d.status} />
              </Link>
            </li>
          ))}
        </ul>
      )}
      <div className="sticky-actions">
        <Link to={`/m/scan?site=${encodeURIComponent(siteId)}`} className="btn btn-primary btn-big">
          Add another device
        </Link>
      </div>
    </div>
  );
}
