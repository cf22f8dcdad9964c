import { useEffect } from 'react';
import { Link, navigate, useParams } from '../../app/router';
import { PageHeader } from '../../ui/components';
import { PROBLEM, stepLabel, TERMINAL, useBatchEvents } from './batch';
import { candidateLabel, useScanFlow } from './store';

const ICON: Partial<Record<string, string>> = { added: '✓', already_added: '✓', failed: '✕', needs_action: '!', pending: '⏸' };

/** Per-device progress of a (bulk) add, live from the server. */
export function ProgressPage() {
  const { batchId } = useParams();
  const flow = useScanFlow();
  const candidates = (flow?.scan.candidates ?? []).filter((c) => flow?.selected.includes(c.id));
  // follow: a pending (offline) device is shown being added once it comes online.
  const progress = useBatchEvents(batchId, { follow: true });
  const states = candidates.map((c) => progress.items[c.id]);
  const added = states.filter((s) => s?.state === 'added').length;
  const already = states.filter((s) => s?.state === 'already_added').length;
  const failed = states.filter((s) => s && PROBLEM.has(s.state)).length;
  const pending = states.filter((s) => s?.state === 'pending');
  const finished = progress.settled || (candidates.length > 0 && states.every((s) => s && TERMINAL.has(s.state)));
  const siteQuery = flow ? `?site=${encodeURIComponent(flow.siteId)}` : '';

  return (
    <div>
      <PageHeader title={progress.done ? 'Finished' : finished ? 'Waiting for offline devices' : 'Adding devices…'} />
      <p role="status" aria-live="polite" data-testid="progress-summary">
        {added} added{already ? `, ${already} already here` : ''}
        {failed ? `, ${failed} failed` : ''}
        {pending.length ? `, ${pending.length} waiting` : ''} of {candidates.length}
        {progress.connection === 'retrying' ? ' · reconnecting…' : ''}
      </p>
      {pending.length > 0 && <OfflineHelp lines={pending[0]?.guidance} />}
      <ul className="progress-list">
        {candidates.map((c) => {
          const it = progress.items[c.id];
          const state = it?.state ?? 'queued';
          return (
            <li key={c.id} className={`progress-item state-${state}`} data-testid={`progress-${c.id}`} data-state={state}>
              <span className="progress-icon" aria-hidden="true">
                {ICON[state] ?? '…'}
              </span>
              <span className="candidate-main">
                <span className="candidate-name">{candidateLabel(c)}</span>
                <span className="candidate-meta">{stepLabel(it)}</span>
                {it && PROBLEM.has(it.state) && it.error?.hint && <span className="notice-hint">{it.error.hint}</span>}
              </span>
            </li>
          );
        })}
      </ul>
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
