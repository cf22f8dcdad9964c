import { useCallback, useEffect } from 'react';
import { devicesApi } from '../../api/endpoints';
import { Link, navigate, useLocation, useParams } from '../../app/router';
import { useSession } from '../../app/session';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, formatDate, Loading, PageHeader, StatusBadge } from '../../ui/components';
import { deviceTitle, deviceTypeLabel, formatAddress, formatFirmware } from '../../ui/format';
import { DeviceQr } from './DeviceQr';
import { DeviceAdminPassword, DeviceRemoteConfig } from './DeviceRemoteConfig';
import { CloudBindingReset } from './CloudBindingReset';
import { DeviceHealth } from './DeviceHealth';
import { PanelAccounts } from './PanelAccounts';
import { DeviceConnectionOption, DeviceDeleteOption, DeviceFirmwareCompatibility, DeviceTypeOption, firmwareBlocks } from './DeviceOptions';

const REFRESH_MS = 5000;
const ADDED_VIA: Record<string, string> = { cloud: 'Device cloud (serial and verification code)', direct: 'IP address', agent: 'Site network (agent)' };
/** How the claim on the device was proven (decision 0005). */
const CLAIM_PROOF: Record<string, string> = {
  code: 'Verification code, checked by the device',
  activation: 'Activated by Sitekeeper',
  credentials: 'Admin password only (another company that proves the device with its code can take it)',
  none: 'Not proven (another company that proves the device with its code can take it)',
};

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
  const session = useSession();
  const mobile = useLocation().pathname.startsWith('/m/');
  const siteList = (siteId: string) => (mobile ? `/m/devices?site=${encodeURIComponent(siteId)}` : `/sites/${encodeURIComponent(siteId)}/devices`);
  const release = useAction(
    useCallback(async () => {
      if (!d) return;
      await devicesApi.release(d.id);
      navigate(siteList(d.siteId));
    }, [d, siteList]),
  );
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
            <dd data-testid="device-firmware-version">
              {formatFirmware(d.firmwareVersion)}
              {d.firmwareVerdict && !d.firmwareVerdict.compatible ? ` (upgrade to ${d.firmwareVerdict.upgradeTo ?? 'a newer version'})` : ''}
            </dd>
            <dt>Added via</dt>
            <dd>{ADDED_VIA[d.addedVia] ?? d.addedVia}</dd>
            <dt>Claim proven by</dt>
            <dd data-testid="device-claim-proof">{CLAIM_PROOF[d.claimProof] ?? d.claimProof}</dd>
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
              <Link to={siteList(d.siteId)}>{d.siteName || 'Open the site'}</Link>
            </dd>
          </dl>
        </section>
      )}
      {d && d.typeEditable && <DeviceTypeOption device={d} onChanged={reload} />}
      {d && d.addedVia !== 'cloud' && <DeviceConnectionOption device={d} onChanged={reload} />}
      {d && <DeviceFirmwareCompatibility device={d} />}
      {d && d.adminPasswordNeeded && <DeviceAdminPassword device={d} onChanged={reload} />}
      {d && d.type === 'axpro' && <PanelAccounts deviceId={d.id} />}
      {d && <DeviceRemoteConfig device={d} />}
      {d && <DeviceHealth deviceId={d.id} monitoring={d.healthMonitoring} onChanged={reload} firmwareBlock={firmwareBlocks(d, 'health_monitoring')} />}
      {d && <DeviceQr deviceId={d.id} serial={d.serial} name={d.name} siteName={d.siteName} />}
      {d && <CloudBindingReset deviceId={d.id} serial={d.serial} onReset={reload} />}
      {d && <DeviceDeleteOption device={d} onDeleted={() => navigate(siteList(d.siteId))} />}
      {d && session.user?.role === 'installer_admin' && (
        <section className="card">
          <h2>Release</h2>
          <p>Release your company's claim on this device so that another company can add it. The device is removed from {d.siteName || 'its site'}.</p>
          <ErrorNotice error={release.error} />
          <button
            type="button"
            className="btn btn-danger"
            disabled={release.busy}
            onClick={() => {
              if (window.confirm(`Release ${deviceTitle(d)}? It is removed from your company, and another company can add it.`)) release.run();
            }}
          >
            {release.busy ? 'Releasing…' : 'Release device'}
          </button>
        </section>
      )}
    </div>
  );
}
