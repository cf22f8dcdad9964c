import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { onboardingApi } from '../../api/endpoints';
import type { BatchItem, Candidate, ScanResult } from '../../api/types';
import { Link, navigate, useParams } from '../../app/router';
import { useAsync } from '../../ui/async';
import { ErrorNotice, PageHeader } from '../../ui/components';
import { retryNeeds, useAddFlow, type Need } from './add-flow';
import { deviceTitle } from '../../ui/format';
import { endMessage, PROBLEM, retryOutcome, stepLabel, TERMINAL, useBatchEvents } from './batch';
import { candidateLabel, setScanFlow, useScanFlow } from './store';

const ICON: Partial<Record<string, string>> = { added: '✓', already_added: '✓', failed: '✕', needs_action: '!', pending: '⏸' };

/** Where a device stands now: its own state, or that of its latest retry (another batch). */
function currentState(it: BatchItem): string {
  return PROBLEM.has(it.state) && it.latestRetry ? it.latestRetry.state : it.state;
}
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
    return c ? candidateLabel(c) : deviceTitle({ name: it.name, serial: it.serial });
  };
  items.sort((a, b) => position(a.candidateId) - position(b.candidateId) || label(a).localeCompare(label(b)));
  // Totals by where each device stands now: one a later retry added counts as added.
  const added = items.filter((s) => currentState(s) === 'added').length;
  const already = items.filter((s) => currentState(s) === 'already_added').length;
  const failed = items.filter((s) => PROBLEM.has(currentState(s))).length;
  const pending = items.filter((s) => s.state === 'pending');
  const total = view.data?.items.length ?? items.length;
  const finished = progress.settled || (items.length > 0 && items.every((s) => TERMINAL.has(s.state)));
  const siteId = view.data?.siteId ?? flow?.siteId;
  const siteQuery = siteId ? `?site=${encodeURIComponent(siteId)}` : '';

  // Retrying one device: make its scan the current flow, then open the dialogs it needs.
  const addFlow = useAddFlow(flow);
  const [retry, setRetry] = useState<{ scanId: string; candidateId: string; needs: Need[] } | null>(null);
  const [retryError, setRetryError] = useState<ApiError | undefined>();
  // Devices left out of this batch in a dialog ("Skip this device"), while this tab's flow knows them.
  const skipped = flow && flow.batchId === batchId && scan ? scan.candidates.filter((c) => flow.skipped?.includes(c.id)) : [];
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
  /** Add one device of this scan again: a failed row (with its error) or a skipped device. */
  const startRetry = (candidateId: string, errorCode: string | undefined) => {
    setRetryError(undefined);
    scanFor().then(
      (found) => {
        const c = found?.candidates.find((x) => x.id === candidateId);
        const needs = c ? retryNeeds(c, errorCode) : null;
        if (!found || !c || !needs || !siteId) return;
        // The same scan: this page keeps its batch and skipped devices until the retry starts.
        const same = flow && flow.scan.scanId === found.scanId ? { batchId: flow.batchId, skipped: flow.skipped } : {};
        setScanFlow({ siteId, scan: found, selected: [candidateId], ...same });
        setRetry({ scanId: found.scanId, candidateId, needs });
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
      {endMessage(progress.ended) && (
        <p role="alert" className="notice notice-error" data-testid="progress-ended">
          {endMessage(progress.ended)}
        </p>
      )}
      <ErrorNotice error={view.error ?? retryError ?? addFlow.error} onRetry={view.error ? view.reload : undefined} />
      {pending.length > 0 && <OfflineHelp lines={pending[0]?.guidance} started />}
      <ul className="progress-list">
        {items.map((it) => {
          const c = scan?.candidates.find((x) => x.id === it.candidateId);
          const later = PROBLEM.has(it.state) ? it.latestRetry : null;
          const state = currentState(it);
          // A retried device is retried (again) from its latest attempt's page, not from here.
          const needs = PROBLEM.has(it.state) && !later ? retryNeedsFor(c, it) : null;
          return (
            <li key={it.candidateId} className={`progress-item state-${state}`} data-testid={`progress-${it.candidateId}`} data-state={state}>
              <span className="progress-icon" aria-hidden="true">
                {ICON[state] ?? '…'}
              </span>
              <span className="candidate-main">
                <span className="candidate-name">{label(it)}</span>
                <span className="candidate-meta">{later ? retryOutcome(later) : stepLabel(it)}</span>
                {!later && PROBLEM.has(it.state) && it.error?.hint && <span className="notice-hint">{it.error.hint}</span>}
                {later && PROBLEM.has(later.state) && later.error?.hint && <span className="notice-hint">{later.error.hint}</span>}
              </span>
              {later && (
                <Link to={`/m/progress/${encodeURIComponent(later.batchId)}`} className="progress-action" aria-label={`Open the retry of ${label(it)}`}>
                  Open the retry
                </Link>
              )}
              {needs && (
                <button type="button" className="btn btn-secondary progress-action" disabled={addFlow.busy || retry !== null} onClick={() => startRetry(it.candidateId, it.error?.code)} aria-label={`${RETRY_LABEL[needs[0] ?? 'none']} ${label(it)}`}>
                  {RETRY_LABEL[needs[0] ?? 'none']}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {skipped.length > 0 && (
        <section className="notice notice-info skipped" data-testid="skipped" aria-labelledby="skipped-title">
          <h2 id="skipped-title" className="notice-message">
            Skipped: not added
          </h2>
          <ul className="progress-list">
            {skipped.map((c) => {
              const needs = retryNeeds(c, undefined) ?? [];
              const action = needs[0] ? RETRY_LABEL[needs[0]] : 'Add it now';
              return (
                <li key={c.id} className="progress-item">
                  <span className="progress-icon" aria-hidden="true">
                    –
                  </span>
                  <span className="candidate-main">
                    <span className="candidate-name">{candidateLabel(c)}</span>
                    <span className="candidate-meta">You skipped it: it was not added.</span>
                  </span>
                  <button type="button" className="btn btn-secondary progress-action" disabled={addFlow.busy || retry !== null} onClick={() => startRetry(c.id, undefined)} aria-label={`${action} ${candidateLabel(c)}`}>
                    {action}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
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
  'Sitekeeper keeps the device pending and finishes adding it as soon as it comes online.',
];

/**
 * What to do about an offline device: the server's guidance lines when it sent them (they also
 * say, once, that it is added by itself: not repeated here). A list, not steps: wired and Wi-Fi
 * are alternatives. `started`: the add is under way, so leaving the page is fine.
 */
export function OfflineHelp({ lines, started = false }: { lines?: string[] | undefined; started?: boolean }) {
  const list = lines && lines.length > 0 ? lines : DEFAULT_GUIDANCE;
  return (
    <div className="notice notice-info offline-help">
      <p className="notice-message">The device is not online yet. To bring it online:</p>
      <ul>
        {list.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      {started && <p className="notice-hint">You can leave this page: the add continues on the server.</p>}
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
      {problem ? it.error?.hint && <p className="notice-hint">{it.error.hint}</p> : <OfflineHelp lines={it?.guidance.length ? it.guidance : c?.guidance} started />}
      <div className="sticky-actions">
        <Link to={`/m/scan${siteId ? `?site=${encodeURIComponent(siteId)}` : ''}`} className="btn btn-secondary btn-big">
          Scan another meanwhile
        </Link>
      </div>
    </div>
  );
}
