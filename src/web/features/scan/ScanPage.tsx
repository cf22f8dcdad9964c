import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { onboardingApi } from '../../api/endpoints';
import type { ScanResult } from '../../api/types';
import { Link, navigate, useLocation } from '../../app/router';
import { Scanner } from '../../camera/Scanner';
import { ErrorNotice, Loading, PageHeader } from '../../ui/components';
import { QrPasswordDialog } from './dialogs';
import { rememberedSiteId } from '../../ui/SitePicker';
import { setScanFlow } from './store';

/** A protected multi-device code is refused (422) until its password is given. */
export function lockedBy(error: ApiError): 'required' | 'wrong' | null {
  if (error.code === 'QR_PASSWORD_REQUIRED') return 'required';
  if (error.code === 'QR_PASSWORD_WRONG') return 'wrong';
  return null;
}

/** Where a scan leads: the manual page for a bare serial, selection for several, else confirm. */
export function nextPageFor(result: ScanResult, siteId: string): string {
  const first = result.candidates[0];
  const site = `site=${encodeURIComponent(siteId)}`;
  if (result.classified.kind === 'serial' && result.candidates.length <= 1 && first?.nextAction === 'enter_verification_code') {
    return `/m/manual?${site}&serial=${encodeURIComponent(first.serial ?? '')}`;
  }
  if (result.candidates.length > 1) return `/m/select?${site}`;
  return `/m/confirm?${site}`;
}

export function ScanPage() {
  const { search } = useLocation();
  const siteId = search.get('site') ?? rememberedSiteId();
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [round, setRound] = useState(0);
  // A locked code, from its text or from a photo only the server could read: asked for its password, then sent again.
  const [locked, setLocked] = useState<{ source: { text: string } | { photo: Blob }; wrong: boolean } | null>(null);

  useEffect(() => {
    if (!siteId) navigate('/m', { replace: true });
  }, [siteId]);
  if (!siteId) return null;

  const handle = (request: Promise<ScanResult>, decoded: string | undefined, photo?: Blob) => {
    setBusy(true);
    setError(undefined);
    request.then(
      (scan) => {
        setLocked(null);
        setScanFlow({ siteId, scan, selected: [] });
        navigate(nextPageFor(scan, siteId));
      },
      (e: unknown) => {
        setBusy(false);
        const err = toApiError(e);
        const lock = lockedBy(err);
        if (lock && (decoded || photo)) {
          setLocked({ source: decoded ? { text: decoded } : { photo: photo! }, wrong: lock === 'wrong' });
          return;
        }
        setError(err);
      },
    );
  };

  const again = () => {
    setLocked(null);
    setText(null);
    setError(undefined);
    setBusy(false);
    setRound((r) => r + 1);
  };

  const manualHref = `/m/manual?site=${encodeURIComponent(siteId)}`;
  return (
    <div className="scan-page">
      <PageHeader title="Scan the device label" />
      {text === null && !busy && !error ? (
        <Scanner
          key={round}
          manualHref={manualHref}
          onText={(t) => {
            setText(t);
            handle(onboardingApi.scanText(siteId, t), t);
          }}
          onUndecodedPhoto={(photo) => {
            setText('');
            handle(onboardingApi.scanImage(siteId, photo), undefined, photo);
          }}
        />
      ) : (
        <div className="scan-result">
          {/* Never the code's raw text: it can be a long encrypted payload, and may carry secrets. */}
          <p>{text ? (locked ? 'This code holds a protected list of devices.' : 'Code read.') : 'Photo sent to the server for a closer look.'}</p>
          {busy && <Loading label="Looking up the device…" />}
          <QrPasswordDialog
            key={locked ? `${locked.wrong}` : 'closed'}
            open={locked !== null}
            wrong={locked?.wrong ?? false}
            onCancel={again}
            onSubmit={(pw) => {
              if (!locked) return;
              const src = locked.source;
              if ('text' in src) handle(onboardingApi.scanText(siteId, src.text, pw), src.text);
              else handle(onboardingApi.scanImage(siteId, src.photo, pw), undefined, src.photo);
            }}
          />
          <ErrorNotice error={error} />
          {error && (
            <div className="stack">
              <button type="button" className="btn btn-primary btn-big" onClick={again}>
                Scan again
              </button>
              <Link to={manualHref} className="btn btn-secondary btn-big">
                Enter manually
              </Link>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
