import { useEffect, useState, type FormEvent } from 'react';
import { devicesApi, firmwareApi } from '../../api/endpoints';
import type { GetApiFirmwareCampaignsIdResponse } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, PageHeader, StatusBadge } from '../../ui/components';

type Campaign = GetApiFirmwareCampaignsIdResponse;
type CampaignDevice = Campaign['devices'][number];

/** Follows a campaign live (SSE `device` / `campaign` / `end`), starting from its JSON view. */
function CampaignProgress({ id }: { id: string }) {
  const first = useAsync((signal) => firmwareApi.campaign(id, signal), [id]);
  const [devices, setDevices] = useState<Record<string, CampaignDevice>>({});
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [ended, setEnded] = useState<string>();
  useEffect(() => {
    if (!first.data) return;
    setDevices(Object.fromEntries(first.data.devices.map((d) => [d.deviceId, d])));
    setCounts(first.data.counts);
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(firmwareApi.eventsUrl(id));
    source.addEventListener('device', (e) => {
      const d = JSON.parse((e as MessageEvent<string>).data) as CampaignDevice;
      setDevices((cur) => ({ ...cur, [d.deviceId]: d }));
    });
    source.addEventListener('campaign', (e) => setCounts((JSON.parse((e as MessageEvent<string>).data) as { counts: Record<string, number> }).counts));
    source.addEventListener('end', (e) => {
      setEnded((JSON.parse((e as MessageEvent<string>).data) as { reason: string }).reason);
      source.close();
    });
    return () => source.close();
  }, [id, first.data]);
  if (first.error) return <ErrorNotice error={first.error} onRetry={first.reload} />;
  if (!first.data) return <p className="muted">Loading the campaign…</p>;
  const rows = first.data.devices.map((d) => devices[d.deviceId] ?? d);
  return (
    <section className="card" aria-labelledby="campaign-title" data-testid="firmware-campaign">
      <h2 id="campaign-title">Upgrade to {first.data.package.version}</h2>
      <p className="muted" data-testid="campaign-counts">
        {Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(', ')}
        {ended ? ` — ${ended === 'done' ? 'finished' : `stream ended (${ended})`}` : ''}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>Device</th>
            <th>State</th>
            <th className="num">Progress</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.deviceId} data-testid={`campaign-device-${d.deviceId}`}>
              <td>{d.name}</td>
              <td><StatusBadge status={d.state} /></td>
              <td className="num">
                <progress max={100} value={d.percent} aria-label={`${d.name}: ${d.percent} %`} /> {d.percent} % {d.stage}
              </td>
              <td>{d.reason ? `${d.reason.code}: ${d.reason.message}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Installer admins: upload a firmware package, pick devices, start a campaign and watch it live. */
export function FirmwarePage() {
  const packages = useAsync((signal) => firmwareApi.packages(signal), []);
  const devices = useAsync((signal) => devicesApi.listAll({ page: 1, pageSize: 200 }, signal), []);
  const [file, setFile] = useState<File>();
  const [packageId, setPackageId] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [campaignId, setCampaignId] = useState<string>();
  const upload = useAction(async () => {
    if (!file) return;
    const p = await firmwareApi.upload(file);
    setPackageId(p.id);
    packages.reload();
  });
  const start = useAction(async () => {
    const c = await firmwareApi.start({ packageId, deviceIds: [...selected] as [string, ...string[]] });
    setCampaignId(c.id);
  });
  const removePackage = useAction(async (id: string) => {
    await firmwareApi.removePackage(id);
    if (packageId === id) setPackageId('');
    packages.reload();
  });
  const submitUpload = (e: FormEvent) => {
    e.preventDefault();
    upload.run();
  };
  const pkg = packages.data?.items.find((p) => p.id === packageId);
  const toggle = (id: string) =>
    setSelected((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <>
      <PageHeader title="Firmware" />
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">Upload a package</h2>
        <form onSubmit={submitUpload}>
          <label>
            Firmware package <input type="file" name="package" onChange={(e) => setFile(e.target.files?.[0])} />
          </label>
          <div className="form-actions">
            <button type="submit" className="btn btn-secondary" disabled={!file || upload.busy}>Upload</button>
          </div>
        </form>
        <ErrorNotice error={upload.error} />
        <label>
          Upgrade with{' '}
          <select value={packageId} onChange={(e) => setPackageId(e.target.value)} aria-label="Package to install">
            <option value="">Choose a package</option>
            {packages.data?.items.map((p) => (
              <option key={p.id} value={p.id}>{`${p.version} (${p.models.join(', ')}) — ${p.fileName}`}</option>
            ))}
          </select>
        </label>
        {pkg && (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={removePackage.busy}
            onClick={() => {
              if (window.confirm(`Delete the package ${pkg.version} (${pkg.fileName})? Past campaigns keep showing what they sent; uploading the file again brings it back.`)) removePackage.run(pkg.id);
            }}
          >
            Delete this package
          </button>
        )}
        <ErrorNotice error={removePackage.error} />
      </section>
      <section className="card" aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        <ErrorNotice error={devices.error} />
        <ul className="plain-list">
          {devices.data?.items
            .filter((d) => !pkg || pkg.models.some((m) => m.toLowerCase() === d.model.toLowerCase()))
            .map((d) => (
              <li key={d.id}>
                <label>
                  <input type="checkbox" checked={selected.has(d.id)} onChange={() => toggle(d.id)} /> {d.name} — {d.siteName} ({d.model}, {d.firmwareVersion || 'version unknown'})
                </label>
              </li>
            ))}
        </ul>
        <div className="form-actions">
          <button type="button" className="btn btn-primary" disabled={!packageId || selected.size === 0 || start.busy} onClick={() => start.run()}>
            Upgrade {selected.size} device{selected.size === 1 ? '' : 's'}
          </button>
        </div>
        <ErrorNotice error={start.error} />
      </section>
      {campaignId ? <CampaignProgress id={campaignId} /> : null}
    </>
  );
}
