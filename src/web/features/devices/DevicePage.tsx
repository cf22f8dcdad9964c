import { useEffect } from 'react';
import { devicesApi } from '../../api/endpoints';
import { Link, useParams } from '../../app/router';
import { useAsync } from '../../ui/async';
import { ErrorNotice, formatDate, Loading, PageHeader, StatusBadge } from '../../ui/components';
import { deviceTitle, deviceTypeLabel, formatAddress, formatFirmware } from '../../ui/format';
import { DeviceQr } from './DeviceQr';

const REFRESH_MS = 5000;
const ADDED_VIA: Record<string, string> = { cloud: 'Device cloud (serial and verification code)', direct: 'IP address', agent: 'Site network (agent)' };

/** What the platform knows of one device; refreshed while the page is open. */
export function DevicePage() {
  const { deviceId = '' } = useParams();
  const device = useAsync((signal) => devicesApi.get(deviceId, signal), [deviceId]);
  const { reload } = device;
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);

  const d = device.data;
  return (
    <div>
      <PageHeader title={d ? deviceTitle(d) : 'Device'} />
      {!d && device.loading && <Loading />}
      <ErrorNotice error={device.error} onRetry={device.reload} />
      {d && (
        <section className="card">
          <dl className="facts">
            <dt>Status</dt>
            <dd data-testid="device-status">
              <StatusBadge status={d.status} />
            </dd>
            <dt>Type</dt>
            <dd data-testid="device-type">{deviceTypeLabel(d.type)}</dd>
            <dt>Model</dt>
            <dd>{d.model || '—'}</dd>
            <dt>Serial</dt>
            <dd>{d.serial}</dd>
            <dt>Firmware</dt>
            <dd>
              {formatFirmware(d.firmwareVersion)}
              {d.firmwareCompatible === false ? ' (not supported: upgrade it)' : ''}
            </dd>
            <dt>Added via</dt>
            <dd>{ADDED_VIA[d.addedVia] ?? d.addedVia}</dd>
            {d.host && (
              <>
                <dt>Address</dt>
                <dd>{formatAddress(d.host, d.port)}</dd>
              </>
            )}
            <dt>Health monitoring</dt>
            <dd>{d.healthMonitoring ? 'On' : 'Off'}</dd>
            <dt>Last change</dt>
            <dd>{formatDate(d.updatedAt)}</dd>
            <dt>Added</dt>
            <dd>{formatDate(d.createdAt)}</dd>
            <dt>Site</dt>
            <dd>
              <Link to={`/sites/${encodeURIComponent(d.siteId)}/devices`}>{d.siteName || 'Open the site'}</Link>
            </dd>
          </dl>
        </section>
      )}
      {d && <DeviceQr deviceId={d.id} serial={d.serial} />}
    </div>
  );
}
