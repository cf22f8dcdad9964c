import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { onboardingApi } from '../../api/endpoints';
import type { BatchItem, Candidate, ScanResult } from '../../api/types';
import { Link, navigate, useParams } from '../../app/router';
import { useAsync } from '../../ui/async';
import { ErrorNotice, PageHeader } from '../../ui/components';
import { retryNeeds, useAddFlow, type Need } from './add-flow';
import { PROBLEM, stepLabel, TERMINAL, useBatchEvents } from './batch';
import { candidateLabel, setScanFlow, useScanFlow } from './store';

const ICON: Partial<Record<string, string>> = { added: '✓', already_added: '✓', failed: '✕', needs_action: '!', pending: '⏸' };
const RETRY_LABEL: Record<Need | 'none', string> = { activate: 'Activate…', password: 'Enter the password…', cloud: 'Enable the cloud service…', code: 'Enter the code…', none: 'Try again' };

/**
 * Per-device progress of a (bulk) add, live from the server. Works from the scan flow or on its
 * own (a notification's link, a reload in another tab): rows come from the batch itself. A device
 * that needs something or failed for a reason a second try can fix gets a retry button.
 */
export function ProgressPage() {
  const { batchId } = useParams();
  const flow = useScanFlow();
  const view = useAsync((signal) => onboardingApi.batch(batchId ?? '', signal), [batchId]);
  // follow: a pending (offline) device is shown being added once it comes online.
  const progress = useBatchEvents(batchId, { follow: true });
  const scan = flow && view.data && flow.scan.scanId === view.data.scanId ? flow.scan : undefined;
  const items: BatchItem[] = Object.values({ ...Object.fromEntries((view.data?.items ?? []).map((i) => [i.candidateId, i])), ...progress.items });
  const position = (id: string) => scan?.candidates.findIndex((c) => c.id === id) ?? -1;
  const label = (it: BatchItem) => {
    const c = scan?.candidates.find((x) => x.id === it.candidateId);
    return c ? candidateLabel(c) : it.name || it.serial || 'Device';
  };
  items.sort((a, b) => position(a.candidateId) - position(b.candidateId) || label(a).localeCompare(label(b)));
  const added = items.filter((s) => s.state === 'added').length;
  const already = items.filter((s) => s.state === 'already_added').length;
  const failed = items.filter((s) => PROBLEM.has(s.state)).length;
  const pending = items.filter((s) => s.state === 'pending');
  const total = view.data?.items.length ?? items.length;
  const finished = progress.settled || (items.length > 0 && items.every((s) => TERMINAL.has(s.state)));
  const siteId = view.data?.siteId ?? flow?.siteId;
  const siteQuery = siteId ? `?site=${encodeURIComponent(siteId)}` : '';

  // Retrying one device: make its scan the current flow, then open the dialogs it needs.
  const addFlow = useAddFlow(flow);
  const [retry, setRetry] = useState<{ scanId: string; candidateId: string; needs: Need[] } | null>(null);
  const [retryError, setRetryError] = useState<ApiError | undefined>();
  useEffect(() => {
    if (retry && flow?.scan.scanId === retry.scanId && flow.selected.length === 1 && flow.selected[0] === retry.candidateId) {
      setRetry(null);
      addFlow.startWith([retry.candidateId], retry.needs);
    }
  }, [retry, flow, addFlow]);
  const scanFor = async (): Promise<ScanResult | undefined> => {
    if (scan) return scan;
    if (!view.data) return undefined;
    const s = await onboardingApi.scan(view.data.scanId);
    return { scanId: s.scanId, classified: s.classified, candidates: s.candidates };
  };
  const startRetry = (it: BatchItem) => {
    setRetryError(undefined);
    scanFor().then(
      (found) => {
        const c = found?.candidates.find((x) => x.id === it.candidateId);
        const needs = c ? retryNeeds(c, it.error?.code) : null;
        if (!found || !c || !needs || !siteId) return;
        setScanFlow({ siteId, scan: found, selected: [it.candidateId] });
        setRetry({ scanId: found.scanId, candidateId: it.candidateId, needs });
      },
      (e: unknown) => setRetryError(toApiError(e)),
    );
  };

  return (
    <div>
      <PageHeader title={progress.done ? 'Finished' : finished ? 'Waiting for offline devices' : 'Adding devices…'} />
      <p role="status" aria-live="polite" data-testid="progress-summary">
        {added} added{already ? `, ${already} already here` : ''}
        {failed ? `, ${failed} failed` : ''}
        {pending.length ? `, ${pending.length} waiting` : ''} of {total}
        {progress.connection === 'retrying' ? ' · reconnecting…' : ''}
      </p>
      <ErrorNotice error={view.error ?? retryError ?? addFlow.error} onRetry={view.error ? view.reload : undefined} />
      {pending.length > 0 && <OfflineHelp lines={pending[0]?.guidance} />}
      <ul className="progress-list">
        {items.map((it) => {
          const c = scan?.candidates.find((x) => x.id === it.candidateId);
          const needs = PROBLEM.has(it.state) ? retryNeedsFor(c, it) : null;
          return (
            <li key={it.candidateId} className={`progress-item state-${it.state}`} data-testid={`progress-${it.candidateId}`} data-state={it.state}>
              <span className="progress-icon" aria-hidden="true">
                {ICON[it.state] ?? '…'}
              </span>
              <span className="candidate-main">
                <span className="candidate-name">{label(it)}</span>
                <span className="candidate-meta">{stepLabel(it)}</span>
                {PROBLEM.has(it.state) && it.error?.hint && <span className="notice-hint">{it.error.hint}</span>}
              </span>
              {needs && (
                <button type="button" className="btn btn-secondary" disabled={addFlow.busy || retry !== null} onClick={() => startRetry(it)} aria-label={`${RETRY_LABEL[needs[0] ?? 'none']} ${label(it)}`}>
                  {RETRY_LABEL[needs[0] ?? 'none']}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {addFlow.dialogs}
      {finished && (
        <div className="sticky-actions">
          <Link to={`/m/devices${siteQuery}`} className="btn btn-primary btn-big">
            Show the site's devices
          </Link>
          <Link to={`/m/scan${siteQuery}`} className="btn btn-secondary btn-big">
            Scan another
          </Link>
        </div>
      )}
    </div>
  );
}

/** The retry needs of a row; without the scan at hand, judged from the error alone. */
function retryNeedsFor(c: Candidate | undefined, it: BatchItem): Need[] | null {
  const stub = { nextAction: 'add' } as Candidate;
  return retryNeeds(c ?? stub, it.error?.code);
}

const DEFAULT_GUIDANCE = [
  'Check that the device has power (the status LED is lit).',
  'Plug in its network cable, or join it to Wi-Fi with the vendor app.',
  'Make sure the router gives it an address (DHCP) and lets it reach the internet.',
];

/** What to do about an offline device: the server's guidance lines when it sent them. */
export function OfflineHelp({ lines }: { lines?: string[] | undefined }) {
  const list = lines && lines.length > 0 ? lines : DEFAULT_GUIDANCE;
  return (
    <div className="notice notice-info offline-help">
      <p className="notice-message">The device is not online yet. It stays pending and is added by itself once it connects.</p>
      <ol>
        {list.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ol>
      <p className="notice-hint">You can leave this page: the add continues on the server.</p>
    </div>
  );
}

/** A single offline device: guidance while it is pending, then straight to the device list. */
export function OfflinePage() {
  const { batchId } = useParams();
  const flow = useScanFlow();
  const c = flow?.scan.candidates.find((x) => flow.selected.includes(x.id));
  const progress = useBatchEvents(batchId, { follow: true });
  const it = c ? progress.items[c.id] : undefined;
  const siteId = flow?.siteId;
  const serial = it?.serial ?? c?.serial ?? '';
  useEffect(() => {
    if (it?.state === 'added' && siteId) navigate(`/m/devices?site=${encodeURIComponent(siteId)}&added=${encodeURIComponent(serial)}`);
  }, [it?.state, siteId, serial]);
  const problem = it && (PROBLEM.has(it.state) || it.state === 'already_added');
  return (
    <div>
      <PageHeader title="Waiting for the device" />
      {c && <p className="candidate-name">{candidateLabel(c)}</p>}
      <p role="status" aria-live="polite" data-testid="offline-state">
        {problem ? (it.error?.message ?? 'The add failed.') : `Status: ${stepLabel(it)}`}
      </p>
      {problem ? it.error?.hint && <p className="notice-hint">{it.error.hint}</p> : <OfflineHelp lines={it?.guidance.length ? it.guidance : c?.guidance} />}
      <div className="sticky-actions">
        <Link to={`/m/scan${siteId ? `?site=${encodeURIComponent(siteId)}` : ''}`} className="btn btn-secondary btn-big">
          Scan another meanwhile
        </Link>
      </div>
    </div>
  );
}
