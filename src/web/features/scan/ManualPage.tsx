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
    </div>
  );
}
