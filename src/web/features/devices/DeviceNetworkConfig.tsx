import { useEffect, useState } from 'react';
import type { ApiError } from '../../api/client';
import { devicesApi } from '../../api/endpoints';
import type { Device } from '../../api/generated';
import { useAction, useAsync } from '../../ui/async';
import { ErrorNotice, Field, Loading } from '../../ui/components';
import { checkIpv4Settings, checkPorts, type Ipv4Settings, type SettingProblem } from '../../../protocol/net/ipv4-settings';

/**
 * Remote configuration of the device's network settings (DHCP or a static IPv4 address, mask and
 * gateway; DNS servers) and its HTTP and RTSP ports: read from the device, written back, read
 * back. Devices apply such changes when they restart (nothing restarts them from here). For a
 * device Sitekeeper reaches by its address, the forms warn when that address or HTTP port would
 * change: after the restart Sitekeeper must be told the new one with "Edit device information".
 */
export function DeviceNetworkConfig({ device }: { device: Device }) {
  return (
    <>
      <NetworkForm device={device} />
      <PortsForm device={device} />
    </>
  );
}

const byAddress = (device: Device): boolean => device.addedVia !== 'cloud';

/** The server's refusal field by field (`details.fields` of VALIDATION_FAILED), shown beside the fields rather than as a notice. */
function serverFields(error: ApiError | undefined): SettingProblem[] {
  return error?.code === 'VALIDATION_FAILED' && Array.isArray(error.details?.fields) ? (error.details.fields as SettingProblem[]) : [];
}

/** Field → message: the form's own checks, then the server's. */
function fieldErrors(problems: SettingProblem[], serverError: ApiError | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of [...problems, ...serverFields(serverError)]) out[p.field] ??= p.message;
  return out;
}

/** `to`: where the device will be after its restart, as far as the change says. */
function ReachWarning({ device, to, testId }: { device: Device; to: string; testId: string }) {
  return (
    <p className="notice notice-warning" role="status" data-testid={testId}>
      Sitekeeper reaches this device at {device.host ?? 'its address'}
      {device.port ? `:${device.port}` : ''}. After the device restarts it will be at {to}: then give Sitekeeper the new address with “Edit device information”.
    </p>
  );
}

function Saved({ rebootRequired, testId }: { rebootRequired: boolean; testId: string }) {
  return (
    <p role="status" data-testid={testId}>
      {rebootRequired ? 'Saved on the device. It takes effect after the device restarts (Sitekeeper does not restart it).' : 'Saved and read back from the device.'}
    </p>
  );
}

function NetworkForm({ device }: { device: Device }) {
  const current = useAsync((signal) => devicesApi.network(device.id, signal), [device.id]);
  const [form, setForm] = useState<Ipv4Settings>({ addressing: 'dhcp', ipAddress: '', subnetMask: '', defaultGateway: '', primaryDns: '', secondaryDns: '' });
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState<{ rebootRequired: boolean; reachAddressChanges: boolean; to: string } | null>(null);
  useEffect(() => {
    if (current.data) setForm(current.data);
  }, [current.data]);
  const set = (field: keyof Ipv4Settings) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value.trim() }));
  const isStatic = form.addressing === 'static';
  const checked: Ipv4Settings = isStatic ? form : { ...form, ipAddress: '', subnetMask: '', defaultGateway: '' };
  const problems = checkIpv4Settings(checked);
  const to = isStatic ? `${form.ipAddress}${device.port ? `:${device.port}` : ''}` : 'the address its DHCP server gives it';
  const save = useAction(async () => {
    const r = await devicesApi.setNetwork(
      device.id,
      isStatic ? form : { addressing: 'dhcp', primaryDns: form.primaryDns, secondaryDns: form.secondaryDns },
    );
    setSaved({ rebootRequired: r.rebootRequired, reachAddressChanges: r.reachAddressChanges, to });
    current.reload();
  });
  const read = current.data;
  // Shown for what was changed, or everything once saving was tried.
  const errors = fieldErrors(problems.filter((p) => tried || !read || read[p.field as keyof Ipv4Settings] !== form[p.field as keyof Ipv4Settings]), save.error);
  const moves = !!read && byAddress(device) && ((read.addressing === 'static' && !isStatic) || (isStatic && form.ipAddress !== read.ipAddress));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        setSaved(null);
        if (problems.length === 0) save.run();
      }}
      noValidate
      data-testid="config-network"
    >
      <h3>Network</h3>
      {!read && current.loading && <Loading />}
      <ErrorNotice error={current.error} onRetry={current.reload} />
      {read && (
        <>
          <div className="field">
            <label htmlFor="config-network-addressing">IP address</label>
            <select id="config-network-addressing" data-testid="config-network-addressing" value={form.addressing} onChange={(e) => setForm((f) => ({ ...f, addressing: e.target.value as 'dhcp' | 'static' }))}>
              <option value="dhcp">Automatic (DHCP)</option>
              <option value="static">Static</option>
            </select>
          </div>
          {isStatic ? (
            <>
              <Field label="IPv4 address" inputMode="decimal" data-testid="config-network-ip" value={form.ipAddress} maxLength={15} onChange={set('ipAddress')} error={errors.ipAddress} />
              <Field label="Subnet mask" inputMode="decimal" data-testid="config-network-mask" value={form.subnetMask} maxLength={15} onChange={set('subnetMask')} error={errors.subnetMask} />
              <Field label="Default gateway" inputMode="decimal" data-testid="config-network-gateway" value={form.defaultGateway} maxLength={15} onChange={set('defaultGateway')} error={errors.defaultGateway} hint="Empty: none." />
            </>
          ) : (
            <p className="field-hint">The DHCP server gives the address{read.addressing === 'dhcp' && read.ipAddress ? ` (now ${read.ipAddress})` : ''}, mask and gateway.</p>
          )}
          <Field label="Primary DNS server" inputMode="decimal" data-testid="config-network-dns1" value={form.primaryDns} maxLength={15} onChange={set('primaryDns')} error={errors.primaryDns} hint="Empty: none." />
          <Field label="Secondary DNS server" inputMode="decimal" data-testid="config-network-dns2" value={form.secondaryDns} maxLength={15} onChange={set('secondaryDns')} error={errors.secondaryDns} hint="Empty: none." />
          {moves && <ReachWarning device={device} to={to} testId="config-network-reach-warning" />}
          <p className="field-hint">The device applies network changes when it restarts.</p>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="config-network-save" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save network settings'}
            </button>
          </div>
        </>
      )}
      {serverFields(save.error).length === 0 && <ErrorNotice error={save.error} />}
      {saved && <Saved rebootRequired={saved.rebootRequired} testId="config-network-saved" />}
      {saved?.reachAddressChanges && <ReachWarning device={device} to={saved.to} testId="config-network-reach-changed" />}
    </form>
  );
}

function PortsForm({ device }: { device: Device }) {
  const current = useAsync((signal) => devicesApi.ports(device.id, signal), [device.id]);
  const [http, setHttp] = useState('');
  const [rtsp, setRtsp] = useState('');
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState<{ rebootRequired: boolean; reachAddressChanges: boolean; to: string } | null>(null);
  useEffect(() => {
    if (!current.data) return;
    setHttp(String(current.data.httpPort));
    setRtsp(current.data.rtspPort === null ? '' : String(current.data.rtspPort));
  }, [current.data]);
  const read = current.data;
  const hasRtsp = read?.rtspPort !== null && read?.rtspPort !== undefined;
  const httpN = Number(http);
  const rtspN = hasRtsp ? Number(rtsp) : undefined;
  const problems = checkPorts({ httpPort: http.trim() === '' ? NaN : httpN, rtspPort: hasRtsp && rtsp.trim() === '' ? NaN : rtspN });
  const to = `${device.host ?? 'its address'}:${httpN}`;
  const save = useAction(async () => {
    const r = await devicesApi.setPorts(device.id, { httpPort: httpN, ...(rtspN !== undefined ? { rtspPort: rtspN } : {}) });
    setSaved({ rebootRequired: r.rebootRequired, reachAddressChanges: r.reachAddressChanges, to });
    current.reload();
  });
  const errors = fieldErrors(problems.filter((p) => tried || (p.field === 'httpPort' ? httpN !== read?.httpPort : rtspN !== read?.rtspPort)), save.error);
  const moves = !!read && byAddress(device) && httpN !== read.httpPort;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        setSaved(null);
        if (problems.length === 0) save.run();
      }}
      noValidate
      data-testid="config-ports"
    >
      <h3>Ports</h3>
      {!read && current.loading && <Loading />}
      <ErrorNotice error={current.error} onRetry={current.reload} />
      {read && (
        <>
          <Field label="HTTP port" inputMode="numeric" data-testid="config-ports-http" value={http} maxLength={5} onChange={(e) => setHttp(e.target.value.trim())} error={errors.httpPort} />
          {hasRtsp && <Field label="RTSP port" inputMode="numeric" data-testid="config-ports-rtsp" value={rtsp} maxLength={5} onChange={(e) => setRtsp(e.target.value.trim())} error={errors.rtspPort} />}
          {moves && <ReachWarning device={device} to={to} testId="config-ports-reach-warning" />}
          <p className="field-hint">The device applies port changes when it restarts.</p>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="config-ports-save" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save ports'}
            </button>
          </div>
        </>
      )}
      {serverFields(save.error).length === 0 && <ErrorNotice error={save.error} />}
      {saved && <Saved rebootRequired={saved.rebootRequired} testId="config-ports-saved" />}
      {saved?.reachAddressChanges && <ReachWarning device={device} to={saved.to} testId="config-ports-reach-changed" />}
    </form>
  );
}
