import { useState, type FormEvent } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { onboardingApi } from '../../api/endpoints';
import { navigate, useLocation } from '../../app/router';
import { ErrorNotice, Field, PageHeader } from '../../ui/components';
import { verificationCodeRules } from '../../ui/password';
import { RuleList } from '../../ui/rules';
import { rememberedSiteId } from '../../ui/SitePicker';
import { rememberTypedCode, setScanFlow } from './store';

/**
 * Add by IP/Domain: a device reached by its address (host or domain, port, user, password, name),
 * probed as a scan with one candidate and confirmed on the same page as a scanned code (the
 * confirm step asks for activation of a factory-new device).
 */
function AddressForm({ siteId }: { siteId: string }) {
  const [host, setHost] = useState('');
  const [port, setPort] = useState('80');
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const portNumber = Number(port);
  const portOk = Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;
  const ok = host.trim() !== '' && portOk && user.trim() !== '' && password !== '' && siteId !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ok) return;
    setBusy(true);
    setError(undefined);
    onboardingApi.scanAddress(siteId, { host: host.trim(), port: portNumber, user: user.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) }).then(
      (scan) => {
        setScanFlow({ siteId, scan, selected: [] });
        navigate(`/m/confirm?site=${encodeURIComponent(siteId)}`);
      },
      (err: unknown) => {
        setBusy(false);
        setError(toApiError(err));
      },
    );
  };
  return (
    <section className="card" aria-labelledby="add-by-address-title">
      <h2 id="add-by-address-title">Add by IP address or domain</h2>
      <form onSubmit={submit} noValidate data-testid="add-by-address">
        <Field label="IP address or domain" value={host} spellCheck={false} autoCapitalize="none" maxLength={253} onChange={(e) => setHost(e.target.value)} hint="Like 192.168.1.64 or cam.example.com; the port goes below." />
        <Field label="Port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} error={portOk ? undefined : 'A port is a number from 1 to 65535.'} />
        <Field label="User name" autoCapitalize="none" value={user} maxLength={32} onChange={(e) => setUser(e.target.value)} />
        <Field label="Password" type="password" autoComplete="off" value={password} maxLength={64} onChange={(e) => setPassword(e.target.value)} />
        <Field label="Name (optional)" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        <ErrorNotice error={error} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!ok || busy}>
            {busy ? 'Connecting…' : 'Look up this address'}
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * Add by serial number (and the verification code from the label), when there is no code to
 * scan. The device is looked up, then confirmed on the same page as a scanned label; the code
 * typed here goes with it (so it is not asked again).
 */
export function ManualPage() {
  const { search } = useLocation();
  const siteId = search.get('site') ?? rememberedSiteId() ?? '';
  const [serial, setSerial] = useState(search.get('serial') ?? '');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const codeRules = verificationCodeRules(code);
  const serialOk = /^[A-Za-z0-9-]{6,48}$/.test(serial.trim());

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!serialOk || !siteId) return;
    setBusy(true);
    setError(undefined);
    onboardingApi.scanText(siteId, serial.trim()).then(
      (scan) => {
        setScanFlow({ siteId, scan, selected: [] });
        rememberTypedCode(scan.scanId, code);
        const site = `site=${encodeURIComponent(siteId)}`;
        navigate(scan.candidates.length > 1 ? `/m/select?${site}` : `/m/confirm?${site}`);
      },
      (err: unknown) => {
        setBusy(false);
        setError(toApiError(err));
      },
    );
  };

  return (
    <div>
      <PageHeader title="Add a device by serial number" />
      <form onSubmit={submit} noValidate>
        <Field
          label="Serial number"
          value={serial}
          autoCapitalize="characters"
          spellCheck={false}
          onChange={(e) => setSerial(e.target.value)}
          hint="On the label, after “S/N”. The short 9-character form works too."
          error={serial && !serialOk ? 'Letters, digits and dashes only, 6 to 48 characters.' : undefined}
        />
        <Field
          label="Verification code (optional)"
          value={code}
          autoCapitalize="characters"
          spellCheck={false}
          onChange={(e) => setCode(e.target.value.trim())}
          hint={code ? <RuleList rules={codeRules} /> : 'Printed on the label; needed when the device connects through the cloud.'}
        />
        <ErrorNotice error={error} />
        {!siteId && <p className="notice notice-error">Choose a site on the start page first.</p>}
        <div className="sticky-actions">
          <button type="submit" className="btn btn-primary btn-big" disabled={!serialOk || !siteId || busy || (code !== '' && !codeRules.every((r) => r.ok))}>
            {busy ? 'Looking up…' : 'Continue'}
          </button>
        </div>
      </form>
      <AddressForm siteId={siteId} />
    </div>
  );
}
