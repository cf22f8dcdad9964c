import { useState } from 'react';
import { devicesApi, sitesApi } from '../../api/endpoints';
import type { Device } from '../../api/types';
import { Link, navigate, useParams } from '../../app/router';
import { useAsync, useDebounced } from '../../ui/async';
import { Empty, ErrorNotice, Loading, PageHeader, StatusBadge } from '../../ui/components';
import { deviceTitle, deviceTypeLabel } from '../../ui/format';
import { usePagedRows } from '../../ui/paged';
import { VirtualTable, type Column } from '../../ui/VirtualTable';

const STATUSES = ['', 'online', 'offline', 'pending'];

/** Devices of one site (/sites/:siteId/devices) or of the whole company (/devices). */
export function DeviceListPage() {
  const { siteId } = useParams();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const q = useDebounced(search, 250);
  const site = useAsync(async () => (siteId ? sitesApi.get(siteId) : null), [siteId]);
  const rows = usePagedRows<Device>(
    (page, pageSize, signal) =>
      siteId ? devicesApi.listForSite(siteId, { page, pageSize, search: q, status }, signal) : devicesApi.listAll({ page, pageSize, search: q, status }, signal),
    [siteId, q, status],
  );

  const columns: Column<Device>[] = [
    {
      key: 'name',
      header: 'Device',
      width: 'minmax(10rem, 2fr)',
      cell: (d) => <Link to={`/devices/${encodeURIComponent(d.id)}`}>{deviceTitle(d)}</Link>,
    },
    { key: 'type', header: 'Type', width: 'minmax(5rem, 1fr)', cell: (d) => deviceTypeLabel(d.type) },
    { key: 'model', header: 'Model', width: 'minmax(6rem, 1fr)', cell: (d) => d.model || '—' },
    { key: 'serial', header: 'Serial', width: 'minmax(7rem, 1fr)', cell: (d) => d.serial },
    ...(siteId ? [] : [{ key: 'site', header: 'Site', width: 'minmax(6rem, 1fr)', cell: (d: Device) => d.siteName || '—' }]),
    { key: 'status', header: 'Status', width: '7rem', cell: (d) => <StatusBadge status={d.status} /> },
  ];

  const title = siteId ? `Devices · ${site.data?.name ?? 'site'}` : 'All devices';
  return (
    <div>
      <PageHeader title={title}>
        {siteId && (
          <Link to={`/m/scan?site=${encodeURIComponent(siteId)}`} className="btn btn-primary">
            Add device
          </Link>
        )}
      </PageHeader>
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="device-search">Search</label>
          <input id="device-search" type="search" placeholder="Name, serial or model" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="device-status">Status</label>
          <select id="device-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'Any'}
              </option>
            ))}
          </select>
        </div>
        <p className="muted filters-count" aria-live="polite">
          {rows.total !== undefined ? `${rows.totalEstimated ? 'about ' : ''}${rows.total.toLocaleString()} device${rows.total === 1 ? '' : 's'}` : ''}
        </p>
      </div>
      <ErrorNotice error={rows.error} onRetry={rows.reload} />
      {rows.loading && <Loading label="Loading devices…" />}
      {rows.total === 0 && (
        <Empty title={q || status ? 'No device matches these filters' : 'No devices yet'}>
          {siteId && !q && !status && <p>Scan a device label with your phone to add the first one.</p>}
        </Empty>
      )}
      {rows.total !== undefined && rows.total > 0 && (
        <VirtualTable rows={rows} columns={columns} label="Devices" rowKey={(d) => d.id} onOpen={(d) => navigate(`/devices/${encodeURIComponent(d.id)}`)} />
      )}
    </div>
  );
}
